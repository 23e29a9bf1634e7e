package acceptance

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/sandbox"
)

func TestBalanceShowsEveryAmountInUSD(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{Balance: &sandbox.Balance{Cash: 12345678, CreditLimit: 500000, Outstanding: 3}}))
	r := c.run("balance")
	want := []string{
		"Available     $1284.5675",
		"Cash          $1234.5678",
		"Credit limit    $50.0000",
		"Outstanding      $0.0003",
	}
	if r.code != 0 || strings.Join(r.lines(), "\n") != strings.Join(want, "\n") {
		t.Errorf("novita balance: exit %d\n%s\nwant\n%s\n%s", r.code, r.stdout, strings.Join(want, "\n"), r.stderr)
	}
	if tty := c.runTerminal("balance"); !strings.Contains(tty.stdout, "\x1b[") {
		t.Errorf("no colour on a terminal: %q", tty.stdout)
	}

	j := c.run("balance", "--json")
	var doc map[string]string
	if err := json.Unmarshal([]byte(j.stdout), &doc); err != nil || len(j.lines()) != 1 {
		t.Fatalf("--json is not one JSON document: %v\n%s", err, j.stdout)
	}
	if doc["availableBalance"] != "12845675" || doc["cashBalance"] != "12345678" || doc["creditLimit"] != "500000" ||
		doc["outstandingInvoices"] != "3" {
		t.Errorf("--json is not the API's document as sent: %v", doc)
	}
}

func TestBalanceShowsADebt(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{Balance: &sandbox.Balance{Cash: 0, CreditLimit: 0, Outstanding: 150}}))
	r := c.run("balance")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "Available     -$0.0150\n") {
		t.Errorf("a negative balance reads %q (exit %d)", r.stdout, r.code)
	}
}

func TestBalanceAuthErrors(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{}))
	c.env["NOVITA_API_KEY"] = "sk_not_the_sandbox_key"
	r := c.run("balance")
	if r.code != 4 || !strings.Contains(r.stderr, "check the key") || strings.Contains(r.stderr, "sk_not_the_sandbox_key") {
		t.Errorf("wrong key: exit %d, stderr %q; want 4, the key hint, and never the key", r.code, r.stderr)
	}
	delete(c.env, "NOVITA_API_KEY")
	if r := c.run("balance", "--json"); r.code != 4 || !strings.Contains(r.stdout, `"exit_code": 4`) {
		t.Errorf("no key with --json: exit %d, stdout %q", r.code, r.stdout)
	}
	if r := c.run("balance", "extra"); r.code != 2 {
		t.Errorf("balance with an argument: exit %d, want 2", r.code)
	}
}
