package inspect

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/provenance"
	"github.com/novita-cli/novita/pkg/sandbox/media"
	"github.com/novita-cli/novita/pkg/ui"
)

// The inspector finds a task by an id prefix and a dropped file by its sha256 (delivered or final)
// or its embedded metadata; an ambiguous prefix is a conflict naming the candidates.
func TestStoreFindsTasksByPrefixAndFile(t *testing.T) {
	j, dir := openJournal(t)
	ctx := context.Background()
	s := &Store{Journal: j}
	for _, id := range []string{"abcdef01-1", "abcdef02-2"} {
		must(t, j.RecordSubmitted(ctx, journal.Submitted{TaskID: id, Task: "txt2img",
			Request: []byte(`{"request":{"prompt":"p","model_name":"m1","negative_prompt":"blurry"}}`)}))
	}
	png, _ := media.EncodeImage(media.Picture(16, 16, 1, 1), "png")
	p := filepath.Join(dir, "a.png")
	must(t, os.WriteFile(p, png, 0o644))
	delivered, _ := download.SHA256File(p)
	must(t, provenance.Embed(p, provenance.Record{TaskID: "abcdef02-2", Prompt: "p"}))
	final, _ := download.SHA256File(p)
	must(t, j.RecordFiles(ctx, "abcdef02-2", []journal.FileRecord{{Kind: "image", Index: 1, Path: p, SHA256: final, DeliveredSHA256: delivered}}))

	if task, err := s.Task(ctx, "abcdef02"); err != nil || task.ID != "abcdef02-2" || task.Model != "m1" || task.NegativePrompt != "blurry" {
		t.Fatalf("prefix: %+v %v", task, err)
	}
	if _, err := s.Task(ctx, "abcdef"); !errors.Is(err, ui.ErrUnavailable) {
		t.Fatalf("ambiguous prefix: %v", err)
	}
	for _, sum := range []string{delivered, final} {
		if task, err := s.TaskOfFile(ctx, sum, nil); err != nil || task.ID != "abcdef02-2" {
			t.Fatalf("by sha256 %s: %+v %v", sum, task, err)
		}
	}
	// A file from elsewhere: not in this journal, known from its metadata.
	other, _ := media.EncodeImage(media.Picture(16, 16, 2, 1), "png")
	q := filepath.Join(dir, "b.png")
	must(t, os.WriteFile(q, other, 0o644))
	must(t, provenance.Embed(q, provenance.Record{TaskID: "elsewhere", Prompt: "a heron", Model: "flux"}))
	b, _ := os.ReadFile(q)
	if _, err := s.TaskOfFile(ctx, "00", nil); !errors.Is(err, ui.ErrNotFound) {
		t.Fatalf("unknown sha256: %v", err)
	}
	task, err := s.TaskOfFile(ctx, "00", bytes.NewReader(b))
	if err != nil || task.ID != "elsewhere" || !task.FromFile || task.Prompt != "a heron" || task.Model != "flux" {
		t.Fatalf("by metadata: %+v %v", task, err)
	}
}
