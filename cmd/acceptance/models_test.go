package acceptance

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/novita-cli/novita/cmd"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/sandbox"
)

// wireModel is what the tests read back from `models --json`.
type wireModel struct {
	ID            int64                 `json:"id"`
	SDName        string                `json:"sd_name"`
	SDNameInAPI   string                `json:"sd_name_in_api"`
	Type          struct{ Name string } `json:"type"`
	Status        int                   `json:"status"`
	Tags          []string              `json:"tags"`
	Source        string                `json:"source"`
	BaseModelType string                `json:"base_model_type"`
	IsSDXL        bool                  `json:"is_sdxl"`
}

// modelLines decodes NDJSON output, failing on any line that is not one JSON object.
func modelLines(t *testing.T, r result) []wireModel {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var out []wireModel
	for i, l := range r.lines() {
		var m wireModel
		if err := json.Unmarshal([]byte(l), &m); err != nil || !strings.HasPrefix(l, "{") {
			t.Fatalf("line %d is not one JSON model: %v\n%s", i+1, err, l)
		}
		out = append(out, m)
	}
	return out
}

// runTerminal runs a command line whose stdout and stderr are terminals.
func (c *cli) runTerminal(args ...string) result {
	c.t.Helper()
	ios, _, out, errOut := iostreams.Test()
	ios.OutTTY, ios.ErrTTY = true, true
	d := c.deps
	d.IO = ios
	d.Getenv = func(k string) string { return c.env[k] }
	code := cmd.Run(context.Background(), args, &d)
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

// everyModel is the sandbox's whole list as the API sends it, unavailable models included.
func everyModel(t *testing.T, c *cli) []wireModel {
	t.Helper()
	all := modelLines(t, c.run("models", "--all", "--include-unavailable", "--json"))
	if len(all) < 200 {
		t.Fatalf("the sandbox lists %d models, want a few hundred", len(all))
	}
	return all
}

func TestModelsFiltersReachTheAPI(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{}))
	all := everyModel(t, c)
	count := func(keep func(wireModel) bool) int {
		n := 0
		for _, m := range all {
			if m.Status != 0 && keep(m) {
				n++
			}
		}
		return n
	}
	cases := []struct {
		args []string
		keep func(wireModel) bool
	}{
		{[]string{"--type", "lora"}, func(m wireModel) bool { return m.Type.Name == "lora" || m.Type.Name == "locon" }},
		{[]string{"--type", "VAE"}, func(m wireModel) bool { return m.Type.Name == "vae" }},
		{[]string{"--type", "textualinversion"}, func(m wireModel) bool { return m.Type.Name == "textualinversion" }},
		{[]string{"--sdxl"}, func(m wireModel) bool { return m.IsSDXL }},
		{[]string{"--no-sdxl"}, func(m wireModel) bool { return !m.IsSDXL }},
		{[]string{"--inpainting"}, func(m wireModel) bool { return m.BaseModelType == "Inpainting" }},
		{[]string{"--visibility", "private"}, func(m wireModel) bool { return m.Source != "civitai" }},
		{[]string{"--source", "training"}, func(m wireModel) bool { return m.Source == "training" }},
		{[]string{"--type", "checkpoint", "--sdxl"}, func(m wireModel) bool { return m.Type.Name == "checkpoint" && m.IsSDXL }},
		{[]string{"dreamshaper"}, func(m wireModel) bool { return strings.Contains(strings.ToLower(m.SDName), "dreamshaper") }},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			got := modelLines(t, c.run(append([]string{"models", "--all", "--json"}, tc.args...)...))
			want := count(tc.keep)
			if len(got) == 0 || len(got) != want {
				t.Fatalf("listed %d models, want %d (the sandbox's models that match, available ones)", len(got), want)
			}
			for _, m := range got {
				if !tc.keep(m) || m.Status == 0 {
					t.Errorf("listed %s (type %s, sdxl %v, source %s, status %d), which the filter excludes",
						m.SDNameInAPI, m.Type.Name, m.IsSDXL, m.Source, m.Status)
				}
			}
		})
	}
}

