package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/novita"
)

// receiver is a webhook endpoint that records bodies and answers status.
type receiver struct {
	*httptest.Server
	status atomic.Int32
	mu     sync.Mutex
	bodies [][]byte
	got    chan []byte
}

func newReceiver(t testing.TB, status int) *receiver {
	t.Helper()
	rc := &receiver{got: make(chan []byte, 10000)}
	rc.status.Store(int32(status))
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.bodies = append(rc.bodies, b)
		rc.mu.Unlock()
		w.WriteHeader(int(rc.status.Load()))
		rc.got <- b
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) count() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.bodies)
}

// next waits for one delivery.
func (rc *receiver) next(t testing.TB) []byte {
	t.Helper()
	select {
	case b := <-rc.got:
		return b
	case <-time.After(30 * time.Second): // a bound on a hang, not a speed check
		t.Fatal("no webhook arrived")
		return nil
	}
}

func webhookExtra(u string) string {
	return `{"response_image_type":"jpeg","webhook":{"url":"` + u + `"}}`
}

func TestWebhookDeliversTheResult(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, 200)
	s := start(t, Options{})
	id := mustSubmit(t, s, "txt2img", txt2img("a lighthouse", webhookExtra(rc.URL+"/hook"), 128, 128, 1))
	b := rc.next(t)
	ev, res, err := novita.DecodeEvent(b)
	if err != nil || ev.EventType != novita.EventAsyncTaskResult || res == nil {
		t.Fatalf("event %s: %v", b, err)
	}
	if res.Task.TaskID != id || res.Task.Status != novita.StatusSucceed || res.Task.TaskType != "TXT_TO_IMG" || len(res.Images) != 1 {
		t.Fatalf("payload %s", ev.Payload)
	}
	if r := download(t, res.Images[0].ImageURL); r.status != 200 {
		t.Errorf("webhook output URL: %d", r.status)
	}
	sample := readSample(t, "webhook-txt2img-succeed.json")
	if g, w := keysAt(t, b, ""), keysAt(t, sample, ""); len(g) != len(w) || g[0] != w[0] || g[1] != w[1] {
		t.Errorf("event fields %v, sample %v", g, w)
	}
	assertSameKeys(t, ev.Payload, mustPayload(t, sample), "task", "images.0", "extra.webhook")
	var extra struct {
		Webhook struct{ URL string } `json:"webhook"`
	}
	_ = json.Unmarshal(res.Extra, &extra)
	if extra.Webhook.URL != rc.URL+"/hook" {
		t.Errorf("extra.webhook %s", res.Extra)
	}
	time.Sleep(20 * time.Millisecond)
	if rc.count() != 1 || len(s.Webhooks()) != 1 || s.Webhooks()[0].StatusCode != 200 {
		t.Errorf("deliveries %d, attempts %+v", rc.count(), s.Webhooks())
	}
}

func mustPayload(t *testing.T, event []byte) []byte {
	var ev novita.Event
	if err := json.Unmarshal(event, &ev); err != nil {
		t.Fatal(err)
	}
	return ev.Payload
}

func TestWebhookRetryPolicy(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, 500)
	s := start(t, Options{WebhookRetryBackoff: time.Millisecond})
	mustSubmit(t, s, "txt2img", txt2img("x", webhookExtra(rc.URL), 128, 128, 1))
	deadline := time.Now().Add(30 * time.Second)
	for rc.count() < 6 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // a seventh attempt would come within this
	if rc.count() != 6 {
		t.Fatalf("attempts = %d, want 6 (1 + 5 retries)", rc.count())
	}
	for i, a := range s.Webhooks() {
		if a.Attempt != i+1 || a.StatusCode != 500 {
			t.Errorf("attempt %+v", a)
		}
	}
}

func TestWebhookRetriesOnTimeoutThenSucceeds(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body) // lets the server notice the client giving up
		if calls.Add(1) == 1 {
			select { // first attempt hangs past the sandbox's timeout
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
			return
		}
		w.WriteHeader(204)
	}))
	defer slow.Close()
	// The timeout is long enough that the second attempt's quick 204 never times out on a loaded
	// machine (with 50 ms it could, and the test failed though the retry worked).
	s := start(t, Options{WebhookRetryBackoff: time.Millisecond, WebhookTimeout: time.Second})
	mustSubmit(t, s, "txt2img", txt2img("x", webhookExtra(slow.URL), 128, 128, 1))
	deadline := time.Now().Add(15 * time.Second)
	for len(s.Webhooks()) < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	ws := s.Webhooks()
	if len(ws) != 2 || ws[0].Err == "" || ws[1].StatusCode != 204 {
		t.Fatalf("attempts %+v", ws)
	}
}

