package taskref

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/provenance"
	"github.com/novita-cli/novita/pkg/sandbox/media"
)

func TestResolveEveryForm(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	j := journal.Open(filepath.Join(dir, "state"))
	t.Cleanup(func() { j.Close() })
	for _, id := range []string{"abcdef01-1111", "abcdef02-2222", "fedcba98-3333"} {
		if err := j.RecordSubmitted(ctx, journal.Submitted{TaskID: id, Task: "txt2img"}); err != nil {
			t.Fatal(err)
		}
	}
	png, _ := media.EncodeImage(media.Picture(16, 16, 1, 1), "png")
	known := filepath.Join(dir, "known.png")
	os.WriteFile(known, png, 0o644)
	sum, _ := download.SHA256File(known)
	j.RecordFiles(ctx, "fedcba98-3333", []journal.FileRecord{{Kind: "image", Index: 1, Path: known, Bytes: int64(len(png)), SHA256: sum}})
	// A renamed copy is the same bytes: the same task.
	renamed := filepath.Join(dir, "holiday.png")
	os.WriteFile(renamed, png, 0o644)
	// A file from a colleague: not in this journal, but with metadata.
	foreign := filepath.Join(dir, "foreign.png")
	other, _ := media.EncodeImage(media.Picture(16, 16, 9, 1), "png")
	os.WriteFile(foreign, other, 0o644)
	if err := provenance.Embed(foreign, provenance.Record{TaskID: "colleague-task", Prompt: "a heron"}); err != nil {
		t.Fatal(err)
	}
	plain := filepath.Join(dir, "plain.png")
	os.WriteFile(plain, other, 0o644)

	for _, c := range []struct{ ref, id, via string }{
		{"abcdef01-1111", "abcdef01-1111", ViaID},
		{"abcdef02", "abcdef02-2222", ViaPrefix},
		{"fedcba", "fedcba98-3333", ViaPrefix},
		{known, "fedcba98-3333", ViaSHA256},
		{renamed, "fedcba98-3333", ViaSHA256},
		{foreign, "colleague-task", ViaMetadata},
		{"unknown-elsewhere", "unknown-elsewhere", ViaID},
		{"abc", "abc", ViaID}, // too short to be a prefix
	} {
		r, err := Resolve(ctx, j, c.ref)
		if err != nil || r.ID != c.id || r.Via != c.via {
			t.Errorf("%s: %+v %v, want %s via %s", c.ref, r, err, c.id, c.via)
		}
	}
	if r, _ := Resolve(ctx, j, foreign); r.Known || r.Record == nil || r.Record.Prompt != "a heron" {
		t.Errorf("foreign file: %+v", r)
	}

	_, err := Resolve(ctx, j, "abcdef")
	var amb *AmbiguousError
	if !errors.As(err, &amb) || clierr.Code(err) != 2 || !strings.Contains(err.Error(), "abcdef01-1111, abcdef02-2222") {
		t.Fatalf("ambiguous: %v", err)
	}
	for _, ref := range []string{plain, "missing/file.png"} {
		if _, err := Resolve(ctx, j, ref); clierr.Code(err) != 2 {
			t.Errorf("%s: %v", ref, err)
		}
	}
}
