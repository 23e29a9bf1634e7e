package models

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/clock"
	"github.com/novita-cli/novita/pkg/novita"
)

func TestCachePathFollowsXDG(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"XDG_CACHE_HOME": "/x/cache", "HOME": "/home/u"}, "/x/cache/novita/models.json"},
		{map[string]string{"HOME": "/home/u"}, "/home/u/.cache/novita/models.json"},
		{map[string]string{"XDG_CACHE_HOME": "relative/cache", "HOME": "/home/u"}, "/home/u/.cache/novita/models.json"},
	} {
		if got := cachePath(env(tc.env)); got != filepath.FromSlash(tc.want) {
			t.Errorf("%v: %s", tc.env, got)
		}
	}
}

// testCache is a cache in a temp dir with a clock the test moves.
func testCache(t *testing.T) (*Cache, *clock.Fake) {
	t.Helper()
	clk := clock.NewFake(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC))
	dir := t.TempDir()
	c := NewCache(func(k string) string {
		if k == "XDG_CACHE_HOME" {
			return dir
		}
		return ""
	}, "https://api.novita.ai", clk.Now)
	return c, clk
}

// listerOf is a fake lister serving ms in pages of 100 with "c_<offset>" cursors.
func listerOf(ms []novita.Model) *fakeLister {
	return &fakeLister{page: func(n int, q novita.ModelQuery) (*novita.ModelPage, error) {
		start, _ := strconv.Atoi(strings.TrimPrefix(q.Cursor, "c_"))
		end := min(start+100, len(ms))
		next := ""
		if end < len(ms) {
			next = "c_" + itoa(end)
		}
		return &novita.ModelPage{Models: ms[start:end], NextCursor: next}, nil
	}}
}

func TestCacheMissingThenFreshThenStale(t *testing.T) {
	all := sandboxModels(t)
	c, clk := testCache(t)
	if s := c.Load(); s.State != StateMissing || s.Problem != nil || s.Fresh() {
		t.Fatalf("no file yet: %v %v", s.State, s.Problem)
	}
	l := listerOf(all)
	s, err := c.Get(context.Background(), l, false, nil)
	if err != nil || s.State != StateFresh || len(s.Models) != len(all) || l.count() != (len(all)+99)/100 {
		t.Fatalf("missing cache must be fetched: %v %v %d models %d calls", err, s.State, len(s.Models), l.count())
	}
	if _, err := os.Stat(c.Path); err != nil {
		t.Fatalf("the fetched list must be written: %v", err)
	}
	calls := l.count()
	clk.Advance(23 * time.Hour)
	s, err = c.Get(context.Background(), l, false, nil)
	if err != nil || s.State != StateFresh || s.Age != 23*time.Hour || l.count() != calls {
		t.Fatalf("a 23 h old cache is fresh and read without the API: %v %v %v %d", err, s.State, s.Age, l.count()-calls)
	}
	// The cache gives back every field completion, warnings and local filters use.
	for i := range all {
		a, b := all[i], s.Models[i]
		if a.ID != b.ID || a.APIName() != b.APIName() || a.SDName != b.SDName || a.Name != b.Name || a.Type != b.Type ||
			a.Status != b.Status || !slices.Equal(a.Tags, b.Tags) || a.Source != b.Source || a.BaseModel != b.BaseModel ||
			a.IsInpainting() != b.IsInpainting() || a.SDXL() != b.SDXL() {
			t.Fatalf("model %d changed through the cache:\n%+v\n%+v", i, a, b)
		}
	}
	clk.Advance(time.Hour)
	if s := c.Load(); s.State != StateStale {
		t.Fatalf("24 h old: %v", s.State)
	}
	if s, err := c.Get(context.Background(), nil, false, nil); err != nil || s.State != StateStale || len(s.Models) != len(all) {
		t.Fatalf("without a lister the stale cache is used as is: %v %v", err, s.State)
	}
	s, err = c.Get(context.Background(), l, false, nil)
	if err != nil || s.State != StateFresh || l.count() == calls {
		t.Fatalf("a stale cache is refreshed: %v %v", err, s.State)
	}
	calls = l.count()
	if s, err := c.Get(context.Background(), l, true, nil); err != nil || s.State != StateFresh || l.count() == calls {
		t.Fatalf("--refresh refetches a fresh cache: %v", err)
	}
	// A clock set back before the fetch does not make the cache fresh forever.
	clk.Advance(-48 * time.Hour)
	if s := c.Load(); s.State != StateStale {
		t.Errorf("a cache dated in the future is stale: %v", s.State)
	}
}

