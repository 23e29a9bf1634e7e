// Command gen-man writes novita's man pages (section 1, one page per command) into a directory,
// replacing what was there.
//
//	go run ./scripts/gen-man [-epoch SECONDS] man
//
// The release build runs it as a goreleaser before-hook with -epoch set to the commit time; man/ is a
// build artifact and is not committed. Without -epoch the date comes from SOURCE_DATE_EPOCH, else now.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

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
	fs := flag.NewFlagSet("gen-man", flag.ContinueOnError)
	epoch := fs.Int64("epoch", 0, "date the pages at this Unix time (default $SOURCE_DATE_EPOCH, else now)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("usage: go run ./scripts/gen-man [-epoch SECONDS] DIR")
	}
	dir := fs.Arg(0)
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	root := cmd.NewRootForDocs(cmd.BuildInfo{})
	escapeAngles(root)
	header := &doc.GenManHeader{Title: "NOVITA", Section: "1", Source: "novita", Manual: "novita manual"}
	if *epoch > 0 {
		t := time.Unix(*epoch, 0).UTC()
		header.Date = &t
	}
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
