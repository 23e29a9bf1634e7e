// Package modelnames is what commands do with model names from the local model-list cache: complete
// them (--model, --set path=name) and warn about names a request gives that the list does not know.
// It never reaches the network.
package modelnames

import (
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/pkg/models"
)

// sandboxModelOrigin stands for the in-process simulator in its cache file: its URL changes with every
// run but its model list never does, so one cache serves every --sandbox run.
const sandboxModelOrigin = "sandbox:in-process"

// Names is what the model-list cache and the name checks use of the command line; a command's
// options hold one (New) rather than the factory.
type Names struct {
	Getenv func(string) string
	Now    func() time.Time
	Logger func() *slog.Logger // read when used: --debug is known only once the flags are parsed
}

// New takes the names' needs from the factory.
func New(f *factory.Factory) *Names {
	return &Names{Getenv: f.Getenv, Now: f.Clock.Now, Logger: f.Logger}
}

// Cache is the model-list cache of an API. The in-process simulator (--sandbox) gets its own file
// beside the real one, so trying the sandbox never replaces the list the real API's completion uses.
func (n *Names) Cache(api *factory.API) *models.Cache {
	if api.InProcess {
		return sandboxCache(n.Getenv, n.Now)
	}
	return models.NewCache(n.Getenv, api.BaseURL, n.Now)
}

func sandboxCache(getenv func(string) string, now func() time.Time) *models.Cache {
	c := models.NewCache(getenv, sandboxModelOrigin, now)
	if c.Path != "" {
		c.Path = filepath.Join(filepath.Dir(c.Path), "models-sandbox.json")
	}
	return c
}

// completionCache finds the cache a completion reads without resolving the API (which would start an
// in-process sandbox): --sandbox (or NOVITA_SANDBOX) picks the sandbox's, else the base URL as flag >
// env > config gives it. nil when the configuration cannot be read.
func completionCache(f *factory.Factory, cmd *cobra.Command) *models.Cache {
	if f.Globals.Sbx || flagChanged(cmd, "sandbox") {
		return sandboxCache(f.Getenv, f.Clock.Now)
	}
	base, err := f.Resolve("base_url", f.Globals.BaseURL, flagChanged(cmd, "base-url"))
	if err != nil {
		return nil
	}
	return models.NewCache(f.Getenv, strings.TrimRight(base, "/"), f.Clock.Now)
}

// flagChanged reads the command's own parse: during completion the root's PersistentPreRun sees
// cobra's __complete command, not the command being completed.
func flagChanged(cmd *cobra.Command, name string) bool {
	fl := cmd.Flags().Lookup(name)
	return fl != nil && fl.Changed
}

// cachedModels is the cached list for completion, whatever its age (a stale list still completes
// well); nil when there is none. It never reaches the network.
func cachedModels(f *factory.Factory, cmd *cobra.Command) *models.Snapshot {
	c := completionCache(f, cmd)
	if c == nil {
		return nil
	}
	s := c.Load()
	if len(s.Models) == 0 {
		return nil
	}
	return &s
}

// Completion completes a flag or argument that names a model of kind (models.KindCheckpoint for
// --model, models.KindAny for a search) from the local cache only: no key, no network, nothing when
// the cache is missing or corrupt. Each value carries a description (type, base model, tags).
func Completion(f *factory.Factory, kind models.Kind) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		s := cachedModels(f, cmd)
		if s == nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return completionStrings(models.Complete(s.Models, kind, toComplete)), cobra.ShellCompDirectiveNoFileComp
	}
}

// SetCompletion completes --set values "path=name" of a task (catalog Task.Name) whose path
// names a model (request.loras.0.model_name, request.sd_vae, ...), from the local cache only; other
// paths complete nothing.
func SetCompletion(f *factory.Factory, taskName string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if !strings.Contains(toComplete, "=") {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		s := cachedModels(f, cmd)
		if s == nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return completionStrings(models.CompleteSet(taskName, s.Models, toComplete)), cobra.ShellCompDirectiveNoFileComp
	}
}

func completionStrings(cs []models.Completion) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.String()
	}
	return out
}

// Warnings checks the model names of a request body (model_name, LoRAs, embeddings, VAE,
// ControlNet units) of task taskName (catalog Task.Name) against the cached list. It speaks only from
// a fresh cache, never reaches the network and never refuses: each string is one warning line for
// stderr (names already quoted and escaped); none when all is well or the cache cannot tell.
func (n *Names) Warnings(api *factory.API, taskName string, body map[string]any) []string {
	return n.Warner(api)(taskName, body)
}

// Warner is Warnings for many bodies (a batch): the cache is read once, on the first call,
// and the function is safe for concurrent use.
func (n *Names) Warner(api *factory.API) func(taskName string, body map[string]any) []string {
	load := sync.OnceValue(func() models.Snapshot {
		s := n.Cache(api).Load()
		if s.Problem != nil {
			n.Logger().Debug("model cache not used for name checks", "state", s.State.String(), "problem", s.Problem.Error())
		}
		return s
	})
	return func(taskName string, body map[string]any) []string {
		ws := models.BodyWarnings(load(), taskName, body)
		for i, w := range ws {
			if base, ok := strings.CutSuffix(w, models.UnlistedNote); ok {
				ws[i] = base + " (a private or new model may be missing: novita models --refresh updates the list)"
			}
		}
		return ws
	}
}
