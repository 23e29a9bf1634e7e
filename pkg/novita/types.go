// Package novita owns the typed client for Novita's V3 asynchronous API: submitting tasks, reading task
// results, decoding every result and error shape the API is known to send, and retrying safely.
package novita

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Status is a task status. Unknown values are kept as they come.
type Status string

const (
	StatusQueued     Status = "TASK_STATUS_QUEUED"
	StatusProcessing Status = "TASK_STATUS_PROCESSING"
	StatusSucceed    Status = "TASK_STATUS_SUCCEED"
	StatusFailed     Status = "TASK_STATUS_FAILED"
	StatusUnknown    Status = "TASK_STATUS_UNKNOWN"
)

// Final reports whether the task has ended.
func (s Status) Final() bool { return s == StatusSucceed || s == StatusFailed }

// Short is the status without its TASK_STATUS_ prefix, for humans.
func (s Status) Short() string { return strings.TrimPrefix(string(s), "TASK_STATUS_") }

// ParseStatus accepts SUCCEED, succeed, TASK_STATUS_SUCCEED, ... and returns the canonical form.
func ParseStatus(s string) (Status, error) {
	u := strings.ToUpper(strings.TrimSpace(s))
	u = strings.TrimPrefix(u, "TASK_STATUS_")
	switch u {
	case "SUCCEED", "SUCCEEDED", "SUCCESS":
		return StatusSucceed, nil
	case "FAILED", "FAIL":
		return StatusFailed, nil
	case "QUEUED":
		return StatusQueued, nil
	case "PROCESSING":
		return StatusProcessing, nil
	}
	return "", fmt.Errorf("unknown status %q (valid: SUCCEED, FAILED, QUEUED, PROCESSING)", s)
}

// FlexInt decodes a JSON number or a numeric string ("3600"), since the API sends TTLs both ways.
// An empty string or null decodes to 0.
type FlexInt int64

func (f *FlexInt) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		*f = 0
		return nil
	}
	if b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		s = strings.TrimSpace(s)
		if s == "" {
			*f = 0
			return nil
		}
		b = []byte(s)
	}
	if n, err := strconv.ParseInt(string(b), 10, 64); err == nil {
		*f = FlexInt(n)
		return nil
	}
	n, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsNaN(n) || math.IsInf(n, 0) || n > math.MaxInt64 || n < math.MinInt64 {
		return fmt.Errorf("expected a number, got %s", b)
	}
	*f = FlexInt(n)
	return nil
}

// Task is the task block of a result.
type Task struct {
	TaskID          string  `json:"task_id"`
	Status          Status  `json:"status"`
	Reason          string  `json:"reason"`
	TaskType        string  `json:"task_type"`
	ETA             FlexInt `json:"eta"`
	ProgressPercent FlexInt `json:"progress_percent"`
}

// NSFWResult is null, {} or {valid, confidence}.
type NSFWResult struct {
	Valid      *bool    `json:"valid,omitempty"`
	Confidence *float64 `json:"confidence,omitempty"`
}

// Image is one image output.
type Image struct {
	ImageURL            string      `json:"image_url"`
	ImageURLTTL         FlexInt     `json:"image_url_ttl"`
	ImageType           string      `json:"image_type"`
	NSFWDetectionResult *NSFWResult `json:"nsfw_detection_result"`
}

// Video is one video output.
type Video struct {
	VideoURL    string  `json:"video_url"`
	VideoURLTTL FlexInt `json:"video_url_ttl"`
	VideoType   string  `json:"video_type"`
}

// AudioMetadata describes a speech segment.
type AudioMetadata struct {
	Text      string  `json:"text"`
	StartTime float64 `json:"start_time"`
	EndTime   float64 `json:"end_time"`
}

// Audio is one audio output.
type Audio struct {
	AudioURL      string         `json:"audio_url"`
	AudioURLTTL   FlexInt        `json:"audio_url_ttl"`
	AudioType     string         `json:"audio_type"`
	AudioMetadata *AudioMetadata `json:"audio_metadata,omitempty"`
}

// TaskResult is the answer of GET /v3/async/task-result and the payload of a webhook event.
// Raw keeps the body exactly as received, unknown fields included, for --json output.
type TaskResult struct {
	Extra  json.RawMessage `json:"extra,omitempty"`
	Task   Task            `json:"task"`
	Images []Image         `json:"images"`
	Videos []Video         `json:"videos"`
	Audios []Audio         `json:"audios"`
	Raw    json.RawMessage `json:"-"`
}

// DecodeTaskResult decodes a task result and keeps the raw bytes.
func DecodeTaskResult(b []byte) (*TaskResult, error) {
	var r TaskResult
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("decode task result: %w", err)
	}
	r.Raw = append(json.RawMessage(nil), b...)
	return &r, nil
}

// Output kinds.
const (
	KindImage = "image"
	KindVideo = "video"
	KindAudio = "audio"
	KindText  = "text" // synchronous endpoints that answer text (img2prompt, glm-asr)
)

// Output is one file of a result, whatever its kind: a URL to download, or (synchronous endpoints)
// its content inline in Data.
type Output struct {
	Kind  string // image|video|audio|text
	Index int    // 1-based within its kind
	URL   string
	Type  string // png, jpeg, mp4, wav, ... ("" when the API did not say)
	TTL   int64  // seconds, 0 when unknown
	Data  []byte // inline content (base64, hex or text answers, decoded); nil for URL outputs
}

// Outputs lists the result's files: images, then videos, then audios.
func (r *TaskResult) Outputs() []Output {
	var out []Output
	for i, im := range r.Images {
		out = append(out, Output{Kind: KindImage, Index: i + 1, URL: im.ImageURL, Type: im.ImageType, TTL: int64(im.ImageURLTTL)})
	}
	for i, v := range r.Videos {
		out = append(out, Output{Kind: KindVideo, Index: i + 1, URL: v.VideoURL, Type: v.VideoType, TTL: int64(v.VideoURLTTL)})
	}
	for i, a := range r.Audios {
		out = append(out, Output{Kind: KindAudio, Index: i + 1, URL: a.AudioURL, Type: a.AudioType, TTL: int64(a.AudioURLTTL)})
	}
	return out
}

// EventAsyncTaskResult is the only event type Novita is known to send.
const EventAsyncTaskResult = "ASYNC_TASK_RESULT"

// Event is a webhook delivery: {"event_type": ..., "payload": <task result>}.
type Event struct {
	EventType string          `json:"event_type"`
	Payload   json.RawMessage `json:"payload"`
}

// DecodeEvent decodes a webhook body. The payload is decoded only for ASYNC_TASK_RESULT events;
// result is nil for other event types.
func DecodeEvent(b []byte) (*Event, *TaskResult, error) {
	var ev Event
	if err := json.Unmarshal(b, &ev); err != nil {
		return nil, nil, fmt.Errorf("decode webhook event: %w", err)
	}
	if ev.EventType != EventAsyncTaskResult {
		return &ev, nil, nil
	}
	if len(bytes.TrimSpace(ev.Payload)) == 0 || string(bytes.TrimSpace(ev.Payload)) == "null" {
		return &ev, nil, fmt.Errorf("decode webhook event: %s without a payload", ev.EventType)
	}
	r, err := DecodeTaskResult(ev.Payload)
	if err != nil {
		return &ev, nil, err
	}
	return &ev, r, nil
}
