// Command novita is a CLI for Novita AI's asynchronous V3 model APIs.
package main

import (
	"os"

	"github.com/novita-cli/novita/cmd"
)

// Set by the linker: -X main.version=... -X main.commit=... -X main.date=...
var (
	version = "dev"
	commit  = ""
	date    = ""
)

func main() {
	os.Exit(cmd.Main(cmd.BuildInfo{Version: version, Commit: commit, Date: date}))
}
