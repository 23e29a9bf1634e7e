package acceptance

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/novita-cli/novita/cmd"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/sandbox"
)

// TestScripts runs the README's examples, written as testscript files in testdata/script, against the
// simulator: a README example that stops working fails here (and TestREADMEExamplesAreScripted fails
// when an example has no script). The CLI runs in the script's $WORK, with HOME, XDG_* and
// NOVITA_STATE_DIR under $WORK and nothing of the caller's environment but PATH. A `novita` line runs
// the CLI's root command (cmd.Run, what main runs) in this process, with the script's environment
// and streams, so the scripts share the test binary's start-up and catalog; it is given $WORK as
// its working directory, so the paths it prints are absolute. `proc novita` and a background
// command (&NAME&) run this test binary as the CLI in its own process (TestMain turns it into the
// CLI when NOVITA_TEST_AS_CLI=1): for what only a process shows (paths printed as given, relative
// to its working directory; Ctrl-C).
//
// Commands the scripts have beside testscript's own (see scriptCommands for each one's usage):
//
//	novita ARGS... [&NAME&]   run the CLI; with &NAME& in the background, under that name;
//	                          with > FILE last, its stdout goes to FILE instead; with < FILE
//	                          last, its stdin is FILE (testscript's stdin feeds only exec)
//	proc novita ARGS...       run the CLI as its own process in the foreground (> and < too)
//	exitcode N                the last novita (or bgwait/bgstop) exited with N
//	await NAME stdout|stderr REGEXP   wait until a background command printed a match; the
//	                          regexp's named groups become environment variables
//	awaitfile FILE REGEXP     wait until FILE exists and matches (what another process writes)
//	bgwait NAME / bgstop NAME wait for a background command to end (bgstop sends Ctrl-C first); its
//	                          output becomes stdout and stderr, its exit is checked like novita's
//	capture stdout|stderr REGEXP      the regexp's named groups, matched on the last output, become
//	                          environment variables
//	isjson / ndjson [N]       stdout is exactly one JSON document / N JSON documents, one per line
//	image FILE WxH            write a real PNG or JPEG (by FILE's extension)
//	isimage FILE png|jpeg     FILE decodes as an image of that format
//	app VAR [STATUS]          serve a local app answering STATUS (200); VAR = its URL; each request
//	                          is appended to $WORK/VAR.log (method, path, headers, body)
//	httpget URL [STATUS]      GET URL, expect STATUS (200); the body becomes stdout
func TestScripts(t *testing.T) {
	t.Parallel()
	exe := processBinary(t)
	testscript.Run(t, testscript.Params{
		Dir:                "testdata/script",
		Setup:              func(env *testscript.Env) error { return setupScript(env, exe) },
		Cmds:               scriptCommands(),
		RequireUniqueNames: true,
	})
}

type scriptStateKey struct{}

// scriptState is one script's own: the CLI binary, the exit code last seen, background commands.
type scriptState struct {
	exe      string
	envNames []string
	lastExit int
	bg       map[string]*scriptProc
}

// scriptProc is a command started with &NAME&: its output can be read while it runs.
type scriptProc struct {
	cmd      *exec.Cmd
	out, err lockedBuffer
	done     chan struct{}
	waitErr  error
	neg      bool
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// cliEnvNames are the variables the CLI reads; a background command gets them from the script, with
// the ones testscript set up, because a custom command cannot see the script's whole environment.
const cliEnvNames = "NOVITA_API_KEY NOVITA_BASE_URL NOVITA_CONFIG NOVITA_DEBUG NOVITA_SANDBOX NOVITA_TUNNEL " +
	"NOVITA_PUBLIC_URL NGROK_AUTHTOKEN NOVITA_NGROK_URL NOVITA_OUTPUT NOVITA_PREVIEW NOVITA_STATE_DIR NO_COLOR TERM"

// scriptWait bounds every wait a script makes for a background command.
const scriptWait = 30 * time.Second

func setupScript(env *testscript.Env, exe string) error {
	work := env.WorkDir
	home := filepath.Join(work, "home")
	env.Setenv("HOME", home)
	env.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	env.Setenv("XDG_STATE_HOME", filepath.Join(home, ".local", "state"))
	env.Setenv("XDG_CACHE_HOME", filepath.Join(home, ".cache"))
	env.Setenv("NOVITA_STATE_DIR", filepath.Join(work, "state"))
	env.Setenv("NOVITA_TEST_AS_CLI", "1")
	// A fake browser opener first in PATH: --open must never start a real browser from a test.
	bin := filepath.Join(work, ".bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return err
	}
	opener := "#!/bin/sh\nprintf '%s\\n' \"$*\" >> \"$WORK/opened\"\n"
	for _, name := range []string{"xdg-open", "open"} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(opener), 0o755); err != nil {
			return err
		}
	}
	env.Setenv("PATH", bin+string(os.PathListSeparator)+env.Getenv("PATH"))
	names := strings.Fields(cliEnvNames)
	for _, kv := range env.Vars {
		if k, _, ok := strings.Cut(kv, "="); ok {
			names = append(names, k)
		}
	}
	env.Values[scriptStateKey{}] = &scriptState{exe: exe, envNames: names, bg: map[string]*scriptProc{}}
	return nil
}

