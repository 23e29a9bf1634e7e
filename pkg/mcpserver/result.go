package mcpserver

import (
	"fmt"
	"github.com/novita-cli/novita/pkg/clock"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/lifecycle"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/waiter"
)

// TaskOut is a task as submit_task, wait_task and get_task return it.
type TaskOut struct {
	TaskID   string         `json:"task_id" jsonschema:"the task's id: pass it to wait_task and get_task"`
	Task     string         `json:"task,omitempty"`
	Status   string         `json:"status" jsonschema:"TASK_STATUS_QUEUED, TASK_STATUS_PROCESSING, TASK_STATUS_SUCCEED or TASK_STATUS_FAILED"`
	Progress int64          `json:"progress" jsonschema:"percent done, as the API reports it"`
	ETA      int64          `json:"eta" jsonschema:"seconds left as the API estimates them; 0 when unknown"`
	Reason   string         `json:"reason,omitempty" jsonschema:"why the task failed"`
	Files    []FileOut      `json:"files" jsonschema:"the outputs saved on this machine"`
	URLs     []URLOut       `json:"urls" jsonschema:"the outputs' download links and when they expire"`
	Next     string         `json:"next,omitempty" jsonschema:"what to call next, while the task is not done"`
	DryRun   bool           `json:"dry_run,omitempty"`
	Request  map[string]any `json:"request,omitempty" jsonschema:"dry run: the body that would be sent (large base64 elided)"`
	Source   string         `json:"source,omitempty" jsonschema:"who submitted the task: mcp (an agent) or empty (the command line)"`
	Warnings []string       `json:"warnings,omitempty"`
}

// FileOut is one saved output.
type FileOut struct {
	Path   string `json:"path" jsonschema:"absolute path of the saved file"`
	Kind   string `json:"kind" jsonschema:"image, video, audio or text"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// URLOut is one output's link.
type URLOut struct {
	URL       string `json:"url"`
	ExpiresAt string `json:"expires_at,omitempty" jsonschema:"RFC 3339; after it the link no longer works"`
}

const nextWait = "call wait_task with this task_id"

// pending is a task still running when a step ends: its last progress.
func pending(id, task string, p waiter.Progress) TaskOut {
	st := p.Status
	if st == "" {
		st = novita.StatusQueued
	}
	return TaskOut{TaskID: id, Task: task, Status: string(st), Progress: p.Percent, ETA: p.ETA,
		Files: []FileOut{}, URLs: []URLOut{}, Next: nextWait}
}

// finished is a task whose pipeline ended: its document, read back at readAt for the links' expiry.
func finished(doc *lifecycle.Document, readAt time.Time) TaskOut {
	out := TaskOut{TaskID: doc.TaskID, Task: doc.Task, Status: doc.Status, Reason: doc.Reason, Files: filesOut(doc.Files),
		URLs: []URLOut{}}
	if doc.Status == string(novita.StatusSucceed) {
		out.Progress = 100
	}
	if res, err := novita.DecodeTaskResult(doc.Result); err == nil && doc.DeliveredBy != lifecycle.DeliveredBySync {
		out.URLs = urlsOut(res, readAt)
	}
	return out
}

func filesOut(fs []download.File) []FileOut {
	out := make([]FileOut, 0, len(fs))
	for _, f := range fs {
		p := f.Path
		if abs, err := filepath.Abs(p); err == nil {
			p = abs
		}
		out = append(out, FileOut{Path: p, Kind: f.Kind, Bytes: f.Bytes, SHA256: f.SHA256})
	}
	return out
}

func urlsOut(res *novita.TaskResult, readAt time.Time) []URLOut {
	out := []URLOut{}
	for _, o := range res.Outputs() {
		if o.URL == "" {
			continue
		}
		u := URLOut{URL: o.URL}
		if o.TTL > 0 {
			u.ExpiresAt = readAt.Add(time.Duration(o.TTL) * time.Second).UTC().Format(time.RFC3339)
		}
		out = append(out, u)
	}
	return out
}

// text is the one-line summary of a task result.
func (o TaskOut) text() string {
	st := strings.TrimPrefix(o.Status, "TASK_STATUS_")
	switch {
	case o.DryRun:
		return fmt.Sprintf("dry run of %s: the body is valid; nothing was sent", o.Task)
	case st == "SUCCEED":
		paths := make([]string, len(o.Files))
		for i, f := range o.Files {
			paths[i] = f.Path
		}
		if len(paths) == 0 {
			return fmt.Sprintf("task %s succeeded; no files were saved", o.TaskID)
		}
		return fmt.Sprintf("task %s succeeded; saved %s", o.TaskID, strings.Join(paths, ", "))
	case st == "FAILED":
		return fmt.Sprintf("task %s failed: %s", o.TaskID, lifecycle.OrUnknown(o.Reason))
	}
	msg := fmt.Sprintf("task %s is %s", o.TaskID, st)
	if o.Progress > 0 {
		msg += fmt.Sprintf(" (%d%%)", o.Progress)
	}
	if o.ETA > 0 {
		msg += fmt.Sprintf(", about %ds left", o.ETA)
	}
	return msg + "; " + o.Next
}

// content is the text summary, then each saved file as a resource link (and, when the server was
// started with --thumbnails, a small inline thumbnail of each image).
func (s *Server) content(o TaskOut) []mcp.Content {
	c := s.summary("%s", o.text())
	for _, f := range o.Files {
		size := f.Bytes
		c = append(c, &mcp.ResourceLink{URI: fileURI(f.Path), Name: filepath.Base(f.Path), MIMEType: mimeOf(f.Path), Size: &size,
			Description: fmt.Sprintf("%s output of task %s", f.Kind, o.TaskID)})
		if s.cfg.Thumbnails && f.Kind == "image" {
			if png, err := thumbnail(f.Path); err == nil {
				c = append(c, &mcp.ImageContent{Data: png, MIMEType: "image/png"})
			}
		}
	}
	return c
}

// fileURI is the file:// URI of an absolute path.
func fileURI(path string) string {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive letter
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}

func mimeOf(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".png":
		return "image/png"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".webp":
		return "image/webp"
	case ".mp4":
		return "video/mp4"
	case ".wav":
		return "audio/wav"
	case ".mp3":
		return "audio/mpeg"
	case ".txt":
		return "text/plain"
	}
	return "application/octet-stream"
}

// nowOf is the pipeline's clock (the factory's, so tests can set it), else the system's.
func nowOf(r *lifecycle.Runner) time.Time { return clock.OrReal(r.Clock).Now() }
