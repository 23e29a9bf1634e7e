package cmd

import (
	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/pkg/iostreams"
)

// NewRootForDocs builds the full command tree for generators (man pages, reference docs). It reads
// no environment and has no real streams, so what it produces is the same on every machine; its
// commands must not be executed.
func NewRootForDocs(build BuildInfo) *cobra.Command {
	ios, _, _, _ := iostreams.Test()
	d := (&Deps{IO: ios, Build: build}).withDefaults()
	root := newRunner(d).newRootCmd()
	root.DisableAutoGenTag = true
	return root
}
