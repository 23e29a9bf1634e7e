package listen_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
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
	r := startListen(t, listen.Config{ForwardTo: target.URL + "/hooks", Headers: http.Header{"X-Extra": {"1"}}})
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
	r.waitFor(r.out, "<-- [418] POST "+target.URL+"/hooks (")
	out := r.out.String()
	if i, j := strings.Index(out, "fwd-1"), strings.Index(out, "<-- [418]"); i < 0 || i > j {
		t.Fatalf("event line should precede the relay line:\n%s", out)
	}
	if e := r.err.String(); !strings.Contains(e, "Forwarding events to "+target.URL) || !strings.Contains(e, "(^C to quit)") || strings.Contains(e, "warning") {
		t.Fatalf("banner %q", e)
	}
}

func TestForwardTargetDown(t *testing.T) {
	dead, _ := net.Listen("tcp", "127.0.0.1:0")
	deadURL := "http://" + dead.Addr().String() + "/hooks"
	dead.Close()
	r := startListen(t, listen.Config{ForwardTo: deadURL, ForwardTimeout: time.Second})
	r.waitFor(r.err, "does not answer")
	status, _ := r.post("POST", r.url, fixture(t, "txt2img", novita.StatusSucceed, "down-1"), nil)
	if status != 502 {
		t.Fatalf("sender got %d, want 502", status)
	}
	r.waitFor(r.err, "<-- [502] POST "+deadURL)
	r.waitFor(r.err, "error:")
	status, _ = r.post("POST", r.url, fixture(t, "txt2img", novita.StatusFailed, "down-2"), nil)
	if status != 502 {
		t.Fatalf("second: %d", status)
	}
	r.waitFor(r.out, "down-2")
}
