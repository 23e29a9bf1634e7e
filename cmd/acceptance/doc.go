// Package acceptance holds the end-to-end tests of the novita command line and nothing else: every test
// runs the real command path (cmd.Run, or the test binary re-executed as the CLI) against the in-process
// Novita sandbox, on loopback only. The harness is harness_test.go (newCLI, c.run, startSandbox) and
// mcp_harness_test.go (an MCP client on `novita mcp`); testdata/script holds the testscript files that
// run the README's examples (script_test.go), and testdata/mcp the MCP tool list's golden file.
//
// Tests of one command's flags and run function live beside it (cmd/<name>/<name>_test.go); tests of
// package cmd's unexported wiring stay in cmd.
package acceptance
