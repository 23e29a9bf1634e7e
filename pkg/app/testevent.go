package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/novita-cli/novita/pkg/body"
	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/listen"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/testevent"
)

// TestEventOptions is what `novita test-event` was asked to do.
type TestEventOptions struct {
	Status     string
	Task       string
	Timeout    time.Duration
	To         string
	Local      bool
	FromFile   string
	Sets       []string
	RetryDelay time.Duration
	Tunnel     TunnelFlags
}

// RunTestEvent has a test-mode event delivered (by the API, or built and sent locally) and checks it.
func RunTestEvent(ctx context.Context, e *Env, o TestEventOptions) error {
	want, err := parseTestStatus(o.Status)
	if err != nil {
		return err
	}
	task, err := catalog.Resolve(o.Task)
	if err != nil {
		return err
	}
	switch {
	case o.FromFile != "" || o.Local:
		if o.To == "" {
			return clierr.Usagef("--local and --from-file send the event themselves: add --to URL (your endpoint)")
		}
		return sendLocal(ctx, e, o, task, want)
	case len(o.Sets) > 0:
		return clierr.Usagef("--set edits a locally built event: use it with --local --to URL")
	}
	if err := e.NeedKey(); err != nil {
		return err
	}
	req, err := testRequest(ctx, e, task)
	if err != nil {
		return err
	}
	if o.To != "" {
		body.SetWebhook(req, o.To)
		body.SetTestMode(req, string(want))
		id, err := submitTest(ctx, e, task, req)
		if err != nil {
			return err
		}
		e.IO.Statusf("asked Novita to deliver a %s test event to %s (test task %s)", want.Short(), o.To, id)
		return nil
	}
	return roundTrip(ctx, e, o, task, req, want)
}

// roundTrip opens a receiver, asks for a test event to it and checks what arrives.
func roundTrip(ctx context.Context, e *Env, o TestEventOptions, task catalog.Task, req map[string]any, want novita.Status) error {
	hooks, err := e.openHooks(ctx, o.Tunnel, true)
	if err != nil {
		return fmt.Errorf("test-event: %w", err)
	}
	if hooks == nil {
		return clierr.Usagef("test-event needs a receiver: set NGROK_AUTHTOKEN, use --tunnel local with --public-url, or send to your endpoint with --to URL")
	}
	defer hooks.Close()
	body.SetWebhook(req, hooks.URL)
	body.SetTestMode(req, string(want))
	id, err := submitTest(ctx, e, task, req)
	if err != nil {
		return err
	}
	e.IO.Statusf("requested a %s test event (task %s); waiting for it at %s/...", want.Short(), id, hooks.tun.URL())
	var timeout <-chan time.Time
	if o.Timeout > 0 {
		timeout = e.After(o.Timeout)
	}
	for {
		select {
		case <-ctx.Done():
			return clierr.New(clierr.KindInterrupted, fmt.Errorf("interrupted while waiting for the test event"))
		case <-timeout:
			return clierr.New(clierr.KindTimeout, fmt.Errorf("no test event arrived within %s (the API accepted test task %s)", o.Timeout, id))
		case d, ok := <-hooks.all:
			if !ok {
				return fmt.Errorf("the receiver stopped before the test event arrived")
			}
			if d.Event == nil || d.Ignored || d.Duplicate {
				continue
			}
			if e.JSON {
				if err := writeCompact(e.IO.Out, d.Body); err != nil {
					return err
				}
			} else {
				fmt.Fprintln(e.IO.Out, listen.FormatLine(d, e.IO.ColorEnabled()))
			}
			if err := testevent.Check(d.Body, want); err != nil {
				return clierr.Reported(err)
			}
			e.IO.Statusf("test event arrived as asked: ASYNC_TASK_RESULT %s", want.Short())
			return nil
		}
	}
}

// sendLocal builds (or loads) an event and POSTs it with Novita's delivery policy.
func sendLocal(ctx context.Context, e *Env, o TestEventOptions, task catalog.Task, want novita.Status) error {
	var ev []byte
	var err error
	if o.FromFile != "" {
		if ev, err = os.ReadFile(o.FromFile); err != nil {
			return clierr.Usagef("--from-file: %v", err)
		}
	} else {
		if ev, err = testevent.Fixture(task.Name, want, newTestID()); err != nil {
			return err
		}
	}
	if ev, err = testevent.Edit(ev, o.Sets); err != nil {
		return err
	}
	res, err := testevent.Send(ctx, testevent.SendOptions{
		URL: o.To, Body: ev, RetryDelay: o.RetryDelay,
		OnAttempt: func(a testevent.Attempt) { e.IO.Statusf("%s", attemptLine(o.To, a)) },
	})
	if e.JSON {
		if werr := writeJSON(e.IO.Out, attemptsDoc(o.To, res, err)); werr != nil {
			return werr
		}
		if err != nil {
			return clierr.Reported(err)
		}
		return nil
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.IO.Out, "delivered to %s after %d attempt(s)\n", o.To, len(res.Attempts))
	return nil
}

func submitTest(ctx context.Context, e *Env, task catalog.Task, req map[string]any) (string, error) {
	raw, err := body.Marshal(req)
	if err != nil {
		return "", err
	}
	return e.Client.Submit(ctx, task.Endpoint, raw)
}

// testRequest builds a minimal valid body for task: a placeholder prompt or text where one is needed.
func testRequest(ctx context.Context, e *Env, task catalog.Task) (map[string]any, error) {
	in := body.Input{Flags: map[string]string{}, Lists: map[string][]string{}, HTTPClient: e.HTTP}
	if _, ok := task.Flag("prompt"); ok {
		in.Flags["prompt"] = "novita test event"
	}
	if _, ok := task.Flag("text"); ok {
		in.Lists["text"] = []string{"novita test event"}
	}
	return body.Build(ctx, task, in)
}

func parseTestStatus(s string) (novita.Status, error) {
	if s == "" {
		return novita.StatusSucceed, nil
	}
	st, err := novita.ParseStatus(s)
	if err != nil || (st != novita.StatusSucceed && st != novita.StatusFailed) {
		return "", clierr.Usagef("invalid --status %q: valid values are SUCCEED and FAILED (also TASK_STATUS_SUCCEED, TASK_STATUS_FAILED, any case)", s)
	}
	return st, nil
}

func newTestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return strings.Join([]string{h[:8], h[8:12], h[12:16], h[16:20], h[20:]}, "-")
}

func attemptLine(url string, a testevent.Attempt) string {
	if a.Err != nil {
		return fmt.Sprintf("attempt %d: POST %s failed after %d ms: %v", a.N, url, a.Latency.Milliseconds(), a.Err)
	}
	return fmt.Sprintf("attempt %d: [%d] POST %s (%d ms)", a.N, a.Status, url, a.Latency.Milliseconds())
}

// attemptsDoc is the --json output of a local delivery.
func attemptsDoc(url string, res testevent.Result, err error) map[string]any {
	var list []map[string]any
	for _, a := range res.Attempts {
		m := map[string]any{"attempt": a.N, "status": a.Status, "latency_ms": a.Latency.Milliseconds()}
		if a.Err != nil {
			m["error"] = a.Err.Error()
		}
		list = append(list, m)
	}
	return map[string]any{"url": url, "delivered": err == nil, "attempts": list}
}
