package lifecycle

import (
	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/journal"
)

// What the journal recorded of a task's saved files is how a later wait, result --download or
// wait --batch recognises outputs already on disk: same bytes (size and sha256) means already
// downloaded, whatever the command.

// SavedFiles turns the journal's file records into what download compares targets with.
func SavedFiles(files []journal.FileRecord) []download.Saved {
	out := make([]download.Saved, len(files))
	for i, f := range files {
		out[i] = download.Saved{Kind: f.Kind, Index: f.Index, Path: f.Path, Bytes: f.Bytes, SHA256: f.SHA256}
	}
	return out
}

// FilesIntact tells whether a task has recorded files and every one is still on disk, unchanged.
func FilesIntact(files []journal.FileRecord) bool {
	for _, s := range SavedFiles(files) {
		if !s.Intact(s.Path) {
			return false
		}
	}
	return len(files) > 0
}

// savedEarlier reads the journal's record of a task's files; without a journal there is none.
func (r *Runner) savedEarlier(taskID string) []download.Saved {
	if r.Journal == nil {
		return nil
	}
	en, ok, err := r.Journal.Find(taskID)
	if err != nil {
		r.observer().Warn(err)
		return nil
	}
	if !ok {
		return nil
	}
	return SavedFiles(en.Files)
}
