// Command gen-man writes novita's man pages (section 1, one page per command) into a directory.
//
//	go run ./scripts/gen-man man
//
// The release build runs it as a goreleaser before-hook; man/ is a build artifact and is not
// committed. Set SOURCE_DATE_EPOCH for a reproducible date in the page footer.
package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/novita-cli/novita/cmd"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "gen-man:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: go run ./scripts/gen-man DIR")
	}
	dir := args[0]
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	root := cmd.NewRootForDocs(cmd.BuildInfo{})
	escapeAngles(root)
	header := &doc.GenManHeader{Title: "NOVITA", Section: "1", Source: "novita", Manual: "novita manual"}
	if err := doc.GenManTree(root, header, dir); err != nil {
		return fmt.Errorf("generate man pages in %s: %w", dir, err)
	}
	return nil
}

// escapeAngles keeps "<task>" and "<(cmd)" visible: cobra's man generator renders Use and Long as
// markdown, where they would be taken for HTML tags and dropped.
func escapeAngles(c *cobra.Command) {
	c.Use = strings.ReplaceAll(c.Use, "<", `\<`)
	c.Long = strings.ReplaceAll(c.Long, "<", `\<`)
	for _, sub := range c.Commands() {
		escapeAngles(sub)
	}
}
