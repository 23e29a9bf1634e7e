package acceptance

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/sandbox"

	_ "modernc.org/sqlite"
)

// A journal that cannot record stops the submit before the request (exit 2), with the cause and the
// command that clears it: a task paid for and recorded nowhere could never be resumed.
func TestSubmitStopsWhenJournalCannotRecord(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		break_ func(t *testing.T, state string)
		want   []string
	}{
		{"corrupt", func(t *testing.T, state string) {
			os.MkdirAll(state, 0o700)
			os.WriteFile(filepath.Join(state, "novita.db"), []byte(strings.Repeat("not a database\n", 400)), 0o600)
		}, []string{"mv ", "novita.db.broken"}},
		{"future schema", func(t *testing.T, state string) {
			c := newCLI(t) // a journal made by this novita, then stamped by a "newer" one
			c.env["NOVITA_STATE_DIR"] = state
			if r := c.run("--sandbox", "submit", "txt2img", "--prompt", "x"); r.code != 0 {
				t.Fatalf("setup: %d %s", r.code, r.stderr)
			}
			stampVersion(t, filepath.Join(state, "novita.db"), 999)
		}, []string{"newer", "mv "}},
		{"state dir under a file", func(t *testing.T, state string) {
			os.WriteFile(state, []byte("a file where the directory should be"), 0o600)
		}, []string{"NOVITA_STATE_DIR", "not a directory"}},
		{"read-only directory", func(t *testing.T, state string) {
			if os.Geteuid() == 0 {
				t.Skip("root writes anywhere")
			}
			os.MkdirAll(state, 0o500)
			t.Cleanup(func() { os.Chmod(state, 0o700) })
		}, []string{"NOVITA_STATE_DIR"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sb := startSandbox(t, sandbox.Options{})
			c := newCLI(t)
			c.useSandbox(sb)
			c.noJournal()
			state := c.env["NOVITA_STATE_DIR"]
			tc.break_(t, state)
			r := c.run("submit", "txt2img", "--prompt", "a cat")
			if r.code != 2 {
				t.Fatalf("exit %d, want 2\n%s", r.code, r.stderr)
			}
			for _, w := range append(tc.want, "nothing was submitted") {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			if n := countSubmits(sb); n != 0 {
				t.Fatalf("%d tasks paid for with no journal to record them", n)
			}
		})
	}
}

// stampVersion sets the journal's schema version as a newer novita would have.
func stampVersion(t *testing.T, path string, v int) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(fmt.Sprintf("PRAGMA user_version = %d", v)); err != nil {
		t.Fatal(err)
	}
}