func TestCorruptOrUnreadableCacheIsMissingAndRewritten(t *testing.T) {
	all := sandboxModels(t)
	for name, write := range map[string]func(path string){
		"garbage": func(p string) { os.WriteFile(p, []byte("\x00\x01 not json"), 0o600) },
		"truncated": func(p string) {
			os.WriteFile(p, []byte(`{"version":1,"fetched_at":"2025-03-01T11:00:00Z","models":[{"id":1`), 0o600)
		},
		"version": func(p string) {
			os.WriteFile(p, []byte(`{"version":99,"fetched_at":"2025-03-01T11:00:00Z","models":[]}`), 0o600)
		},
		"no date": func(p string) { os.WriteFile(p, []byte(`{"version":1,"models":[]}`), 0o600) },
		"null":    func(p string) { os.WriteFile(p, []byte(`null`), 0o600) },
	} {
		t.Run(name, func(t *testing.T) {
			c, _ := testCache(t)
			os.MkdirAll(filepath.Dir(c.Path), 0o700)
			write(c.Path)
			s := c.Load()
			if s.State != StateCorrupt || s.Problem == nil || len(s.Models) != 0 {
				t.Fatalf("%v %v", s.State, s.Problem)
			}
			if !strings.Contains(s.Problem.Error(), c.Path) {
				t.Errorf("the problem must name the file: %v", s.Problem)
			}
			s, err := c.Get(context.Background(), listerOf(all), false, nil)
			if err != nil || s.State != StateFresh || s.Problem != nil {
				t.Fatalf("refresh over a corrupt cache: %v %v %v", err, s.State, s.Problem)
			}
			if again := c.Load(); again.State != StateFresh || len(again.Models) != len(all) {
				t.Fatalf("the corrupt cache must have been rewritten: %v", again.State)
			}
		})
	}
}

func TestCacheWriteFailureIsNeverFatal(t *testing.T) {
	c, _ := testCache(t)
	// A directory where the file should be: reading fails, writing (rename) fails.
	if err := os.MkdirAll(filepath.Join(c.Path, "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	if s := c.Load(); s.State != StateCorrupt || s.Problem == nil {
		t.Fatalf("unreadable cache: %v", s.State)
	}
	s, err := c.Get(context.Background(), listerOf([]novita.Model{{ID: 1, SDName: "a", Status: 1}}), false, nil)
	if err != nil || s.State != StateFresh || len(s.Models) != 1 || s.Problem == nil || !strings.Contains(s.Problem.Error(), "model cache: write") {
		t.Fatalf("the fetched list is still returned, the write problem reported: %v %v %v", err, s.State, s.Problem)
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(c.Path), ".models-*"))
	if len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
	if err := (&Cache{}).Save(nil, time.Now()); err == nil {
		t.Errorf("a cache without a location cannot be written")
	}
	if s := (&Cache{}).Load(); s.State != StateMissing || s.Problem == nil {
		t.Errorf("a cache without a location reads as missing: %v", s.State)
	}
}

func TestSaveIsAtomicAndPrivate(t *testing.T) {
	c, clk := testCache(t)
	if err := c.Save([]novita.Model{{ID: 1, SDName: "old", Status: 1}}, clk.Now()); err != nil {
		t.Fatal(err)
	}
	if err := c.Save([]novita.Model{{ID: 2, SDName: "new", Status: 1}}, clk.Now()); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Dir(c.Path))
	if len(entries) != 1 || entries[0].Name() != "models.json" {
		t.Fatalf("only the cache file may remain: %v", entries)
	}
	if fi, _ := os.Stat(c.Path); fi.Mode().Perm() != 0o600 {
		t.Errorf("the list may hold private models: mode %v", fi.Mode().Perm())
	}
	if s := c.Load(); len(s.Models) != 1 || s.Models[0].SDName != "new" {
		t.Fatalf("%+v", s.Models)
	}
}

func TestCacheOfAnotherOriginIsMissing(t *testing.T) {
	c, clk := testCache(t)
	if err := c.Save([]novita.Model{{ID: 1, SDName: "a", Status: 1}}, clk.Now()); err != nil {
		t.Fatal(err)
	}
	other := *c
	other.Origin = "http://127.0.0.1:4010"
	if s := other.Load(); s.State != StateMissing || len(s.Models) != 0 {
		t.Fatalf("the sandbox must not read the real API's list: %v", s.State)
	}
	same := *c
	same.Origin = "https://api.novita.ai/"
	if s := same.Load(); s.State != StateFresh {
		t.Fatalf("a trailing slash is the same origin: %v", s.State)
	}
}

// With the API unreachable, a fresh cache still completes and nothing touches the network; a stale
// one is still returned, with the error for the caller to report or ignore.
func TestUnreachableAPIWithFreshCacheStillCompletes(t *testing.T) {
	all := sandboxModels(t)
	c, clk := testCache(t)
	if err := c.Save(all, clk.Now()); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens: every request would be refused
	down := novita.NewClient("http://"+addr, "sk_x", "test")
	retries := 0
	down.Sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	down.OnRetry = func(string, int, time.Duration, error) { retries++ }

	s, err := c.Get(context.Background(), down, false, nil)
	if err != nil || !s.Fresh() || retries != 0 {
		t.Fatalf("fresh cache with the API down: %v %v (%d retries: the network was used)", err, s.State, retries)
	}
	got := Complete(s.Models, KindCheckpoint, "sd_xl_b")
	if len(got) == 0 || got[0].Value != "sd_xl_base_1.0.safetensors" {
		t.Fatalf("completion from the cache: %v", got)
	}

	clk.Advance(25 * time.Hour)
	s, err = c.Get(context.Background(), down, false, nil)
	if err == nil || s.State != StateStale || len(s.Models) != len(all) {
		t.Fatalf("stale cache, API down: %v %v %d models", err, s.State, len(s.Models))
	}
	if !slices.ContainsFunc(Complete(s.Models, KindLoRA, ""), func(c Completion) bool { return c.Value == "GoodHands-beta2_39807" }) {
		t.Errorf("completion must still work from a stale cache")
	}
}
