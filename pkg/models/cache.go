package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/novita-cli/novita/pkg/novita"
)

// DefaultMaxAge is how long a fetched list counts as fresh.
const DefaultMaxAge = 24 * time.Hour

// cacheVersion changes when the file's layout does; another version reads as corrupt (and is
// rewritten by the next refresh).
const cacheVersion = 1

// cachePath is $XDG_CACHE_HOME/novita/models.json (a relative XDG_CACHE_HOME is ignored, as the XDG
// spec says), else ~/.cache/novita/models.json; "" when no home directory is known.
func cachePath(env func(string) string) string {
	dir := env("XDG_CACHE_HOME")
	if dir == "" || !filepath.IsAbs(dir) {
		home := env("HOME")
		if home == "" {
			home, _ = os.UserHomeDir()
		}
		if home == "" {
			return ""
		}
		dir = filepath.Join(home, ".cache")
	}
	return filepath.Join(dir, "novita", "models.json")
}

// Cache is the file holding the whole model list and when it was fetched.
type Cache struct {
	Path string
	// Origin is the API base URL the list comes from: a cache written for another origin (the sandbox,
	// a proxy) reads as missing, so fake models never complete or warn against the real API.
	Origin string
	MaxAge time.Duration    // 0 means DefaultMaxAge
	Now    func() time.Time // nil means time.Now
}

// NewCache is the CLI's cache: cachePath(env), a day's freshness.
func NewCache(env func(string) string, origin string, now func() time.Time) *Cache {
	return &Cache{Path: cachePath(env), Origin: origin, MaxAge: DefaultMaxAge, Now: now}
}

// State says what Load found.
type State int

const (
	StateMissing State = iota // no file, no location, or a list of another origin
	StateCorrupt              // unreadable or not a cache file: treated as missing, rewritten on refresh
	StateStale                // older than MaxAge (or dated in the future)
	StateFresh
)

func (s State) String() string {
	return [...]string{"missing", "corrupt", "stale", "fresh"}[s]
}

// Snapshot is a model list and where it stands. Problem explains a corrupt cache or a failed write;
// it is for a warning or --debug, never a reason to fail a command.
type Snapshot struct {
	Models    []novita.Model
	FetchedAt time.Time
	Age       time.Duration
	State     State
	Problem   error
}

// Fresh reports whether the list may be trusted for "did you mean" warnings.
func (s Snapshot) Fresh() bool { return s.State == StateFresh }

// cacheFile is the cache's layout. It keeps the fields completion, warnings and local filters use,
// not each model's raw JSON: a 30,000-model list then loads in a fraction of the time (see
// BenchmarkCacheLoad30k), which is what a TAB press waits for. --json output comes from the API.
type cacheFile struct {
	Version   int          `json:"version"`
	Origin    string       `json:"origin"`
	FetchedAt time.Time    `json:"fetched_at"`
	Models    []cacheEntry `json:"models"`
}

type cacheEntry struct {
	ID            int64    `json:"id"`
	Name          string   `json:"name,omitempty"`
	SDName        string   `json:"sd_name,omitempty"`
	SDNameInAPI   string   `json:"sd_name_in_api,omitempty"`
	Type          string   `json:"type"`
	TypeDisplay   string   `json:"type_display,omitempty"`
	Status        int64    `json:"status"`
	Tags          []string `json:"tags,omitempty"`
	Source        string   `json:"source,omitempty"`
	BaseModel     string   `json:"base_model,omitempty"`
	BaseModelType string   `json:"base_model_type,omitempty"`
	IsSDXL        bool     `json:"is_sdxl,omitempty"`
	Visibility    string   `json:"visibility,omitempty"`
}

func entryOf(m novita.Model) cacheEntry {
	return cacheEntry{ID: int64(m.ID), Name: m.Name, SDName: m.SDName, SDNameInAPI: m.SDNameInAPI, Type: m.Type.Name,
		TypeDisplay: m.Type.DisplayName, Status: int64(m.Status), Tags: m.Tags, Source: m.Source, BaseModel: m.BaseModel,
		BaseModelType: m.BaseModelType, IsSDXL: m.IsSDXL, Visibility: m.Visibility}
}

func (e cacheEntry) model() novita.Model {
	return novita.Model{ID: novita.FlexInt(e.ID), Name: e.Name, SDName: e.SDName, SDNameInAPI: e.SDNameInAPI,
		Type: novita.ModelType{Name: e.Type, DisplayName: e.TypeDisplay}, Status: novita.FlexInt(e.Status), Tags: e.Tags,
		Source: e.Source, BaseModel: e.BaseModel, BaseModelType: e.BaseModelType, IsSDXL: e.IsSDXL, Visibility: e.Visibility}
}

