package novita

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/novita-cli/novita/pkg/clierr"
)

// maxSyncResponseBytes bounds a synchronous answer, which carries its outputs inline (base64 images,
// hex audio): far larger than a task result, still bounded.
const maxSyncResponseBytes = 256 << 20

// SubmitSync posts body to a synchronous endpoint (path "/v3/remove-background", "/v3beta/flux-1-schnell")
// and returns its 2xx answer as is, for catalog.Task.DecodeSync. Like Submit it retries only when the
// request surely did not reach the server (connection refused, 429): a synchronous call is billed when
// it runs. A path under /v3/async/ is refused: synchronous endpoints answer 404 there.
func (c *Client) SubmitSync(ctx context.Context, path string, body []byte) ([]byte, error) {
	if !strings.HasPrefix(path, "/") || strings.HasPrefix(path, "/v3/async/") {
		return nil, fmt.Errorf("run %s: not a synchronous endpoint path (want /v3/<name>, /v3beta/<name>, /v4beta/<name> or /openai/v1/...)", path)
	}
	op := "run " + strings.TrimPrefix(path, "/")
	u := strings.TrimRight(c.BaseURL, "/") + path
	payload, contentType := body, "application/json"
	if MultipartPath(path) {
		var err error
		if payload, contentType, err = FormBody(body); err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
	}
	var raw []byte
	err := c.retry(ctx, op, submitRetryable, func(ctx context.Context) (err error) {
		raw, err = c.syncOnce(ctx, op, u, payload, contentType, body)
		return err
	})
	if err != nil && maybeCreated(err) {
		err = clierr.WithHint(clierr.KindOf(err), err,
			"the request may have reached Novita and been billed; check your Novita console before running it again")
	}
	return raw, err
}

// submitRetryable is Submit's rule: only a 429 or a request that surely never left.
func submitRetryable(err error) bool {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.HTTPStatus == http.StatusTooManyRequests
	}
	return surelyNotSent(err)
}

// syncOnce is one POST of payload as contentType; the answer may be JSON or the raw file (some audio
// endpoints). The trace shows shown: the JSON form of the body (a form's file parts are binary).
func (c *Client) syncOnce(ctx context.Context, op, u string, payload []byte, contentType string, shown []byte) ([]byte, error) {
	b, err := c.send(ctx, op, http.MethodPost, u, payload, contentType, shown, c.SubmitTimeout, "application/json, */*", maxSyncResponseBytes+1)
	if err != nil {
		return nil, err
	}
	if len(b) > maxSyncResponseBytes {
		return nil, errDecode{fmt.Errorf("%s: the answer is larger than %d MiB", op, maxSyncResponseBytes>>20)}
	}
	if err := baseRespError(op, b); err != nil {
		return nil, err
	}
	return b, nil
}

// baseRespError reads a MiniMax answer's own status: a 200 whose base_resp.status_code is not 0 is a
// failure (no audio), reported as an API error with MiniMax's code and message.
func baseRespError(op string, b []byte) error {
	if len(b) == 0 || b[0] != '{' || !bytes.Contains(b, []byte(`"base_resp"`)) {
		return nil
	}
	var ans struct {
		BaseResp *struct {
			StatusCode int    `json:"status_code"`
			StatusMsg  string `json:"status_msg"`
		} `json:"base_resp"`
	}
	if json.Unmarshal(b, &ans) != nil || ans.BaseResp == nil || ans.BaseResp.StatusCode == 0 {
		return nil
	}
	msg := ans.BaseResp.StatusMsg
	if msg == "" {
		msg = "no message"
	}
	return &APIError{Op: op, HTTPStatus: http.StatusOK, Code: ans.BaseResp.StatusCode, Reason: BaseRespReason,
		Message: fmt.Sprintf("MiniMax status %d: %s", ans.BaseResp.StatusCode, msg)}
}

// BaseRespReason is the reason of an APIError made from a MiniMax base_resp.
const BaseRespReason = "MINIMAX_BASE_RESP"
