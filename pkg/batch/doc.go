// Package batch owns running many tasks at once through one webhook receiver: reading a batch file
// (one JSON object or prompt per line), a bounded pool of submitters, ONE wait engine (pkg/waiter) for
// every pending task (never a poller per task), a back-off gate shared by submits and reads so a 429
// pauses everything at once, and routing each final result to the caller in completion order.
//
// Memory stays small per line, so a batch of tens of thousands fits in a few tens of MiB: a body is
// dropped once it is sent, a raw result once Finish and Done had it, and reads wait while the
// finishers (downloads) are behind instead of piling final results up.
//
// A line is never lost or submitted twice: a submit is retried only when the API surely did not create
// the task (429); once a submit request is on the wire it is allowed to finish even when the run is
// stopped, so its task id is reported (and journalled by the caller) rather than forgotten.
//
// The package knows nothing of the terminal, the journal or downloads: the caller passes functions.
package batch
