package testevent

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/novita-cli/novita/pkg/clock"
)

// Novita's delivery policy, as documented: 5 s per attempt, up to 5 retries.
const (
	DefaultAttemptTimeout = 5 * time.Second
	DefaultRetries        = 5
)

// SendOptions configures Send. Zero values mean Novita's policy.
type SendOptions struct {
	URL    string
	Body   []byte
	Header http.Header  // extra request headers
	Client *http.Client // default: no redirects followed (a 3xx is a failed attempt, as for Novita)
	// Timeout bounds each attempt (default 5 s).
	Timeout time.Duration
	// Retries after the first attempt: 0 = 5 (Novita's policy), <0 = none.
	Retries int
	// RetryDelay is a fixed pause between attempts: 0 = 1 s, 2 s, 4 s, ... (capped at 30 s), <0 = none.
	RetryDelay time.Duration
	OnAttempt  func(Attempt)
}

// Attempt is the outcome of one POST.
type Attempt struct {
	N       int // 1-based
	Status  int // 0 when no HTTP answer came
	Err     error
	Latency time.Duration
}

// OK reports whether the attempt got a 2xx.
func (a Attempt) OK() bool { return a.Err == nil && a.Status >= 200 && a.Status < 300 }

// Result lists every attempt; the last one is the successful one when Send returns nil.
type Result struct {
	Attempts []Attempt
}

// Send POSTs the body the way Novita delivers webhooks and returns once an attempt got a 2xx,
// or with an error when every attempt failed or ctx ended.
func Send(ctx context.Context, o SendOptions) (Result, error) {
	if o.Timeout <= 0 {
		o.Timeout = DefaultAttemptTimeout
	}
	switch {
	case o.Retries == 0:
		o.Retries = DefaultRetries
	case o.Retries < 0:
		o.Retries = 0
	}
	client := o.Client
	if client == nil {
		client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	var res Result
	for n := 1; ; n++ {
		a := attempt(ctx, client, o, n)
		res.Attempts = append(res.Attempts, a)
		if o.OnAttempt != nil {
			o.OnAttempt(a)
		}
		if a.OK() {
			return res, nil
		}
		if ctx.Err() != nil {
			return res, fmt.Errorf("deliver to %s: %w", o.URL, ctx.Err())
		}
		if n > o.Retries {
			return res, &DeliveryError{URL: o.URL, Attempts: n, Last: a}
		}
		if err := clock.Sleep(ctx, delay(o.RetryDelay, n)); err != nil {
			return res, fmt.Errorf("deliver to %s: %w", o.URL, err)
		}
	}
}

func attempt(ctx context.Context, client *http.Client, o SendOptions, n int) Attempt {
	actx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	a := Attempt{N: n}
	req, err := http.NewRequestWithContext(actx, http.MethodPost, o.URL, bytes.NewReader(o.Body))
	if err != nil {
		a.Err = err
		return a
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "novita-cli test-event")
	for k, vs := range o.Header {
		req.Header[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err == nil {
		// Reading the answer is part of the attempt: a server that stalls mid-body times out too.
		_, err = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		a.Status = resp.StatusCode
	}
	a.Latency = time.Since(start)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			err = fmt.Errorf("timed out after %v", o.Timeout)
		}
		a.Err = err
	}
	return a
}

// DeliveryError is an event that no attempt delivered; Last is the final attempt (its Err, when set,
// is why it failed: a refused connection means nothing listens at URL).
type DeliveryError struct {
	URL      string
	Attempts int
	Last     Attempt
}

func (e *DeliveryError) Error() string {
	return fmt.Sprintf("deliver to %s: %s failed; last: %s", e.URL, attemptsWord(e.Attempts), describe(e.Last))
}

// Unwrap is the last attempt's error, if it had one.
func (e *DeliveryError) Unwrap() error { return e.Last.Err }

func describe(a Attempt) string {
	if a.Err != nil {
		return a.Err.Error()
	}
	return fmt.Sprintf("HTTP %d", a.Status)
}

func delay(fixed time.Duration, n int) time.Duration {
	if fixed > 0 {
		return fixed
	}
	if fixed < 0 {
		return 0
	}
	d := time.Second << (n - 1)
	if d > 30*time.Second || d <= 0 {
		d = 30 * time.Second
	}
	return d
}

// attemptsWord is "the 1 attempt" or "all 3 attempts".
func attemptsWord(n int) string {
	if n == 1 {
		return "the only attempt"
	}
	return fmt.Sprintf("all %d attempts", n)
}
