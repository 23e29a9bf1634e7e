package acceptance

// The checks and helpers the README scripts use beside testscript's own (see TestScripts).

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"
)

func scriptExitCode(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 || neg {
		ts.Fatalf("usage: exitcode N")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	if got := stateOf(ts).lastExit; got != want {
		ts.Fatalf("exit code %d, want %d", got, want)
	}
}

func scriptCapture(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 || (args[0] != "stdout" && args[0] != "stderr") {
		ts.Fatalf("usage: capture stdout|stderr REGEXP")
	}
	re, err := regexp.Compile("(?m)" + args[1])
	ts.Check(err)
	m := re.FindStringSubmatch(ts.ReadFile(args[0]))
	if m == nil {
		ts.Fatalf("capture: no match for %q in %s", args[1], args[0])
	}
	exportGroups(ts, re, m)
}

func scriptIsJSON(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 0 {
		ts.Fatalf("usage: isjson")
	}
	dec := json.NewDecoder(strings.NewReader(ts.ReadFile("stdout")))
	var v any
	err := dec.Decode(&v)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			err = errors.New("more than one JSON document")
		}
	}
	if (err == nil) == neg {
		ts.Fatalf("stdout is one JSON document: %v (error: %v)", err == nil, err)
	}
}

func scriptNDJSON(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) > 1 {
		ts.Fatalf("usage: ndjson [N]")
	}
	out := ts.ReadFile("stdout")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if out == "" {
		lines = nil
	}
	for i, l := range lines {
		var obj map[string]any
		if err := json.Unmarshal([]byte(l), &obj); err != nil {
			ts.Fatalf("stdout line %d is not a JSON object: %v\n%s", i+1, err, l)
		}
	}
	if len(args) == 1 {
		want, err := strconv.Atoi(args[0])
		ts.Check(err)
		if len(lines) != want {
			ts.Fatalf("%d JSON lines, want %d", len(lines), want)
		}
	}
}

func scriptImage(ts *testscript.TestScript, neg bool, args []string) {
	var w, h int
	if neg || len(args) != 2 {
		ts.Fatalf("usage: image FILE WxH")
	}
	if _, err := fmt.Sscanf(args[1], "%dx%d", &w, &h); err != nil {
		ts.Fatalf("image size %q: want WxH", args[1])
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 128, 255})
		}
	}
	var buf bytes.Buffer
	switch strings.ToLower(filepath.Ext(args[0])) {
	case ".jpg", ".jpeg":
		ts.Check(jpeg.Encode(&buf, img, nil))
	default:
		ts.Check(png.Encode(&buf, img))
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), buf.Bytes(), 0o644))
}

func scriptIsImage(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: isimage FILE png|jpeg")
	}
	f, err := os.Open(ts.MkAbs(args[0]))
	ts.Check(err)
	defer f.Close()
	cfg, format, err := image.DecodeConfig(f)
	if err != nil {
		ts.Fatalf("%s is not an image: %v", args[0], err)
	}
	if format != args[1] || cfg.Width == 0 || cfg.Height == 0 {
		ts.Fatalf("%s is a %dx%d %s, want a %s", args[0], cfg.Width, cfg.Height, format, args[1])
	}
}

func scriptApp(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: app VAR [STATUS]")
	}
	status := http.StatusOK
	if len(args) == 2 {
		var err error
		status, err = strconv.Atoi(args[1])
		ts.Check(err)
	}
	logPath := ts.MkAbs(args[0] + ".log")
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var rec bytes.Buffer
		fmt.Fprintf(&rec, "%s %s\n", r.Method, r.URL.Path)
		_ = r.Header.Write(&rec)
		fmt.Fprintf(&rec, "\n%s\n", body)
		mu.Lock()
		defer mu.Unlock()
		f, err := os.OpenFile(logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err == nil {
			_, _ = f.Write(rec.Bytes())
			_ = f.Close()
		}
		w.WriteHeader(status)
		fmt.Fprintln(w, `{"ok":true}`)
	}))
	ts.Defer(srv.Close)
	ts.Setenv(args[0], srv.URL)
}

func scriptHTTPGet(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: httpget URL [STATUS]")
	}
	want := http.StatusOK
	if len(args) == 2 {
		var err error
		want, err = strconv.Atoi(args[1])
		ts.Check(err)
	}
	client := &http.Client{Timeout: scriptWait, Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	resp, err := client.Get(args[0])
	ts.Check(err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	ts.Check(err)
	if resp.StatusCode != want {
		ts.Fatalf("GET %s: %d, want %d\n%s", args[0], resp.StatusCode, want, body)
	}
	_, _ = ts.Stdout().Write(body)
}
