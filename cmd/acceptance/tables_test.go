package acceptance

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/novita-cli/novita/pkg/sandbox"
)

// widest is the display width of the widest line of out.
func widest(out string) (int, string) {
	w, line := 0, ""
	for _, l := range strings.Split(out, "\n") {
		if n := ansi.StringWidth(l); n > w {
			w, line = n, l
		}
	}
	return w, line
}

// Tables fit the terminal: COLUMNS when set, 80 on a terminal whose size is unknown; piped output keeps
// its long lines (scripts cut columns themselves).
func TestTablesFitTheTerminal(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{}))
	long := strings.Repeat("a very long prompt about lighthouses and the sea ", 6)
	if r := c.run("submit", "txt2img", "--prompt", long, "--wait", "-o", "out/{index}.{ext}"); r.code != 0 {
		t.Fatalf("submit: exit %d\n%s", r.code, r.stderr)
	}
	for _, args := range [][]string{{"catalog", "txt2img"}, {"catalog"}, {"catalog", "minimax-speech-02-hd"}, {"tasks"}} {
		// tasks' fixed columns (a whole id to copy, status, time) take 84 columns: it fits from 100
		fixed := args[0] == "tasks"
		piped := c.run(args...)
		if w, _ := widest(piped.stdout); piped.code != 0 || w <= 80 {
			t.Errorf("%v piped: exit %d, widest line %d (piped output is not cut to a terminal)", args, piped.code, w)
		}
		tty := c.runTerminal(args...)
		if w, line := widest(tty.stdout); tty.code != 0 || w > 80 && !fixed {
			t.Errorf("%v on a terminal of unknown size: widest line %d > 80:\n%s", args, w, line)
		}
		c.env["COLUMNS"] = "100"
		narrow := c.run(args...)
		delete(c.env, "COLUMNS")
		if w, line := widest(narrow.stdout); narrow.code != 0 || w > 100 {
			t.Errorf("%v with COLUMNS=100: widest line %d:\n%s", args, w, line)
		}
	}
	// What the narrow page still shows: every path whole (it is what --set takes), and the flags.
	c.env["COLUMNS"] = "80"
	r := c.run("catalog", "txt2img")
	for _, want := range []string{"request.hires_fix.target_width", "--guidance-scale", "Image width in pixels."} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("catalog txt2img at 80 columns lost %q:\n%s", want, r.stdout)
		}
	}
	c.env["COLUMNS"] = "100"
	if r := c.run("tasks"); !strings.Contains(r.stdout, "…") {
		t.Errorf("a long prompt is not cut with an ellipsis:\n%s", r.stdout)
	}
}

// A 200 KB model name is cut to a cell's cap, even when piped: it must not pad every row to 200 KB.
func TestModelTableCellsHaveACap(t *testing.T) {
	t.Parallel()
	name := strings.Repeat("n", 200<<10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"models":[`)
		for i := range 20 {
			if i > 0 {
				io.WriteString(w, ",")
			}
			fmt.Fprintf(w, `{"id":%d,"sd_name":"%s%d","sd_name_in_api":"%s%d","type":{"name":"checkpoint"},"status":1,"tags":["x"],"base_model":"SDXL"}`, i, name, i, name, i)
		}
		io.WriteString(w, `],"pagination":{"next_cursor":""}}`)
	}))
	t.Cleanup(srv.Close)
	c := newCLI(t)
	c.env["NOVITA_BASE_URL"], c.env["NOVITA_API_KEY"] = srv.URL, "sk_test_key"
	r := c.run("models")
	if r.code != 0 {
		t.Fatalf("exit %d: %.300s", r.code, r.stderr)
	}
	if len(r.stdout) > 20<<10 || !strings.Contains(r.stdout, "nnn…") {
		t.Errorf("20 rows of a 200 KB name made %d bytes of table", len(r.stdout))
	}
}
