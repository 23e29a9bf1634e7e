package novita

import (
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"
)

// RetryPolicy bounds retries: exponential backoff from BaseDelay to MaxDelay with full jitter,
// at most MaxAttempts attempts in all. A Retry-After header overrides the backoff (capped at MaxRetryAfter).
type RetryPolicy struct {
	MaxAttempts   int
	BaseDelay     time.Duration
	MaxDelay      time.Duration
	MaxRetryAfter time.Duration
}

// DefaultRetryPolicy is what the CLI uses.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxAttempts: 5, BaseDelay: 500 * time.Millisecond, MaxDelay: 8 * time.Second, MaxRetryAfter: 60 * time.Second}
}

// Backoff returns the delay before attempt n+1 (n counts from 1), honouring retryAfter when set.
func (p RetryPolicy) Backoff(n int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		if p.MaxRetryAfter > 0 && retryAfter > p.MaxRetryAfter {
			return p.MaxRetryAfter
		}
		return retryAfter
	}
	d := p.BaseDelay << (n - 1)
	if d <= 0 || (p.MaxDelay > 0 && d > p.MaxDelay) {
		d = p.MaxDelay
	}
	if d <= 0 {
		return 0
	}
	// Full jitter keeps many clients from retrying in lockstep after a shared 429.
	return d/2 + rand.N(d/2+1)
}

func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 {
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// surelyNotSent reports whether a transport error proves the request never reached the server,
// the only case where a non-idempotent submit may be retried.
func surelyNotSent(err error) bool {
	if errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr) && !dnsErr.IsTimeout
}
