package download

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/novita"
)

func img(i int) novita.Output { return novita.Output{Kind: novita.KindImage, Index: i} }

func TestTemplateExpand(t *testing.T) {
	vars := Vars{TaskID: "abc-123", Task: "txt2img"}
	tests := []struct {
		name, tmpl string
		vars       Vars
		out        novita.Output
		ext        string
		pos, total int
		want       string
	}{
		{"default", "", vars, img(2), "png", 2, 2, "abc-123/image-2.png"},
		{"default video", DefaultTemplate, vars, novita.Output{Kind: "video", Index: 1}, "mp4", 3, 3, "abc-123/video-1.mp4"},
		{"plain one output", "cat.png", vars, img(1), "png", 1, 1, "cat.png"},
		{"plain several outputs", "cat.png", vars, img(2), "png", 2, 3, "cat-2.png"},
		{"plain without extension", "cat", vars, img(1), "webp", 1, 1, "cat.webp"},
		{"plain without extension, several", "out/cat", vars, img(1), "jpg", 1, 2, "out/cat-1.jpg"},
		{"dotfile name gets ext", "out/.cat", vars, img(1), "jpg", 1, 1, "out/.cat.jpg"},
		{"dirs in template", "out/{task_id}/x.{ext}", vars, img(1), "png", 1, 1, "out/abc-123/x.png"},
		{"every placeholder", "{task}/{line}-{task_id}-{kind}-{index}.{ext}", Vars{TaskID: "t", Task: "wan-t2v", Line: 7},
			novita.Output{Kind: "video", Index: 1}, "mp4", 1, 1, "wan-t2v/7-t-video-1.mp4"},
		{"line outside a batch", "{line}/{index}.{ext}", vars, img(1), "png", 1, 1, "0/1.png"},
		{"no index, several outputs", "{task_id}.{ext}", vars, img(2), "png", 2, 2, "abc-123-2.png"},
		{"placeholder last gets ext", "{task_id}", vars, img(1), "wav", 1, 1, "abc-123.wav"},
		{"literal ext after placeholder", "{task_id}.png", vars, img(1), "jpg", 1, 1, "abc-123.png"},
		{"task id climbing", "out/{task_id}/{index}.{ext}", Vars{TaskID: "../../etc"}, img(1), "png", 1, 1, "out/______etc/1.png"},
		{"task id with slash", "{task_id}/{index}.{ext}", Vars{TaskID: "a/b"}, img(1), "png", 1, 1, "a_b/1.png"},
		{"backslash and control", "{task_id}.{ext}", Vars{TaskID: "a\\b\x00c\nd"}, img(1), "png", 1, 1, "a_b_c_d.png"},
		{"dot values cannot form ..", "o/.{task}/{index}.{ext}", Vars{Task: "."}, img(1), "png", 1, 1, "o/__/1.png"},
		{"empty task id", "{task_id}/{index}.{ext}", Vars{}, img(1), "png", 1, 1, "unknown/1.png"},
		{"absolute dir", "/tmp/x/{task_id}.{ext}", vars, img(1), "png", 1, 1, "/tmp/x/abc-123.png"},
		{"parent dir before placeholders", "../out/{task_id}.{ext}", vars, img(1), "png", 1, 1, "../out/abc-123.png"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tm, err := ParseTemplate(tc.tmpl)
			if err != nil {
				t.Fatalf("ParseTemplate(%q): %v", tc.tmpl, err)
			}
			got := tm.expand(tc.vars, tc.out, tc.ext, tc.pos, tc.total)
			if got != filepath.FromSlash(tc.want) {
				t.Errorf("expand(%q) = %q, want %q", tc.tmpl, got, tc.want)
			}
		})
	}
}

func TestParseTemplateErrors(t *testing.T) {
	tests := []struct{ tmpl, mention string }{
		{"{task_id}/{name}.{ext}", "{name}"},
		{"{taskid}.png", "{taskid}"},
		{"out/{task_id", "unbalanced '{'"},
		{"out/task_id}.png", "unbalanced '}'"},
		{"out/{{task_id}}.png", "unbalanced"},
		{"out/", "names a directory"},
		{"{task_id}/../x.png", "'..'"},
		{"{task_id}/.", "file name"},
	}
	for _, tc := range tests {
		t.Run(tc.tmpl, func(t *testing.T) {
			_, err := ParseTemplate(tc.tmpl)
			if err == nil {
				t.Fatalf("ParseTemplate(%q) succeeded", tc.tmpl)
			}
			if clierr.Code(err) != clierr.ExitUsage {
				t.Errorf("exit code %d, want %d", clierr.Code(err), clierr.ExitUsage)
			}
			if !strings.Contains(err.Error(), tc.mention) {
				t.Errorf("error %q does not mention %q", err, tc.mention)
			}
			if strings.Contains(tc.mention, "{") && !strings.Contains(err.Error(), validPlaceholders) {
				t.Errorf("error %q does not list the valid placeholders", err)
			}
		})
	}
}

func TestTemplateDir(t *testing.T) {
	for tmpl, want := range map[string]string{
		"":                    ".",
		"out/{task_id}/x.png": "out",
		"out/x{task_id}.png":  "out",
		"cat.png":             ".",
		"a/b/cat.png":         "a/b",
		"a/../../{task}":      "..",
	} {
		tm, err := ParseTemplate(tmpl)
		if err != nil {
			t.Fatal(err)
		}
		if got := tm.Dir(); got != filepath.FromSlash(want) {
			t.Errorf("Dir(%q) = %q, want %q", tmpl, got, want)
		}
	}
}

func FuzzTemplateExpand(f *testing.F) {
	f.Add(DefaultTemplate, "../../etc", "txt2img", "png", 1)
	f.Add("out/.{task}/{index}", ".", ".", "jpg", 3)
	f.Add("a/../b/{task_id}{task}", "..", "/", "", 0)
	f.Add("/abs/{task_id}.{ext}", "a\\..\\b", "c:d", "x/y", 2)
	f.Add("x{task_id}", "\x00\n", "..", "..", -1)
	f.Fuzz(func(t *testing.T, tmpl, taskID, task, typ string, line int) {
		tm, err := ParseTemplate(tmpl)
		if err != nil {
			return
		}
		dir := tm.Dir()
		vars := Vars{TaskID: taskID, Task: task, Line: line}
		for pos, o := range []novita.Output{img(1), {Kind: task, Index: 2}} {
			ext := extFromType(typ)
			got := tm.expand(vars, o, ext, pos+1, 2)
			if strings.ContainsRune(got, 0) {
				t.Fatalf("expand(%q) = %q contains NUL", tmpl, got)
			}
			rel, err := filepath.Rel(dir, got)
			if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				t.Fatalf("expand(%q, %+v) = %q escapes or equals %q (rel %q, %v)", tmpl, vars, got, dir, rel, err)
			}
		}
	})
}
