package ui

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The browser tests drive Debian's chromium headless through chromedp. Without a browser they skip
// with the reason; CI installs one (.ci/run). NOVITA_UI_ARTIFACTS names a directory that keeps their
// screenshots (else a temporary one).

func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("NOVITA_CHROMIUM"); p != "" {
		return p
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium not found: apt-get install chromium")
	return ""
}

// chromium is the one headless browser the browser tests share: starting one costs seconds, and
// tens of seconds on a loaded 2-core machine, more than chromedp's default 20 s wait for the
// DevTools address (the "websocket url timeout" that failed TestBrowserLiveLatency there), so it
// starts once and gets minutes. Each test opens its own tab in its own browser context (cookies and
// storage apart), so the tests can run in parallel. TestMain stops it before the leak check; it is
// package-level because tests cannot share anything else.
var chromium sharedChromium

type sharedChromium struct {
	once sync.Once
	ctx  context.Context // the browser's first tab: new tabs are made from it
	stop func()
	err  error
}

// browserStartTimeout bounds chromium's start (the DevTools address on its stderr).
const browserStartTimeout = 3 * time.Minute

func (c *sharedChromium) start(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath(t)
	c.once.Do(func() {
		profile, err := os.MkdirTemp("", "novita-ui-chromium-")
		if err != nil {
			c.err = err
			return
		}
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
			chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true), chromedp.NoFirstRun, chromedp.UserDataDir(profile),
			chromedp.WindowSize(1280, 820), chromedp.WSURLReadTimeout(browserStartTimeout))
		actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancelFirst := chromedp.NewContext(actx)
		c.ctx = ctx
		c.stop = func() {
			cancelFirst()
			cancelAlloc() // waits for the process to exit
			_ = os.RemoveAll(profile)
		}
		if err := chromedp.Do(ctx); err != nil {
			c.err = fmt.Errorf("start chromium (%s): %w", path, err)
		}
	})
	if c.err != nil {
		t.Fatal(c.err)
	}
	return c.ctx
}

// close stops the browser if a test started it.
func (c *sharedChromium) close() {
	c.once.Do(func() {}) // a later start must not launch one
	if c.stop != nil {
		c.stop()
	}
}

// browser is one tab of the shared chromium, and the console messages that tab logged.
type browser struct {
	ctx      context.Context
	mu       sync.Mutex
	messages []chromedp.ConsoleMessage
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	ctx, cancelTab := chromedp.NewContext(chromium.start(t), chromedp.WithNewBrowserContext())
	b := &browser{ctx: ctx}
	collected := make(chan struct{})
	t.Cleanup(func() {
		cancelTab()
		<-collected
	})
	// Open the tab first: the console only reports from the moment the target exists.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		close(collected)
		t.Fatalf("open a tab: %v", err)
	}
	messages := chromedp.Console(ctx)
	go func() {
		defer close(collected)
		for m, err := range messages {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.messages = append(b.messages, m)
			b.mu.Unlock()
		}
	}()
	return b
}

// consoleErrors lists errors and uncaught exceptions the page logged (CSP violations and failed
// loads included: the browser logs them as errors).
func (b *browser) consoleErrors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, m := range b.messages {
		if m.Type == chromedp.ConsoleError || m.IsException() {
			out = append(out, fmt.Sprintf("%s (%s:%d)", m, m.URL, m.Line+1))
		}
	}
	return out
}

func (b *browser) do(t *testing.T, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, pageWait)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("browser: %v", err)
	}
}

func (b *browser) eval(t *testing.T, expr string) string {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// pageWait bounds the browser tests' waits for the page: a bound for a broken page, not a speed
// (TestBrowserLiveLatency measures that). The browser tests share one chromium and run side by side
// with the rest of the suite, so a page on a loaded machine may take seconds to react.
const pageWait = 30 * time.Second

// waitJS evaluates a boolean expression until it holds or within is over. chromedp.Poll would compile
// the predicate with new Function inside the page, which the page's CSP (rightly) forbids.
func (b *browser) waitJS(t *testing.T, what, expr string, within time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool]("Boolean("+expr+")"))
		if err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		if ok {
			return time.Since(start)
		}
		if time.Since(start) > within {
			t.Fatalf("%s: not within %v (console errors: %v)", what, within, b.consoleErrors())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// open loads the page and waits until its script has started.
func (b *browser) open(t *testing.T, url string) {
	t.Helper()
	b.do(t, chromedp.Navigate(url))
	b.waitJS(t, "the page to start", `document.body && document.body.dataset.ready === 'true'`, pageWait)
}

func (b *browser) screenshot(t *testing.T, dir, name string) string {
	t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	path := filepath.Join(dir, name)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, png, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
	return path
}

func artifactDir(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("NOVITA_UI_ARTIFACTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// fixtureURL is the page with the token, under the host name the browser will use.
func (f *fixture) pageURL(hash string) string {
	return f.srv.URL() + hash
}