func TestWebhookKnobs(t *testing.T) {
	t.Parallel()
	t.Run("WebhookDrop", func(t *testing.T) {
		t.Parallel()
		rc := newReceiver(t, 200)
		s := start(t, Options{WebhookDrop: true})
		id := mustSubmit(t, s, "txt2img", txt2img("x", webhookExtra(rc.URL), 128, 128, 1))
		waitFinal(t, s, id)
		time.Sleep(50 * time.Millisecond)
		if ws := s.Webhooks(); rc.count() != 0 || len(ws) != 1 || !ws[0].Dropped {
			t.Errorf("delivered %d, attempts %+v", rc.count(), ws)
		}
	})
	t.Run("WebhookDropRate", func(t *testing.T) {
		t.Parallel()
		rc := newReceiver(t, 200)
		s := start(t, Options{WebhookDropRate: 0.5, Seed: 7})
		for range 40 {
			mustSubmit(t, s, "txt2img", txt2img("x", webhookExtra(rc.URL), 128, 128, 1))
		}
		waitAttempts(t, s, 40)
		if n := rc.count(); n < 5 || n > 35 {
			t.Errorf("delivered %d of 40 at drop rate 0.5", n)
		}
	})
	t.Run("WebhookDuplicate", func(t *testing.T) {
		t.Parallel()
		rc := newReceiver(t, 200)
		s := start(t, Options{WebhookDuplicate: true})
		mustSubmit(t, s, "txt2img", txt2img("x", webhookExtra(rc.URL), 128, 128, 1))
		a, b := rc.next(t), rc.next(t)
		_, ra, _ := novita.DecodeEvent(a)
		_, rb, _ := novita.DecodeEvent(b)
		if ra.Task.TaskID != rb.Task.TaskID {
			t.Error("duplicate is a different task")
		}
	})
	t.Run("WebhookDelay", func(t *testing.T) {
		t.Parallel()
		rc := newReceiver(t, 200)
		s := start(t, Options{TaskDuration: 10 * time.Millisecond, WebhookDelay: 300 * time.Millisecond})
		begin := time.Now()
		mustSubmit(t, s, "txt2img", txt2img("x", webhookExtra(rc.URL), 128, 128, 1))
		rc.next(t)
		if d := time.Since(begin); d < 300*time.Millisecond {
			t.Errorf("delivered after %s", d)
		}
	})
	t.Run("FailedTaskWebhook", func(t *testing.T) {
		t.Parallel()
		rc := newReceiver(t, 200)
		s := start(t, Options{})
		mustSubmit(t, s, "txt2img", txt2img("please [fail]", webhookExtra(rc.URL), 128, 128, 1))
		_, res, _ := novita.DecodeEvent(rc.next(t))
		if res.Task.Status != novita.StatusFailed || res.Task.Reason != ReasonPromptFailure || len(res.Images) != 0 {
			t.Errorf("payload %s", res.Raw)
		}
	})
}

func waitAttempts(t *testing.T, s *Server, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(s.Webhooks()) < n && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
}

func TestTestMode(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, 200)
	s := start(t, Options{TaskDuration: time.Hour}) // test-mode events come at once, not at task end
	for _, st := range []novita.Status{novita.StatusSucceed, novita.StatusFailed} {
		body := `{"extra":{"webhook":{"url":"` + rc.URL + `","test_mode":{"enabled":true,"return_task_status":"` + string(st) + `"}}},
			"request":{"model_name":"sd_xl_base_1.0.safetensors","prompt":"test","width":128,"height":128,"image_num":1,"steps":20,"guidance_scale":7.5,"sampler_name":"Euler a"}}`
		id := mustSubmit(t, s, "txt2img", body)
		_, res, err := novita.DecodeEvent(rc.next(t))
		if err != nil || res.Task.Status != st || res.Task.TaskID != id || res.Task.TaskType != "TXT_TO_IMG" {
			t.Fatalf("%s: %v %s", st, err, res.Raw)
		}
		if st == novita.StatusSucceed {
			if len(res.Images) != 1 || download(t, res.Images[0].ImageURL).status != 200 {
				t.Errorf("succeed event outputs %s", res.Raw)
			}
		} else if res.Task.Reason == "" {
			t.Error("failed test event without a reason")
		}
		if _, r := getResult(t, s, id); r.status != 404 || r.apiError(t).Reason != "TASK_NOT_FOUND" {
			t.Errorf("test-mode task visible to task-result: %d", r.status)
		}
	}
	// the sample test-mode request is accepted as is (its URL is a placeholder: drop the delivery)
	s.SetOptions(Options{WebhookDrop: true})
	mustSubmit(t, s, "txt2img", string(readSample(t, "request-test-mode.json")))
}

func TestConcurrentTasksLoseNoWebhook(t *testing.T) {
	t.Parallel()
	const n = 200
	rc := newReceiver(t, 200)
	s := start(t, Options{TaskDuration: 20 * time.Millisecond})
	ids := make(chan string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := submit(t, s, "txt2img", txt2img("cat "+string(rune('a'+i%26)), webhookExtra(rc.URL), 128, 128, 1))
			var out struct {
				TaskID string `json:"task_id"`
			}
			if r.status != 200 || json.Unmarshal(r.body, &out) != nil {
				t.Errorf("submit: %d %s", r.status, r.body)
			}
			ids <- out.TaskID
		}()
	}
	wg.Wait()
	close(ids)
	want := map[string]bool{}
	for id := range ids {
		want[id] = true
	}
	for range n {
		_, res, err := novita.DecodeEvent(rc.next(t))
		if err != nil || !want[res.Task.TaskID] {
			t.Fatalf("unexpected event: %v", err)
		}
		delete(want, res.Task.TaskID)
	}
	if len(want) != 0 {
		t.Errorf("%d webhooks lost", len(want))
	}
}
