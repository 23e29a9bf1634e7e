package listen_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/listen"
	"github.com/novita-cli/novita/pkg/novita"
)

func TestForwardByteExact(t *testing.T) {
	type seen struct {
		body []byte
		h    http.Header
	}
	got := make(chan seen, 1)
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			return
		}
		b, _ := io.ReadAll(r.Body)
		got <- seen{b, r.Header.Clone()}
		w.Header().Set("X-From-App", "teapot")
		w.WriteHeader(http.StatusTeapot)
		_, _ = io.WriteString(w, "short and stout")
	}))
	defer target.Close()
	r := startListen(t, listen.Config{ForwardTo: target.URL + "/hooks", Headers: http.Header{"X-Extra": {"1"}}}, nil)
	// Indented on purpose: the relay must not re-encode.
	var pretty bytes.Buffer
	_ = json.Indent(&pretty, fixture(t, "txt2img", novita.StatusSucceed, "fwd-1"), "", "  ")
	status, body := r.post("POST", r.url, pretty.Bytes(), http.Header{"X-Custom": {"a b"}, "Content-Type": {"application/json"}})
	if status != 418 || body != "short and stout" {
		t.Fatalf("sender got %d %q", status, body)
	}
	s := <-got
	if !bytes.Equal(s.body, pretty.Bytes()) || s.h.Get("X-Custom") != "a b" || s.h.Get("X-Extra") != "1" || s.h.Get("Content-Type") != "application/json" {
		t.Fatalf("target got %q %v", s.body, s.h)
	}
	r.eventually("the relay", func() bool { r.rec.mu.Lock(); defer r.rec.mu.Unlock(); return len(r.rec.forwarded) == 1 })
	r.rec.mu.Lock()
	defer r.rec.mu.Unlock()
	if fw := r.rec.forwarded[0]; fw.Response.Status != 418 || fw.Response.Err != nil || fw.Result.Task.TaskID != "fwd-1" {
		t.Fatalf("relay reported %+v", fw.Response)
	}
	if len(r.rec.shown) != 1 {
		t.Fatalf("the event should be shown before its relay: %d shown", len(r.rec.shown))
	}
}

func TestForwardTargetDown(t *testing.T) {
	dead, _ := net.Listen("tcp", "127.0.0.1:0")
	deadURL := "http://" + dead.Addr().String() + "/hooks"
	dead.Close()
	eng, err := listen.New(listen.Config{ForwardTo: deadURL, ForwardTimeout: time.Second, Visitor: &recorder{}})
	if err != nil {
		t.Fatal(err)
	}
	if eng.Probe(context.Background()) == nil {
		t.Fatal("the probe of a dead target should fail")
	}
	r := startListen(t, listen.Config{ForwardTo: deadURL, ForwardTimeout: time.Second}, nil)
	status, _ := r.post("POST", r.url, fixture(t, "txt2img", novita.StatusSucceed, "down-1"), nil)
	if status != 502 {
		t.Fatalf("sender got %d, want 502", status)
	}
	status, _ = r.post("POST", r.url, fixture(t, "txt2img", novita.StatusFailed, "down-2"), nil)
	if status != 502 {
		t.Fatalf("second: %d", status)
	}
	r.eventually("both relays", func() bool { r.rec.mu.Lock(); defer r.rec.mu.Unlock(); return len(r.rec.forwarded) == 2 })
	r.rec.mu.Lock()
	defer r.rec.mu.Unlock()
	for _, fw := range r.rec.forwarded {
		if fw.Response.Status != 502 || fw.Response.Err == nil {
			t.Fatalf("relay to a dead target reported %+v", fw.Response)
		}
	}
}
