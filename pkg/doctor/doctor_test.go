package doctor

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestCompletionFindsAScriptOrAnRcLine(t *testing.T) {
	files := map[string]string{}
	read := func(p string) ([]byte, error) {
		if s, ok := files[p]; ok {
			return []byte(s), nil
		}
		return nil, os.ErrNotExist
	}
	e := env(map[string]string{"SHELL": "/usr/bin/bash", "HOME": "/home/u"})
	fx := Fixes{CompletionLoader: "mytool completion", Completion: func(shell, file string) string { return "install " + shell + " at " + file }}
	c := Completion(e, read, fx)
	if r := c.Run(context.Background()); r.Status != Skip || r.Fix != "install bash at /home/u/.local/share/bash-completion/completions/novita" {
		t.Errorf("nothing installed: %+v", r)
	}
	files["/home/u/.bashrc"] = "alias ll='ls -l'\nsource <(mytool completion bash)\n"
	if r := c.Run(context.Background()); r.Status != Pass || !strings.Contains(r.Detail, ".bashrc") {
		t.Errorf("rc line: %+v", r)
	}
	if r := Completion(env(map[string]string{}), read, fx).Run(context.Background()); r.Status != Skip {
		t.Errorf("no $SHELL: %+v", r)
	}
}

// A check that needs another one which failed is skipped, saying which.
func TestRunSkipsWhatDependsOnAFailure(t *testing.T) {
	called := false
	rs := Run(context.Background(), []Check{
		{Name: "base URL", Run: func(context.Context) Result { return fail("down", "fix it") }},
		APIKey("sk_x", "env", func(context.Context) error { called = true; return errors.New("unreachable") }, Fixes{}),
	}, nil)
	if called || rs[1].Status != Skip || !strings.Contains(rs[1].Detail, "base URL") || Failed(rs) != 1 {
		t.Errorf("results %+v (key call made: %v)", rs, called)
	}
}

func TestJournalCheckFindsDamage(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "novita.db")
	if r := Journal(path).Run(context.Background()); r.Status != Pass || !strings.Contains(r.Detail, "does not exist yet") {
		t.Errorf("missing: %+v", r)
	}
	if err := os.WriteFile(path, []byte(strings.Repeat("not a database ", 100)), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := Journal(path).Run(context.Background()); r.Status != Fail || !strings.Contains(r.Fix, "mv ") {
		t.Errorf("garbage: %+v", r)
	}
}
