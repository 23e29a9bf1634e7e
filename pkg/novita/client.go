package novita

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/clock"
)

// DefaultBaseURL is the production API.
const DefaultBaseURL = "https://api.novita.ai"

// maxResponseBytes bounds what we read of an API answer; results are small, bodies of errors smaller.
const maxResponseBytes = 16 << 20

// Client talks to the V3 async API. The zero value is not usable: set BaseURL and APIKey.
type Client struct {
	BaseURL    string
	APIKey     string
	HTTPClient *http.Client
	UserAgent  string
	// Trace receives a request/response trace (--debug) with the key redacted. Nil disables it.
	Trace io.Writer
	Retry RetryPolicy
	// SubmitTimeout and ReadTimeout bound one HTTP attempt.
	SubmitTimeout time.Duration
	ReadTimeout   time.Duration
	// Sleep waits between retries; tests replace it to run instantly.
	Sleep func(ctx context.Context, d time.Duration) error
	// OnRetry, when set, is told about each retry (for status lines).
	OnRetry func(op string, attempt int, wait time.Duration, err error)
}

// NewClient returns a client with the CLI's defaults.
func NewClient(baseURL, apiKey, version string) *Client {
	return &Client{
		BaseURL:       baseURL,
		APIKey:        apiKey,
		HTTPClient:    &http.Client{},
		UserAgent:     "novita-cli/" + version,
		Retry:         DefaultRetryPolicy(),
		SubmitTimeout: 120 * time.Second,
		ReadTimeout:   30 * time.Second,
	}
}

// EndpointPath maps a task name to its path: "txt2img" -> /v3/async/txt2img; a name that starts with
// "/" (e.g. "/v3beta/...") is used as is.
func EndpointPath(name string) string {
	if strings.HasPrefix(name, "/") {
		return name
	}
	return "/v3/async/" + name
}

// Submit posts body to the task's endpoint and returns the task id. It retries only when the request
// surely did not reach the server (connection refused, 429): a retry after a timeout or 5xx could pay twice.
func (c *Client) Submit(ctx context.Context, endpoint string, body []byte) (string, error) {
	op := "submit " + strings.TrimPrefix(endpoint, "/")
	u := strings.TrimRight(c.BaseURL, "/") + EndpointPath(endpoint)
	var out struct {
		TaskID string `json:"task_id"`
	}
	err := c.do(ctx, op, http.MethodPost, u, body, c.SubmitTimeout, func(err error) bool {
		var ae *APIError
		if errors.As(err, &ae) {
			return ae.HTTPStatus == http.StatusTooManyRequests
		}
		return surelyNotSent(err)
	}, func(b []byte) error {
		if err := json.Unmarshal(b, &out); err != nil {
			return fmt.Errorf("%s: the API answered 200 with a body that is not JSON: %s", op, snippet(b))
		}
		if out.TaskID == "" {
			return fmt.Errorf("%s: the API answered 200 without a task_id: %s", op, snippet(b))
		}
		return nil
	})
	if err != nil && maybeCreated(err) {
		// Not retried on purpose (a retry could pay twice); tell the user how to find out.
		err = clierr.WithHint(clierr.KindOf(err), err,
			"the request may have reached Novita and created a task; check your Novita console before submitting again")
	}
	if err == nil {
		err = checkTaskID(op, out.TaskID)
	}
	if err != nil {
		return "", err
	}
	return out.TaskID, nil
}

// maybeCreated reports whether a failed submit could still have created a task: a 5xx, a timeout,
// an interrupted or unreadable answer -- anything but a refusal before the request was sent.
func maybeCreated(err error) bool {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.HTTPStatus >= 500
	}
	return !surelyNotSent(err)
}