func (c *Cache) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func sameOrigin(a, b string) bool { return strings.TrimRight(a, "/") == strings.TrimRight(b, "/") }

// Load reads the cache. It never fails: whatever goes wrong is a State and a Problem.
func (c *Cache) Load() Snapshot {
	if c.Path == "" {
		return Snapshot{State: StateMissing, Problem: errors.New("model cache: no cache directory (set XDG_CACHE_HOME or HOME)")}
	}
	b, err := os.ReadFile(c.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return Snapshot{State: StateMissing}
	}
	if err != nil {
		return Snapshot{State: StateCorrupt, Problem: fmt.Errorf("model cache %s: %w", c.Path, err)}
	}
	var f cacheFile
	if err := json.Unmarshal(b, &f); err != nil {
		return Snapshot{State: StateCorrupt, Problem: fmt.Errorf("model cache %s is not valid: %w", c.Path, err)}
	}
	if f.Version != cacheVersion || f.FetchedAt.IsZero() || f.Models == nil {
		return Snapshot{State: StateCorrupt, Problem: fmt.Errorf("model cache %s is not a version %d cache file", c.Path, cacheVersion)}
	}
	if c.Origin != "" && !sameOrigin(f.Origin, c.Origin) {
		return Snapshot{State: StateMissing, Problem: fmt.Errorf("model cache %s holds the list of %q, not %q", c.Path, f.Origin, c.Origin)}
	}
	maxAge := c.MaxAge
	if maxAge <= 0 {
		maxAge = DefaultMaxAge
	}
	ms := make([]novita.Model, len(f.Models))
	for i, e := range f.Models {
		ms[i] = e.model()
	}
	s := Snapshot{Models: ms, FetchedAt: f.FetchedAt, Age: c.now().Sub(f.FetchedAt), State: StateStale}
	if s.Age >= 0 && s.Age < maxAge {
		s.State = StateFresh
	}
	return s
}

// Save writes the list atomically: a temporary file in the same directory, renamed over the cache,
// so a reader never sees half a file and a crash leaves the old cache intact.
func (c *Cache) Save(ms []novita.Model, fetchedAt time.Time) error {
	if c.Path == "" {
		return errors.New("model cache: no cache directory (set XDG_CACHE_HOME or HOME)")
	}
	entries := make([]cacheEntry, len(ms))
	for i, m := range ms {
		entries[i] = entryOf(m)
	}
	b, err := json.Marshal(cacheFile{Version: cacheVersion, Origin: c.Origin, FetchedAt: fetchedAt.UTC(), Models: entries})
	if err != nil {
		return fmt.Errorf("model cache: encode: %w", err)
	}
	dir := filepath.Dir(c.Path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("model cache: create %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, ".models-*.json.tmp")
	if err != nil {
		return fmt.Errorf("model cache: write %s: %w", c.Path, err)
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	_, werr := tmp.Write(b)
	if werr == nil {
		werr = tmp.Sync()
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), c.Path)
	}
	if werr != nil {
		return fmt.Errorf("model cache: write %s: %w", c.Path, werr)
	}
	return nil
}

// Refresh fetches the whole list (every model, unavailable ones too: filtering is for display) and
// saves it. A fetch error is returned; a write error is not fatal and lands in Snapshot.Problem.
func (c *Cache) Refresh(ctx context.Context, l Lister, onPage func(Progress)) (Snapshot, error) {
	ms, err := All(ctx, l, novita.ModelQuery{Limit: novita.MaxModelPageSize}, onPage)
	if err != nil {
		return Snapshot{}, err
	}
	now := c.now()
	s := Snapshot{Models: ms, FetchedAt: now, State: StateFresh}
	if err := c.Save(ms, now); err != nil {
		s.Problem = err
	}
	return s, nil
}

// Get returns the list: the cache when fresh and refresh is false (no network call at all), else a
// refresh through l. With l nil it never touches the network and returns the cache as it is (what
// completion wants). When the refresh fails, Get returns the cache as it was (stale, corrupt or
// missing) together with the error: commands fail on it, completion and warnings use the cache.
func (c *Cache) Get(ctx context.Context, l Lister, refresh bool, onPage func(Progress)) (Snapshot, error) {
	s := c.Load()
	if (s.Fresh() && !refresh) || l == nil {
		return s, nil
	}
	fresh, err := c.Refresh(ctx, l, onPage)
	if err != nil {
		return s, err
	}
	return fresh, nil
}
