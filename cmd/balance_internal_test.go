package cmd

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/cmd/submit"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/sandbox"
)

// PrintBalance takes a factory, which only Deps.factory (unexported) builds as a command line would:
// so this test lives in package cmd, not with the end-to-end tests in cmd/acceptance.
func TestPrintBalanceBeforeABatch(t *testing.T) {
	t.Parallel()
	env := map[string]string{"HOME": t.TempDir()}
	useSandbox := func(opts sandbox.Options) *sandbox.Server {
		sb := sandbox.New(opts)
		if err := sb.Start("127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { sb.Close() })
		env["NOVITA_BASE_URL"], env["NOVITA_API_KEY"] = sb.URL(), sb.APIKey()
		return sb
	}
	factoryFor := func() (*factory.Factory, *bytes.Buffer) {
		ios, _, _, errOut := iostreams.Test()
		d := Deps{IO: ios, Getenv: func(k string) string { return env[k] }, Dir: env["HOME"]}
		f := d.factory()
		t.Cleanup(func() { f.Cleanup(); f.HTTPClient.CloseIdleConnections() })
		return f, errOut
	}
	billingReads := func(sb *sandbox.Server) int {
		n := 0
		for _, r := range sb.Requests() {
			if strings.HasPrefix(r.Path, "/openapi/v1/billing") {
				n++
			}
		}
		return n
	}
	sb := useSandbox(sandbox.Options{})
	printed := func() string {
		t.Helper()
		f, errOut := factoryFor()
		api, err := f.API()
		if err != nil {
			t.Fatal(err)
		}
		submit.PrintBalance(context.Background(), f.IOStreams, f.Scrub, api)
		return errOut.String()
	}
	if got := printed(); got != "balance: $152.3400 available\n" {
		t.Errorf("PrintBalance wrote %q", got)
	}

	env["NOVITA_API_KEY"] = "sk_rejected_key_42"
	got := printed()
	if !strings.HasPrefix(got, "warning: could not read the account balance") || strings.Count(got, "\n") != 1 ||
		strings.Contains(got, "sk_rejected_key_42") {
		t.Errorf("a rejected key gives %q; want one warning line without the key", got)
	}

	delete(env, "NOVITA_API_KEY")
	before := billingReads(sb)
	if got := printed(); got != "" || billingReads(sb) != before {
		t.Errorf("without a key PrintBalance wrote %q or asked the API", got)
	}

	useSandbox(sandbox.Options{Balance: &sandbox.Balance{Outstanding: 10}})
	if got := printed(); !strings.HasPrefix(got, "warning: the available balance is -$0.0010") {
		t.Errorf("an empty account gives %q; want a warning", got)
	}
}
