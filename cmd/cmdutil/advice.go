package cmdutil

import (
	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/cmd/taskview"
)

// Advice is how this command line words advice: resume commands (or, after an in-process --sandbox,
// why none can work) and secrets scrubbed from messages.
func Advice(f *factory.Factory) taskview.Advice {
	return taskview.Advice{Resume: f.ResumeHint, Scrub: f.Scrub}
}
