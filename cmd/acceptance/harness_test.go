package acceptance

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/novita-cli/novita/cmd"
	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/sandbox"
	"github.com/novita-cli/novita/pkg/testmain"
	"github.com/novita-cli/novita/pkg/waiter"
)

// repoRoot is the module root.
var repoRoot string

func TestMain(m *testing.M) {
	testmain.SkipRaceExitPause() // first: a child run as the CLI (NOVITA_TEST_AS_CLI) skips the pause too
	if os.Getenv("NOVITA_TEST_AS_CLI") == "1" {
		// Re-executed by a test as the real CLI process (signals, kills): behave exactly like main.
		os.Exit(cmd.Main(cmd.BuildInfo{Version: "test"}))
	}
	wd, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	repoRoot = filepath.Dir(filepath.Dir(wd)) // cmd/acceptance
	// The end-to-end tests mostly wait (on the sandbox's task timers, polls, sockets), not compute:
	// run more of them at once than there are cores, unless -parallel says otherwise.
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		_ = flag.Set("test.parallel", "8")
	}
	// ngrok's muxado can leave one heartbeat goroutine blocked on a send after its session closed mid-beat
	// (the library's own goroutine, nothing of ours holds it); every other goroutine must be gone.
	goleak.VerifyTestMain(m, goleak.IgnoreTopFunction("golang.ngrok.com/muxado/v2.(*Heartbeat).requester"),
		goleak.Cleanup(func(code int) {
			if releaseDir != "" {
				_ = os.RemoveAll(releaseDir)
			}
			os.Exit(code)
		}))
}

// cli is one isolated user: its own HOME, config, state dir and working directory.
type cli struct {
	t    *testing.T
	dir  string
	env  map[string]string
	deps cmd.Deps
}

type result struct {
	code           int
	stdout, stderr string
}

func newCLI(t *testing.T) *cli {
	t.Helper()
	dir := t.TempDir()
	c := &cli{t: t, dir: dir, env: map[string]string{
		"HOME":             dir,
		"XDG_CONFIG_HOME":  filepath.Join(dir, "config"),
		"NOVITA_STATE_DIR": filepath.Join(dir, "state"),
	}}
	fast := testSchedule()
	c.deps = cmd.Deps{
		Hooks: factory.Hooks{Schedule: &fast, NgrokHeartbeatInterval: testHeartbeat},
		SandboxOptions: &sandbox.Options{TaskDuration: 300 * time.Millisecond, WebhookRetryBackoff: 20 * time.Millisecond,
			MaxMediaSide: testMediaSide},
		Build: cmd.BuildInfo{Version: "1.2.3-test", Commit: "abc123", Date: "2026-11-27"},
	}
	c.deps.Dir = dir
	c.seedJournal()
	return c
}

// seedJournal gives the user's state directory an empty journal of today's schema, copied from one
// made once per test run: creating it costs about 45 ms of CPU under -race (the migrations' SQL),
// which most tests' first command would pay. pkg/journal tests the migrations; a test about a
// user who never submitted anything calls noJournal.
func (c *cli) seedJournal() {
	c.t.Helper()
	db, err := journalTemplate()
	if err != nil {
		c.t.Fatal(err)
	}
	state := c.env["NOVITA_STATE_DIR"]
	if err := os.MkdirAll(state, 0o700); err != nil {
		c.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(state, journal.DBName), db, 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// noJournal leaves the user without a state directory, as before a first submit.
func (c *cli) noJournal() {
	c.t.Helper()
	if err := os.RemoveAll(c.env["NOVITA_STATE_DIR"]); err != nil {
		c.t.Fatal(err)
	}
}

// journalTemplate is the bytes of a new, empty journal (seedJournal).
var journalTemplate = sync.OnceValues(func() ([]byte, error) {
	dir, err := os.MkdirTemp("", "novita-journal-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	j := journal.Open(dir)
	if err := j.CheckWritable(context.Background()); err != nil {
		return nil, err
	}
	if err := j.Close(); err != nil { // the last connection folds the WAL into the file
		return nil, err
	}
	if _, err := os.Stat(j.Path + "-wal"); err == nil {
		return nil, errors.New("the template journal kept its WAL after Close")
	}
	return os.ReadFile(j.Path)
})

// testHeartbeat is every test tunnel's ngrok heartbeat interval: closing a tunnel waits for the
// library's heartbeat goroutines to see their next tick (a second with production timing). The
// tolerance keeps its production value, seconds above any echo delay of a loaded machine.
const testHeartbeat = 100 * time.Millisecond

// webhookOnly makes the safety-net reads of a wait with a receiver a minute apart, so a test that
// asserts "via webhook" cannot lose the race to polling on a loaded machine.
func (c *cli) webhookOnly() {
	slow := testSchedule()
	slow.FirstSafe, slow.SafetyMin, slow.SafetyMax = time.Minute, time.Minute, time.Minute
	c.deps.Schedule = &slow
}

func testSchedule() waiter.Schedule {
	return waiter.Schedule{Min: 20 * time.Millisecond, Max: 200 * time.Millisecond, Growth: 1.5,
		SafetyMin: 100 * time.Millisecond, SafetyMax: 500 * time.Millisecond,
		First: 20 * time.Millisecond, FirstSafe: 400 * time.Millisecond}
}

func (c *cli) run(args ...string) result {
	return c.runCtx(context.Background(), args...)
}

func (c *cli) runCtx(ctx context.Context, args ...string) result {
	c.t.Helper()
	ios, _, out, errOut := iostreams.Test()
	d := c.deps
	d.IO = ios
	d.Getenv = func(k string) string { return c.env[k] }
	code := cmd.Run(ctx, args, &d)
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

func (r result) lines() []string {
	s := strings.TrimSpace(r.stdout)
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func (c *cli) mustExist(path string) []byte {
	c.t.Helper()
	if !filepath.IsAbs(path) {
		path = filepath.Join(c.dir, path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		c.t.Fatalf("expected file %s: %v", path, err)
	}
	return b
}

// abs is where the command (run in c.dir, Deps.Dir) put a path given relative: commands print the
// paths they resolved.
func (c *cli) abs(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.dir, p)
}

// startSandbox serves a separate simulator (as `novita sandbox` would) for commands run without --sandbox.
// testMediaSide caps the sides of the images and videos the tests' sandboxes generate: encoding a
// 1024x1024 PNG under -race costs more than the command line that asks for it, and a test is about
// the file being whole and decodable, not its size (pkg/sandbox tests the sizes). A test that checks
// a larger size sets MaxMediaSide itself.
const testMediaSide = 256

func startSandbox(t *testing.T, opts sandbox.Options) *sandbox.Server {
	t.Helper()
	if opts.TaskDuration == 0 {
		opts.TaskDuration = 300 * time.Millisecond
	}
	if opts.WebhookRetryBackoff == 0 {
		opts.WebhookRetryBackoff = 20 * time.Millisecond
	}
	if opts.MaxMediaSide == 0 {
		opts.MaxMediaSide = testMediaSide
	}
	sb := sandbox.New(opts)
	if err := sb.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	return sb
}

func (c *cli) useSandbox(sb *sandbox.Server) {
	c.env["NOVITA_BASE_URL"] = sb.URL()
	c.env["NOVITA_API_KEY"] = sb.APIKey()
}

// leftovers lists files under dir whose names look like temporary downloads.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.Contains(d.Name(), ".part") || strings.HasPrefix(d.Name(), ".")) && !strings.HasSuffix(p, "tasks.jsonl") {
			out = append(out, p)
		}
		return nil
	})
	return out
}
