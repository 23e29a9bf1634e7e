package download

import (
	"bytes"
	"context"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/novita"
)

// -o - wrote a file named "-.png": it writes the one output to standard output, even across a cut
// connection (resumed with Range), and creates nothing.
func TestStdoutTargetWritesTheOutput(t *testing.T) {
	dir := chdirTemp(t)
	content := payload(400_000, 33)
	srv, ranges := cutServer(t, content, 150_000, false)
	tmpl, err := ParseTemplate("-")
	if err != nil || !tmpl.IsStdout() {
		t.Fatalf("ParseTemplate(-): %v", err)
	}
	var stdout, progress bytes.Buffer
	o := opts(srv)
	o.Stdout, o.Progress = &stdout, iostreams.NewTransfers(&progress, false)
	files, err := Download(context.Background(), o, tmpl, Vars{TaskID: "t"},
		[]novita.Output{{Kind: "image", Index: 1, URL: srv.URL + "/a.png"}})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(stdout.Bytes(), content) || files[0].Path != StdoutPath || files[0].SHA256 != sum(content) {
		t.Fatalf("stdout got %d bytes (want %d), file %+v", stdout.Len(), len(content), files[0])
	}
	if len(*ranges) != 2 || (*ranges)[1] != "bytes=150000-" {
		t.Errorf("Range headers %q", *ranges)
	}
	if !strings.Contains(progress.String(), "to standard output") {
		t.Errorf("progress %q", progress.String())
	}
	if l := listFiles(t, dir); len(l) != 0 {
		t.Errorf("files created: %v", l)
	}
}

// A stream cannot be rewound: a server that restarts from byte 0 after a cut is an error, not a
// corrupted output.
func TestStdoutTargetRefusesARestart(t *testing.T) {
	chdirTemp(t)
	content := payload(200_000, 34)
	srv, _ := cutServer(t, content, 50_000, true)
	tmpl, _ := ParseTemplate("-")
	var stdout bytes.Buffer
	o := opts(srv)
	o.Stdout = &stdout
	_, err := Download(context.Background(), o, tmpl, Vars{}, []novita.Output{{Kind: "image", Index: 1, URL: srv.URL + "/a"}})
	if err == nil || !strings.Contains(err.Error(), "cannot be rewound") {
		t.Fatalf("error %v", err)
	}
}

func TestSingleTargetsRefuseSeveralOutputs(t *testing.T) {
	chdirTemp(t)
	srv := httptest.NewServer(&fileServer{files: map[string][]byte{}})
	defer srv.Close()
	two := []novita.Output{{Kind: "image", Index: 1, URL: srv.URL + "/1"}, {Kind: "image", Index: 2, URL: srv.URL + "/2"}}
	for _, tc := range []struct {
		tmpl    string
		stdout  io.Writer
		outs    []novita.Output
		mention string
	}{
		{"-", &bytes.Buffer{}, two, "2 outputs"},
		{"/dev/null", nil, two, "2 outputs"},
		{"-", nil, two[:1], "not available"},
	} {
		tmpl, err := ParseTemplate(tc.tmpl)
		if err != nil {
			t.Fatal(err)
		}
		o := opts(srv)
		o.Stdout = tc.stdout
		_, err = Download(context.Background(), o, tmpl, Vars{}, tc.outs)
		if clierr.Code(err) != clierr.ExitUsage || !strings.Contains(err.Error(), tc.mention) {
			t.Errorf("-o %s, %d outputs: %v; want a usage error mentioning %q", tc.tmpl, len(tc.outs), err, tc.mention)
		}
	}
	if n := srv.Config.Handler.(*fileServer).hits.Load(); n != 0 {
		t.Errorf("%d requests before the refusal", n)
	}
}
