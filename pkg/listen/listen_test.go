package listen_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/novita-cli/novita/pkg/listen"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/testevent"
	"github.com/novita-cli/novita/pkg/webhook"
)

func TestStatusFilterAndMaxEvents(t *testing.T) {
	r := startListen(t, listen.Config{Statuses: []novita.Status{novita.StatusFailed}, MaxEvents: 2})
	for i, st := range []novita.Status{novita.StatusSucceed, novita.StatusFailed, novita.StatusSucceed, novita.StatusFailed} {
		if code, _ := r.post("POST", r.url, fixture(t, "txt2img", st, "f-"+string(rune('a'+i))), nil); code != 200 {
			t.Fatalf("event %d: %d", i, code)
		}
	}
	if err := r.wait(); err != nil {
		t.Fatal(err)
	}
	out := r.out.String()
	if strings.Count(out, "\n") != 2 || !strings.Contains(out, "f-b") || !strings.Contains(out, "f-d") || strings.Contains(out, "SUCCEED") {
		t.Fatalf("out:\n%s", out)
	}
}

func TestDuplicateMarkedAndDownloadOnce(t *testing.T) {
	var calls atomic.Int32
	r := startListen(t, listen.Config{MaxEvents: 2, OnSucceeded: func(ctx context.Context, res *novita.TaskResult) error {
		calls.Add(1)
		return nil
	}})
	ev := fixture(t, "txt2video", novita.StatusSucceed, "dup-1")
	r.post("POST", r.url, ev, nil)
	r.post("POST", r.url, ev, nil)
	if err := r.wait(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(r.out.String()), "\n")
	if len(lines) != 2 || strings.Contains(lines[0], "(retry)") || !strings.HasSuffix(lines[1], "(retry)") || !strings.Contains(lines[0], "TXT_TO_VIDEO") {
		t.Fatalf("lines %q", lines)
	}
	if calls.Load() != 1 {
		t.Fatalf("download hook called %d times", calls.Load())
	}
}

func TestSaveAndReplay(t *testing.T) {
	dir := t.TempDir()
	r := startListen(t, listen.Config{SaveDir: dir, MaxEvents: 1})
	var pretty bytes.Buffer
	_ = json.Indent(&pretty, fixture(t, "txt2speech", novita.StatusSucceed, "../../etc/passwd"), "", "\t")
	sent := append(pretty.Bytes(), '\n')
	r.post("POST", r.url, sent, nil)
	if err := r.wait(); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) != 1 || !strings.HasSuffix(files[0], "_______etc_passwd.json") {
		t.Fatalf("files %v", files)
	}
	saved, _ := os.ReadFile(files[0])
	if !bytes.Equal(saved, sent) {
		t.Fatalf("saved %q\nsent %q", saved, sent)
	}

	// Replay: test-event --from-file to another receiver reproduces the body.
	rcv, err := webhook.New(webhook.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	rcv.Start(l)
	defer func() { _ = rcv.Shutdown(context.Background()) }()
	if _, err := testevent.Send(context.Background(), testevent.SendOptions{URL: rcv.URL("http://" + l.Addr().String()), Body: saved}); err != nil {
		t.Fatal(err)
	}
	d := <-rcv.Deliveries()
	if !bytes.Equal(d.Body, sent) || d.Result.Task.TaskType != "TXT_TO_SPEECH" {
		t.Fatalf("replayed %q", d.Body)
	}
}