func TestModelsRefusesBadFlags(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{}))
	for _, args := range [][]string{
		{"models", "--sdxl", "--no-sdxl"},
		{"models", "--type", "diffuser"},
		{"models", "--visibility", "secret"},
		{"models", "--source", "github"},
		{"models", "--limit", "0"},
		{"models", "--limit", "101"},
	} {
		r := c.run(args...)
		if r.code != 2 || r.stdout != "" {
			t.Errorf("%v: exit %d, stdout %q; want exit 2 (usage) and nothing on stdout\n%s", args, r.code, r.stdout, r.stderr)
		}
	}
}

func TestModelsAllFollowsEveryPage(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{})
	c.useSandbox(sb)
	before := countRequests(sb, "/v3/model")
	all := modelLines(t, c.run("models", "--all", "--limit", "30", "--include-unavailable", "--json"))
	pages := countRequests(sb, "/v3/model") - before
	if want := (len(all) + 29) / 30; pages != want {
		t.Errorf("--all --limit 30 read %d pages for %d models, want %d", pages, len(all), want)
	}
	seen := map[int64]bool{}
	for _, m := range all {
		if seen[m.ID] {
			t.Errorf("model %d listed twice", m.ID)
		}
		seen[m.ID] = true
	}
	if r := c.run("models", "--all", "--limit", "30", "--include-unavailable", "--json"); r.lines() == nil || len(r.lines()) != len(all) {
		t.Errorf("a second walk listed %d models, the first %d", len(r.lines()), len(all))
	}

	first := c.run("models", "--limit", "7", "--include-unavailable")
	if n := len(first.lines()) - 1; first.code != 0 || n != 7 {
		t.Errorf("without --all, --limit 7 printed %d rows (exit %d), want one page of 7", n, first.code)
	}
	if !strings.Contains(first.stderr, "--all") {
		t.Errorf("a first page with more behind it does not point at --all; stderr %q", first.stderr)
	}
}

func TestModelsAllShowsProgressOnlyOnATerminal(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{}))
	tty := c.runTerminal("models", "--type", "checkpoint", "--all", "--limit", "25")
	if tty.code != 0 || !strings.Contains(tty.stderr, "listing models: page 2,") {
		t.Errorf("--all on a terminal shows no page progress (exit %d); stderr %q", tty.code, tty.stderr)
	}
	if q := c.runTerminal("models", "--type", "checkpoint", "--all", "--limit", "25", "-q"); strings.Contains(q.stderr, "listing models") {
		t.Errorf("-q still shows progress: %q", q.stderr)
	}
	if plain := c.run("models", "--type", "checkpoint", "--all", "--limit", "25"); strings.Contains(plain.stderr, "listing models") {
		t.Errorf("progress lines off a terminal: %q", plain.stderr)
	}
}

func TestModelsPagingLoopStops(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{}))
	for _, marker := range []string{sandbox.ModelQueryCursorLoop, sandbox.ModelQueryRepeatPage} {
		r := c.run("models", "--all", "--limit", "10", marker)
		if r.code != 1 || !strings.Contains(r.stderr, "looping") {
			t.Errorf("%s: exit %d, want 1 with an error saying the paging loops; stderr %q", marker, r.code, r.stderr)
		}
		if r.stdout != "" {
			t.Errorf("%s: a looping list printed a partial table:\n%s", marker, r.stdout)
		}
	}
}

func TestModelsJSONIsTheAPIsModelsOnePerLine(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{})
	c.useSandbox(sb)
	req, _ := http.NewRequest(http.MethodGet, sb.URL()+"/v3/model?pagination.limit=15", nil)
	req.Header.Set("Authorization", "Bearer "+sb.APIKey())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var page struct{ Models []json.RawMessage }
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		t.Fatal(err)
	}
	http.DefaultClient.CloseIdleConnections()
	r := c.run("models", "--limit", "15", "--include-unavailable", "--json")
	got := r.lines()
	if r.code != 0 || len(got) != len(page.Models) {
		t.Fatalf("exit %d, %d lines for a page of %d models\n%s", r.code, len(got), len(page.Models), r.stderr)
	}
	for i, raw := range page.Models {
		var want bytes.Buffer
		_ = json.Compact(&want, raw)
		if got[i] != want.String() {
			t.Errorf("line %d differs from the API's model:\n got %s\nwant %s", i+1, got[i], want.String())
		}
	}
}

