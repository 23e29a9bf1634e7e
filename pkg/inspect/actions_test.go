package inspect

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/ui"
	"github.com/novita-cli/novita/pkg/webhook"
)

// fakeReplayer answers every replay with resp and keeps the bodies.
type fakeReplayer struct {
	resp   webhook.Response
	bodies []string
}

func (f *fakeReplayer) Replay(_ context.Context, _ string, _ http.Header, body []byte) (webhook.Response, error) {
	f.bodies = append(f.bodies, string(body))
	return f.resp, nil
}

func (f *fakeReplayer) ForwardTarget() string { return "http://127.0.0.1:3000/hook" }

func TestActionsOfPlainUISayWhatToRun(t *testing.T) {
	a := &Actions{}
	ctx := context.Background()
	if _, err := a.Replay(ctx, ui.Event{ID: "1"}, []byte(`{}`)); !errors.Is(err, ui.ErrUnavailable) || err.Error() != NoReplayUI {
		t.Errorf("replay: %v", err)
	}
	if _, err := a.SendTestEvent(ctx, ui.TestEvent{Status: "TASK_STATUS_SUCCEED", Task: "txt2img"}); !errors.Is(err, ui.ErrUnavailable) ||
		!strings.Contains(err.Error(), "novita listen --ui") {
		t.Errorf("test event: %v", err)
	}
	if _, err := a.DownloadAgain(ctx, ui.Task{ID: "t1"}); !errors.Is(err, ui.ErrUnavailable) || !strings.Contains(err.Error(), "novita wait t1") {
		t.Errorf("download: %v", err)
	}
}

// A replay goes to the app with the (edited) body and is recorded as a new event pointing at the
// original; an unreachable app is shown as no answer with the reason.
func TestReplayIsRecordedAsANewEvent(t *testing.T) {
	j, _ := openJournal(t)
	hub := ui.NewHub(0, 0)
	rec := &Recorder{Journal: j, Hub: hub, Target: "http://127.0.0.1:3000/hook"}
	orig := rec.Record(webhook.NewDelivery(time.Now(), "POST", http.Header{"Content-Type": {"application/json"}},
		fixture(t, "txt2img", novita.StatusSucceed, "r1")))
	fr := &fakeReplayer{resp: webhook.Response{Status: 201, Body: []byte("ok"), Latency: time.Millisecond}}
	var told []ui.Event
	a := &Actions{Replayer: fr, Recorder: rec, OnReplay: func(ev ui.Event) { told = append(told, ev) }}
	edited := fixture(t, "txt2img", novita.StatusFailed, "r1")
	res, err := a.Replay(context.Background(), orig, edited)
	must(t, err)
	if res.Status != 201 || res.Target != "http://127.0.0.1:3000/hook" || len(fr.bodies) != 1 || fr.bodies[0] != string(edited) {
		t.Fatalf("replay result %+v, app got %q", res, fr.bodies)
	}
	if len(told) != 1 || told[0].ReplayOf != orig.ID || told[0].Status != "TASK_STATUS_FAILED" || told[0].ID == orig.ID {
		t.Fatalf("replay event %+v", told)
	}
	stored, err := (&Store{Journal: j}).Event(context.Background(), told[0].ID)
	must(t, err)
	if stored.ReplayOf != orig.ID || string(stored.Body) != string(edited) || stored.Forward.Status != 201 {
		t.Fatalf("stored replay %+v", stored)
	}

	fr.resp = webhook.Response{Status: 502, Err: errors.New("connection refused")}
	res, err = a.Replay(context.Background(), orig, orig.Body)
	must(t, err)
	if res.Status != 0 || res.Err != "connection refused" {
		t.Fatalf("unreachable app: %+v", res)
	}
}

// A test event takes the receiver's own path: it is queued as a delivery and the sender's status
// is what the receiver answered.
func TestSendTestEventGoesThroughTheReceiver(t *testing.T) {
	rcv, err := webhook.New(webhook.Options{})
	must(t, err)
	a := &Actions{Receiver: rcv.Handler(), HookPath: rcv.Path()}
	sent, err := a.SendTestEvent(context.Background(), ui.TestEvent{Status: "TASK_STATUS_FAILED", Task: "img2video"})
	must(t, err)
	if sent.ReceiverStatus != 200 || sent.TaskID == "" {
		t.Fatalf("sent %+v", sent)
	}
	select {
	case d := <-rcv.Deliveries():
		if d.Result == nil || d.Result.Task.TaskID != sent.TaskID || d.Result.Task.Status != novita.StatusFailed || d.Result.Task.TaskType != "IMG_TO_VIDEO" {
			t.Fatalf("delivery %+v", d.Result)
		}
	default:
		t.Fatal("the test event was not queued as a delivery")
	}
	a.HookPath = "/webhook/wrong"
	sent, err = a.SendTestEvent(context.Background(), ui.TestEvent{Status: "TASK_STATUS_SUCCEED", Task: "txt2img"})
	if err != nil || sent.ReceiverStatus != 404 {
		t.Fatalf("a wrong path must get the receiver's 404: %+v %v", sent, err)
	}
}