func TestHostileBurstThenEvent(t *testing.T) {
	r := startListen(t, listen.Config{})
	base := r.url[:strings.Index(r.url, "/webhook/")]
	big := bytes.Repeat([]byte("x"), 20<<20)
	junk := make([]byte, 2048)
	var wg sync.WaitGroup
	var bad atomic.Int32
	sem := make(chan struct{}, 16)
	for i := 0; i < 200; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			var code int
			switch i % 5 {
			case 0:
				b := make([]byte, len(junk))
				_, _ = rand.Read(b)
				code, _ = r.post("POST", r.url, b, nil)
			case 1:
				if i%25 != 1 {
					code, _ = r.post("POST", r.url, []byte(`{"event_type":`), nil)
					break
				}
				code, _ = r.post("POST", r.url, big, nil)
				if code == 0 {
					code = 413 // the server may hang up while we still write: also a refusal
				}
			case 2:
				code, _ = r.post("POST", base+"/webhook/guess", []byte(`{}`), nil)
			case 3:
				code, _ = r.post("DELETE", r.url, nil, nil)
			case 4:
				code, _ = r.post("POST", r.url, []byte(`{"event_type":"PING"}`), nil)
			}
			if code != 400 && code != 404 && code != 405 && code != 413 && code != 200 {
				bad.Add(1)
			}
		}(i)
	}
	wg.Wait()
	if bad.Load() != 0 {
		t.Fatalf("%d unexpected statuses", bad.Load())
	}
	if code, _ := r.post("POST", r.url, fixture(t, "wan-t2v", novita.StatusSucceed, "after-burst"), nil); code != 200 {
		t.Fatalf("real event: %d", code)
	}
	r.waitFor(r.out, "after-burst")
	if strings.Count(r.out.String(), "\n") != 1 {
		t.Fatalf("junk reached stdout:\n%s", r.out)
	}
	for _, w := range []string{"warning: 404", "warning: 405", "warning: 413", "warning: 400", `"PING"`} {
		if !strings.Contains(r.err.String(), w) {
			t.Errorf("stderr lacks %q", w)
		}
	}
}

func TestJSONOutput(t *testing.T) {
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer target.Close()
	r := startListen(t, listen.Config{JSON: true, MaxEvents: 3, ForwardTo: target.URL, Color: true})
	var pretty bytes.Buffer
	_ = json.Indent(&pretty, fixture(t, "txt2img", novita.StatusSucceed, "j-1"), "  ", "    ")
	r.post("POST", r.url, pretty.Bytes(), nil)
	r.post("POST", r.url, []byte(`{"event_type":"PING"}`), nil)
	r.post("POST", r.url, fixture(t, "txt2img", novita.StatusFailed, "j-2"), nil)
	r.post("POST", r.url, fixture(t, "txt2img", novita.StatusFailed, "j-2"), nil)
	if err := r.wait(); err != nil {
		t.Fatal(err)
	}
	out := r.out.String()
	if !strings.HasSuffix(out, "\n") {
		t.Fatalf("no trailing newline: %q", out)
	}
	sc := bufio.NewScanner(strings.NewReader(out))
	n := 0
	for sc.Scan() {
		n++
		if !json.Valid(sc.Bytes()) || !bytes.HasPrefix(sc.Bytes(), []byte(`{"event_type":"ASYNC_TASK_RESULT"`)) {
			t.Fatalf("line %d not an event: %q", n, sc.Bytes())
		}
	}
	if n != 3 {
		t.Fatalf("%d lines:\n%s", n, out)
	}
	if !strings.Contains(r.err.String(), "<-- [200] POST "+target.URL) {
		t.Fatalf("relay line not on stderr: %q", r.err)
	}
}

func TestPrintURLFirst(t *testing.T) {
	r := startListen(t, listen.Config{PublicURL: "https://abc.ngrok.app/", PrintURL: true, Quiet: true})
	if !strings.HasPrefix(r.url, "https://abc.ngrok.app/webhook/") || len(r.url) != len("https://abc.ngrok.app/webhook/")+32 {
		t.Fatalf("url %q", r.url)
	}
	if r.out.String() != r.url+"\n" {
		t.Fatalf("out %q", r.out)
	}
	if r.err.String() != "" {
		t.Fatalf("quiet printed %q", r.err)
	}
}

func TestTunnelLostAndCancel(t *testing.T) {
	lost := make(chan struct{})
	r := startListen(t, listen.Config{TunnelDone: lost})
	close(lost)
	if err := r.wait(); err == nil || !strings.Contains(err.Error(), "tunnel") {
		t.Fatalf("tunnel lost: %v", err)
	}
	r2 := startListen(t, listen.Config{})
	r2.cancel()
	if err := r2.wait(); err != nil {
		t.Fatalf("cancel: %v", err)
	}
}

func TestBadForwardURL(t *testing.T) {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	defer l.Close()
	if err := listen.Run(context.Background(), listen.Config{Listener: l, ForwardTo: "localhost:3000"}); err == nil {
		t.Fatal("accepted a URL without scheme")
	}
}
