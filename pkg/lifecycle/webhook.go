package lifecycle

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/novita-cli/novita/pkg/body"
	"github.com/novita-cli/novita/pkg/novita"
)

// webhookRefusedFile, beside the journal's database, lists the endpoints that refused a webhook field
// (one per line): a later submit to them polls instead of trying again.
const webhookRefusedFile = "webhook-refused"

// WebhookDropped is the warning of a submit sent without its webhook: the endpoint refused the field
// earlier (Remembered), or just now (Err, the 400), and the task is polled instead. Commands word it.
type WebhookDropped struct {
	Endpoint   string
	Remembered bool  // skipped because an earlier submit was refused
	Err        error // the refusal, when it happened now
}

func (w *WebhookDropped) Error() string {
	if w.Remembered {
		return fmt.Sprintf("%s refused a webhook before: submitted without one; polling", w.Endpoint)
	}
	return fmt.Sprintf("%s refused the webhook field (%v): submitted again without it; polling", w.Endpoint, w.Err)
}

func (w *WebhookDropped) Unwrap() error { return w.Err }

// refusesWebhook reports whether a submit was refused because of its webhook field: a 400 (nothing
// was created) whose reason or message names the webhook, extra or callback field.
func refusesWebhook(err error) bool {
	var ae *novita.APIError
	if !errors.As(err, &ae) || ae.HTTPStatus != http.StatusBadRequest {
		return false
	}
	text := strings.ToLower(ae.Reason + " " + ae.Message)
	for _, w := range []string{"webhook", "extra", "callback"} {
		if strings.Contains(text, w) {
			return true
		}
	}
	return false
}

// submitBody sends one body to endpoint. A body with a webhook at webhookPath goes without it when
// the endpoint refused one before; when the endpoint refuses it now (a 400 naming the field), the
// body is sent again once without it and the endpoint is remembered. It returns the body as sent.
func (r *Runner) submitBody(ctx context.Context, c *novita.Client, endpoint string, raw []byte, webhookPath string) (string, []byte, error) {
	if webhookPath != "" && r.webhookRefused(endpoint) {
		stripped, err := withoutWebhook(raw, webhookPath)
		if err != nil {
			return "", nil, err
		}
		r.observer().Warn(&WebhookDropped{Endpoint: endpoint, Remembered: true})
		raw = stripped
		webhookPath = ""
	}
	id, err := c.Submit(ctx, endpoint, raw)
	if err == nil || webhookPath == "" || !refusesWebhook(err) {
		return id, raw, err
	}
	stripped, serr := withoutWebhook(raw, webhookPath)
	if serr != nil {
		return "", nil, err
	}
	r.rememberRefusal(endpoint)
	r.observer().Warn(&WebhookDropped{Endpoint: endpoint, Err: err})
	id, err = c.Submit(ctx, endpoint, stripped)
	return id, stripped, err
}

func withoutWebhook(raw []byte, path string) ([]byte, error) {
	req, err := body.Decode(raw)
	if err != nil {
		return nil, err
	}
	body.DropWebhook(req, path)
	return body.Marshal(req)
}

// refusedPath is the file of endpoints that refused a webhook; "" without a journal (nothing is kept:
// each submit then finds out again, at the cost of one 400).
func (r *Runner) refusedPath() string {
	if r.Journal == nil || r.Journal.Path == "" {
		return ""
	}
	return filepath.Join(filepath.Dir(r.Journal.Path), webhookRefusedFile)
}

// webhookRefused reports whether endpoint refused a webhook field before (in this run or an earlier one).
func (r *Runner) webhookRefused(endpoint string) bool {
	p := r.refusedPath()
	if p == "" {
		return false
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return false
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == endpoint {
			return true
		}
	}
	return false
}

// rememberRefusal records that endpoint refuses a webhook field; a failed write is only a warning.
func (r *Runner) rememberRefusal(endpoint string) {
	p := r.refusedPath()
	if p == "" {
		return
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		r.observer().Warn(fmt.Errorf("remember that %s refuses webhooks: %w", endpoint, err))
		return
	}
	f, err := os.OpenFile(p, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err == nil {
		_, err = f.WriteString(endpoint + "\n") // one short append: whole lines even when runs race
		err = errors.Join(err, f.Close())
	}
	if err != nil {
		r.observer().Warn(fmt.Errorf("remember that %s refuses webhooks: %w", endpoint, err))
	}
}

// WebhookRefused reports whether endpoint is known to refuse a webhook field, so a command can skip
// opening a receiver for it.
func (r *Runner) WebhookRefused(endpoint string) bool { return r.webhookRefused(endpoint) }
