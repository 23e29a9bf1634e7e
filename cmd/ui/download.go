package ui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"github.com/novita-cli/novita/cmd/taskview"
	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/inspect"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/lifecycle"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/ui"
)

// noKey is what "Download again" answers without an API key.
const noKey = "downloading again re-reads the task from the API, which needs a key: " +
	"set NOVITA_API_KEY or run: novita config set api_key, then start the inspector again"

// Downloader is the inspector's "Download again". It re-reads the task's result through the API
// (what the journal or a webhook said must not choose what is fetched), records when the fresh URLs
// expire, and saves each output to the absolute path the journal recorded for it, as the CLI would
// save it: never resolved against the inspector's directory, never over a different file, and
// without rewriting the recorded history. An output never saved is refused with the command that
// saves it. One download runs at a time. The API is resolved on first use, so the inspector starts
// without a key.
func (in *Inspector) Downloader(store *inspect.Store) func(context.Context, ui.Task) ([]ui.TaskFile, error) {
	var mu sync.Mutex
	return func(ctx context.Context, t ui.Task) ([]ui.TaskFile, error) {
		mu.Lock()
		defer mu.Unlock()
		api, err := in.API()
		if err != nil {
			return nil, err
		}
		if api.Key == "" {
			return nil, ui.Unavailablef("%s", noKey)
		}
		d, found, err := store.Journal.Get(ctx, t.ID)
		if err != nil {
			return nil, err
		}
		if !found {
			return nil, ui.ErrNotFound
		}
		res, err := api.Client.TaskResult(ctx, t.ID)
		if err != nil {
			if d.BaseURL != "" && d.BaseURL != api.BaseURL {
				return nil, fmt.Errorf("%w (task %s was submitted to %s, but the API base URL is now %s)", err, t.ID, d.BaseURL, api.BaseURL)
			}
			return nil, err
		}
		if res.Task.Status != novita.StatusSucceed {
			return nil, ui.Unavailablef("task %s is %s now: there is nothing to download", t.ID, res.Task.Status.Short())
		}
		in.recordExpiry(ctx, store.Journal, t.ID, res)
		recorded := make([]download.Saved, 0, len(d.Files))
		for _, fr := range d.Files {
			if fr.Path != "" && filepath.IsAbs(fr.Path) {
				recorded = append(recorded, download.Saved{Kind: fr.Kind, Index: fr.Index, Path: fr.Path, Bytes: fr.Bytes, SHA256: fr.SHA256})
			}
		}
		run := in.NewRunner(api, taskview.Quiet{IO: in.IO})
		files, err := run.SaveTo(ctx, t.ID, res, recorded)
		for _, fl := range files {
			in.IO.Statusf("saved %s", fl.Path)
		}
		if err != nil {
			// Refusals (a different file at the recorded path, an output never saved) say why: 409.
			return nil, ui.Unavailablef("%v", explainSaveTo(err))
		}
		now, err := store.Task(ctx, t.ID)
		return now.Files, err
	}
}

// recordExpiry notes when each output URL of a fresh result stops working (its TTL from now), so the
// gallery knows without guessing; a failure only costs that knowledge.
func (in *Inspector) recordExpiry(ctx context.Context, j *journal.Journal, id string, res *novita.TaskResult) {
	var recs []journal.FileRecord
	for _, o := range res.Outputs() {
		if o.TTL > 0 {
			recs = append(recs, journal.FileRecord{Kind: o.Kind, Index: o.Index, URLExpiresAt: in.Clock.Now().Add(time.Duration(o.TTL) * time.Second)})
		}
	}
	if len(recs) > 0 {
		if err := j.RecordFiles(ctx, id, recs); err != nil {
			in.IO.Warnf("journal: %v", err)
		}
	}
}

// explainSaveTo names the command for an output that was never saved: it is saved the first time
// by downloading the result.
func explainSaveTo(err error) error {
	var ns *lifecycle.NeverSavedError
	if errors.As(err, &ns) {
		return fmt.Errorf("%w: run novita result %s --download", err, ns.TaskID)
	}
	return err
}
