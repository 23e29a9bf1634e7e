package inspect

import (
	"bytes"
	"context"
	"net/http"
	"time"

	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/testevent"
	"github.com/novita-cli/novita/pkg/ui"
	"github.com/novita-cli/novita/pkg/webhook"
)

// What the replay button answers where it cannot work, and what to run instead (the inspector's
// words are pkg/ui's: see ui.NoReplay).
const (
	NoReplayUI     = ui.NoReplay
	NoReplayListen = ui.NoReplayListen
)

// Replayer relays a body to the application (listen.Engine).
type Replayer interface {
	Replay(ctx context.Context, method string, header http.Header, body []byte) (webhook.Response, error)
	ForwardTarget() string
}

// Actions are the inspector's buttons (ui.Actions). A nil part answers that the action is
// unavailable here, with the matching No* text: `novita ui` has neither receiver nor forwarder.
type Actions struct {
	Replayer Replayer // nil without --forward-to
	NoReplay string   // the message when Replayer is nil
	// Receiver and HookPath deliver test events in process through the receiver's handler, so they
	// take the path every delivery takes (relay, fault injection, the printed line, the Recorder),
	// whatever the tunnel.
	Receiver http.Handler
	HookPath string
	Recorder *Recorder // records replays; nil = not recorded
	// Download fetches a task's outputs again and returns its files as they are now.
	Download func(ctx context.Context, t ui.Task) ([]ui.TaskFile, error)
	// OnReplay is told about each replay as recorded (a status line).
	OnReplay func(ev ui.Event)
	Now      func() time.Time
}

var _ ui.Actions = (*Actions)(nil)

// Replay implements ui.Actions.
func (a *Actions) Replay(ctx context.Context, ev ui.Event, body []byte) (ui.ForwardResult, error) {
	if a.Replayer == nil {
		msg := a.NoReplay
		if msg == "" {
			msg = NoReplayUI
		}
		return ui.ForwardResult{}, ui.Unavailablef("%s", msg)
	}
	resp, err := a.Replayer.Replay(ctx, ev.Method, ev.Header, body)
	if err != nil {
		return ui.ForwardResult{}, err
	}
	at := a.now()
	var rec ui.Event
	if a.Recorder != nil {
		rec = a.Recorder.recordReplay(ev, body, resp, at)
	} else {
		if resp.Err != nil {
			resp.Status = 0
		}
		d := webhook.NewDelivery(at, ev.Method, ev.Header, body)
		d.Response = &resp
		rec = ui.EventFromDelivery(d, iostreams.RedactURL(a.Replayer.ForwardTarget()))
		rec.ReplayOf = ev.ID
	}
	if a.OnReplay != nil {
		a.OnReplay(rec)
	}
	return *rec.Forward, nil
}

// SendTestEvent implements ui.Actions: a fixture of that status and task goes through the receiver.
func (a *Actions) SendTestEvent(ctx context.Context, te ui.TestEvent) (ui.SentTestEvent, error) {
	if a.Receiver == nil {
		return ui.SentTestEvent{}, ui.Unavailablef("%s", ui.NoTestEvent)
	}
	body, err := testevent.Fixture(te.Task, novita.Status(te.Status), "")
	if err != nil {
		return ui.SentTestEvent{}, err
	}
	_, res, err := novita.DecodeEvent(body)
	if err != nil {
		return ui.SentTestEvent{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://novita-listen"+a.HookPath, bytes.NewReader(body))
	if err != nil {
		return ui.SentTestEvent{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "novita-cli test-event (inspector)")
	req.RemoteAddr = "inspector"
	w := &answer{header: http.Header{}}
	a.Receiver.ServeHTTP(w, req)
	return ui.SentTestEvent{TaskID: res.Task.TaskID, ReceiverStatus: w.status()}, nil
}

// DownloadAgain implements ui.Actions.
func (a *Actions) DownloadAgain(ctx context.Context, t ui.Task) ([]ui.TaskFile, error) {
	if a.Download == nil {
		return nil, ui.Unavailablef("%s", ui.NoDownload(t.ID))
	}
	return a.Download(ctx, t)
}

func (a *Actions) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// answer is the smallest http.ResponseWriter: the receiver's answer to an in-process delivery.
type answer struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (w *answer) Header() http.Header { return w.header }

func (w *answer) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}

func (w *answer) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(b)
}

func (w *answer) status() int {
	if w.code == 0 {
		return http.StatusOK
	}
	return w.code
}
