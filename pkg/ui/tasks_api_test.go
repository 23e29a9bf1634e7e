package ui

import (
	"bufio"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/sandbox/media"
)

// galleryFixture has a task with a real PNG on disk, a failed task, a task whose file was deleted and
// whose URL expired, a task whose "output" is an HTML page, and a secret file the store never lists.
func galleryFixture(t *testing.T) (*fixture, []byte) {
	f := newFixture(t, nil)
	dir := t.TempDir()
	png, err := media.EncodeImage(media.Picture(64, 64, 7, 1), "png")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "image-1.png"), png)
	writeFile(t, filepath.Join(dir, "page.html"), []byte("<script>alert(1)</script>"))
	writeFile(t, filepath.Join(dir, "secret.txt"), []byte("TOP-SECRET-CONTENT"))
	seed := int64(9007199254740993) // 2^53+1: a JavaScript number would lose the last digit
	at := time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)
	f.store.addTask(Task{ID: "t1", Task: "txt2img", TaskType: "TXT_TO_IMG", Status: "TASK_STATUS_SUCCEED", Prompt: "a lighthouse at dusk",
		Seed: &seed, SubmittedAt: at, EndedAt: at.Add(4 * time.Second), Request: []byte(`{"request":{"prompt":"a lighthouse at dusk","seed":9007199254740993}}`),
		Model: "sd_xl_base_1.0.safetensors", ServerKnown: true,
		Files: []TaskFile{{Kind: "image", Index: 1, Path: filepath.Join(dir, "image-1.png"), Bytes: int64(len(png)), Exists: true,
			SHA256: fmt.Sprintf("%x", sha256.Sum256(png))}}})
	f.store.addTask(Task{ID: "t2", Task: "txt2img", Status: "TASK_STATUS_FAILED", Reason: "NSFW", Prompt: "a fox", SubmittedAt: at.Add(time.Minute)})
	f.store.addTask(Task{ID: "t3", Task: "txt2video", Status: "TASK_STATUS_SUCCEED", Prompt: "waves", SubmittedAt: at.Add(2 * time.Minute),
		Files: []TaskFile{{Kind: "video", Index: 1, Path: filepath.Join(dir, "gone.mp4"), URLExpired: true}}, ServerKnown: true})
	f.store.addTask(Task{ID: "t4", Task: "txt2img", Status: "TASK_STATUS_SUCCEED", Prompt: "html", SubmittedAt: at.Add(3 * time.Minute),
		Files: []TaskFile{{Kind: "image", Index: 1, Path: filepath.Join(dir, "page.html"), Exists: true},
			{Kind: "image", Index: 2, Path: "relative/image.png", Exists: true}, {Kind: "image", Index: 3, Path: dir, Exists: true}}})
	return f, png
}

func TestTaskListAndFilters(t *testing.T) {
	t.Parallel()
	f, _ := galleryFixture(t)
	list := func(q string) []taskJSON {
		t.Helper()
		code, body := read(t, f.do(t, "GET", "/api/tasks"+q, ""))
		var out []taskJSON
		if err := json.Unmarshal([]byte(body), &out); err != nil || code != 200 {
			t.Fatalf("%s: %d %q", q, code, body)
		}
		return out
	}
	all := list("")
	if len(all) != 4 || all[0].ID != "t4" {
		t.Fatalf("all = %+v", all)
	}
	t1 := all[3]
	if t1.Seed == nil || *t1.Seed != "9007199254740993" || t1.Request == nil || !strings.Contains(*t1.Request, "9007199254740993") ||
		len(t1.Files) != 1 || t1.Files[0].URL != "files/t1/0" || t1.Files[0].ContentType != "image/png" || !t1.CanDownloadAgain {
		t.Errorf("t1 = %+v", t1)
	}
	if t3 := all[1]; t3.Files[0].URL != "" || t3.CanDownloadAgain {
		t.Errorf("t3 (file gone, URL expired) = %+v", t3)
	}
	if got := list("?status=FAILED"); len(got) != 1 || got[0].ID != "t2" {
		t.Errorf("status=FAILED: %+v", got)
	}
	if got := list("?q=LIGHTHOUSE&task=txt2img"); len(got) != 1 || got[0].ID != "t1" {
		t.Errorf("q=LIGHTHOUSE: %+v", got)
	}
	if code, _ := read(t, f.do(t, "GET", "/api/tasks?status=bogus", "")); code != 400 {
		t.Errorf("bad status: %d", code)
	}
	if code, _ := read(t, f.do(t, "GET", "/api/tasks/nope", "")); code != 404 {
		t.Errorf("unknown task: %d", code)
	}
}

