// Package testevent is the `novita test-event` command: have a test-mode webhook event delivered by
// the API, or build one locally and send it with Novita's delivery policy.
package testevent

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/cmd/internal/receiver"
	"github.com/novita-cli/novita/cmd/taskview"
	"github.com/novita-cli/novita/pkg/body"
	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/clock"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/testevent"
	"github.com/novita-cli/novita/pkg/webhook"
)

// Options is what `novita test-event` was asked to do.
type Options struct {
	IO    *iostreams.IOStreams
	API   func() (*factory.API, error)
	Clock clock.Clock // --timeout
	// WorkDir and HTTPClient build the test request's body; Path finds --from-file.
	WorkDir    string
	HTTPClient *http.Client
	Path       func(string) string
	JSON       bool

	Status     string
	Task       string
	Timeout    time.Duration
	To         string
	Local      bool
	FromFile   string
	Sets       []string
	RetryDelay time.Duration
	Tunnel     *receiver.TunnelFlags
}

// NewCmdTestEvent builds `novita test-event`; runF replaces the run function in tests.
func NewCmdTestEvent(f *factory.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	o := &Options{IO: f.IOStreams, API: f.API, Clock: f.Clock, WorkDir: f.WorkDir, HTTPClient: f.HTTPClient, Path: f.Path}
	cmd := &cobra.Command{
		Use:   "test-event",
		Short: "Have a test-mode webhook event delivered, or send one yourself",
		Long: `By default, open a receiver (tunnel rules as in submit --wait), submit a request with
extra.webhook.test_mode so Novita sends a simulated event of the requested status, wait
for it, print it and check it. Exit 0 when it arrived as asked, 1 if it differed, 5 on timeout.

--to URL asks Novita to deliver the test event to your endpoint instead (nothing local).
--local --to URL makes no API call: the event is built from a built-in fixture, edited by
--set, and POSTed with Novita's delivery policy (5 s timeout, up to 5 retries).
--from-file FILE --to URL replays a saved event (from listen --save) the same way.`,
		Example: `  $ novita test-event --status FAILED
  $ novita --sandbox test-event --status FAILED
  $ novita test-event --to https://example.com/hooks/novita
  $ novita test-event --local --to http://localhost:3000/hooks --task txt2video --set payload.task.reason=boom
  $ novita test-event --from-file events/20261127T101500_abc.json --to http://localhost:3000/hooks`,
		Args: cmdutil.UsageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.JSON = f.Globals.JSON
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runTestEvent(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.Status, "status", "SUCCEED", "event status: SUCCEED or FAILED")
	fl.StringVar(&o.Task, "task", "txt2img", "task type of the event (a catalog name)")
	cmdutil.TimeoutFlag(cmd, &o.Timeout, "timeout", 2*time.Minute, "how long to wait for the event")
	fl.StringVar(&o.To, "to", "", "deliver to this URL instead of a local receiver")
	fl.BoolVar(&o.Local, "local", false, "build and send the event locally (no API call); needs --to")
	fl.StringVar(&o.FromFile, "from-file", "", "send this saved event (from listen --save); needs --to")
	fl.StringArrayVar(&o.Sets, "set", nil, "edit the local event: path=value (e.g. payload.task.reason=boom); repeatable")
	fl.DurationVar(&o.RetryDelay, "retry-delay", 0, "delay between local delivery retries (default Novita-like backoff)")
	o.Tunnel = receiver.AddTunnelFlags(cmd, receiver.NewTunnelEnv(f))
	_ = cmd.RegisterFlagCompletionFunc("status", cmdutil.FixedCompletions("SUCCEED", "FAILED"))
	_ = cmd.RegisterFlagCompletionFunc("task", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return catalog.Names(), cobra.ShellCompDirectiveNoFileComp
	})
	cmdutil.NoFileCompletions(cmd, "to", "set")
	return cmd
}

// runTestEvent has a test-mode event delivered (by the API, or built and sent locally) and checks it.
func runTestEvent(ctx context.Context, o *Options) error {
	io := o.IO
	want, err := parseTestStatus(o.Status)
	if err != nil {
		return err
	}
	task, ok := catalog.Lookup(o.Task)
	if !ok && o.FromFile == "" {
		return clierr.Usagef("--task %q is not a known task: test events exist for catalog tasks (%s)", o.Task, strings.Join(catalog.Names(), ", "))
	}
	if o.To != "" {
		if err := cmdutil.CheckHTTPURL("--to", o.To); err != nil {
			return err
		}
	}
	switch {
	case o.FromFile != "" || o.Local:
		if o.To == "" {
			return clierr.Usagef("--local and --from-file send the event themselves: add --to URL (your endpoint)")
		}
		return sendLocal(ctx, o, task, want)
	case len(o.Sets) > 0:
		return clierr.Usagef("--set edits a locally built event: use it with --local --to URL")
	}
	api, err := cmdutil.NeedAPI(o.API)
	if err != nil {
		return err
	}
	req, err := testRequest(ctx, o, task)
	if err != nil {
		return err
	}
	if o.To != "" {
		body.SetWebhook(req, "", o.To) // test mode lives in extra.webhook, beside its url
		body.SetTestMode(req, string(want))
		id, err := submitTest(ctx, api, task, req)
		if err != nil {
			return err
		}
		io.Statusf("asked Novita to deliver a %s test event to %s (test task %s)", want.Short(), o.To, id)
		return nil
	}
	return roundTrip(ctx, o, api, task, req, want)
}

