package sandbox

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/novita"
)

// The project's own client must understand everything the sandbox sends.
func TestNovitaClientRoundTrip(t *testing.T) {
	t.Parallel()
	s := start(t, Options{Result429First: 1, RetryAfter: time.Millisecond})
	c := novita.NewClient(s.URL(), s.APIKey(), "test")
	c.Sleep = func(ctx context.Context, d time.Duration) error { return nil }
	ctx := context.Background()
	id, err := c.Submit(ctx, "txt2img", []byte(txt2img("client", "", 128, 128, 1)))
	if err != nil {
		t.Fatal(err)
	}
	var res *novita.TaskResult
	for range 200 {
		if res, err = c.TaskResult(ctx, id); err != nil { // the injected 429 is retried by the client
			t.Fatal(err)
		}
		if res.Task.Status.Final() {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if res.Task.Status != novita.StatusSucceed || len(res.Outputs()) != 1 || res.Outputs()[0].TTL != 3600 {
		t.Fatalf("result %s", res.Raw)
	}

	_, err = novita.NewClient(s.URL(), "sk_wrong", "test").Submit(ctx, "txt2img", []byte(txt2img("x", "", 128, 128, 1)))
	var ae *novita.APIError
	if !errors.As(err, &ae) || !ae.IsAuth() || ae.Reason != "INVALID_API_KEY" {
		t.Errorf("wrong key: %v", err)
	}
	_, err = c.Submit(ctx, "txt2img", []byte(txt2img("", "", 128, 128, 1)))
	if !errors.As(err, &ae) || ae.HTTPStatus != 400 || ae.Message != "request.prompt: length must be between 1 and 1024" {
		t.Errorf("invalid body: %v", err)
	}
}
