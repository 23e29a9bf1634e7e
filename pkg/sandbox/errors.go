package sandbox

import (
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/novita-cli/novita/pkg/novita"
)

// apiError is Novita's error body.
type apiError struct {
	Code     int               `json:"code"`
	Reason   string            `json:"reason"`
	Message  string            `json:"message"`
	Metadata map[string]string `json:"metadata"`
}

func (s *Server) writeError(w http.ResponseWriter, status int, reason, msg string, meta map[string]string) {
	if meta == nil {
		meta = map[string]string{}
	}
	writeJSON(w, status, apiError{Code: status, Reason: reason, Message: msg, Metadata: meta})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "sandbox: encode response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// authorize accepts "Bearer <key>" (the documented form) and the bare key (what the JS SDK sends).
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) bool {
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	key := h
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		key = strings.TrimSpace(h[7:])
	}
	switch {
	case key == "":
		s.writeError(w, http.StatusBadRequest, "MISSING_API_KEY", "missing api key", nil)
		return false
	case key != s.APIKey():
		s.writeError(w, http.StatusForbidden, "INVALID_API_KEY", "invalid api key", nil)
		return false
	}
	return true
}

// inject applies the 429/5xx knobs to a request of kind "submit" or "result" (for task, "" on submits)
// and reports whether it answered. The first N requests fail (429 first, then 5xx); later ones fail with
// the configured rates, at most ResultFaultsPerTask times per task on result reads.
func (s *Server) inject(w http.ResponseWriter, kind, task string) bool {
	s.mu.Lock()
	o := s.opts
	n := s.counts[kind]
	s.counts[kind]++
	first429, first5xx, rate429, rate5xx := o.Submit429First, o.Submit5xxFirst, o.Submit429Rate, o.Submit5xxRate
	reason5xx := "CREATE_TASK_FAILED"
	if kind == "result" {
		first429, first5xx, rate429, rate5xx = o.Result429First, o.Result5xxFirst, o.Result429Rate, o.Result5xxRate
		reason5xx = "GET_RESULT_FAILED"
	}
	drawn := n >= first429+first5xx
	if drawn && kind == "result" && o.ResultFaultsPerTask > 0 && s.taskFaults[task] >= o.ResultFaultsPerTask {
		rate429, rate5xx = 0, 0
	}
	is429 := n < first429 || (drawn && rate429 > 0 && s.rng.Float64() < rate429)
	is5xx := !is429 && (n >= first429 && n < first429+first5xx || (drawn && rate5xx > 0 && s.rng.Float64() < rate5xx))
	if drawn && kind == "result" && (is429 || is5xx) {
		s.taskFaults[task]++
	}
	s.mu.Unlock()
	switch {
	case is429:
		w.Header().Set("Retry-After", retryAfter(o.RetryAfter))
		s.writeError(w, http.StatusTooManyRequests, "RATE_LIMIT_EXCEEDED", "sandbox: injected rate limit", nil)
		return true
	case is5xx:
		s.writeError(w, http.StatusInternalServerError, reason5xx, "sandbox: injected server error", nil)
		return true
	}
	return false
}

// retryAfter formats a wait as Retry-After seconds, at least 1.
func retryAfter(d time.Duration) string {
	return strconv.Itoa(max(1, int(math.Ceil(d.Seconds()))))
}

// rateHit is units (images, or one task) admitted at a time.
type rateHit struct {
	at    time.Time
	units int
}

// admit enforces RateLimitPerMinute over a sliding minute per endpoint; it answers 429 and returns false
// when units would exceed the limit.
func (s *Server) admit(w http.ResponseWriter, endpoint string, units int) bool {
	s.mu.Lock()
	limit, now := s.opts.RateLimitPerMinute, s.opts.Now()
	if limit <= 0 {
		s.mu.Unlock()
		return true
	}
	hits := s.rate[endpoint][:0]
	used := 0
	for _, h := range s.rate[endpoint] {
		if now.Sub(h.at) < time.Minute {
			hits = append(hits, h)
			used += h.units
		}
	}
	ok := used+units <= limit
	var wait time.Duration
	if ok {
		hits = append(hits, rateHit{now, units})
	} else if len(hits) > 0 {
		wait = hits[0].at.Add(time.Minute).Sub(now)
	} else {
		wait = time.Minute
	}
	s.rate[endpoint] = hits
	s.mu.Unlock()
	if !ok {
		w.Header().Set("Retry-After", retryAfter(wait))
		s.writeError(w, http.StatusTooManyRequests, "RATE_LIMIT_EXCEEDED", "rate limit exceeded",
			map[string]string{"limit": strconv.Itoa(limit), "unit": "images per minute"})
	}
	return ok
}

// allow answers 405 (with Allow) unless the request uses method; it reports whether to go on.
func (s *Server) allow(w http.ResponseWriter, r *http.Request, method string) bool {
	if r.Method == method {
		return true
	}
	w.Header().Set("Allow", method)
	s.writeError(w, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", r.Method+" is not allowed on "+r.URL.Path, nil)
	return false
}

// postTo finds the endpoint a POST names: async ones under /v3/async/, synchronous ones at their own
// path (posting one where the other belongs is not found, as on Novita). nil means an error was answered.
func (s *Server) postTo(w http.ResponseWriter, r *http.Request, sync bool) *endpoint {
	ep := s.endpoints[r.URL.Path]
	if ep == nil || ep.sync != sync {
		s.writeError(w, http.StatusNotFound, "API_NOT_FOUND", "no API at "+r.URL.Path, nil)
		return nil
	}
	if !s.allow(w, r, http.MethodPost) {
		return nil
	}
	return ep
}

// documentedError answers Options.SubmitError, if set, and reports whether it did.
func (s *Server) documentedError(w http.ResponseWriter) bool {
	reason := s.options().SubmitError
	if reason == "" {
		return false
	}
	status, ok := novita.ReasonStatus(reason)
	if !ok {
		status = http.StatusInternalServerError
	}
	s.writeError(w, status, reason, reasonText(reason), nil)
	return true
}

// reasonText is the error page's description of a reason.
func reasonText(reason string) string {
	switch reason {
	case novita.ReasonImageFileExceedsMaxSize:
		return "Image size exceeds limit"
	case novita.ReasonInvalidImageFormat:
		return "Image format does not meet requirements"
	case novita.ReasonImageExceedsMaxResolution:
		return "Image resolution exceeds limit"
	case novita.ReasonInvalidImageSize:
		return "Image width or height exceeds limit"
	case novita.ReasonImageNoFaceDetected:
		return "No face detected"
	case novita.ReasonIllegalPrompt:
		return "Prompt contains inappropriate content"
	case novita.ReasonIllegalImageContent:
		return "Image contains inappropriate content"
	case novita.ReasonInvalidAudioFile:
		return "Invalid audio input"
	case novita.ReasonBillingFailed:
		return "Billing service error"
	case novita.ReasonBillingBalanceNotEnough:
		return "Insufficient balance"
	case novita.ReasonFeatureNotAllowed:
		return "No permission to upload model"
	case novita.ReasonAPINotAllowed:
		return "No permission to use this API"
	case novita.ReasonNeedRealNameVerify:
		return "Enterprise verification not completed"
	case novita.ReasonCreateTaskFailed:
		return "Failed to create task"
	}
	return "sandbox: injected " + reason
}
