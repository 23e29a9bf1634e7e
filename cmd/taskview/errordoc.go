package taskview

import (
	"errors"
	"github.com/novita-cli/novita/cmd/internal/words"
	"strings"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/novita"
)

// ErrorDoc is the one shape of an error in --json output (README "The JSON contract and exit codes"):
// the top-level {"error": ...} document, and the "error" of a task's or a batch line's document.
type ErrorDoc struct {
	ExitCode   int    `json:"exit_code"`
	HTTPStatus int    `json:"http_status,omitempty"` // when the API answered with an error status
	Reason     string `json:"reason"`                // the API's reason, else USAGE, TASK_FAILED, AUTHENTICATION, TIMEOUT, INTERRUPTED or ERROR
	Message    string `json:"message"`
	Hint       string `json:"hint,omitempty"`
	TaskID     string `json:"task_id,omitempty"`
	BatchID    string `json:"batch_id,omitempty"`
}

// NewErrorDoc describes err with hint (both escaped, secrets removed by scrub, which may be nil). The
// task and batch are those err is about (clierr.About); the document they belong in may fill them in.
func NewErrorDoc(err error, hint string, scrub func(string) string) ErrorDoc {
	if scrub == nil {
		scrub = func(s string) string { return s }
	}
	doc := ErrorDoc{ExitCode: clierr.Code(err), Reason: clierr.ReasonOf(err),
		Message: iostreams.Safe(scrub(words.Message(err))), Hint: iostreams.Safe(scrub(hint))}
	var ae *novita.APIError
	if errors.As(err, &ae) {
		doc.HTTPStatus = ae.HTTPStatus
		if ae.Reason != "" {
			doc.Reason = iostreams.Safe(ae.Reason)
		}
	}
	s := clierr.SubjectOf(err)
	doc.TaskID, doc.BatchID = iostreams.Safe(s.TaskID), iostreams.Safe(s.BatchID)
	return doc
}

// about fills in the task and batch a document is about where the error did not say.
func (d *ErrorDoc) about(taskID, batchID string) *ErrorDoc {
	if d.TaskID == "" {
		d.TaskID = taskID
	}
	if d.BatchID == "" {
		d.BatchID = batchID
	}
	return d
}

// Advice words what the user can do next. Commands set it from the factory; the zero value words
// plain advice and removes nothing.
type Advice struct {
	// Resume is how to pick up work that was cut short with a command (factory.ResumeHint): "resume
	// with: novita wait ID", or why no command can (an in-process sandbox is gone).
	Resume func(command string) string
	// Scrub removes secrets from a message (factory.Scrub).
	Scrub func(string) string
}

func (a Advice) resume(command string) string {
	if a.Resume == nil {
		return "resume with: " + command
	}
	return a.Resume(command)
}

// ResumeHint is Resume's advice for command, plain when the zero value has none.
func (a Advice) ResumeHint(command string) string { return a.resume(command) }

// ScrubText is Scrub, the text as it is when the zero value has none.
func (a Advice) ScrubText(s string) string {
	if a.Scrub == nil {
		return s
	}
	return a.Scrub(s)
}

// StopHint is the advice for an error that cut a wait short (a timeout or an interrupt): how to wait
// for its task again. "" for any other error, or when the error names no task.
func (a Advice) StopHint(err error) string {
	switch clierr.KindOf(err) {
	case clierr.KindTimeout, clierr.KindInterrupted:
	default:
		return ""
	}
	id := clierr.SubjectOf(err).TaskID
	if id == "" || strings.ContainsAny(id, " \t\r\n") {
		return ""
	}
	return a.resume("novita wait " + iostreams.Safe(id))
}
