package lifecycle

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"

	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/provenance"
)

// ProvenanceNotes remembers which formats were already said to get a sidecar instead of embedded
// metadata, so a batch says it once per format, not once per file.
type ProvenanceNotes struct {
	mu   sync.Mutex
	said map[string]bool
}

func (n *ProvenanceNotes) first(format string) bool {
	if n == nil {
		return true
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.said[format] {
		return false
	}
	if n.said == nil {
		n.said = map[string]bool{}
	}
	n.said[format] = true
	return true
}

// addProvenance writes the task's provenance into each saved file (embed) or beside it (sidecar),
// after the download's atomic rename and with its own. An embedded file's sha256 and size become
// the final ones; the delivered sha256 is kept beside them, and both find the task. A file whose
// format cannot hold metadata gets a sidecar. A failure is a warning: the file is saved either way.
func (r *Runner) addProvenance(taskID, task, mode string, files []download.File) {
	if mode == "" || mode == provenance.ModeNone || len(files) == 0 {
		return
	}
	rec, earlier := r.provenanceRecord(taskID, task)
	for i := range files {
		f := &files[i]
		if f.Path == "" || f.Path == "-" {
			continue
		}
		rec.Kind, rec.Index = f.Kind, f.Index
		if mode == provenance.ModeSidecar {
			if err := provenance.WriteSidecar(f.Path, rec); err != nil {
				r.observer().Warn(fmt.Errorf("metadata for %s: %w", f.Path, err))
			}
			continue
		}
		if old, ok, _ := provenance.Read(f.Path); ok && old.TaskID == taskID && old.Kind == f.Kind && old.Index == f.Index {
			if sum := earlier[f.Kind+"/"+strconv.Itoa(f.Index)]; sum != "" {
				f.DeliveredSHA256 = sum // saved and stamped by an earlier run
			}
			continue
		}
		err := provenance.Embed(f.Path, rec)
		if errors.Is(err, provenance.ErrUnsupported) {
			if err := provenance.WriteSidecar(f.Path, rec); err != nil {
				r.observer().Warn(fmt.Errorf("metadata for %s: %w", f.Path, err))
				continue
			}
			if r.ProvenanceNotes.first(err.Error()) {
				r.observer().Warn(fmt.Errorf("%s cannot carry embedded metadata (%v): wrote it beside the file, in %s",
					f.Path, err, provenance.SidecarPath(f.Path)))
			}
			continue
		}
		if err != nil {
			r.observer().Warn(fmt.Errorf("embed metadata in %s: %w (the file is saved without it)", f.Path, err))
			continue
		}
		sum, err := download.SHA256File(f.Path)
		info, serr := os.Stat(f.Path)
		if err != nil || serr != nil {
			r.observer().Warn(fmt.Errorf("read %s after embedding metadata: %w", f.Path, errors.Join(err, serr)))
			continue
		}
		f.DeliveredSHA256, f.SHA256, f.Bytes = f.SHA256, sum, info.Size()
	}
}

// noProvenance says, once, that --metadata cannot be honoured for standard output or a device: a
// stream keeps no metadata and has no "beside" for a sidecar, and a silent no-op would look like one.
func (r *Runner) noProvenance(mode string, t *download.Template) {
	if mode == "" || mode == provenance.ModeNone {
		return
	}
	name := "a device or FIFO"
	if t.IsStdout() {
		name = "standard output"
	}
	if r.ProvenanceNotes.first("no provenance: " + name) {
		r.observer().Warn(&NoProvenanceError{Mode: mode, Target: name})
	}
}

// NoProvenanceError is a provenance mode that cannot apply: the outputs go to Target, which is not a
// file, so nothing can be recorded in or beside them.
type NoProvenanceError struct{ Mode, Target string }

func (e *NoProvenanceError) Error() string {
	return fmt.Sprintf("metadata %s: %s is not a file, so nothing is recorded in or beside it (save to a file to keep the provenance)", e.Mode, e.Target)
}

// provenanceRecord is what the journal knows of the task, as provenance, and the delivered sha256 of
// its files saved earlier (by kind/index).
func (r *Runner) provenanceRecord(taskID, task string) (provenance.Record, map[string]string) {
	rec := provenance.Record{TaskID: taskID, Task: task, Tool: r.UserAgent, CreatedAt: r.now().UTC()}
	earlier := map[string]string{}
	if r.Journal == nil {
		return rec, earlier
	}
	d, ok, err := r.Journal.Get(context.Background(), taskID)
	if err != nil {
		r.observer().Warn(err)
	}
	if !ok {
		return rec, earlier
	}
	rec.Task = cmp.Or(d.Name, task)
	rec.Endpoint, rec.Prompt, rec.Seed, rec.Request = d.Endpoint, d.Prompt, d.Seed, requestForFile(d.Name, d.Request)
	rec.CreatedAt = d.SubmittedAt
	rec.Model, rec.NegativePrompt = provenance.RequestFields(d.Request)
	for _, f := range d.Files {
		earlier[f.Kind+"/"+strconv.Itoa(f.Index)] = f.DeliveredSHA256
	}
	return rec, earlier
}

// requestForFile is the request without its webhook URL, wherever the task's spec puts it: the URL's
// secret path is the receiver's only credential, and a file travels further than the machine that made it.
func requestForFile(task string, req json.RawMessage) json.RawMessage {
	if len(req) == 0 {
		return req
	}
	out := []byte(req)
	paths := []string{catalog.DefaultWebhookPath}
	if t, ok := catalog.Lookup(task); ok && t.WebhookPath() != catalog.DefaultWebhookPath {
		paths = append(paths, t.WebhookPath())
	}
	for _, p := range paths {
		b, err := withoutWebhook(out, p)
		if err != nil {
			return nil // not JSON: keep nothing rather than risk the URL
		}
		out = b
	}
	return out
}