func TestModelsHidesUnavailableUnlessAsked(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{}))
	var unavailable []string
	for _, m := range everyModel(t, c) {
		if m.Status == 0 {
			unavailable = append(unavailable, m.SDNameInAPI)
		}
	}
	if len(unavailable) == 0 {
		t.Fatal("the sandbox lists no unavailable model: nothing to test")
	}
	def := c.run("models", "--all")
	for _, name := range unavailable {
		if strings.Contains(def.stdout, name) {
			t.Errorf("unavailable %s is listed without --include-unavailable", name)
		}
	}
	if !strings.Contains(def.stderr, fmt.Sprintf("%d unavailable models hidden", len(unavailable))) {
		t.Errorf("stderr does not say how many models are hidden (%d): %q", len(unavailable), def.stderr)
	}
	shown := c.run("models", "--all", "--include-unavailable")
	for _, line := range strings.Split(shown.stdout, "\n") {
		if f := strings.Fields(line); len(f) > 0 && slices.Contains(unavailable, f[0]) && !strings.Contains(line, "unavailable") {
			t.Errorf("an unavailable model is not marked so: %q", line)
		}
	}
	if !strings.Contains(shown.stdout, unavailable[0]) {
		t.Errorf("--include-unavailable does not list %s", unavailable[0])
	}
}

func TestModelsTable(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{}))
	r := c.run("models", "--all", "--limit", "100")
	lines := r.lines()
	if r.code != 0 || len(lines) < 100 {
		t.Fatalf("exit %d, %d lines\n%s", r.code, len(lines), r.stderr)
	}
	if h := strings.Fields(lines[0]); !slices.Equal(h, []string{"NAME", "TYPE", "BASE", "TAGS"}) {
		t.Errorf("header %q, want NAME TYPE BASE TAGS", lines[0])
	}
	if !strings.Contains(r.stdout, "dreamshaper_8_93211.safetensors  ") || !strings.Contains(r.stdout, "add_detail_44319  ") {
		t.Errorf("the table does not show the names to use in requests (sd_name_in_api):\n%s", lines[:5])
	}
	for _, l := range lines[1:] {
		if strings.Contains(l, "\x1b") {
			t.Fatalf("colour off a terminal: %q", l)
		}
		if strings.HasSuffix(l, "...") || strings.HasSuffix(l, "…") {
			t.Errorf("piped output cut a tag list (scripts cut columns themselves): %q", l)
		}
	}
	c.env["COLUMNS"] = "70"
	narrow := c.run("models", "--type", "lora")
	delete(c.env, "COLUMNS")
	cut := 0
	for _, l := range narrow.lines()[1:] {
		if w := utf8.RuneCountInString(l); w > 70 {
			t.Errorf("with COLUMNS=70 a row is %d columns wide: %q", w, l)
		}
		if strings.HasSuffix(l, "…") {
			cut++
		}
	}
	if cut == 0 {
		t.Error("with COLUMNS=70 no long tag list was cut with an ellipsis")
	}
	tty := c.runTerminal("models", "--type", "lora")
	if !strings.Contains(tty.stdout, "\x1b[") || !strings.Contains(tty.stdout, "NAME") {
		t.Errorf("no colour on a terminal:\n%q", tty.stdout)
	}
}

