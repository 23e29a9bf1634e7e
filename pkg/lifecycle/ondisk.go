package lifecycle

import (
	"context"

	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/journal"
)

// What the journal recorded of a task's saved files is how a later wait, result --download or
// wait --batch recognises outputs already on disk: same bytes (size and sha256) means already
// downloaded, whatever the command.

// SavedFiles turns the journal's records of saved files into what download compares targets with;
// records of outputs known only by their URL (never saved) are left out.
func SavedFiles(files []journal.FileRecord) []download.Saved {
	out := make([]download.Saved, 0, len(files))
	for _, f := range files {
		if f.Path != "" {
			out = append(out, download.Saved{Kind: f.Kind, Index: f.Index, Path: f.Path, Bytes: f.Bytes, SHA256: f.SHA256})
		}
	}
	return out
}

// FilesIntact tells whether a task has recorded outputs, every one saved and still on disk, unchanged.
// An output recorded but never saved (its download failed) makes it false.
func FilesIntact(files []journal.FileRecord) bool {
	saved := SavedFiles(files)
	for _, s := range saved {
		if !s.Intact(s.Path) {
			return false
		}
	}
	return len(saved) > 0 && len(saved) == len(files)
}

// savedEarlier reads the journal's record of a task's files; without a journal there is none.
func (r *Runner) savedEarlier(taskID string) []download.Saved {
	if r.Journal == nil {
		return nil
	}
	d, ok, err := r.Journal.Get(context.Background(), taskID)
	if err != nil {
		r.observer().Warn(err)
		return nil
	}
	if !ok {
		return nil
	}
	return SavedFiles(d.Files)
}
