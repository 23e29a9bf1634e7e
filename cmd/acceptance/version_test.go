package acceptance

import (
	"encoding/json"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"github.com/novita-cli/novita/cmd"
)

type versionDoc struct {
	Version, Commit, Date, Go, OS, Arch string
}

func decodeVersion(t *testing.T, out string) versionDoc {
	t.Helper()
	var v versionDoc
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("version --json printed invalid JSON: %v\n%s", err, out)
	}
	return v
}

func TestVersionCommandAndFlagAgree(t *testing.T) {
	t.Parallel()
	c := newCLI(t) // stamped 1.2.3-test, abc123, 2026-11-27
	want := "novita 1.2.3-test (commit abc123, built 2026-11-27, " + runtime.Version() + ")\n"
	for _, args := range [][]string{{"version"}, {"--version"}} {
		res := c.run(args...)
		if res.code != 0 || res.stdout != want {
			t.Errorf("novita %s: exit %d, stdout %q, want %q (stderr %q)", args[0], res.code, res.stdout, want, res.stderr)
		}
	}
}

func TestVersionJSON(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	for _, args := range [][]string{{"version", "--json"}, {"--json", "version"}} {
		res := c.run(args...)
		if res.code != 0 {
			t.Fatalf("novita %v exited %d: %s", args, res.code, res.stderr)
		}
		got := decodeVersion(t, res.stdout)
		want := versionDoc{Version: "1.2.3-test", Commit: "abc123", Date: "2026-11-27", Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH}
		if got != want {
			t.Errorf("novita %v = %+v, want %+v", args, got, want)
		}
	}
}

func TestVersionOfAnUnstampedBuild(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.deps.Build = cmd.BuildInfo{}
	res := c.run("version", "--json")
	got := decodeVersion(t, res.stdout)
	if got.Version != "dev" || got.Commit != "unknown" || got.Date != "unknown" {
		t.Errorf("unstamped build reports %+v, want version dev, commit and date unknown", got)
	}
	if res := c.run("version"); !strings.HasPrefix(res.stdout, "novita dev (commit unknown, built unknown, go") {
		t.Errorf("unstamped version line = %q", res.stdout)
	}
}

// TestLinkerStampsVersion builds the real binary with the release's ldflags and checks that
// -X main.version/commit/date reach `novita version --json`.
func TestLinkerStampsVersion(t *testing.T) {
	t.Parallel()
	bin := realBinary(t)
	run := exec.Command(bin, "version", "--json")
	run.Env = []string{"HOME=" + t.TempDir()}
	out, err := run.Output()
	if err != nil {
		t.Fatalf("%s version --json: %v", bin, err)
	}
	got := decodeVersion(t, string(out))
	if got.Version != stamped.Version || got.Commit != stamped.Commit || got.Date != stamped.Date {
		t.Errorf("stamped binary reports %+v, want %s / %s / %s", got, stamped.Version, stamped.Commit, stamped.Date)
	}
	if got.Go == "" || got.OS != runtime.GOOS || got.Arch != runtime.GOARCH {
		t.Errorf("stamped binary reports go %q os %q arch %q", got.Go, got.OS, got.Arch)
	}
}
