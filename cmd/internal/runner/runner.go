// Package runner builds the task lifecycle (pkg/lifecycle.Runner) every command that submits, waits or
// downloads uses, from the factory: one place where the journal, clock, schedule, HTTP client and
// progress meet the lifecycle.
package runner

import (
	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/pkg/lifecycle"
)

// Func builds the task lifecycle for a command against api, reporting to obs. A command's options
// hold one (For), so they name the lifecycle rather than the factory it is built from.
type Func func(api *factory.API, obs lifecycle.Observer) *lifecycle.Runner

// For is the lifecycle builder of this command line. The journal and the streams are taken when a
// runner is built, after the flags were parsed.
func For(f *factory.Factory) Func {
	return func(api *factory.API, obs lifecycle.Observer) *lifecycle.Runner {
		return &lifecycle.Runner{
			Client: api.Client, BaseURL: api.BaseURL, Journal: f.Journal(), HTTP: f.HTTPClient, UserAgent: f.UserAgent(),
			Schedule: f.Schedule(), Clock: f.Clock,
			Progress: f.IOStreams.Transfers(), Observer: obs, Stdout: f.IOStreams.Out,
			Sandbox: api.InProcess, ProvenanceNotes: &lifecycle.ProvenanceNotes{},
		}
	}
}
