package lifecycle

import (
	"context"

	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/novita"
)

// Submission is what the journal keeps of a submit besides the task id.
type Submission struct {
	Task     string // catalog name
	Endpoint string
	Body     []byte // the request as sent (the journal elides large base64 inputs and indexes the prompt)
	Output   string // the -o template given, so a resume writes where the submit would have
	BatchID  string
	Line     int
	Source   string // who submitted it, journalled ("" the command line; journal.SubmitterMCP)
	// WebhookPath is where Body carries a webhook URL ("" none): an endpoint that refuses the field
	// gets the body again without it (see submitBody).
	WebhookPath string
}

// Submit sends one request and journals the task before returning its id: from here on the task is
// never lost, whatever happens to this process.
func (r *Runner) Submit(ctx context.Context, s Submission) (string, error) {
	id, sent, err := r.submitBody(ctx, r.Client, s.Endpoint, s.Body, s.WebhookPath)
	if err != nil {
		return "", err
	}
	s.Body = sent
	r.Journalled(id, s)
	return id, nil
}

// Journalled records a task created by a submit made elsewhere, in one durable write: when it
// returns, a crash or kill of this process cannot lose the task. A failure is only a warning.
func (r *Runner) Journalled(id string, s Submission) {
	r.recordSubmitted(journal.Submitted{TaskID: id, Task: s.Task, Endpoint: s.Endpoint, BaseURL: r.BaseURL,
		SubmittedAt: r.now().UTC(), Status: string(novita.StatusQueued), BatchID: s.BatchID, Line: s.Line,
		Output: s.Output, Request: s.Body, Sandbox: r.Sandbox, Source: s.Source})
}