// hostileAPI answers GET /v3/model with names and tags full of terminal escapes.
func hostileAPI(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"models":[{"id":7,"sd_name":"evil\u001b]0;pwned\u0007.safetensors","sd_name_in_api":"evil\u001b[2J",`+
			`"type":{"name":"checkpoint\r"},"status":1,"tags":["a\u202egat","x\ny"],"base_model":"SD\u009b1.5"}],"pagination":{"next_cursor":""}}`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestModelsEscapesWhatTheAPISent(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	srv := hostileAPI(t)
	c.env["NOVITA_BASE_URL"], c.env["NOVITA_API_KEY"] = srv.URL, "sk_test_key"
	for _, r := range []result{c.run("models"), c.runTerminal("models")} {
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		for _, bad := range []string{"\x1b]", "\x1b[2J", "\u202e", "\r", "\u009b", "x\ny"} {
			if strings.Contains(r.stdout, bad) {
				t.Errorf("the table passes %q from the API to the terminal:\n%q", bad, r.stdout)
			}
		}
		if !strings.Contains(r.stdout, `evil\x1b[2J`) {
			t.Errorf("the escaped name is not shown: %q", r.stdout)
		}
	}
	j := c.run("models", "--json")
	var m map[string]any
	if err := json.Unmarshal([]byte(strings.TrimSpace(j.stdout)), &m); err != nil || m["sd_name_in_api"] != "evil\x1b[2J" {
		t.Errorf("--json does not carry the API's value intact as valid JSON: %v %q", err, j.stdout)
	}
}

func TestModelsAuthErrors(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{})
	c.useSandbox(sb)
	c.env["NOVITA_API_KEY"] = "sk_wrong_key_123456"
	r := c.run("models")
	if r.code != 4 || !strings.Contains(r.stderr, "check the key") {
		t.Errorf("wrong key: exit %d, want 4 with the key hint; stderr %q", r.code, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, "sk_wrong_key_123456") {
		t.Error("the key appears in the output")
	}
	j := c.run("models", "--json")
	if j.code != 4 || !strings.Contains(j.stdout, `"exit_code": 4`) {
		t.Errorf("wrong key with --json: exit %d, stdout %q; want an error document with exit_code 4", j.code, j.stdout)
	}
	delete(c.env, "NOVITA_API_KEY")
	if r := c.run("models"); r.code != 4 || !strings.Contains(r.stderr, "NOVITA_API_KEY") {
		t.Errorf("no key: exit %d, want 4 naming NOVITA_API_KEY; stderr %q", r.code, r.stderr)
	}
}

func TestModelsMissingEndpointHintsAtTheBaseURL(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	srv := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(srv.Close)
	c.env["NOVITA_BASE_URL"], c.env["NOVITA_API_KEY"] = srv.URL, "sk_test_key"
	for _, cmd := range []string{"models", "balance"} {
		r := c.run(cmd)
		if r.code != 1 || !strings.Contains(r.stderr, "base URL") || strings.Contains(r.stderr, "task name") {
			t.Errorf("%s against a server without the endpoint: exit %d, stderr %q; want 1 and a base URL hint", cmd, r.code, r.stderr)
		}
	}
}

func TestModelsAndBalanceWorkWithTheInProcessSandbox(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	if r := c.run("--sandbox", "models", "--type", "upscaler", "--json"); len(modelLines(t, r)) == 0 {
		t.Errorf("--sandbox models --type upscaler listed nothing")
	}
	if r := c.run("--sandbox", "balance"); r.code != 0 || !strings.Contains(r.stdout, "$152.3400") {
		t.Errorf("--sandbox balance: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r := c.run("--sandbox", "models", "--refresh", "-q")
	if r.code != 0 {
		t.Fatalf("--sandbox models --refresh: exit %d: %s", r.code, r.stderr)
	}
	cacheDir := filepath.Join(c.dir, ".cache", "novita")
	if _, err := os.Stat(filepath.Join(cacheDir, "models.json")); err == nil {
		t.Error("a --sandbox refresh replaced the real API's cache (models.json)")
	}
	if _, err := os.Stat(filepath.Join(cacheDir, "models-sandbox.json")); err != nil {
		t.Errorf("a --sandbox refresh saved no sandbox cache: %v", err)
	}
	values, _ := c.complete("--sandbox", "models", "dreamsh")
	if !slices.Contains(values, "dreamshaper_8_93211.safetensors") {
		t.Errorf("completion under --sandbox does not read the sandbox's cache: %q", values)
	}
}

func TestHelpFilesModelsAndBalanceUnderAccount(t *testing.T) {
	t.Parallel()
	r := newCLI(t).run("--help")
	i := strings.Index(r.stdout, "\nAccount:\n")
	if i < 0 {
		t.Fatalf("no Account: section in novita --help:\n%s", r.stdout)
	}
	section, _, _ := strings.Cut(r.stdout[i+len("\nAccount:\n"):], "\n\n")
	var names []string
	for _, l := range strings.Split(section, "\n") {
		names = append(names, strings.Fields(l)[0])
	}
	if !slices.Equal(names, []string{"balance", "models"}) {
		t.Errorf("Account: lists %v, want [balance models]", names)
	}
}