func TestFilesAreServedFromTheStoresPathsOnly(t *testing.T) {
	t.Parallel()
	f, png := galleryFixture(t)
	resp := f.do(t, "GET", "/files/t1/0", "")
	code, body := read(t, resp)
	if code != 200 || body != string(png) || resp.Header.Get("Content-Type") != "image/png" ||
		resp.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Fatalf("GET /files/t1/0: %d %v", code, resp.Header)
	}
	resp = f.do(t, "GET", "/files/t1/0", "", "Range", "bytes=0-7")
	if code, body := read(t, resp); code != http.StatusPartialContent || body != string(png[:8]) {
		t.Errorf("Range: %d %q, want 206 and 8 bytes (video and audio seek this way)", code, body)
	}
	resp = f.do(t, "GET", "/files/t4/0", "")
	if code, _ := read(t, resp); code != 200 || resp.Header.Get("Content-Type") != "application/octet-stream" ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("an HTML output must download, not render: %d %v", code, resp.Header)
	}
	for _, p := range []string{
		"/files/t1/1", "/files/t1/-1", "/files/t1/01", "/files/t1/+0", "/files/t1/0x0", "/files/nope/0",
		"/files/t3/0", // recorded, but no longer on disk
		"/files/t4/1", // a relative path in the store is not trusted
		"/files/t4/2", // a directory
		"/files/..%2Fsecret.txt/0", "/files/t1/..%2F..%2Fsecret.txt", "/files/%2E%2E/0",
	} {
		if code, body := read(t, f.do(t, "GET", p, "")); code != 404 || strings.Contains(body, "TOP-SECRET") {
			t.Errorf("GET %s: %d %q, want 404", p, code, body)
		}
	}
}

// A raw request line is not cleaned by any client: the server must not turn it into a path.
func TestRawTraversalRequestLines(t *testing.T) {
	t.Parallel()
	f, _ := galleryFixture(t)
	for _, target := range []string{"/files/t1/0/../../secret.txt", "/files/../../../etc/passwd", "/static/../assets.go", "/files/t1/0%00"} {
		conn, err := net.Dial("tcp", f.srv.Addr())
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "GET %s?token=%s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", target, f.token, f.srv.Addr())
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		code, body := read(t, resp)
		conn.Close()
		if code == 200 || strings.Contains(body, "TOP-SECRET") || strings.Contains(body, "root:") || strings.Contains(body, "package ui") {
			t.Errorf("GET %s: %d %q", target, code, body)
		}
		if loc := resp.Header.Get("Location"); loc != "" { // the mux cleans the path: the clean one must fail too
			if code, body := read(t, f.do(t, "GET", loc, "")); code != 404 || strings.Contains(body, "TOP-SECRET") {
				t.Errorf("GET %s -> %s: %d %q", target, loc, code, body)
			}
		}
	}
}

func TestDownloadAgainOnlyWhileURLsAreValid(t *testing.T) {
	t.Parallel()
	f, _ := galleryFixture(t)
	code, body := read(t, f.do(t, "POST", "/api/tasks/t3/download", ""))
	if code != 409 || !strings.Contains(body, "expired") || !strings.Contains(body, "novita rerun t3") {
		t.Errorf("expired URLs: %d %q, want 409 explaining what to do", code, body)
	}
	if code, body := read(t, f.do(t, "POST", "/api/tasks/t2/download", "")); code != 409 {
		t.Errorf("no outputs at all: %d %q", code, body)
	}
	if code, body := read(t, f.do(t, "POST", "/api/tasks/t1/download", "")); code != 200 || !strings.Contains(body, `"id":"t1"`) {
		t.Errorf("valid URLs: %d %q", code, body)
	}
	if code, _ := read(t, f.do(t, "POST", "/api/tasks/nope/download", "")); code != 404 {
		t.Errorf("unknown task: %d", code)
	}
	if _, dl := f.actions.calls(); strings.Join(dl, ",") != "t1" {
		t.Errorf("downloads asked: %v, want only t1", dl)
	}
}

// A task of an in-process sandbox (gone with its command) or one known only from a file's metadata
// offers no download, whatever its URLs say.
func TestNoDownloadAgainForGoneSandboxOrFileOnlyTasks(t *testing.T) {
	t.Parallel()
	valid := []TaskFile{{Kind: "image", Index: 1, Path: "/x.png"}}
	for _, tk := range []Task{{ID: "s", Sandbox: true, Files: valid}, {ID: "f", FromFile: true, Files: valid}} {
		if j := toTaskJSON(tk); j.CanDownloadAgain {
			t.Errorf("%s offers Download again: %+v", tk.ID, j)
		}
	}
	if !toTaskJSON(Task{ID: "ok", Files: valid, ServerKnown: true}).CanDownloadAgain {
		t.Error("a valid URL offers no download")
	}
}
