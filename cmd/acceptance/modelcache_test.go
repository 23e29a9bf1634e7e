package acceptance

import (
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/pkg/models"
	"github.com/novita-cli/novita/pkg/sandbox"
)

// completeFlag runs cobra's __complete against a small command carrying submit-like --model and --set
// flags wired to the cmdutil completions, as submit wires them (submit itself is being rebuilt).
// completeFlag completes a flag value of `novita submit txt2img` through the real command line.
func (c *cli) completeFlag(args ...string) []string {
	c.t.Helper()
	values, _ := c.complete(append([]string{"submit", "txt2img"}, args...)...)
	return values
}

// warnings are the model warnings a real (dry-run) submit of txt2img prints for these names.
func (c *cli) warnings(checkpoint, lora string) []string {
	c.t.Helper()
	r := c.run("submit", "txt2img", "--prompt", "p", "--model", checkpoint,
		"--set", "request.loras:=[{\"model_name\":\""+lora+"\",\"strength\":0.7}]", "--dry-run")
	if r.code != 0 {
		c.t.Fatalf("dry run: exit %d\n%s", r.code, r.stderr)
	}
	var out []string
	for _, l := range strings.Split(r.stderr, "\n") {
		if strings.HasPrefix(l, "warning: ") {
			out = append(out, strings.TrimPrefix(l, "warning: "))
		}
	}
	return out
}

func (c *cli) cachePath() string {
	return filepath.Join(c.env["XDG_CACHE_HOME"], "novita", "models.json")
}

// closeAPI stops the sandbox and proves its address now refuses connections.
func closeAPI(t *testing.T, sb *sandbox.Server) {
	t.Helper()
	u, _ := url.Parse(sb.URL())
	sb.Close()
	if conn, err := net.DialTimeout("tcp", u.Host, time.Second); err == nil {
		conn.Close()
		t.Fatalf("%s still accepts connections after Close", u.Host)
	}
}

func TestModelCacheFreshServesCompletionAndWarningsWithoutTheNetwork(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.env["XDG_CACHE_HOME"] = filepath.Join(c.dir, "xdg-cache")
	sb := startSandbox(t, sandbox.Options{})
	c.useSandbox(sb)
	r := c.run("models", "--all", "--json")
	if r.code != 0 || !strings.Contains(r.stderr, "saved ") {
		t.Fatalf("an unfiltered --all did not say it saved the cache: exit %d, stderr %q", r.code, r.stderr)
	}
	c.mustExist(c.cachePath())
	if _, err := os.Stat(filepath.Join(c.dir, ".cache")); err == nil {
		t.Error("the cache went to $HOME/.cache although XDG_CACHE_HOME is set")
	}
	closeAPI(t, sb)

	values, dir := c.complete("models", "dreamsh")
	if !slices.Equal(values, []string{"dreamshaper_8_93211.safetensors"}) || dir&cobra.ShellCompDirectiveNoFileComp == 0 {
		t.Errorf("completing `models dreamsh` with the API down offers %q (directive %d)", values, dir)
	}
	ckpts := c.completeFlag("--model", "")
	if !slices.Contains(ckpts, "v1-5-pruned-emaonly.safetensors") || slices.Contains(ckpts, "add_detail_44319") ||
		slices.Contains(ckpts, "sdxl_vae.safetensors") {
		t.Errorf("--model completes other things than checkpoints (or misses one): %d values", len(ckpts))
	}
	if got := c.completeFlag("--model", "DreamSh"); !slices.Equal(got, []string{"dreamshaper_8_93211.safetensors"}) {
		t.Errorf("--model DreamSh<TAB> offers %q", got)
	}
	if got := c.completeFlag("--set", "request.loras.0.model_name=add_"); !slices.Equal(got, []string{"request.loras.0.model_name=add_detail_44319"}) {
		t.Errorf("--set request.loras.0.model_name=add_<TAB> offers %q", got)
	}
	if got := c.completeFlag("--set", "request.sd_vae=vae-ft"); !slices.Contains(got, "request.sd_vae=vae-ft-mse-840000-ema-pruned.safetensors") {
		t.Errorf("--set request.sd_vae=vae-ft<TAB> offers %q", got)
	}
	if got := c.completeFlag("--set", "request.steps="); len(got) != 0 {
		t.Errorf("--set on a field that names no model completes %q", got)
	}

	w := c.warnings("dreamshapr_8_93211.safetensors", "add_detail_44319")
	if len(w) != 1 || !strings.Contains(w[0], `did you mean "dreamshaper_8_93211.safetensors"`) ||
		!strings.HasSuffix(w[0], "(a private or new model may be missing: novita models --refresh updates the list)") {
		t.Errorf("a misspelt checkpoint with a fresh cache warns %q; want one did-you-mean", w)
	}
	if w := c.warnings("dreamshaper_8_93211.safetensors", "add_detail_44319"); len(w) != 0 {
		t.Errorf("known names warn: %q", w)
	}
	if w := c.warnings("dreamshaper_8_93211.safetensors", "dreamshaper_8_93211.safetensors"); len(w) != 1 || !strings.Contains(w[0], "checkpoint") {
		t.Errorf("a checkpoint given as a LoRA warns %q; want it to say it is a checkpoint", w)
	}
}

