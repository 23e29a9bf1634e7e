// Package doctor is the engine of `novita doctor`: a list of checks, each answering pass, fail or skip
// with what it saw and, when it fails, the fix. Checks take what they look at (a key, a URL, a call to
// make, a directory) from the caller, so the command decides where settings come from and tests hand
// in a sandbox and a fake ngrok edge.
package doctor

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/journal"
)

// Status is a check's verdict.
type Status string

const (
	Pass Status = "pass"
	Fail Status = "fail"
	Skip Status = "skip" // not applicable here (no ngrok token, no terminal); not an error
)

// Result is one check's line.
type Result struct {
	Name   string `json:"name"`
	Status Status `json:"status"`
	Detail string `json:"detail"`
	Fix    string `json:"fix,omitempty"`
}

// Fixes are the ways out the checks suggest, in the words of the command that runs them: it names its
// own commands, flags and settings, the engine only what it saw. A fix left "" is not shown.
type Fixes struct {
	BaseURL      string // the base URL is not a URL
	Unreachable  string // nothing answers at the base URL
	NoKey        string // no API key is set
	RefusedKey   string // the API refused the key
	NoNgrok      string // no ngrok authtoken (optional: webhooks fall back)
	NgrokNetwork string // a token, but no tunnel
	RefusedNgrok string // ngrok refused the token
	Preview      string // no inline previews here
	// CompletionHelp is the fix when the shell is unknown; Completion the install line of a shell's
	// completion (file: where the shell's completion system loads it from).
	CompletionHelp string
	Completion     func(shell, file string) string
	// CompletionLoader is the text an rc file holds when it loads the completion itself.
	CompletionLoader string
}

// Check is one named check.
type Check struct {
	Name string
	Run  func(ctx context.Context) Result
	// Needs names a check that must have passed first (the key cannot be tried on an API that is not
	// reachable); otherwise this one is skipped, saying why.
	Needs string
}

// CheckTimeout bounds each check: doctor must answer even when the network hangs.
const CheckTimeout = 20 * time.Second

// Run runs the checks in order (later ones may depend on what earlier ones set up) and reports each
// result to report as it is known.
func Run(ctx context.Context, checks []Check, report func(Result)) []Result {
	out := make([]Result, 0, len(checks))
	passed := map[string]bool{}
	for _, c := range checks {
		var r Result
		if c.Needs != "" && !passed[c.Needs] {
			r = skip("not tried: the "+c.Needs+" check did not pass", "fix the "+c.Needs+" first")
		} else {
			cctx, cancel := context.WithTimeout(ctx, CheckTimeout)
			r = c.Run(cctx)
			cancel()
		}
		passed[c.Name] = r.Status == Pass
		r.Name = c.Name
		out = append(out, r)
		if report != nil {
			report(r)
		}
		if ctx.Err() != nil {
			break
		}
	}
	return out
}

// Failed counts the failed checks.
func Failed(rs []Result) int {
	n := 0
	for _, r := range rs {
		if r.Status == Fail {
			n++
		}
	}
	return n
}

func pass(format string, a ...any) Result {
	return Result{Status: Pass, Detail: fmt.Sprintf(format, a...)}
}
func skip(detail, fix string) Result { return Result{Status: Skip, Detail: detail, Fix: fix} }
func fail(detail, fix string) Result { return Result{Status: Fail, Detail: detail, Fix: fix} }

// BaseURL checks that the API's address answers HTTP at all (any status will do: a 404 at the root
// still proves the host is reachable).
func BaseURL(base string, hc *http.Client, fx Fixes) Check {
	return Check{Name: "base URL", Run: func(ctx context.Context) Result {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base, nil)
		if err != nil {
			return fail(fmt.Sprintf("%s is not a URL: %v", base, err), fx.BaseURL)
		}
		resp, err := hc.Do(req)
		if err != nil {
			return fail(fmt.Sprintf("cannot reach %s: %v", base, unwrapURL(err)), fx.Unreachable)
		}
		resp.Body.Close()
		return pass("%s answers (HTTP %d)", base, resp.StatusCode)
	}}
}

// APIKey checks that a key is set and that the API accepts it, with one cheap authenticated call.
func APIKey(key, source string, call func(ctx context.Context) error, fx Fixes) Check {
	return Check{Name: "API key", Needs: "base URL", Run: func(ctx context.Context) Result {
		if key == "" {
			return fail("no API key is set", fx.NoKey)
		}
		err := call(ctx)
		switch {
		case err == nil:
			return pass("set (%s) and accepted by the API", source)
		case clierr.KindOf(err) == clierr.KindAuth:
			return fail(fmt.Sprintf("the API refused the key from %s: %v", source, err), fx.RefusedKey)
		}
		return fail(fmt.Sprintf("could not check the key: %v", err), "fix the base URL check first, then run the checks again")
	}}
}

// Ngrok checks the ngrok token by opening a tunnel (and closing it at once). No token is a skip:
// webhooks then use a local receiver or polling.
func Ngrok(token, source string, open func(ctx context.Context) (string, error), fx Fixes) Check {
	return Check{Name: "ngrok tunnel", Run: func(ctx context.Context) Result {
		if token == "" {
			return skip("no ngrok authtoken: a wait falls back to polling (or a local receiver)", fx.NoNgrok)
		}
		url, err := open(ctx)
		if err != nil {
			fix := fx.NgrokNetwork
			if clierr.KindOf(err) == clierr.KindAuth {
				fix = fx.RefusedNgrok
			}
			return fail(fmt.Sprintf("token from %s, but no tunnel: %v", source, err), fix)
		}
		return pass("token from %s; a tunnel opened at %s", source, url)
	}}
}

// WritableDir checks that dir exists (or can be created) and that files can be written in it.
func WritableDir(name, dir, fix string) Check {
	return Check{Name: name, Run: func(context.Context) Result {
		probe := dir
		for {
			if _, err := os.Stat(probe); err == nil {
				break
			}
			parent := filepath.Dir(probe)
			if parent == probe {
				break
			}
			probe = parent // not created yet: the first existing parent must let it be created
		}
		if err := download.Writable(probe); err != nil {
			return fail(fmt.Sprintf("cannot write in %s: %v", probe, err), fix)
		}
		if probe != dir {
			return pass("%s does not exist yet; %s is writable, so it can be created", dir, probe)
		}
		return pass("%s is writable", dir)
	}}
}

// Journal checks the task history database read-only.
func Journal(path string) Check {
	return Check{Name: "journal", Run: func(ctx context.Context) Result {
		h, err := journal.Check(ctx, path)
		switch {
		case errors.Is(err, journal.ErrNoJournal):
			return pass("%s does not exist yet (created by the first submit)", path)
		case err != nil:
			return fail(err.Error(), fmt.Sprintf("move it aside (mv %q %q) and run the checks again; the next submit starts a new one",
				path, path+".broken"))
		}
		return pass("%s is healthy: %d %s, schema %d", path, h.Tasks, plural(h.Tasks, "task"), h.Version)
	}}
}

// Preview reports whether inline image previews will be drawn, and why not.
func Preview(protocol, why string, fx Fixes) Check {
	return Check{Name: "terminal preview", Run: func(context.Context) Result {
		if protocol == "" {
			return skip("no inline previews: "+why, fx.Preview)
		}
		return pass("previews drawn with the %s protocol", protocol)
	}}
}

func unwrapURL(err error) error {
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) {
		if inner := ue.Unwrap(); inner != nil {
			return inner
		}
	}
	return err
}

func plural(n int, w string) string {
	if n == 1 {
		return w
	}
	return w + "s"
}