// roundTrip opens a receiver, asks for a test event to it and checks what arrives.
func roundTrip(ctx context.Context, o *Options, api *factory.API, task catalog.Task, req map[string]any, want novita.Status) error {
	io := o.IO
	srv, err := receiver.OpenReceiver(ctx, o.Tunnel, api, webhook.Options{}, "test-event",
		clierr.Usagef("test-event needs a receiver: set NGROK_AUTHTOKEN, use --tunnel local with --public-url, or send to your endpoint with --to URL"))
	if err != nil {
		return err
	}
	defer srv.Close(0)
	body.SetWebhook(req, "", srv.URL)
	body.SetTestMode(req, string(want))
	id, err := submitTest(ctx, api, task, req)
	if err != nil {
		return err
	}
	io.Statusf("requested a %s test event (task %s); waiting for it at %s/...", want.Short(), id, srv.Tunnel.URL())
	var timeout <-chan time.Time
	if o.Timeout > 0 {
		t := o.Clock.NewTimer(o.Timeout)
		defer t.Stop()
		timeout = t.C()
	}
	for {
		select {
		case <-ctx.Done():
			return clierr.New(clierr.KindInterrupted, fmt.Errorf("interrupted while waiting for the test event"))
		case <-timeout:
			return clierr.New(clierr.KindTimeout, fmt.Errorf("no test event arrived within %s (the API accepted test task %s)", o.Timeout, id))
		case d, ok := <-srv.Deliveries():
			if !ok {
				return fmt.Errorf("the receiver stopped before the test event arrived")
			}
			if d.Event == nil || d.Ignored || d.Duplicate {
				continue
			}
			if o.JSON {
				if err := iostreams.WriteRawJSONLine(io.Out, d.Body); err != nil {
					return err
				}
			} else {
				fmt.Fprintln(io.Out, taskview.EventLine(d, io.ColorScheme()))
			}
			if err := testevent.Check(d.Body, want); err != nil {
				return clierr.Reported(err)
			}
			io.Statusf("test event arrived as asked: ASYNC_TASK_RESULT %s", want.Short())
			return nil
		}
	}
}

// sendLocal builds (or loads) an event and POSTs it with Novita's delivery policy.
func sendLocal(ctx context.Context, o *Options, task catalog.Task, want novita.Status) error {
	io := o.IO
	var ev []byte
	var err error
	if o.FromFile != "" {
		if ev, err = readEventFile(o.Path(o.FromFile)); err != nil {
			return err
		}
	} else if ev, err = testevent.Fixture(task.Name, want, newTestID()); err != nil {
		return err
	}
	if ev, err = testevent.Edit(ev, o.Sets); err != nil {
		return err
	}
	res, err := testevent.Send(ctx, testevent.SendOptions{
		URL: o.To, Body: ev, RetryDelay: o.RetryDelay,
		OnAttempt: func(a testevent.Attempt) { io.Statusf("%s", attemptLine(o.To, a)) },
	})
	if o.JSON {
		if werr := iostreams.WriteJSON(io.Out, attemptsDoc(o.To, res, err)); werr != nil {
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
	fmt.Fprintf(io.Out, "delivered to %s after %s\n", o.To, iostreams.Count(len(res.Attempts), "attempt"))
	return nil
}

func submitTest(ctx context.Context, api *factory.API, task catalog.Task, req map[string]any) (string, error) {
	raw, err := body.Marshal(req)
	if err != nil {
		return "", err
	}
	return api.Client.Submit(ctx, task.Endpoint, raw)
}

// testRequest builds a minimal valid body for task: a placeholder prompt or text where one is needed.
func testRequest(ctx context.Context, o *Options, task catalog.Task) (map[string]any, error) {
	in := body.Input{Flags: map[string]string{}, Lists: map[string][]string{}, HTTPClient: o.HTTPClient, Dir: o.WorkDir}
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

// readEventFile reads a saved event, refusing what no receiver would accept before anything is sent:
// a file over the receivers' 4 MiB body limit, or one that is not a JSON object.
func readEventFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, clierr.Usagef("--from-file: %v", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, webhook.DefaultMaxBody+1))
	if err != nil {
		return nil, clierr.Usagef("--from-file %s: %v", path, err)
	}
	if len(b) > webhook.DefaultMaxBody {
		return nil, clierr.Usagef("--from-file %s is larger than %d MiB, the most a webhook receiver accepts: give an event saved by novita listen --save", path, webhook.DefaultMaxBody>>20)
	}
	var obj map[string]any
	if err := json.Unmarshal(b, &obj); err != nil {
		return nil, clierr.Usagef("--from-file %s is not a JSON event (%v): give an event saved by novita listen --save", path, err)
	}
	return b, nil
}
