package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/novita-cli/novita/pkg/clock"
	"github.com/novita-cli/novita/pkg/novita"
)

// WebhookAttempt is one webhook delivery attempt (or a dropped delivery), kept for assertions.
type WebhookAttempt struct {
	URL        string
	TaskID     string
	Status     novita.Status // the event's task status
	TestMode   bool
	Copy       int  // 1, or 2 for the duplicate of WebhookDuplicate
	Attempt    int  // 1 for the first try, 2.. for retries
	Dropped    bool // WebhookDrop/WebhookDropRate: nothing was sent
	StatusCode int  // the receiver's answer, 0 when it did not answer
	Err        string
	Body       []byte
	Time       time.Time // when the attempt started, per Options.Now
	Latency    time.Duration
}

// Webhooks returns every delivery attempt so far, oldest first.
func (s *Server) Webhooks() []WebhookAttempt {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]WebhookAttempt(nil), s.webhooks...)
}

// eventBody is what Novita POSTs.
type eventBody struct {
	EventType string     `json:"event_type"`
	Payload   resultBody `json:"payload"`
}

// scheduleWebhook delivers t's event when it ends (at once for test mode), plus WebhookDelay.
func (s *Server) scheduleWebhook(t *task) {
	wait := s.options().WebhookDelay
	if !t.testMode {
		wait += t.duration
	}
	s.goAsync(func(ctx context.Context) {
		if clock.Sleep(ctx, wait) == nil {
			s.deliver(ctx, t)
		}
	})
}

// deliver sends the event with Novita's policy: per-attempt timeout, up to WebhookMaxRetries retries on
// errors and non-2xx answers, exponential backoff.
func (s *Server) deliver(ctx context.Context, t *task) {
	o := s.options()
	s.mu.Lock()
	drop := o.WebhookDrop || (o.WebhookDropRate > 0 && s.rng.Float64() < o.WebhookDropRate)
	s.mu.Unlock()
	res := s.result(t, o.Now(), t.base, true)
	body, err := json.Marshal(eventBody{EventType: novita.EventAsyncTaskResult, Payload: res})
	base := WebhookAttempt{URL: t.webhookURL, TaskID: t.id, Status: res.Task.Status, TestMode: t.testMode, Body: body}
	if err != nil || drop {
		a := base
		a.Dropped, a.Time = true, o.Now()
		if err != nil {
			a.Err = "encode event: " + err.Error()
		}
		s.addAttempt(a)
		return
	}
	client := o.WebhookClient
	if client == nil {
		client = s.ownClient
	}
	copies := 1
	if o.WebhookDuplicate {
		copies = 2
	}
	for c := 1; c <= copies; c++ {
		for n := 1; n <= 1+o.WebhookMaxRetries; n++ {
			if n > 1 && clock.Sleep(ctx, backoff(o.WebhookRetryBackoff, n-1)) != nil {
				return
			}
			a := base
			a.Copy, a.Attempt, a.Time = c, n, o.Now()
			start := time.Now()
			a.StatusCode, err = post(ctx, client, t.webhookURL, body, o.WebhookTimeout)
			a.Latency = time.Since(start)
			if err != nil {
				a.Err = err.Error()
			}
			s.addAttempt(a)
			if ctx.Err() != nil {
				return
			}
			if err == nil && a.StatusCode >= 200 && a.StatusCode < 300 {
				break
			}
		}
	}
}

func (s *Server) addAttempt(a WebhookAttempt) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhooks = append(s.webhooks, a)
}

// backoff before retry n (1-based): base*2^(n-1), at most 30s.
func backoff(base time.Duration, n int) time.Duration {
	d := base << (n - 1)
	if d <= 0 || d > 30*time.Second {
		d = 30 * time.Second
	}
	return d
}

func post(ctx context.Context, client *http.Client, url string, body []byte, timeout time.Duration) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("webhook request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "novita-sandbox-webhook/1")
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	return resp.StatusCode, nil
}