// TaskResult reads a task's current result, retrying 429, 5xx and network errors with backoff.
func (c *Client) TaskResult(ctx context.Context, taskID string) (*TaskResult, error) {
	op := "read task " + taskID
	u := strings.TrimRight(c.BaseURL, "/") + "/v3/async/task-result?task_id=" + url.QueryEscape(taskID)
	var res *TaskResult
	err := c.do(ctx, op, http.MethodGet, u, nil, c.ReadTimeout, func(err error) bool {
		var ae *APIError
		if errors.As(err, &ae) {
			return ae.Retryable()
		}
		return ctx.Err() == nil
	}, func(b []byte) error {
		r, err := DecodeTaskResult(b)
		if err != nil {
			return fmt.Errorf("%s: the API answered 200 with a body that is not a task result: %s", op, snippet(b))
		}
		res = r
		return nil
	})
	return res, err
}

// do runs one API call with retries. retryable decides whether an error may be retried; decode reads a 2xx body.
func (c *Client) do(ctx context.Context, op, method, u string, body []byte, timeout time.Duration,
	retryable func(error) bool, decode func([]byte) error) error {
	return c.retry(ctx, op, retryable, func(ctx context.Context) error {
		return c.once(ctx, op, method, u, body, timeout, decode)
	})
}

// retry makes attempts until one succeeds, the error may not be retried, the attempts run out or ctx
// ends, sleeping the policy's backoff (or the server's Retry-After) between them.
func (c *Client) retry(ctx context.Context, op string, retryable func(error) bool, attempt func(context.Context) error) error {
	attempts := max(c.Retry.MaxAttempts, 1)
	for n := 1; ; n++ {
		err := attempt(ctx)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%s: %w", op, ctx.Err())
		}
		if n >= attempts || !retryable(err) || CannotSucceed(err) || Offline(err) {
			return err
		}
		var ra time.Duration
		var ae *APIError
		if errors.As(err, &ae) {
			ra = ae.RetryAfter
		}
		wait := c.Retry.Backoff(n, ra)
		if c.OnRetry != nil {
			c.OnRetry(op, n, wait, err)
		}
		sleep := c.Sleep
		if sleep == nil {
			sleep = clock.Sleep
		}
		if err := sleep(ctx, wait); err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
	}
}

// errDecode marks a 2xx answer we could not read; it is not retried.
type errDecode struct{ error }

func (c *Client) once(ctx context.Context, op, method, u string, body []byte, timeout time.Duration, decode func([]byte) error) error {
	b, err := c.exchange(ctx, op, method, u, body, timeout, "application/json", maxResponseBytes)
	if err != nil {
		return err
	}
	if err := decode(b); err != nil {
		return errDecode{err}
	}
	return nil
}

// exchange is one HTTP request with the key, traced with --debug, bounded by timeout: it returns a 2xx
// answer's body (at most limit bytes) or the API error the answer carries.
func (c *Client) exchange(ctx context.Context, op, method, u string, body []byte, timeout time.Duration,
	accept string, limit int64) ([]byte, error) {
	return c.send(ctx, op, method, u, body, "application/json", body, timeout, accept, limit)
}

// send is exchange with the body's Content-Type, and shown (what the trace prints) apart from body.
func (c *Client) send(ctx context.Context, op, method, u string, body []byte, contentType string, shown []byte,
	timeout time.Duration, accept string, limit int64) ([]byte, error) {
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if c.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.APIKey)
	}
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", accept)
	resp, b, err := c.roundTrip(op, req, shown, limit)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, parseAPIError(op, resp.StatusCode, resp.Header, b)
	}
	return b, nil
}

// roundTrip sends req with the client's User-Agent through its HTTP client, traced (shown is the body
// the trace prints), and reads at most limit bytes of the answer: the one exchange under the API's
// calls and the training uploads.
func (c *Client) roundTrip(op string, req *http.Request, shown []byte, limit int64) (*http.Response, []byte, error) {
	req.Header.Set("User-Agent", c.UserAgent)
	c.traceRequest(req, shown)
	start := time.Now()
	hc := c.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", op, redactURLError(err))
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: reading the answer: %w", op, err)
	}
	c.traceResponse(resp, b, time.Since(start))
	return resp, b, nil
}

// redactURLError keeps the operation and cause of a transport error; our URLs carry no secrets,
// but the wrapper's "Get \"...\":" prefix adds noise to an already-named operation.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s %s: %w", strings.ToUpper(ue.Op), ue.URL, ue.Err)
	}
	return err
}
