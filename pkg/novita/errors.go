package novita

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/novita-cli/novita/pkg/clierr"
)

// APIError is an error answer of the API, read from either known body shape:
// {"code","reason","message","metadata"} or {"error":{"message","code"}}.
type APIError struct {
	Op         string // what was being done: "submit txt2img", "read task abc"
	HTTPStatus int
	Code       int
	Reason     string
	Message    string
	Metadata   map[string]any
	RetryAfter time.Duration // from the Retry-After header, 0 when absent
}

func (e *APIError) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "API answered %d", e.HTTPStatus)
	if e.Reason != "" {
		b.WriteString(" " + e.Reason)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	return b.String()
}

// IsAuth reports whether the key was missing or rejected.
func (e *APIError) IsAuth() bool {
	switch e.Reason {
	case "INVALID_API_KEY", "MISSING_API_KEY", "BILLING_AUTH_FAILED":
		return true
	case "":
		return e.HTTPStatus == http.StatusUnauthorized || e.HTTPStatus == http.StatusForbidden
	}
	return e.HTTPStatus == http.StatusUnauthorized
}

// ExitKind maps auth failures to exit 4, everything else to 1.
func (e *APIError) ExitKind() clierr.Kind {
	if e.IsAuth() {
		return clierr.KindAuth
	}
	return clierr.KindGeneric
}

// Retryable reports whether a read may be retried after this error.
func (e *APIError) Retryable() bool {
	return e.HTTPStatus == http.StatusTooManyRequests || e.HTTPStatus >= 500
}

// parseAPIError builds an APIError from a non-2xx answer.
func parseAPIError(op string, status int, header http.Header, body []byte) *APIError {
	e := &APIError{Op: op, HTTPStatus: status, RetryAfter: parseRetryAfter(header.Get("Retry-After"), time.Now())}
	var flat struct {
		Code     json.RawMessage `json:"code"`
		Reason   string          `json:"reason"`
		Message  string          `json:"message"`
		Metadata map[string]any  `json:"metadata"`
		Error    *struct {
			Message string          `json:"message"`
			Code    json.RawMessage `json:"code"`
			Reason  string          `json:"reason"`
			Type    string          `json:"type"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &flat) == nil {
		e.Reason, e.Message, e.Metadata = flat.Reason, flat.Message, flat.Metadata
		e.Code = rawInt(flat.Code)
		if flat.Error != nil {
			if e.Message == "" {
				e.Message = flat.Error.Message
			}
			if e.Reason == "" {
				e.Reason = flat.Error.Reason
			}
			if e.Code == 0 {
				e.Code = rawInt(flat.Error.Code)
			}
		}
	}
	if e.Message == "" && e.Reason == "" {
		e.Message = snippet(body)
		if e.Message == "" {
			e.Message = http.StatusText(status)
		}
	}
	if e.Code == 0 {
		e.Code = status
	}
	if e.Reason == "" && e.Code == http.StatusUnauthorized {
		e.Reason = "INVALID_API_KEY"
	}
	return e
}

func rawInt(b json.RawMessage) int {
	var f FlexInt
	if len(b) == 0 || json.Unmarshal(b, &f) != nil {
		return 0
	}
	return int(f)
}

// snippet is a short, single-line excerpt of a body for error messages.
func snippet(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}
