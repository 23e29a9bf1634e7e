package listen

import "github.com/novita-cli/novita/pkg/webhook"

// NopVisitor ignores every report; embed it in a Visitor that wants only some of them.
type NopVisitor struct{}

func (NopVisitor) Delivery(webhook.Delivery) {}
func (NopVisitor) Answered(webhook.Delivery) {}
func (NopVisitor) Saved(string, error)       {}
func (NopVisitor) Rejected(webhook.Problem)  {}
func (NopVisitor) HookFailed(string, error)  {}

// Tee reports to each visitor in turn (the terminal view, then the web inspector, say).
func Tee(vs ...Visitor) Visitor { return tee(vs) }

type tee []Visitor

func (t tee) Delivery(d webhook.Delivery) {
	for _, v := range t {
		v.Delivery(d)
	}
}

func (t tee) Answered(d webhook.Delivery) {
	for _, v := range t {
		v.Answered(d)
	}
}

func (t tee) Saved(path string, err error) {
	for _, v := range t {
		v.Saved(path, err)
	}
}

func (t tee) Rejected(p webhook.Problem) {
	for _, v := range t {
		v.Rejected(p)
	}
}

func (t tee) HookFailed(taskID string, err error) {
	for _, v := range t {
		v.HookFailed(taskID, err)
	}
}
