package acceptance

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/journal/journaltest"
	"github.com/novita-cli/novita/pkg/sandbox"
	"github.com/novita-cli/novita/pkg/tunnel/ngroktest"
)

const ngrokToken = "2abcNGROKsecretTOKEN_0123456789"

func (c *cli) useEdge(edge *ngroktest.Edge) {
	c.deps.NgrokConnectURL = edge.ConnectAddr()
	c.deps.NgrokRootCAs = edge.CertPool()
	c.deps.TunnelConnectTimeout = 5 * time.Second
	c.env["NGROK_AUTHTOKEN"] = ngrokToken
}

func TestNgrokTunnelDeliversTheWebhookEndToEnd(t *testing.T) {
	t.Parallel()
	edge := ngroktest.Start(t, ngroktest.Options{})
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{})
	c.useSandbox(sb)
	c.useEdge(edge)
	c.webhookOnly()
	r := c.run("--json", "submit", "txt2img", "--prompt", "a fox", "--width", "128", "--height", "128", "--wait", "--tunnel", "ngrok")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	d := decodeDoc(t, r.stdout)
	if d.DeliveredBy != "webhook" || len(d.Files) != 1 {
		t.Fatalf("want delivery via webhook through the ngrok tunnel: %+v\n%s", d, r.stderr)
	}
	if edge.Sessions() < 1 || edge.LastAuthtoken() != ngrokToken {
		t.Fatalf("the real ngrok agent should have authenticated at the fake edge")
	}
	if interval, _ := edge.LastHeartbeat(); interval != testHeartbeat {
		t.Fatalf("the agent beats every %s, not the %s the command line was given", interval, testHeartbeat)
	}
	hook := submittedWebhookURL(t, sb)
	if !strings.HasPrefix(hook, edge.PublicURL()) || !strings.Contains(hook, "/webhook/") {
		t.Fatalf("the task was submitted with webhook %q, not the tunnel's URL %q", hook, edge.PublicURL())
	}
	if strings.Contains(r.stdout+r.stderr, ngrokToken) {
		t.Fatal("the ngrok authtoken leaked into the output")
	}
}

func TestNgrokSessionDropDuringTheWaitStillDelivers(t *testing.T) {
	t.Parallel()
	edge := ngroktest.Start(t, ngroktest.Options{})
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{TaskDuration: 4 * time.Second})
	c.useSandbox(sb)
	c.useEdge(edge)
	go func() {
		for len(sb.Requests()) == 0 {
			time.Sleep(20 * time.Millisecond)
		}
		edge.DropSessions()
	}()
	slow := testSchedule()
	slow.FirstSafe, slow.SafetyMin, slow.SafetyMax = time.Minute, time.Minute, time.Minute // only the webhook can finish this
	c.deps.Schedule = &slow
	r := c.run("--json", "submit", "txt2img", "--prompt", "a fox", "--width", "128", "--height", "128", "--wait", "--tunnel", "ngrok", "--timeout", "30s")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if d := decodeDoc(t, r.stdout); d.DeliveredBy != "webhook" {
		t.Fatalf("delivered_by %q", d.DeliveredBy)
	}
	if !strings.Contains(r.stderr, "reconnecting") || !strings.Contains(r.stderr, "reconnected") || edge.Sessions() < 2 {
		t.Fatalf("a session drop should be reported and survived (sessions %d):\n%s", edge.Sessions(), r.stderr)
	}
}

func TestNgrokBadTokenFailsFastWithExit4(t *testing.T) {
	t.Parallel()
	edge := ngroktest.Start(t, ngroktest.Options{RejectAuth: true})
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{})
	c.useSandbox(sb)
	c.useEdge(edge)
	c.deps.TunnelConnectTimeout = 15 * time.Second
	start := time.Now()
	r := c.run("submit", "txt2img", "--prompt", "a fox", "--wait", "--tunnel", "ngrok")
	if r.code != 4 || !strings.Contains(r.stderr, "NGROK_AUTHTOKEN") || !strings.Contains(r.stderr, "novita config set ngrok_authtoken") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if el := time.Since(start); el > 8*time.Second {
		t.Fatalf("a rejected token must fail fast, took %s", el)
	}
	if strings.Contains(r.stdout+r.stderr, ngrokToken) {
		t.Fatal("the ngrok authtoken leaked into the output")
	}
	if n := len(sb.Requests()); n != 0 {
		t.Fatalf("no task may be submitted when the tunnel is refused (%d requests)", n)
	}
}

