// Package models is the `novita models` command: Novita's model list (GET /v3/model) as a table or
// NDJSON, and the refresh of the local cache that completion and submit's name check read.
package models

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/cmd/internal/modelnames"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/clock"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/models"
	"github.com/novita-cli/novita/pkg/novita"
)

// defaultPageSize is the page size without --limit: one screenful without --all, the largest page with it.
const defaultPageSize = 20

// Options is what `novita models` was asked to do.
type Options struct {
	IO    *iostreams.IOStreams
	Clock clock.Clock
	JSON  bool
	API   func() (*factory.API, error)
	// Cache is the model-list cache of an API (modelnames.Cache).
	Cache func(*factory.API) *models.Cache

	Query                    string
	Type, Visibility, Source string
	SDXL, NoSDXL, Inpainting bool
	Limit                    int
	All, Refresh             bool
	IncludeUnavailable       bool
}

// NewCmdModels builds `novita models`; runF replaces the run function in tests.
func NewCmdModels(f *factory.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	o := &Options{IO: f.IOStreams, Clock: f.Clock, API: f.API,
		Cache: modelnames.New(f).Cache}
	cmd := &cobra.Command{
		Use:   "models [QUERY]",
		Short: "List Novita's models and the names to use in requests",
		Long: `List the models Novita serves (checkpoints, LoRAs, VAEs, ControlNets, upscalers, textual
inversions). QUERY searches model file names, names and tags. The NAME column is what goes in a
request: --model, or --set request.loras.0.model_name=NAME. Unavailable models are hidden unless
--include-unavailable. With --json, each model is printed as one line exactly as the API sent it.

Without --all only the first page (--limit models, default 20) is shown; --all follows every page.

A local copy of the whole list ($XDG_CACHE_HOME/novita/models.json, fresh for a day) feeds shell
completion of model names and the "did you mean" warning of submit. --refresh fetches it again;
an unfiltered --all saves it too.`,
		Example: `  $ novita models dreamshaper
  $ novita models --type lora --sdxl
  $ novita models --type checkpoint --inpainting --all --json
  $ novita models --refresh`,
		Args:              cobra.ArbitraryArgs,
		ValidArgsFunction: modelnames.Completion(f, models.KindAny),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Query = strings.Join(args, " ")
			if cmd.Flags().Changed("limit") && (o.Limit < 1 || o.Limit > novita.MaxModelPageSize) {
				return clierr.Usagef("--limit %d is out of range: use 1 to %d", o.Limit, novita.MaxModelPageSize)
			}
			o.JSON = f.Globals.JSON // parsed by now
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runModels(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	cmdutil.StringEnumFlag(cmd, &o.Type, "type", "", "", novita.ModelTypes(), "only models of this type")
	fl.BoolVar(&o.SDXL, "sdxl", false, "only SDXL models")
	fl.BoolVar(&o.NoSDXL, "no-sdxl", false, "no SDXL models")
	cmd.MarkFlagsMutuallyExclusive("sdxl", "no-sdxl")
	fl.BoolVar(&o.Inpainting, "inpainting", false, "only inpainting checkpoints")
	cmdutil.StringEnumFlag(cmd, &o.Visibility, "visibility", "", "", novita.ModelVisibilities(), "only public or only your private models")
	cmdutil.StringEnumFlag(cmd, &o.Source, "source", "", "", novita.ModelSources(), "only models from this source")
	fl.IntVar(&o.Limit, "limit", 0, fmt.Sprintf("models per page, 1 to %d (default %d; %d with --all)", novita.MaxModelPageSize, defaultPageSize, novita.MaxModelPageSize))
	fl.BoolVar(&o.All, "all", false, "follow every page to the end of the list")
	fl.BoolVar(&o.Refresh, "refresh", false, "fetch the whole list again into the local cache, then list from it")
	fl.BoolVar(&o.IncludeUnavailable, "include-unavailable", false, "also list models Novita marks unavailable")
	cmdutil.NoFileCompletions(cmd, "limit")
	return cmd
}

// query is the API query the flags ask for, checked.
func (o *Options) query() (novita.ModelQuery, error) {
	q := novita.ModelQuery{Visibility: o.Visibility, Source: o.Source, Types: o.Type, Inpainting: o.Inpainting,
		Query: strings.TrimSpace(o.Query), Limit: o.Limit}
	switch {
	case o.SDXL:
		q.IsSDXL = ptr(true)
	case o.NoSDXL:
		q.IsSDXL = ptr(false)
	}
	if q.Limit == 0 {
		q.Limit = defaultPageSize
		if o.All {
			q.Limit = novita.MaxModelPageSize
		}
	}
	return q.Normalize()
}

func ptr[T any](v T) *T { return &v }

// unfiltered reports whether q asks for the whole list, which is what the cache holds.
func unfiltered(q novita.ModelQuery) bool {
	return q.Types == "" && q.IsSDXL == nil && !q.Inpainting && q.Visibility == "" && q.Source == "" && q.Query == ""
}

// listing is what is shown: the models of the page (or of every page), how many unavailable ones were
// left out, whether more pages exist, and whether this run saved the cache.
type listing struct {
	models []novita.Model
	hidden int
	more   bool
	cached bool
}

func runModels(ctx context.Context, o *Options) error {
	q, err := o.query()
	if err != nil {
		return err
	}
	api, err := o.API()
	if err != nil {
		return err
	}
	if err := cmdutil.NeedKey(api); err != nil {
		return err
	}
	cache := o.Cache(api)
	l, err := o.fetch(ctx, api, cache, q)
	if err != nil {
		return err
	}
	if o.JSON {
		if err := printNDJSON(o.IO.Out, l.models); err != nil {
			return err
		}
	} else if err := printTable(o.IO, l.models, o.IncludeUnavailable); err != nil {
		return err
	}
	o.summarize(l, cache)
	return nil
}

// fetch asks the API for one page, or every page with --all. --refresh first fetches the whole list
// into the cache and filters it here (visibility excepted: the list does not say it, so that one is
// asked of the API). An unfiltered --all is the whole list, so it is saved as the cache too.
func (o *Options) fetch(ctx context.Context, api *factory.API, cache *models.Cache, q novita.ModelQuery) (listing, error) {
	onPage, done := o.progress()
	defer done()
	if o.Refresh {
		snap, err := cache.Refresh(ctx, api.Client, onPage)
		done()
		if err != nil {
			return listing{}, err
		}
		o.reportCached(cache, len(snap.Models), snap.Problem)
		if q.Visibility == "" {
			ms, err := models.Filter(snap.Models, q)
			if err != nil {
				return listing{}, err
			}
			more := !o.All && len(ms) > q.Limit
			if more {
				ms = ms[:q.Limit] // the page the API would have answered
			}
			l := o.available(ms)
			l.more, l.cached = more, true
			return l, nil
		}
	}
	if o.All {
		ms, err := models.All(ctx, api.Client, q, onPage)
		done()
		if err != nil {
			return listing{}, err
		}
		l := o.available(ms)
		if unfiltered(q) && !o.Refresh {
			o.reportCached(cache, len(ms), cache.Save(ms, o.Clock.Now()))
		}
		l.cached = o.Refresh || unfiltered(q)
		return l, nil
	}
	page, err := api.Client.ListModels(ctx, q)
	if err != nil {
		return listing{}, err
	}
	l := o.available(page.Models)
	l.more, l.cached = page.NextCursor != "", o.Refresh
	return l, nil
}

// available hides the unavailable models unless --include-unavailable.
func (o *Options) available(ms []novita.Model) listing {
	if o.IncludeUnavailable {
		return listing{models: ms}
	}
	shown := models.HideUnavailable(ms)
	return listing{models: shown, hidden: len(ms) - len(shown)}
}

// progress is the --all / --refresh progress line: on a terminal only, and not with -q.
func (o *Options) progress() (onPage func(models.Progress), done func()) {
	ios := o.IO
	if !ios.ErrTTY || ios.Quiet {
		return nil, func() {}
	}
	return func(p models.Progress) {
		ios.Live(fmt.Sprintf("listing models: page %d, %d models", p.Page, p.Models))
	}, ios.EndLive
}

// reportCached says where the list was saved; a cache that cannot be written is only a warning.
func (o *Options) reportCached(cache *models.Cache, n int, problem error) {
	ios := o.IO
	if problem != nil {
		ios.Warnf("%v (completion and submit's name check will not see this list)", problem)
		return
	}
	ios.Statusf("saved %d models to %s for completion", n, cache.Path)
}
