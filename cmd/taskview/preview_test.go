package taskview

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/preview"
)

// fakeTTY is a terminal that answers a query with reply, then lets the read deadline pass.
type fakeTTY struct {
	reply   []byte
	written bytes.Buffer
}

func (f *fakeTTY) Write(p []byte) (int, error) { return f.written.Write(p) }
func (f *fakeTTY) Read(p []byte) (int, error) {
	if len(f.reply) == 0 {
		return 0, os.ErrDeadlineExceeded
	}
	n := copy(p, f.reply)
	f.reply = f.reply[n:]
	return n, nil
}
func (f *fakeTTY) SetReadDeadline(time.Time) error { return nil }
func (f *fakeTTY) Close() error                    { return nil }

// terminal is a fake screen: streams that may or may not be terminals, an environment, a tty that
// answers queries, and what tmux says about passthrough.
type terminal struct {
	out, errOut *bytes.Buffer
	log         bytes.Buffer
	env         PreviewEnv
	opened      int // times the tty was opened: a query happened
	tmuxCalls   int
}

func newTerminal(t *testing.T, vars map[string]string, reply string) *terminal {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	ios.OutTTY, ios.ErrTTY = true, true
	term := &terminal{out: out, errOut: errOut}
	tmux := vars["tmux allow-passthrough"]
	term.env = PreviewEnv{
		IO:     ios,
		Getenv: func(k string) string { return vars[k] },
		OpenTTY: func() (preview.TTY, error) {
			term.opened++
			return &fakeTTY{reply: []byte(reply)}, nil
		},
		Run: func(context.Context, string, ...string) ([]byte, error) {
			term.tmuxCalls++
			return []byte(tmux + "\n"), nil
		},
		Size: preview.Size{Cols: 8, Rows: 4, CellWidth: 10, CellHeight: 20},
	}
	term.env.Log = slog.New(slog.NewTextHandler(&term.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return term
}

// pngFile writes a small PNG and returns it as a downloaded image.
func pngFile(t *testing.T, name string) download.File {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for i := range img.Pix {
		img.Pix[i] = 200
	}
	img.Set(3, 3, color.RGBA{255, 0, 0, 255})
	path := filepath.Join(t.TempDir(), name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return download.File{Kind: "image", Index: 1, Path: path}
}

const (
	kittyStart = "\x1b_G"          // APC G: a kitty graphics command
	itermStart = "\x1b]1337;File=" // OSC 1337: an iTerm2 inline file
	sixelStart = "\x1bP"           // DCS: sixel graphics ("q" after the parameters)
	da1Sixel   = "\x1b[?62;4;22c"  // a DA1 reply listing sixel (4)
	da1Plain   = "\x1b[?62;22c"    // a DA1 reply without graphics
)

// Each protocol, chosen from the environment or from the terminal's answer, draws the image on stderr
// and leaves stdout (data only) alone.
func TestPreviewDrawsWithEachProtocol(t *testing.T) {
	for _, c := range []struct {
		name  string
		vars  map[string]string
		reply string
		mode  string
		want  string
	}{
		{"kitty from KITTY_WINDOW_ID", map[string]string{"TERM": "xterm-kitty", "KITTY_WINDOW_ID": "1"}, "", "auto", kittyStart},
		{"ghostty speaks kitty", map[string]string{"TERM_PROGRAM": "ghostty"}, "", "", kittyStart},
		{"iTerm2 from TERM_PROGRAM", map[string]string{"TERM_PROGRAM": "iTerm.app"}, "", "auto", itermStart},
		{"WezTerm gets iTerm2 images", map[string]string{"TERM_PROGRAM": "WezTerm"}, "", "auto", itermStart},
		{"foot speaks sixel", map[string]string{"TERM": "foot"}, "", "auto", sixelStart},
		{"sixel from the DA1 answer", map[string]string{"TERM": "xterm-256color"}, da1Sixel, "auto", sixelStart},
		{"explicit kitty on an unknown terminal", map[string]string{"TERM": "xterm-256color"}, "", "kitty", kittyStart},
		{"explicit iterm overrides detection", map[string]string{"TERM": "xterm-kitty"}, "", "ITERM", itermStart},
		{"tmux with passthrough on", map[string]string{"TMUX": "/tmp/tmux-1/default,1,0", "TERM": "screen-256color",
			"KITTY_WINDOW_ID": "3", "tmux allow-passthrough": "on"}, "", "auto", "\x1bPtmux;\x1b" + kittyStart},
	} {
		t.Run(c.name, func(t *testing.T) {
			term := newTerminal(t, c.vars, c.reply)
			ShowPreviews(context.Background(), term.env, c.mode, []download.File{pngFile(t, "a.png")})
			got := term.errOut.String()
			if !strings.HasPrefix(got, c.want) || !strings.HasSuffix(got, "\n") {
				t.Fatalf("stderr %q, want a preview starting %q", head(got), c.want)
			}
			if term.out.Len() != 0 {
				t.Errorf("stdout got %q; previews belong on stderr", head(term.out.String()))
			}
		})
	}
}

// Nothing is drawn, and the terminal is not even asked, whenever a preview must not appear.
func TestNoPreviewWhenItMustNotAppear(t *testing.T) {
	kitty := map[string]string{"KITTY_WINDOW_ID": "1"}
	for _, c := range []struct {
		name  string
		vars  map[string]string
		reply string
		mode  string
		setup func(*PreviewEnv)
	}{
		{"stdout is a pipe", kitty, "", "auto", func(e *PreviewEnv) { e.IO.OutTTY = false }},
		{"stderr is not a terminal", kitty, "", "auto", func(e *PreviewEnv) { e.IO.ErrTTY = false }},
		{"--json", kitty, "", "auto", func(e *PreviewEnv) { e.JSON = true }},
		{"-q", kitty, "", "auto", func(e *PreviewEnv) { e.IO.Quiet = true }},
		{"--preview off", kitty, "", "off", nil},
		{"a bad mode", kitty, "", "bogus", nil},
		{"TERM=dumb even with --preview kitty", map[string]string{"TERM": "dumb"}, "", "kitty", nil},
		{"GNU screen", map[string]string{"STY": "1.pts-0", "TERM": "screen"}, "", "auto", nil},
		{"Apple Terminal", map[string]string{"TERM_PROGRAM": "Apple_Terminal"}, "", "auto", nil},
		{"a terminal without graphics", map[string]string{"TERM": "xterm-256color"}, da1Plain, "auto", nil},
		{"a terminal that never answers", map[string]string{"TERM": "xterm-256color"}, "", "auto", nil},
		{"tmux without passthrough", map[string]string{"TMUX": "x", "KITTY_WINDOW_ID": "1", "tmux allow-passthrough": "off"}, "", "auto", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			term := newTerminal(t, c.vars, c.reply)
			if c.setup != nil {
				c.setup(&term.env)
			}
			ShowPreviews(context.Background(), term.env, c.mode, []download.File{pngFile(t, "a.png")})
			if got := term.errOut.String() + term.out.String(); got != "" {
				t.Fatalf("wrote %q; nothing should be drawn", head(got))
			}
			disabled := term.env.IO.Quiet || term.env.JSON || !term.env.IO.OutTTY || !term.env.IO.ErrTTY || c.mode == "off"
			if disabled && term.opened+term.tmuxCalls != 0 {
				t.Errorf("the terminal was queried (%d) or tmux asked (%d) though previews were off", term.opened, term.tmuxCalls)
			}
		})
	}
}

// Only images get a thumbnail: videos and audio are skipped without being opened, a broken image is
// only told to the debug log, and a batch draws at most PreviewLimit.
func TestPreviewSkipsWhatIsNotAPreviewableImage(t *testing.T) {
	term := newTerminal(t, map[string]string{"KITTY_WINDOW_ID": "1"}, "")
	broken := filepath.Join(t.TempDir(), "broken.png")
	if err := os.WriteFile(broken, []byte("\x89PNG\r\n\x1a\nnot really"), 0o600); err != nil {
		t.Fatal(err)
	}
	files := []download.File{
		{Kind: "video", Index: 1, Path: "/nonexistent/video.mp4"},
		{Kind: "audio", Index: 1, Path: "/nonexistent/speech.wav"},
		{Kind: "image", Index: 1, Path: broken},
		{Kind: "image", Index: 2, Path: ""}, // not downloaded
	}
	ShowPreviews(context.Background(), term.env, "auto", files)
	if term.errOut.Len() != 0 {
		t.Fatalf("wrote %q for files that are no previewable image", head(term.errOut.String()))
	}
	if !strings.Contains(term.log.String(), "broken.png") {
		t.Errorf("the broken image is not in the debug log: %q", term.log.String())
	}

	term = newTerminal(t, map[string]string{"KITTY_WINDOW_ID": "1"}, "")
	var many []download.File
	for i := range PreviewLimit + 3 {
		f := pngFile(t, "many.png")
		f.Index = i + 1
		many = append(many, f)
	}
	ShowPreviews(context.Background(), term.env, "auto", many)
	if n := strings.Count(term.errOut.String(), "a=T"); n != PreviewLimit {
		t.Errorf("%d thumbnails drawn for %d images, want %d", n, len(many), PreviewLimit)
	}
}

func head(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}
