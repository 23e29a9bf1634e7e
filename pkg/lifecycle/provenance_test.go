package lifecycle

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/provenance"
	"github.com/novita-cli/novita/pkg/sandbox/media"
)

// A format without a place for metadata gets a sidecar, said once for a whole run; an embedded file's
// sha256 and size become the final ones, the delivered sha256 kept beside them.
func TestProvenanceEmbedsOrFallsBackToASidecarSaidOnce(t *testing.T) {
	dir := t.TempDir()
	obs := &warnings{}
	r := &Runner{Observer: obs, UserAgent: "novita-cli/test", ProvenanceNotes: &ProvenanceNotes{}}
	gif, err := media.GIF(8, 8, 2, 5, 1)
	if err != nil {
		t.Fatal(err)
	}
	png, _ := media.EncodeImage(media.Picture(16, 16, 1, 1), "png")
	var files []download.File
	for i, b := range [][]byte{gif, gif, png} {
		p := filepath.Join(dir, []string{"a.gif", "b.gif", "c.png"}[i])
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		sum, _ := download.SHA256File(p)
		files = append(files, download.File{Kind: "image", Index: i + 1, Path: p, Bytes: int64(len(b)), SHA256: sum})
	}
	delivered := files[2].SHA256
	r.addProvenance("task-1", "txt2img", provenance.ModeEmbed, files)
	r.addProvenance("task-2", "txt2img", provenance.ModeEmbed, files[:1])
	if len(obs.errs) != 1 || !strings.Contains(obs.errs[0].Error(), "a.gif.json") {
		t.Fatalf("warnings %q, want one naming the first sidecar", obs.errs)
	}
	for _, name := range []string{"a.gif", "b.gif", "c.png"} {
		rec, ok, err := provenance.Read(filepath.Join(dir, name))
		if err != nil || !ok || !strings.HasPrefix(rec.TaskID, "task-") {
			t.Errorf("%s: %+v %v %v", name, rec, ok, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "c.png.json")); !errors.Is(err, os.ErrNotExist) {
		t.Error("a PNG got a sidecar")
	}
	now, _ := download.SHA256File(files[2].Path)
	info, _ := os.Stat(files[2].Path)
	if files[2].DeliveredSHA256 != delivered || files[2].SHA256 != now || files[2].Bytes != info.Size() || now == delivered {
		t.Fatalf("embedded file %+v", files[2])
	}
	// Saved again (already on disk, already stamped): not rewritten, its delivered sum kept.
	if r.addProvenance("task-1", "txt2img", provenance.ModeEmbed, files[2:]); files[2].SHA256 != now || files[2].DeliveredSHA256 != delivered {
		t.Fatal("the file changed on a second save")
	}
}