func TestModelCacheStaleCompletesButDoesNotWarn(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{})
	c.useSandbox(sb)
	c.env["XDG_CACHE_HOME"] = filepath.Join(c.dir, "cache")
	if r := c.run("models", "--refresh", "-q"); r.code != 0 || r.stderr != "" {
		t.Fatalf("models --refresh -q: exit %d, stderr %q", r.code, r.stderr)
	}
	cache := &models.Cache{Path: c.cachePath(), Origin: sb.URL()}
	s := cache.Load()
	if s.State != models.StateFresh {
		t.Fatalf("after --refresh the cache is %s", s.State)
	}
	old := time.Now().Add(-48 * time.Hour)
	if err := cache.Save(s.Models, old); err != nil {
		t.Fatal(err)
	}
	_ = os.Chtimes(cache.Path, old, old)

	if values, _ := c.complete("models", "dreamsh"); !slices.Contains(values, "dreamshaper_8_93211.safetensors") {
		t.Errorf("a stale cache no longer completes: %q", values)
	}
	if w := c.warnings("dreamshapr_8", "add_detail_44319"); len(w) != 0 {
		t.Errorf("a two-day-old list warns %q: it cannot tell a typo from a new model", w)
	}
	if r := c.runTerminal("models", "--limit", "3"); !strings.Contains(r.stderr, "models --refresh") {
		t.Errorf("an old cache gets no refresh tip on a terminal: %q", r.stderr)
	}
	if r := c.run("models", "--refresh", "--type", "vae", "--json"); r.code != 0 || len(r.lines()) == 0 {
		t.Fatalf("models --refresh --type vae: exit %d, %d lines", r.code, len(r.lines()))
	}
	if s := cache.Load(); s.State != models.StateFresh {
		t.Errorf("--refresh left the cache %s", s.State)
	}
	if w := c.warnings("dreamshapr_8_93211.safetensors", "add_detail_44319"); len(w) != 1 {
		t.Errorf("after --refresh a misspelt name warns %q", w)
	}
}

func TestModelCacheMissingCorruptOrForeign(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{})
	c.useSandbox(sb)
	path := filepath.Join(c.dir, ".cache", "novita", "models.json") // no XDG_CACHE_HOME: $HOME/.cache
	noCompletion := func(state string) {
		t.Helper()
		if values, dir := c.complete("models", "d"); len(values) != 0 || dir&cobra.ShellCompDirectiveNoFileComp == 0 {
			t.Errorf("%s cache: completion offers %q (directive %d), want nothing and no file names", state, values, dir)
		}
		if got := c.completeFlag("--model", "d"); len(got) != 0 {
			t.Errorf("%s cache: --model offers %q", state, got)
		}
		if w := c.warnings("dreamshapr_8", "nope"); len(w) != 0 {
			t.Errorf("%s cache: warnings %q", state, w)
		}
	}
	noCompletion("missing")
	if r := c.run("models", "--all", "--type", "lora", "-q"); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if _, err := os.Stat(path); err == nil {
		t.Error("a filtered --all saved its partial list as the cache")
	}
	if r := c.runTerminal("models", "--limit", "2"); !strings.Contains(r.stderr, "tip: novita models --refresh") {
		t.Errorf("no tip about the missing cache on a terminal: %q", r.stderr)
	}

	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(`{"version":1,"models":[{"sd_name`), 0o600); err != nil {
		t.Fatal(err)
	}
	noCompletion("corrupt")
	if r := c.run("models", "--refresh", "-q", "--limit", "1"); r.code != 0 {
		t.Fatalf("--refresh over a corrupt cache: exit %d: %s", r.code, r.stderr)
	}
	if values, _ := c.complete("models", "dreamsh"); !slices.Contains(values, "dreamshaper_8_93211.safetensors") {
		t.Errorf("--refresh did not repair a corrupt cache: %q", values)
	}

	other := startSandbox(t, sandbox.Options{})
	c.env["NOVITA_BASE_URL"] = other.URL()
	noCompletion("another API's")
	if values, _ := c.complete("--base-url", sb.URL(), "models", "dreamsh"); !slices.Contains(values, "dreamshaper_8_93211.safetensors") {
		t.Errorf("--base-url on the command line does not pick the cache completion reads: %q", values)
	}
}
