package journal

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeFixture(t *testing.T, dir string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "tasks-v1.jsonl"))
	must(t, err)
	must(t, os.WriteFile(filepath.Join(dir, JSONLName), data, 0o600))
	return data
}

// The journal the first release wrote (torn lines included) is imported on first use, every complete
// record kept, and the file kept as tasks.jsonl.imported.
func TestImportFirstReleaseJournal(t *testing.T) {
	j, dir := openTest(t)
	original := writeFixture(t, dir)
	var got []ImportResult
	j.OnImport = func(r ImportResult) { got = append(got, r) }
	ctx := context.Background()
	es, err := j.List(ctx, Query{})
	must(t, err)

	if len(got) != 1 || got[0].Records != 13 || got[0].Tasks != 7 || len(got[0].Skipped) != 3 {
		t.Fatalf("import result %+v, want 13 records of 7 tasks and 3 broken lines", got)
	}
	var lines []int
	for _, s := range got[0].Skipped {
		lines = append(lines, s.Line)
	}
	if lines[0] != 10 || lines[1] != 11 || lines[2] != 16 {
		t.Errorf("skipped lines %v, want 10 (torn, a record glued after it), 11 (not JSON), 16 (torn last line)", lines)
	}
	kept, err := os.ReadFile(filepath.Join(dir, JSONLName+".imported"))
	if err != nil || string(kept) != string(original) || got[0].KeptAs != filepath.Join(dir, JSONLName+".imported") {
		t.Errorf("tasks.jsonl not kept unchanged as tasks.jsonl.imported: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, JSONLName)); !os.IsNotExist(err) {
		t.Errorf("tasks.jsonl is still there: %v", err)
	}

	ids := make([]string, len(es))
	for i, e := range es {
		ids[i] = e.ID
	}
	wantIDs := "e5000000-0005-4000-8000-000000000001 d4000000-0004-4000-8000-000000000001 " +
		"c3000000-0003-4000-8000-000000000001 b2000000-0002-4000-8000-000000000003 " +
		"b2000000-0002-4000-8000-000000000002 b2000000-0002-4000-8000-000000000001 a1f0c6de-0001-4c1e-9b57-6d1c1e2f0001"
	if strings.Join(ids, " ") != wantIDs {
		t.Fatalf("entries newest first:\n%s\nwant (the task glued to a torn line included):\n%s", strings.Join(ids, " "), wantIDs)
	}
	byID := map[string]Task{}
	for _, e := range es {
		byID[e.ID] = e
	}
	t0 := time.Date(2026, 11, 20, 9, 30, 0, 123000000, time.UTC) // milliseconds are what the database keeps
	a := byID["a1f0c6de-0001-4c1e-9b57-6d1c1e2f0001"]
	if a.Name != "txt2img" || a.Endpoint != "/v3/async/txt2img" || a.BaseURL != "https://api.novita.ai" ||
		!a.SubmittedAt.Equal(t0) || !a.UpdatedAt.Equal(t0.Add(time.Minute)) || a.Status != "TASK_STATUS_SUCCEED" ||
		a.Output != "shots/{task_id}-{index}.{ext}" || len(a.Files) != 2 ||
		a.Files[1] != (FileRecord{Kind: "image", Index: 2, Path: "shots/a1f0c6de-0001-4c1e-9b57-6d1c1e2f0001-2.png",
			Bytes: 179002, SHA256: "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"}) {
		t.Errorf("succeeded task: %+v", a)
	}
	if b := byID["b2000000-0002-4000-8000-000000000002"]; b.BatchID != "batch-20261120-093000" || b.Line != 2 ||
		b.Status != "TASK_STATUS_FAILED" || b.Reason != "NSFW content detected" || b.Output != "batch/{line}-{index}.{ext}" {
		t.Errorf("failed batch task: %+v", b)
	}
	if d := byID["d4000000-0004-4000-8000-000000000001"]; d.Status != "TASK_STATUS_SUCCEED" || d.SubmittedAt.IsZero() {
		t.Errorf("task known only by its status: %+v", d)
	}
	members, err := j.BatchMembers(ctx, "batch-20261120-093000")
	must(t, err)
	if len(members) != 3 || members[0].Line != 1 || members[2].Line != 3 || len(members[0].Files) != 1 {
		t.Errorf("batch members %+v", members)
	}
	pending, err := j.List(ctx, Query{Pending: true})
	must(t, err)
	var pendingIDs []string
	for _, p := range pending {
		pendingIDs = append(pendingIDs, p.ID)
	}
	if strings.Join(pendingIDs, " ") != "e5000000-0005-4000-8000-000000000001 c3000000-0003-4000-8000-000000000001 b2000000-0002-4000-8000-000000000003" {
		t.Errorf("pending after import: %v", pendingIDs)
	}
	d, _, err := j.Get(ctx, "b2000000-0002-4000-8000-000000000002")
	must(t, err)
	if len(d.History) != 2 || d.History[0].Source != SourceSubmit || d.History[1].Source != SourceImport || d.ElapsedMS != 4*60*1000 {
		t.Errorf("imported history %+v, elapsed %d", d.History, d.ElapsedMS)
	}
}

// A crash after the import committed but before the rename: the next start sees the same file,
// imports nothing twice, and renames it. A later tasks.jsonl (an old novita ran again) is imported too,
// and kept beside the first.
func TestImportIsIdempotent(t *testing.T) {
	j, dir := openTest(t)
	data := writeFixture(t, dir)
	ctx := context.Background()
	_, err := j.List(ctx, Query{})
	must(t, err)
	must(t, j.Close())
	// Put the file back as if the rename had never happened.
	must(t, os.WriteFile(filepath.Join(dir, JSONLName), data, 0o600))
	imports := 0
	j.OnImport = func(ImportResult) { imports++ }
	d, _, err := j.Get(ctx, "a1f0c6de-0001-4c1e-9b57-6d1c1e2f0001")
	must(t, err)
	if imports != 0 || len(d.History) != 2 || len(d.Files) != 2 {
		t.Errorf("the same file imported again: %d imports, history %+v", imports, d.History)
	}
	if _, err := os.Stat(filepath.Join(dir, JSONLName+".imported.2")); err != nil {
		t.Errorf("the re-found file was not renamed aside: %v", err)
	}
	must(t, j.Close())

	more := `{"at":"2026-11-21T08:00:00Z","event":"submitted","task_id":"later-1","task":"txt2img","submitted_at":"2026-11-21T08:00:00Z"}` + "\n"
	must(t, os.WriteFile(filepath.Join(dir, JSONLName), []byte(more), 0o600))
	if _, ok, err := j.Get(ctx, "later-1"); err != nil || !ok || imports != 1 {
		t.Errorf("a newer tasks.jsonl was not imported: found %v, %d imports, %v", ok, imports, err)
	}
	if _, err := os.Stat(filepath.Join(dir, JSONLName+".imported.3")); err != nil {
		t.Errorf("the newer file was not kept: %v", err)
	}
}

// Issue 13 item 5: a torn last line, and a record glued after a torn fragment, lose nothing else.
func TestParseJSONLTornLines(t *testing.T) {
	rec := `{"at":"2026-11-20T09:00:00Z","event":"submitted","task_id":"%s","task":"txt2img"}`
	line := func(id string) string { return strings.Replace(rec, "%s", id, 1) }
	cases := []struct {
		name    string
		data    string
		ids     string
		skipped int
	}{
		{"torn last line without newline", line("a") + "\n" + `{"task_id":"trunc`, "a", 1},
		{"record glued after a torn fragment", line("a") + "\n" + `{"task_id":"trunc` + line("b") + "\n" + line("c") + "\n", "a b c", 1},
		{"fragment that looks like a record start", `{"at":"2026-11-20T09:00:00Z","event":"sta` + line("b") + "\n", "b", 1},
		{"blank lines, CRLF and garbage", "\r\n" + line("a") + "\r\n\n{not json\n[1,2]\n" + `{"event":"status"}` + "\n", "a", 3},
		{"empty", "", "", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			recs, skipped := parseJSONL([]byte(c.data))
			var ids []string
			for _, r := range recs {
				ids = append(ids, r.TaskID)
			}
			if strings.Join(ids, " ") != c.ids || len(skipped) != c.skipped {
				t.Errorf("records %v, skipped %+v; want %q and %d skipped", ids, skipped, c.ids, c.skipped)
			}
		})
	}
}
