package listen_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/novita-cli/novita/pkg/hooks"
	"github.com/novita-cli/novita/pkg/listen"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/testevent"
	"github.com/novita-cli/novita/pkg/tunnel"
	"github.com/novita-cli/novita/pkg/webhook"
)

func TestStatusFilterAndMaxEvents(t *testing.T) {
	r := startListen(t, listen.Config{Statuses: []novita.Status{novita.StatusFailed}, MaxEvents: 2}, nil)
	for i, st := range []novita.Status{novita.StatusSucceed, novita.StatusFailed, novita.StatusSucceed, novita.StatusFailed} {
		if code, _ := r.post("POST", r.url, fixture(t, "txt2img", st, "f-"+string(rune('a'+i))), nil); code != 200 {
			t.Fatalf("event %d: %d", i, code)
		}
	}
	if err := r.wait(); err != nil {
		t.Fatal(err)
	}
	if ids := r.rec.ids(); len(ids) != 2 || ids[0] != "f-b" || ids[1] != "f-d" {
		t.Fatalf("shown %v, want only the FAILED events f-b and f-d", ids)
	}
}

func TestDuplicateMarkedAndDownloadOnce(t *testing.T) {
	var calls atomic.Int32
	r := startListen(t, listen.Config{MaxEvents: 2, OnSucceeded: func(ctx context.Context, res *novita.TaskResult) error {
		calls.Add(1)
		return nil
	}}, nil)
	ev := fixture(t, "txt2video", novita.StatusSucceed, "dup-1")
	r.post("POST", r.url, ev, nil)
	r.post("POST", r.url, ev, nil)
	if err := r.wait(); err != nil {
		t.Fatal(err)
	}
	if ids := r.rec.ids(); len(ids) != 2 || ids[0] != "dup-1" || ids[1] != "dup-1 (retry)" {
		t.Fatalf("shown %v", ids)
	}
	if calls.Load() != 1 {
		t.Fatalf("download hook called %d times", calls.Load())
	}
}

func TestDownloadHooksRunOnABoundedPool(t *testing.T) {
	var running, peak atomic.Int32
	release := make(chan struct{})
	r := startListen(t, listen.Config{Workers: 2, OnSucceeded: func(ctx context.Context, res *novita.TaskResult) error {
		n := running.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		select {
		case <-release:
		case <-ctx.Done():
		}
		running.Add(-1)
		return nil
	}}, nil)
	for i := range 6 {
		r.post("POST", r.url, fixture(t, "txt2img", novita.StatusSucceed, "pool-"+string(rune('a'+i))), nil)
	}
	r.eventually("two hooks running", func() bool { return running.Load() == 2 })
	close(release)
	r.eventually("every event shown", func() bool { return len(r.rec.ids()) == 6 })
	if peak.Load() != 2 {
		t.Fatalf("%d download hooks ran at once, want at most 2", peak.Load())
	}
}

func TestSaveAndReplay(t *testing.T) {
	dir := t.TempDir()
	r := startListen(t, listen.Config{SaveDir: dir, MaxEvents: 1}, nil)
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
	tun, err := tunnel.Open(context.Background(), tunnel.Config{Mode: tunnel.ModeLocal})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := hooks.Serve(context.Background(), tun, webhook.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close(0)
	if _, err := testevent.Send(context.Background(), testevent.SendOptions{URL: srv.URL, Body: saved}); err != nil {
		t.Fatal(err)
	}
	d := <-srv.Deliveries()
	if !bytes.Equal(d.Body, sent) || d.Result.Task.TaskType != testevent.TaskType("txt2speech") {
		t.Fatalf("replayed %q", d.Body)
	}
}

func TestHostileBurstThenEvent(t *testing.T) {
	r := startListen(t, listen.Config{}, nil)
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
	r.eventually("the real event", func() bool { return contains(r.rec.ids(), "after-burst") })
	r.rec.mu.Lock()
	defer r.rec.mu.Unlock()
	results := 0
	for _, d := range r.rec.shown {
		if d.Result != nil {
			results++
		} else if !d.Ignored {
			t.Errorf("junk shown as an event: %q", d.Body)
		}
	}
	if results != 1 {
		t.Fatalf("%d task results shown, want only the real one", results)
	}
	statuses := map[int]bool{}
	for _, p := range r.rec.rejected {
		statuses[p.Status] = true
	}
	for _, s := range []int{400, 404, 405, 413} {
		if !statuses[s] {
			t.Errorf("no %d rejection reported", s)
		}
	}
}

func TestTunnelLostAndCancel(t *testing.T) {
	lost := make(chan struct{})
	r := startListen(t, listen.Config{}, lost)
	close(lost)
	if err := r.wait(); err == nil || !strings.Contains(err.Error(), "tunnel") {
		t.Fatalf("tunnel lost: %v", err)
	}
	r2 := startListen(t, listen.Config{}, nil)
	r2.cancel()
	if err := r2.wait(); err != nil {
		t.Fatalf("cancel: %v", err)
	}
}

func TestBadForwardURL(t *testing.T) {
	for _, bad := range []string{"localhost:3000", "ftp://example.com/x", "http://", "not a url"} {
		if _, err := listen.New(listen.Config{ForwardTo: bad, Visitor: &recorder{}}); err == nil {
			t.Errorf("accepted --forward-to %q", bad)
		}
	}
}
