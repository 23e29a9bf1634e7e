package novita

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Training statuses of the LoRA training API (GET /v3/training/<type>, GET /v3/training).
const (
	TrainingUnknown  = "UNKNOWN"
	TrainingQueuing  = "QUEUING"
	TrainingTraining = "TRAINING"
	TrainingSuccess  = "SUCCESS"
	TrainingCanceled = "CANCELED"
	TrainingFailed   = "FAILED"
)

// TrainingFinal reports whether a training status is an end: SUCCESS, FAILED or CANCELED.
func TrainingFinal(status string) bool {
	return status == TrainingSuccess || status == TrainingFailed || status == TrainingCanceled
}

// UploadTarget is the answer of POST /v3/assets/training_dataset: where to PUT one training image.
type UploadTarget struct {
	AssetsID string // documented both as a string and as an integer: as text, for messages
	// AssetsJSON is the assets_id as the API gave it (a JSON string or number), to send back unchanged.
	AssetsJSON json.RawMessage
	UploadURL  string
	Method     string // PUT
}

// TrainingModel is one trained model of a training task.
type TrainingModel struct {
	ModelName   string `json:"model_name"`
	ModelStatus string `json:"model_status"` // DEPLOYING, SERVING
}

// TrainingTask is a training task as GET /v3/training/<type> or one element of GET /v3/training answers it.
type TrainingTask struct {
	TaskID     string          `json:"task_id"`
	TaskName   string          `json:"task_name,omitempty"`
	TaskType   string          `json:"task_type,omitempty"` // subject, style (list only)
	TaskStatus string          `json:"task_status"`
	ModelType  string          `json:"model_type,omitempty"`
	CreatedAt  int64           `json:"created_at,omitempty"`
	Models     []TrainingModel `json:"models"`
	Extra      struct {
		ETARelative     float64 `json:"eta_relative,omitempty"`
		ProgressPercent float64 `json:"progress_percent,omitempty"`
	} `json:"extra"`
	Raw json.RawMessage `json:"-"`
}

// TrainingPage is one page of GET /v3/training.
type TrainingPage struct {
	Tasks      []TrainingTask
	NextCursor string
	Raw        json.RawMessage
}

// TrainingUploadURL asks for a presigned URL to upload one training image (POST /v3/assets/training_dataset,
// file_extension png|webp|jpeg). Nothing is billed, so failures are retried like reads.
func (c *Client) TrainingUploadURL(ctx context.Context, ext string) (*UploadTarget, error) {
	const op = "request a training upload URL"
	body, _ := json.Marshal(map[string]string{"file_extension": ext})
	u := strings.TrimRight(c.BaseURL, "/") + "/v3/assets/training_dataset"
	var t *UploadTarget
	err := c.do(ctx, op, http.MethodPost, u, body, c.ReadTimeout, readRetryable(ctx), func(b []byte) error {
		var raw struct {
			AssetsID  json.RawMessage `json:"assets_id"`
			UploadURL string          `json:"upload_url"`
			Method    string          `json:"method"`
		}
		if err := json.Unmarshal(b, &raw); err != nil {
			return fmt.Errorf("%s: the API answered 200 with a body that is not JSON: %s", op, snippet(b))
		}
		var id string
		if err := json.Unmarshal(raw.AssetsID, &id); err != nil { // documented as a string and as an integer
			var n json.Number
			if json.Unmarshal(raw.AssetsID, &n) == nil {
				id = n.String()
			}
		}
		pu, err := url.Parse(raw.UploadURL)
		if id == "" || err != nil || (pu.Scheme != "https" && pu.Scheme != "http") || pu.Host == "" {
			return fmt.Errorf("%s: the API answered 200 without an assets_id and an http(s) upload_url: %s", op, snippet(b))
		}
		if err := checkTaskID(op, id); err != nil {
			return err
		}
		t = &UploadTarget{AssetsID: id, AssetsJSON: append(json.RawMessage(nil), raw.AssetsID...), UploadURL: raw.UploadURL, Method: raw.Method}
		return nil
	})
	return t, err
}

