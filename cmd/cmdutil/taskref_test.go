package cmdutil

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/journal"
)

// A TaskFinder needs only its streams, a journal and a directory (no factory): a prefix names its
// task on stderr, a task named twice is found once, and a task the journal does not know has no detail.
func TestTaskFinderResolvesPrefixesOnce(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	j := journal.Open(dir)
	defer j.Close()
	const id = "0b6e3f2a-8d9f-4c3e-9a51-7f2d1c9e4b10"
	if err := j.RecordSubmitted(ctx, journal.Submitted{TaskID: id, Task: "txt2img"}); err != nil {
		t.Fatal(err)
	}
	ios, _, _, errOut := iostreams.Test()
	tf := &TaskFinder{IO: ios, Journal: func() *journal.Journal { return j }, WorkDir: dir}
	refs, err := tf.FindAll(ctx, []string{"0b6e3f2a", id})
	if err != nil || len(refs) != 1 || refs[0].ID != id {
		t.Fatalf("refs %+v, %v", refs, err)
	}
	if !strings.Contains(errOut.String(), "0b6e3f2a is task "+id) {
		t.Errorf("stderr %q does not say which task the prefix named", errOut)
	}
	d, fromFile, err := tf.Detail(ctx, refs[0])
	if err != nil || fromFile || d.Name != "txt2img" {
		t.Errorf("detail %+v (from a file %v), %v", d.Task, fromFile, err)
	}
	// A reference the journal does not know is used as the id it may be; its detail is the usage
	// error that says how to list the tasks.
	r, err := tf.Find(ctx, "ffffffff-unknown")
	if err != nil || r.ID != "ffffffff-unknown" || r.Known {
		t.Fatalf("unknown reference: %+v, %v", r, err)
	}
	_, _, err = tf.Detail(ctx, r)
	var k clierr.Kinder
	if err == nil || !errors.As(err, &k) || clierr.KindOf(err) != clierr.KindUsage || !strings.Contains(clierr.HintOf(err), "novita tasks") {
		t.Errorf("unknown task's detail: %v (hint %q)", err, clierr.HintOf(err))
	}
}
