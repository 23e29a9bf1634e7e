package sandbox

import (
	"io"
	"net/http"
	"time"
)

// DefaultAPIKey is the key the sandbox accepts when Options.APIKey is empty.
const DefaultAPIKey = "sk_sandbox_0000"

// Options configures the simulator. The zero value is a well-behaved API: every knob that simulates a bad
// day is off. Counters like Submit429First make failures deterministic for tests; the *Rate knobs draw from
// an RNG seeded with Seed, so a run is reproducible too.
type Options struct {
	APIKey       string        // accepted key; default DefaultAPIKey
	TaskDuration time.Duration // submit to final status; default 3s (QUEUED for the first fifth, then PROCESSING)
	PublicURL    string        // base of output URLs; default the scheme+Host the request came in on

	FailRate float64 // probability a task ends FAILED ("[fail]" in the prompt always fails)

	// Injected API errors: the first N requests of a kind fail (429 first, then 5xx), then each later
	// request fails with the given probability.
	Submit429First, Submit5xxFirst, Result429First, Result5xxFirst int
	Submit429Rate, Submit5xxRate, Result429Rate, Result5xxRate     float64
	RetryAfter                                                     time.Duration // Retry-After on injected 429s; default 1s
	// ResultFaultsPerTask caps the rate-drawn 429/5xx answers to one task's result reads (0 = no cap):
	// a bad day, not an outage, so a client's bounded retries always get through however the draws fall
	// and however concurrent readers interleave.
	ResultFaultsPerTask int

	// RateLimitPerMinute caps images (or tasks, for non-image endpoints) per minute per endpoint, like
	// Novita's per-model IPM limits: 429 RATE_LIMIT_EXCEEDED with metadata and Retry-After. 0 = unlimited.
	RateLimitPerMinute int

	WebhookDrop         bool          // never deliver webhooks
	WebhookDropRate     float64       // probability a task's webhook is never delivered
	WebhookDuplicate    bool          // deliver every event twice
	WebhookDelay        time.Duration // extra wait between task end and the first delivery attempt
	WebhookRetryBackoff time.Duration // wait before retry n is backoff*2^(n-1), capped at 30s; default 1s
	WebhookTimeout      time.Duration // per attempt; default 5s, Novita's
	WebhookMaxRetries   int           // retries after the first attempt; default 5, Novita's; <0 = none
	WebhookClient       *http.Client  // delivers webhooks; default a private client closed by Close

	DownloadCutAfter    int64 // close the connection after N body bytes, once per output file (0 = off)
	DownloadBytesPerSec int64 // throttle downloads (0 = unlimited)
	// ExpireOnResume answers the first resumed download (a Range request) of each output 403 "Request
	// has expired", as a TTL running out mid-download would; the next request works. Once per output,
	// so the downloader's one re-read of the task result always suffices, however busy the machine.
	ExpireOnResume bool
	VideoPadBytes  int64 // pad MP4 outputs to N bytes with a trailing "free" box (0 = off)
	// MaxMediaSide scales generated images and videos down, keeping their aspect, so that neither
	// side exceeds it (0 = the size the request asked for, up to 4096). For tests that run every
	// endpoint and only check that files decode: a 4096x4096 PNG or 1080p video costs seconds under -race.
	MaxMediaSide int

	URLTTL      time.Duration // presigned URL lifetime; default 1h
	TTLAsString bool          // send *_url_ttl as "3600" instead of 3600 (the API does both)

	// SubmitError makes every submit (and synchronous call) whose body is valid answer this reason
	// from the reference's error page, with the page's status and description (INVALID_IMAGE_SIZE,
	// BILLING_FAILED, NEED_REAL_NAME_VERIFY, ...); "" is off. A reason the page does not list answers 500.
	SubmitError string
	// BaseRespError makes the MiniMax synchronous endpoints answer 200 with this non-zero
	// base_resp.status_code and no audio, as MiniMax reports its own failures; 0 is off.
	BaseRespError int

	// RejectExtra lists endpoints (catalog names) whose submit refuses an "extra" field with 400
	// INVALID_REQUEST_BODY, as an API whose page lists no extra might: the CLI's webhook fallback.
	RejectExtra []string

	Balance *Balance // answered by GET /openapi/v1/billing/balance/detail; nil = DefaultBalance()

	Seed   uint64           // seeds the RNG behind the *Rate knobs
	Now    func() time.Time // clock for task progress, URL expiry and rate limits; default time.Now
	Logger io.Writer        // one line per request: METHOD path status duration (never the key)
}

func (o Options) withDefaults() Options {
	if o.APIKey == "" {
		o.APIKey = DefaultAPIKey
	}
	if o.TaskDuration <= 0 {
		o.TaskDuration = 3 * time.Second
	}
	if o.RetryAfter <= 0 {
		o.RetryAfter = time.Second
	}
	if o.WebhookRetryBackoff <= 0 {
		o.WebhookRetryBackoff = time.Second
	}
	if o.WebhookTimeout <= 0 {
		o.WebhookTimeout = 5 * time.Second
	}
	if o.WebhookMaxRetries == 0 {
		o.WebhookMaxRetries = 5
	} else if o.WebhookMaxRetries < 0 {
		o.WebhookMaxRetries = 0
	}
	if o.URLTTL <= 0 {
		o.URLTTL = time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}