func stateOf(ts *testscript.TestScript) *scriptState {
	return ts.Value(scriptStateKey{}).(*scriptState)
}

func scriptCommands() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		"novita":    scriptNovita,
		"proc":      scriptProcess,
		"exitcode":  scriptExitCode,
		"await":     scriptAwait,
		"awaitfile": scriptAwaitFile,
		"bgwait":    func(ts *testscript.TestScript, neg bool, args []string) { scriptBgEnd(ts, neg, args, false) },
		"bgstop":    func(ts *testscript.TestScript, neg bool, args []string) { scriptBgEnd(ts, neg, args, true) },
		"capture":   scriptCapture,
		"isjson":    scriptIsJSON,
		"ndjson":    scriptNDJSON,
		"image":     scriptImage,
		"isimage":   scriptIsImage,
		"app":       scriptApp,
		"httpget":   scriptHTTPGet,
	}
}

func scriptNovita(ts *testscript.TestScript, neg bool, args []string) {
	st := stateOf(ts)
	if n := len(args); n > 0 && len(args[n-1]) > 2 && strings.HasPrefix(args[n-1], "&") && strings.HasSuffix(args[n-1], "&") {
		startScriptProc(ts, st, strings.Trim(args[n-1], "&"), args[:n-1], neg)
		return
	}
	args, stdin, stdout := redirected(ts, args)
	ios := &iostreams.IOStreams{In: stdin, Out: stdout, ErrOut: ts.Stderr()}
	d := cmd.Deps{IO: ios, Build: cmd.BuildInfo{Version: "test"}, Dir: ts.MkAbs("."),
		SandboxOptions: &sandbox.Options{MaxMediaSide: testMediaSide}}
	d.Getenv = ts.Getenv // the script's environment, as exec would pass it
	checkExitCode(ts, st, neg, cmd.Run(context.Background(), args, &d))
}

// scriptProcess runs `proc novita ARGS... [> FILE] [< FILE]`: the CLI as its own process, in the
// foreground, for what only a process shows (paths printed as given, relative to its working
// directory); its exit code is kept like novita's.
func scriptProcess(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 1 || args[0] != "novita" {
		ts.Fatalf("usage: proc novita ARGS... [> FILE] [< FILE]")
	}
	st := stateOf(ts)
	args, stdin, stdout := redirected(ts, args[1:])
	cmd := scriptCmd(ts, st, args)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, ts.Stderr()
	checkExit(ts, st, neg, cmd.Run())
}

// redirected takes the trailing "> FILE" and "< FILE" off a novita line and opens them, as the shell
// would: stdin is FILE (else empty), stdout goes to FILE (else the script's stdout; what the CLI writes
// to a file, an image from -o -, stays out of the log). The files close when the script ends.
func redirected(ts *testscript.TestScript, args []string) (rest []string, stdin io.Reader, stdout io.Writer) {
	stdin, stdout = strings.NewReader(""), ts.Stdout()
	for len(args) >= 2 && (args[len(args)-2] == ">" || args[len(args)-2] == "<") {
		op, file := args[len(args)-2], ts.MkAbs(args[len(args)-1])
		args = args[:len(args)-2]
		open := os.Create
		if op == "<" {
			open = os.Open
		}
		f, err := open(file)
		ts.Check(err)
		ts.Defer(func() { _ = f.Close() })
		if op == "<" {
			stdin = f
		} else {
			stdout = f
		}
	}
	return args, stdin, stdout
}

