// Package ui owns the local web inspector and gallery behind `novita ui` and `novita listen --ui`: an
// HTTP server on loopback that shows live webhook deliveries (server-sent events) with replay and
// edit-and-replay, and the task journal as a gallery of the files it produced.
//
// The package knows neither the journal nor the receiver: the caller supplies them through three
// narrow interfaces (EventSource, Store, Actions) that speak this package's own view types. Hub is a
// ready EventSource that a receiver publishes into.
//
// Everything it serves is guarded as a Jupyter server is: a random token (query string once, then a
// cookie) on every request, a Host check against DNS rebinding, POST plus a same-origin check for
// anything that changes state, a strict Content-Security-Policy, and files served only from paths the
// Store records for a task, never from a path taken from the request.
//
// Every route lives under a random per-run prefix (/ui-XXXX/, in URL()) and the page's requests are
// relative, so the token cookie is scoped to that path as well as named per port: cookies ignore ports,
// and a cookie with Path=/ would reach every other service on 127.0.0.1. / redirects to the prefix.
//
// Routes (all behind the guard; POST ones also behind the same-origin check), below the prefix:
//
//	GET  /                              the page (assets/index.html); /static/{name} its files
//	GET  /api/info                      {"live","store","actions"}: what this server can do
//	GET  /api/events?status&task_type&q&limit   Store + live events, newest first
//	GET  /api/events/stream             server-sent events, "event: delivery"
//	GET  /api/events/export?...         the same list as NDJSON, bodies embedded as JSON
//	GET  /api/events/{id}               one event
//	POST /api/events/{id}/replay        Actions.Replay with the original body
//	POST /api/events/{id}/replay-edited Actions.Replay with the request body (must be JSON)
//	POST /api/test-event                {"status": "SUCCEED"|"FAILED", "task": "txt2img"}
//	GET  /api/tasks?status&task&q&limit the gallery
//	GET  /api/tasks/{id}                one task, its request and files
//	POST /api/tasks/{id}/download       Actions.DownloadAgain, only while an output URL is valid
//	GET  /files/{task}/{n}              the n-th file of the task, from the Store's path
package ui
