package listen_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/listen"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/webhook"
)

func TestReplayReachesTheAppLikeARelay(t *testing.T) {
	type seen struct {
		method string
		body   string
		h      http.Header
	}
	got := make(chan seen, 1)
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- seen{r.Method, string(b), r.Header.Clone()}
		w.WriteHeader(http.StatusAccepted)
		_, _ = io.WriteString(w, "again")
	}))
	defer app.Close()
	eng, err := listen.New(listen.Config{ForwardTo: app.URL + "/hooks", Headers: http.Header{"X-Extra": {"1"}},
		Faults: mustFaults(t, []string{"500"}, nil), Visitor: &recorder{}})
	if err != nil {
		t.Fatal(err)
	}
	if eng.ForwardTarget() != app.URL+"/hooks" {
		t.Fatalf("ForwardTarget() = %q", eng.ForwardTarget())
	}
	body := fixture(t, "txt2img", novita.StatusSucceed, "again-1")
	h := http.Header{"Content-Type": {"application/json"}, "Connection": {"X-Secret-Hop"}, "X-Secret-Hop": {"1"}, "X-Custom": {"kept"}}
	resp, err := eng.Replay(context.Background(), "", h, body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != http.StatusAccepted || string(resp.Body) != "again" || resp.Latency <= 0 || resp.Header.Get(listen.InjectedHeader) != "" {
		t.Fatalf("replay answer %+v: want the app's own 202 (no fault injection on replays)", resp)
	}
	s := <-got
	if s.method != http.MethodPost || s.body != string(body) || s.h.Get("X-Custom") != "kept" || s.h.Get("X-Extra") != "1" || s.h.Get("X-Secret-Hop") != "" {
		t.Fatalf("the app got %s %q %v", s.method, s.body, s.h)
	}

	none, err := listen.New(listen.Config{Visitor: &recorder{}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := none.Replay(context.Background(), "POST", nil, body); !errors.Is(err, listen.ErrNoForwardTarget) {
		t.Fatalf("replay without a target: %v", err)
	}
}

func TestTeeReportsToEveryVisitor(t *testing.T) {
	a, b := &recorder{}, &recorder{}
	v := listen.Tee(a, listen.NopVisitor{}, b)
	d := webhook.NewDelivery(time.Now(), "POST", nil, fixture(t, "txt2img", novita.StatusSucceed, "tee"))
	v.Delivery(d)
	v.Answered(d)
	v.Rejected(webhook.Problem{Status: 404})
	v.Saved("/tmp/x", nil)
	v.HookFailed("tee", errors.New("x"))
	for _, r := range []*recorder{a, b} {
		if len(r.shown) != 1 || len(r.forwarded) != 1 || len(r.rejected) != 1 || len(r.saved) != 1 || len(r.failed) != 1 {
			t.Fatalf("a visitor missed reports: %+v", r)
		}
	}
}
