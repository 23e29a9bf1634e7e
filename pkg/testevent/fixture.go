// Package testevent owns test webhook events built locally: fixtures shaped like Novita's real
// ASYNC_TASK_RESULT deliveries, --set edits, a sender that follows Novita's delivery policy (5 s
// timeout, up to 5 retries on timeout or non-2xx) and the check that an event arrived as asked.
package testevent

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/novita"
)

// TaskType is the task_type a fixture for a task name carries: the spec's confirmed value, else the
// stand-in the simulators use (catalog.Task.SimulatedTaskType; FLUX_1_SCHNELL for unknown names).
func TaskType(name string) string {
	t, _ := lookup(name)
	return t.SimulatedTaskType()
}

// OutputKind is the kind of file a task produces, from its spec (novita.KindImage for unknown names).
func OutputKind(name string) string {
	if t, ok := lookup(name); ok && t.OutputKind != "" {
		return t.OutputKind
	}
	return novita.KindImage
}

// lookup finds a catalog task by name or alias; unknown names give a stand-in named as given.
func lookup(name string) (catalog.Task, bool) {
	if c, err := catalog.Load(); err == nil {
		if t, ok := c.Lookup(name); ok {
			return t, true
		}
	}
	return catalog.Task{Name: name}, false
}

// The fixture structs keep the field order of samples/webhook-txt2img-succeed.json.
type fixtureEvent struct {
	EventType string         `json:"event_type"`
	Payload   fixturePayload `json:"payload"`
}

type fixturePayload struct {
	Task   fixtureTask    `json:"task"`
	Extra  fixtureExtra   `json:"extra"`
	Images []fixtureImage `json:"images"`
	Videos []fixtureVideo `json:"videos"`
	Audios []fixtureAudio `json:"audios"`
}

type fixtureTask struct {
	ETA             int    `json:"eta"`
	ProgressPercent int    `json:"progress_percent"`
	Reason          string `json:"reason"`
	Status          string `json:"status"`
	TaskID          string `json:"task_id"`
	TaskType        string `json:"task_type"`
}

type fixtureExtra struct {
	EnableNSFWDetection bool `json:"enable_nsfw_detection"`
	Webhook             struct {
		URL string `json:"url"`
	} `json:"webhook"`
}

type fixtureImage struct {
	ImageType           string    `json:"image_type"`
	ImageURL            string    `json:"image_url"`
	ImageURLTTL         string    `json:"image_url_ttl"`
	NSFWDetectionResult *struct{} `json:"nsfw_detection_result"`
}

type fixtureVideo struct {
	VideoURL    string `json:"video_url"`
	VideoURLTTL string `json:"video_url_ttl"`
	VideoType   string `json:"video_type"`
}

type fixtureAudio struct {
	AudioURL      string               `json:"audio_url"`
	AudioURLTTL   string               `json:"audio_url_ttl"`
	AudioType     string               `json:"audio_type"`
	AudioMetadata novita.AudioMetadata `json:"audio_metadata"`
}

// failureReason is the reason a FAILED fixture carries.
const failureReason = "test event: simulated task failure"

const presign = "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20240602T150041Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&x-id=GetObject&X-Amz-Signature=0000"

// Fixture builds an event body for a catalog task name (or alias) and status, shaped like a real
// delivery; its task_type and outputs follow the task's spec. An empty status means SUCCEED; an empty
// taskID gets a random UUID.
func Fixture(taskType string, status novita.Status, taskID string) ([]byte, error) {
	if taskType == "" {
		taskType = "txt2img"
	}
	if status == "" {
		status = novita.StatusSucceed
	}
	if taskID == "" {
		id, err := newUUID()
		if err != nil {
			return nil, err
		}
		taskID = id
	}
	ev := fixtureEvent{EventType: novita.EventAsyncTaskResult}
	p := &ev.Payload
	p.Task = fixtureTask{Status: string(status), TaskID: taskID, TaskType: TaskType(taskType)}
	p.Extra.Webhook.URL = "https://your-webhook-endpoint-url"
	p.Images, p.Videos, p.Audios = []fixtureImage{}, []fixtureVideo{}, []fixtureAudio{}
	switch status {
	case novita.StatusFailed:
		p.Task.Reason = failureReason
	case novita.StatusSucceed:
		p.Task.ProgressPercent = 100
		switch OutputKind(taskType) {
		case novita.KindVideo:
			p.Videos = append(p.Videos, fixtureVideo{
				VideoURL:    "https://faas-output-video.s3.ap-southeast-1.amazonaws.com/test_data/" + taskID + "/output.mp4" + presign,
				VideoURLTTL: "3600", VideoType: "mp4"})
		case novita.KindText: // synchronous text endpoints have no webhook outputs to show
		case novita.KindAudio:
			p.Audios = append(p.Audios, fixtureAudio{
				AudioURL:    "https://faas-output-audio.s3.ap-southeast-1.amazonaws.com/test_data/" + taskID + "/speech.wav" + presign,
				AudioURLTTL: "3600", AudioType: "wav",
				AudioMetadata: novita.AudioMetadata{Text: "This is a test event.", EndTime: 1.6}})
		default:
			p.Images = append(p.Images, fixtureImage{
				ImageType: "jpeg", ImageURLTTL: "3600",
				ImageURL: "https://faas-output-image.s3.ap-southeast-1.amazonaws.com/test_data/image_01.jpeg" + presign})
		}
	default:
		p.Task.ETA = 30
		if status == novita.StatusProcessing {
			p.Task.ProgressPercent = 50
		}
	}
	return marshal(ev)
}

// marshal encodes without HTML escaping, so presigned URLs keep their '&' as Novita sends them.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode event: %w", err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

func newUUID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("task id: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:]), nil
}