// scriptCmd is the CLI as a process in the script's directory, with the script's environment.
func scriptCmd(ts *testscript.TestScript, st *scriptState, args []string) *exec.Cmd {
	cmd := exec.Command(st.exe, args...)
	cmd.Dir = ts.MkAbs(".")
	for _, k := range st.envNames {
		if v := ts.Getenv(k); v != "" {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	return cmd
}

// checkExit records a process's exit code and fails the script unless it is what ! asked for.
func checkExit(ts *testscript.TestScript, st *scriptState, neg bool, err error) {
	var ee *exec.ExitError
	switch {
	case err == nil:
		checkExitCode(ts, st, neg, 0)
	case errors.As(err, &ee):
		checkExitCode(ts, st, neg, ee.ExitCode())
	default:
		ts.Fatalf("novita did not run: %v", err)
	}
}

// checkExitCode records an exit code and fails the script unless it is what ! asked for.
func checkExitCode(ts *testscript.TestScript, st *scriptState, neg bool, code int) {
	st.lastExit = code
	if st.lastExit != 0 && !neg {
		ts.Fatalf("novita exited %d", st.lastExit)
	}
	if st.lastExit == 0 && neg {
		ts.Fatalf("unexpected success")
	}
}

func startScriptProc(ts *testscript.TestScript, st *scriptState, name string, args []string, neg bool) {
	if st.bg[name] != nil {
		ts.Fatalf("background command %q is already running", name)
	}
	p := &scriptProc{cmd: scriptCmd(ts, st, args), done: make(chan struct{}), neg: neg}
	p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.err
	ts.Check(p.cmd.Start())
	go func() {
		p.waitErr = p.cmd.Wait()
		close(p.done)
	}()
	st.bg[name] = p
	ts.Defer(func() { stopScriptProc(p) })
}

// stopScriptProc interrupts a command as Ctrl-C would and kills it if it does not end in time.
func stopScriptProc(p *scriptProc) {
	select {
	case <-p.done:
		return
	default:
	}
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		_ = p.cmd.Process.Kill()
	}
	select {
	case <-p.done:
	case <-time.After(scriptWait):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

func scriptProcNamed(ts *testscript.TestScript, name string) *scriptProc {
	p := stateOf(ts).bg[name]
	if p == nil {
		ts.Fatalf("no background command named %q", name)
	}
	return p
}

func scriptAwait(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 || neg || (args[1] != "stdout" && args[1] != "stderr") {
		ts.Fatalf("usage: await NAME stdout|stderr REGEXP")
	}
	p := scriptProcNamed(ts, args[0])
	re, err := regexp.Compile("(?m)" + args[2])
	ts.Check(err)
	stream := &p.out
	if args[1] == "stderr" {
		stream = &p.err
	}
	deadline := time.Now().Add(scriptWait)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if m := re.FindStringSubmatch(stream.String()); m != nil {
			exportGroups(ts, re, m)
			return
		}
		select {
		case <-p.done:
			if m := re.FindStringSubmatch(stream.String()); m == nil {
				ts.Fatalf("%s ended (%v) before its %s matched %q:\n[stdout]\n%s[stderr]\n%s",
					args[0], p.waitErr, args[1], args[2], p.out.String(), p.err.String())
			}
		case <-tick.C:
			if time.Now().After(deadline) {
				ts.Fatalf("%s printed no match for %q on %s in %v:\n%s", args[0], args[2], args[1], scriptWait, stream.String())
			}
		}
	}
}

// exportGroups makes each named group of a match an environment variable of the script.
func exportGroups(ts *testscript.TestScript, re *regexp.Regexp, m []string) {
	for i, group := range re.SubexpNames() {
		if group != "" {
			ts.Setenv(group, m[i])
		}
	}
}

func scriptAwaitFile(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 || neg {
		ts.Fatalf("usage: awaitfile FILE REGEXP")
	}
	re, err := regexp.Compile("(?m)" + args[1])
	ts.Check(err)
	deadline := time.Now().Add(scriptWait)
	for {
		b, _ := os.ReadFile(ts.MkAbs(args[0]))
		if re.Match(b) {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("%s has no match for %q after %v:\n%s", args[0], args[1], scriptWait, b)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func scriptBgEnd(ts *testscript.TestScript, neg bool, args []string, interrupt bool) {
	if len(args) != 1 {
		ts.Fatalf("usage: bgwait|bgstop NAME")
	}
	st := stateOf(ts)
	p := scriptProcNamed(ts, args[0])
	if interrupt {
		stopScriptProc(p)
	}
	select {
	case <-p.done:
	case <-time.After(scriptWait):
		stopScriptProc(p)
		ts.Fatalf("%s did not end within %v", args[0], scriptWait)
	}
	delete(st.bg, args[0])
	fmt.Fprint(ts.Stdout(), p.out.String())
	fmt.Fprint(ts.Stderr(), p.err.String())
	checkExit(ts, st, neg || p.neg, p.waitErr)
}