func TestUnreachableEdgeWarnsAndFallsBackToPolling(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{})
	c.useSandbox(sb)
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := l.Addr().String()
	l.Close()
	c.deps.NgrokConnectURL = closed
	c.deps.TunnelConnectTimeout = time.Second
	c.env["NGROK_AUTHTOKEN"] = ngrokToken
	r := c.run("--json", "submit", "txt2img", "--prompt", "a fox", "--width", "128", "--height", "128", "--wait", "--tunnel", "ngrok")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if d := decodeDoc(t, r.stdout); d.DeliveredBy != "poll" {
		t.Fatalf("delivered_by %q", d.DeliveredBy)
	}
	if !strings.Contains(r.stderr, "warning:") || !strings.Contains(r.stderr, "polling") {
		t.Fatalf("expected a warning about the fallback:\n%s", r.stderr)
	}
	// The engine states that the service is unreachable; the command line says which modes need none.
	if strings.Contains(r.stderr, "cannot reach the ngrok service") && !strings.Contains(r.stderr, "--tunnel local or none works without it") {
		t.Fatalf("the warning does not say how to do without ngrok:\n%s", r.stderr)
	}
}

func TestDuplicatedWebhookDownloadsOnce(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{WebhookDuplicate: true})
	c.useSandbox(sb)
	c.webhookOnly()
	r := c.run("--json", "submit", "txt2img", "--prompt", "twice", "--width", "128", "--height", "128", "--wait")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if d := decodeDoc(t, r.stdout); d.DeliveredBy != "webhook" || len(d.Files) != 1 {
		t.Fatalf("%+v", d)
	}
	if n := countRequests(sb, "/outputs/"); n != 1 {
		t.Fatalf("the output was downloaded %d times", n)
	}
}

func TestLateWebhookAfterPollingWonIsHarmless(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{WebhookDelay: 3 * time.Second})
	c.useSandbox(sb)
	r := c.run("--json", "submit", "txt2img", "--prompt", "late", "--width", "128", "--height", "128", "--wait")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if d := decodeDoc(t, r.stdout); d.DeliveredBy != "poll" {
		t.Fatalf("polling should have won before the delayed webhook: %+v", d)
	}
}

// gatedTransport holds every request until open is closed.
type gatedTransport struct {
	open <-chan struct{}
	next http.RoundTripper
}

func (g gatedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	select {
	case <-g.open:
	case <-r.Context().Done():
		return nil, r.Context().Err()
	}
	return g.next.RoundTrip(r)
}

