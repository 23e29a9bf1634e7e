package listen_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/listen"
	"github.com/novita-cli/novita/pkg/novita"
)

// names are the command line's names of the rules, which the descriptions carry.
var names = listen.RuleNames{Status: "--respond-status", Delay: "--respond-delay"}

func mustFaults(t *testing.T, statuses, delays []string) listen.Faults {
	t.Helper()
	f, err := listen.ParseFaults(statuses, delays, names)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestParseFaultsRejectsWhatCannotWork(t *testing.T) {
	for _, c := range []struct {
		statuses, delays []string
		want             string
	}{
		{[]string{"abc"}, nil, "HTTP status from 200 to 599"},
		{[]string{"99"}, nil, "HTTP status from 200 to 599"},
		{[]string{"700"}, nil, "HTTP status from 200 to 599"},
		{[]string{"DONE=500"}, nil, "unknown status"},
		{[]string{"500,503"}, nil, "twice for every delivery"},
		{[]string{"failed=500", "FAILED=503"}, nil, "twice for FAILED deliveries"},
		{nil, []string{"6"}, "duration"},
		{nil, []string{"-1s"}, "duration"},
		{nil, []string{"1m"}, "25s"},
	} {
		_, err := listen.ParseFaults(c.statuses, c.delays, names)
		if err == nil || !strings.Contains(err.Error(), c.want) || clierr.KindOf(err) != clierr.KindUsage {
			t.Errorf("%v %v: got %v, want a usage error containing %q", c.statuses, c.delays, err, c.want)
		}
	}
	f := mustFaults(t, []string{"FAILED=500, succeed=201", "503"}, []string{"FAILED=1500ms"})
	if got := f.Rules(); got != "--respond-status 503 --respond-status FAILED=500 --respond-status SUCCEED=201 --respond-delay FAILED=1.5s" {
		t.Fatalf("Rules() = %q", got)
	}
	if (listen.Faults{}).Active() || !f.Active() {
		t.Fatal("Active() is wrong")
	}
}

func TestRespondStatusAnswersEveryDeliveryOrOnlyOneStatus(t *testing.T) {
	r := startListen(t, listen.Config{Faults: mustFaults(t, []string{"FAILED=500", "503"}, nil)}, nil)
	for _, c := range []struct {
		st   novita.Status
		want int
	}{{novita.StatusFailed, 500}, {novita.StatusSucceed, 503}} {
		code, body := r.post("POST", r.url, fixture(t, "txt2img", c.st, "inj-"+string(c.st)), nil)
		if code != c.want || !strings.Contains(body, "--respond-status") {
			t.Fatalf("%s delivery answered %d %q, want %d", c.st, code, body, c.want)
		}
	}
	// An event that is not a task result only matches the rule for every delivery.
	if code, _ := r.post("POST", r.url, []byte(`{"event_type":"PING"}`), nil); code != 503 {
		t.Fatalf("PING answered %d, want 503", code)
	}
	r.eventually("three answers", func() bool { r.rec.mu.Lock(); defer r.rec.mu.Unlock(); return len(r.rec.forwarded) == 3 })
	r.rec.mu.Lock()
	defer r.rec.mu.Unlock()
	if got := r.rec.forwarded[0].Response.Header.Get(listen.InjectedHeader); got != "--respond-status FAILED=500" {
		t.Fatalf("the answer should say which rule made it up: %q", got)
	}
}

func TestRespondDelayHoldsTheAnswerAndEndsWithTheSession(t *testing.T) {
	const delay = 300 * time.Millisecond
	r := startListen(t, listen.Config{Faults: mustFaults(t, nil, []string{"FAILED=" + delay.String()})}, nil)
	start := time.Now()
	if code, _ := r.post("POST", r.url, fixture(t, "txt2img", novita.StatusFailed, "slow"), nil); code != 200 {
		t.Fatalf("delayed answer %d", code)
	}
	if took := time.Since(start); took < delay {
		t.Fatalf("answered after %v, before the %v delay", took, delay)
	}
	// A delivery no rule matches gets the receiver's plain answer, which is not reported as one.
	if code, _ := r.post("POST", r.url, fixture(t, "txt2img", novita.StatusSucceed, "plain"), nil); code != 200 {
		t.Fatalf("plain answer %d", code)
	}
	r.eventually("both shown", func() bool { return len(r.rec.ids()) == 2 })
	r.rec.mu.Lock()
	defer r.rec.mu.Unlock()
	if len(r.rec.forwarded) != 1 || r.rec.forwarded[0].Response.Latency < delay {
		t.Fatalf("want only the delayed answer reported, got %d", len(r.rec.forwarded))
	}

	// A delay far longer than the test must not hold up the end of the session.
	long := startListen(t, listen.Config{Faults: mustFaults(t, nil, []string{"20s"})}, nil)
	answered := make(chan int, 1)
	go func() {
		code, _ := long.post("POST", long.url, fixture(t, "txt2img", novita.StatusSucceed, "long"), nil)
		answered <- code
	}()
	time.Sleep(100 * time.Millisecond) // let the request reach the responder
	long.cancel()
	select {
	case <-answered:
	case <-time.After(10 * time.Second):
		t.Fatal("a delayed answer outlived its session")
	}
}

func TestInjectedStatusWinsOverTheAppButTheAppStillGetsTheEvent(t *testing.T) {
	got := make(chan []byte, 4)
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			b, _ := io.ReadAll(r.Body)
			got <- b
		}
		w.Header().Set("X-App", "yes")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, "stored")
	}))
	defer app.Close()
	r := startListen(t, listen.Config{ForwardTo: app.URL, Faults: mustFaults(t, []string{"500"}, []string{"50ms"})}, nil)
	ev := fixture(t, "txt2video", novita.StatusSucceed, "both")
	code, body := r.post("POST", r.url, ev, nil)
	if code != 500 || body != "stored" {
		t.Fatalf("sender got %d %q, want the injected 500 with the app's body", code, body)
	}
	if b := <-got; string(b) != string(ev) {
		t.Fatalf("the app got %q", b)
	}
	r.eventually("the answer", func() bool { r.rec.mu.Lock(); defer r.rec.mu.Unlock(); return len(r.rec.forwarded) == 1 })
	r.rec.mu.Lock()
	defer r.rec.mu.Unlock()
	h := r.rec.forwarded[0].Response.Header
	if note := h.Get(listen.InjectedHeader); note != "--respond-status 500 --respond-delay 50ms; the app answered 200" || h.Get("X-App") != "yes" {
		t.Fatalf("answer headers %v", h)
	}
}

// The rules are described in the caller's names; without any, by what they set.
func TestRulesUseTheCallersNames(t *testing.T) {
	f, err := listen.ParseFaults([]string{"FAILED=500"}, []string{"6s"}, listen.RuleNames{})
	if err != nil || f.Rules() != "status FAILED=500 delay 6s" {
		t.Fatalf("Rules() = %q, %v", f.Rules(), err)
	}
	if _, err := listen.ParseFaults([]string{"700"}, nil, listen.RuleNames{Status: "-s"}); err == nil || !strings.HasPrefix(err.Error(), `-s "700"`) {
		t.Fatalf("error names the rule as the caller does: %v", err)
	}
}
