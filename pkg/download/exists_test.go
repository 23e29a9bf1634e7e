package download

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/iostreams"
)

// A file in the way, found before anything is sent, is a usage error naming it and the two ways out.
func TestPreflightRefusesAnExistingFileAsExistsError(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "cat.png")
	if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	tmpl, err := ParseTemplate(p)
	if err != nil {
		t.Fatal(err)
	}
	err = tmpl.Preflight(Check{})
	var ee *ExistsError
	if !errors.As(err, &ee) || !ee.Early || clierr.KindOf(err) != clierr.KindUsage {
		t.Fatalf("preflight: %v (%T), want an early *ExistsError", err, err)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, p+" already exists") || strings.Contains(msg, "--") { // the caller words the way out
		t.Errorf("message %q", msg)
	}
	late := &ExistsError{Paths: []string{"a.png", "b.png"}}
	if clierr.KindOf(late) != clierr.KindGeneric || !strings.HasPrefix(late.Error(), "2 files already exist (a.png, b.png)") {
		t.Errorf("late: %v, kind %v", late, clierr.KindOf(late))
	}
}

// The terminal's progress display is a Progress: the interface lives here, where it is used.
var _ Progress = iostreams.NewTransfers(nil, false)