// TestForgedWebhooksCannotRedirectDownloads posts two forged events to the secret receiver while the
// task runs: one for another task, one for ours pointing at an attacker's URL. Neither may change
// what is downloaded, because the result is re-read from the API with our key.
func TestForgedWebhooksCannotRedirectDownloads(t *testing.T) {
	t.Parallel()
	var evilHits atomic.Int32
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		evilHits.Add(1)
		w.Write([]byte("not the real image"))
	}))
	defer evil.Close()
	c := newCLI(t)
	// The genuine webhook leaves the sandbox only after both forged ones were answered, however slow
	// the machine: the forged ones must arrive first.
	forgedDone := make(chan struct{})
	gate := &http.Client{Transport: gatedTransport{open: forgedDone, next: http.DefaultTransport}}
	sb := startSandbox(t, sandbox.Options{TaskDuration: 1500 * time.Millisecond, WebhookDelay: 500 * time.Millisecond, WebhookClient: gate})
	c.useSandbox(sb)
	slow := testSchedule()
	slow.FirstSafe, slow.SafetyMin, slow.SafetyMax = time.Minute, time.Minute, time.Minute // only the genuine webhook can end the wait
	c.deps.Schedule = &slow
	forged := make(chan int, 2)
	go func() {
		defer close(forgedDone)
		hook, id := waitForSubmit(sb, c.env["NOVITA_STATE_DIR"])
		for _, taskID := range []string{"someone-elses-task", id} {
			ev := map[string]any{"event_type": "ASYNC_TASK_RESULT", "payload": map[string]any{
				"task":   map[string]any{"task_id": taskID, "status": "TASK_STATUS_SUCCEED", "task_type": "TXT_TO_IMG"},
				"images": []any{map[string]any{"image_url": evil.URL + "/x.png", "image_type": "png", "image_url_ttl": 3600}},
			}}
			b, _ := json.Marshal(ev)
			resp, err := http.Post(hook, "application/json", bytes.NewReader(b))
			if err == nil {
				forged <- resp.StatusCode
				resp.Body.Close()
			}
		}
	}()
	r := c.run("--json", "submit", "txt2img", "--prompt", "genuine", "--width", "128", "--height", "128", "--wait", "--timeout", "20s")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	d := decodeDoc(t, r.stdout)
	if d.DeliveredBy != "webhook" {
		t.Fatalf("the genuine webhook must still count after a forged one: delivered_by %q", d.DeliveredBy)
	}
	if len(forged) != 2 {
		t.Fatalf("the forged events were not delivered to the receiver")
	}
	if evilHits.Load() != 0 {
		t.Fatal("a forged webhook made the CLI fetch the attacker's URL")
	}
	want, err := sb.OutputSHA256(d.Files[0].URL)
	if err != nil || want != d.Files[0].SHA256 || !strings.HasPrefix(d.Files[0].URL, sb.URL()) {
		t.Fatalf("the downloaded file is not the sandbox's output: %v %+v", err, d.Files[0])
	}
}

func submittedWebhookURL(t *testing.T, sb *sandbox.Server) string {
	t.Helper()
	for _, req := range sb.Requests() {
		if req.Method == http.MethodPost && strings.HasPrefix(req.Path, "/v3/async/") {
			var body struct {
				Extra struct {
					Webhook struct {
						URL string `json:"url"`
					} `json:"webhook"`
				} `json:"extra"`
			}
			json.Unmarshal(req.Body, &body)
			return body.Extra.Webhook.URL
		}
	}
	t.Fatal("no submit reached the sandbox")
	return ""
}

// waitForSubmit returns the webhook URL of the first submit and the task id the journal recorded.
func waitForSubmit(sb *sandbox.Server, stateDir string) (hook, id string) {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if es, _ := journaltest.Tasks(stateDir); len(es) > 0 {
			for _, req := range sb.Requests() {
				if req.Method == http.MethodPost && strings.HasPrefix(req.Path, "/v3/async/") && req.Status == 200 {
					var body struct {
						Extra struct {
							Webhook struct{ URL string } `json:"webhook"`
						} `json:"extra"`
					}
					json.Unmarshal(req.Body, &body)
					return body.Extra.Webhook.URL, es[0].ID
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return "", ""
}

func countRequests(sb *sandbox.Server, prefix string) int {
	n := 0
	for _, r := range sb.Requests() {
		if strings.HasPrefix(r.Path, prefix) {
			n++
		}
	}
	return n
}

func TestNgrokAuthtokenFlagBeatsTheEnvironment(t *testing.T) {
	t.Parallel()
	edge := ngroktest.Start(t, ngroktest.Options{})
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{})
	c.useSandbox(sb)
	c.useEdge(edge)
	const flagToken = "2flagTOKENfromTheCommandLine_987"
	r := c.run("submit", "txt2img", "--prompt", "x", "--width", "128", "--height", "128", "--wait",
		"--tunnel", "ngrok", "--ngrok-authtoken", flagToken, "--no-download")
	if r.code != 0 || edge.LastAuthtoken() != flagToken {
		t.Fatalf("exit %d, edge saw token %q\n%s", r.code, edge.LastAuthtoken(), r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, flagToken) {
		t.Fatal("the flag's token leaked into the output")
	}
}