// UploadTrainingImage PUTs one image to a presigned upload URL. The URL carries its own signature:
// the API key is never sent to it. A PUT is idempotent, so failures are retried like reads.
func (c *Client) UploadTrainingImage(ctx context.Context, t *UploadTarget, data []byte, contentType string) error {
	const op = "upload a training image"
	method := t.Method
	if method == "" {
		method = http.MethodPut
	}
	retryable := func(err error) bool {
		var ue *uploadError
		if errors.As(err, &ue) {
			return ue.status == http.StatusTooManyRequests || ue.status >= 500
		}
		return ctx.Err() == nil
	}
	return c.retry(ctx, op, retryable, func(ctx context.Context) error {
		if c.ReadTimeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, c.ReadTimeout+time.Duration(len(data)>>16)*time.Second)
			defer cancel()
		}
		req, err := http.NewRequestWithContext(ctx, method, t.UploadURL, bytes.NewReader(data))
		if err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		req.Header.Set("Content-Type", contentType)
		resp, b, err := c.roundTrip(op, req, nil, 64<<10)
		if err != nil {
			return err
		}
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			return &uploadError{op: op, status: resp.StatusCode, body: snippet(b)}
		}
		return nil
	})
}

// uploadError is a storage answer to an upload: not an API error (a 403 there is an expired or refused
// signature, not a wrong key), so it never asks the user to check the key.
type uploadError struct {
	op     string
	status int
	body   string
}

func (e *uploadError) Error() string {
	return fmt.Sprintf("%s: the upload URL answered %d %s: %s", e.op, e.status, http.StatusText(e.status), e.body)
}

// CreateTraining posts a training body to /v3/training/<kind> (subject or style) and returns the task id.
// Like Submit, it retries only when the request surely did not reach the server: training is billed.
func (c *Client) CreateTraining(ctx context.Context, kind string, body []byte) (string, error) {
	return c.Submit(ctx, "/v3/training/"+kind, body)
}

// TrainingStatus reads one training task: GET /v3/training/<kind>?task_id=.
func (c *Client) TrainingStatus(ctx context.Context, kind, taskID string) (*TrainingTask, error) {
	op := "read training task " + taskID
	u := strings.TrimRight(c.BaseURL, "/") + "/v3/training/" + url.PathEscape(kind) + "?task_id=" + url.QueryEscape(taskID)
	var t *TrainingTask
	err := c.do(ctx, op, http.MethodGet, u, nil, c.ReadTimeout, readRetryable(ctx), func(b []byte) error {
		var task TrainingTask
		if err := json.Unmarshal(b, &task); err != nil || task.TaskStatus == "" {
			return fmt.Errorf("%s: the API answered 200 with a body that is not a training task: %s", op, snippet(b))
		}
		task.Raw = append(json.RawMessage(nil), b...)
		t = &task
		return nil
	})
	return t, err
}

// ListTrainings reads one page of GET /v3/training (pagination.limit in (0, 100], an opaque cursor).
func (c *Client) ListTrainings(ctx context.Context, limit int, cursor string) (*TrainingPage, error) {
	if limit <= 0 || limit > 100 {
		return nil, errors.New("list training tasks: the page size must be between 1 and 100")
	}
	const op = "list training tasks"
	q := url.Values{"pagination.limit": {strconv.Itoa(limit)}}
	if cursor != "" {
		q.Set("pagination.cursor", cursor)
	}
	u := strings.TrimRight(c.BaseURL, "/") + "/v3/training?" + q.Encode()
	var page *TrainingPage
	err := c.do(ctx, op, http.MethodGet, u, nil, c.ReadTimeout, readRetryable(ctx), func(b []byte) error {
		var body struct {
			Tasks      *[]json.RawMessage `json:"tasks"`
			Pagination struct {
				NextCursor string `json:"next_cursor"`
			} `json:"pagination"`
		}
		if err := json.Unmarshal(b, &body); err != nil || body.Tasks == nil {
			return fmt.Errorf("%s: the API answered 200 with a body that is not a list of training tasks: %s", op, snippet(b))
		}
		p := &TrainingPage{NextCursor: body.Pagination.NextCursor, Raw: append(json.RawMessage(nil), b...)}
		for _, raw := range *body.Tasks {
			var t TrainingTask
			if err := json.Unmarshal(raw, &t); err != nil {
				return fmt.Errorf("%s: a task of the answer is not a training task: %s", op, snippet(raw))
			}
			t.Raw = raw
			p.Tasks = append(p.Tasks, t)
		}
		page = p
		return nil
	})
	return page, err
}
