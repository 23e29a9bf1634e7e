package sandbox

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/novita-cli/novita/pkg/novita"
)

// Video outputs are short clips: frames at fps.
const (
	videoFrames = 8
	videoFPS    = 8
)

// task is one submitted task. Its status is not stored: it follows from the clock (see state).
type task struct {
	id         string
	ep         *endpoint
	base       string // output URL base
	prompt     string
	seed       int64
	units      int // rate-limit units: images, or 1
	outType    string
	nsfw       bool
	webhookURL string
	webhookRaw json.RawMessage
	testMode   bool
	testStatus novita.Status
	failReason string
	submitted  time.Time
	duration   time.Duration
	outputs    []*output
	maxSide    int // Options.MaxMediaSide at submit
}

// state is the task's status at now: QUEUED for the first fifth of its duration, then PROCESSING with
// progress rising and eta (whole seconds left) falling, then final. Test-mode tasks are final at once.
func (t *task) state(now time.Time) (st novita.Status, progress, eta int64) {
	if t.testMode {
		return t.testStatus, t.finalProgress(t.testStatus), 0
	}
	el := now.Sub(t.submitted)
	if el >= t.duration {
		st := novita.StatusSucceed
		if t.failReason != "" {
			st = novita.StatusFailed
		}
		return st, t.finalProgress(st), 0
	}
	eta = int64(math.Ceil((t.duration - el).Seconds()))
	queued := t.duration / 5
	if el < queued {
		return novita.StatusQueued, 0, eta
	}
	progress = 1 + int64(98*float64(el-queued)/float64(t.duration-queued))
	return novita.StatusProcessing, progress, eta
}

func (t *task) finalProgress(st novita.Status) int64 {
	if st == novita.StatusSucceed {
		return 100
	}
	return 0
}

func (t *task) reason(st novita.Status) string {
	switch {
	case st != novita.StatusFailed:
		return ""
	case t.testMode:
		return ReasonTestMode
	}
	return t.failReason
}

// resultBody is the task-result document, built with pkg/novita's types where their JSON fits; the
// output entries are local because *_url_ttl must be sendable as a string too.
type resultBody struct {
	Extra  extraBody    `json:"extra"`
	Task   novita.Task  `json:"task"`
	Images []imageEntry `json:"images"`
	Videos []videoEntry `json:"videos"`
	Audios []audioEntry `json:"audios"`
}

type extraBody struct {
	Seed       string          `json:"seed"`
	EnableNSFW bool            `json:"enable_nsfw_detection"`
	Webhook    json.RawMessage `json:"webhook,omitempty"`
	DebugInfo  debugInfo       `json:"debug_info"`
}

type debugInfo struct {
	RequestInfo    string `json:"request_info"`
	SubmitTimeMS   string `json:"submit_time_ms"`
	ExecuteTimeMS  string `json:"execute_time_ms"`
	CompleteTimeMS string `json:"complete_time_ms"`
}

type imageEntry struct {
	ImageURL    string             `json:"image_url"`
	ImageURLTTL any                `json:"image_url_ttl"`
	ImageType   string             `json:"image_type"`
	NSFW        *novita.NSFWResult `json:"nsfw_detection_result"`
}

type videoEntry struct {
	VideoURL    string `json:"video_url"`
	VideoURLTTL any    `json:"video_url_ttl"`
	VideoType   string `json:"video_type"`
}

type audioEntry struct {
	AudioURL      string                `json:"audio_url"`
	AudioURLTTL   any                   `json:"audio_url_ttl"`
	AudioType     string                `json:"audio_type"`
	AudioMetadata *novita.AudioMetadata `json:"audio_metadata,omitempty"`
}

// result renders the task as seen at now, with freshly signed output URLs under base. final forces the
// terminal state (webhooks are sent at completion even when a test's clock has not moved).
func (s *Server) result(t *task, now time.Time, base string, final bool) resultBody {
	o := s.options()
	st, progress, eta := t.state(now)
	if final && !st.Final() {
		st, progress, eta = t.state(t.submitted.Add(t.duration))
	}
	ms := func(tm time.Time) string { return fmt.Sprint(tm.UnixMilli()) }
	r := resultBody{
		Extra: extraBody{Seed: fmt.Sprint(t.seed), EnableNSFW: t.nsfw, Webhook: t.webhookRaw,
			DebugInfo: debugInfo{SubmitTimeMS: ms(t.submitted)}},
		Task: novita.Task{TaskID: t.id, Status: st, Reason: t.reason(st), TaskType: t.ep.taskType,
			ETA: novita.FlexInt(eta), ProgressPercent: novita.FlexInt(progress)},
		Images: []imageEntry{}, Videos: []videoEntry{}, Audios: []audioEntry{},
	}
	if t.ep.kind == novita.KindAudio {
		r.Extra.Seed = ""
	}
	if st != novita.StatusQueued {
		r.Extra.DebugInfo.ExecuteTimeMS = ms(t.submitted.Add(t.duration / 5))
	}
	if st.Final() {
		r.Extra.DebugInfo.CompleteTimeMS = ms(t.submitted.Add(t.duration))
	}
	if st != novita.StatusSucceed {
		return r
	}
	ttl := any(int64(o.URLTTL.Seconds()))
	if o.TTLAsString {
		ttl = fmt.Sprint(int64(o.URLTTL.Seconds()))
	}
	for _, out := range t.outputs {
		u := s.signURL(base, out, now, o.URLTTL)
		switch out.kind {
		case novita.KindImage:
			var nsfw *novita.NSFWResult
			if t.nsfw {
				valid, conf := true, 0.02
				nsfw = &novita.NSFWResult{Valid: &valid, Confidence: &conf}
			}
			r.Images = append(r.Images, imageEntry{u, ttl, out.typ, nsfw})
		case novita.KindVideo:
			r.Videos = append(r.Videos, videoEntry{u, ttl, out.typ})
		case novita.KindAudio:
			r.Audios = append(r.Audios, audioEntry{u, ttl, out.typ, out.meta})
		}
	}
	return r
}
