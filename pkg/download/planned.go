package download

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/novita"
)

// extProbe stands for an extension not known before the request (a word no template holds).
const extProbe = "novita7ext7probe"

// mediaExts are the extensions an output can end up with when the answer has not chosen one yet: an
// existing file with one of them under a planned name is in the way, a notes.txt beside it is not.
var mediaExts = map[string]bool{
	"png": true, "jpg": true, "webp": true, "gif": true, "bmp": true, "tiff": true, "svg": true, "avif": true, "heic": true,
	"mp4": true, "webm": true, "mov": true, "mkv": true, "avi": true,
	"mp3": true, "wav": true, "flac": true, "m4a": true, "ogg": true, "opus": true, "pcm": true, "aac": true,
	"txt": true, "json": true, "bin": true,
}

// checkPlanned expands the template for each output the request plans (c.Outputs of c.Kind) and
// refuses a name already taken, so that a second run of the same command stops before paying rather
// than after. It applies once only per-output values are unknown (kind, index, extension): with a
// task id still to come every name is new.
func (t *Template) checkPlanned(c Check) error {
	if c.Outputs < 1 || c.Overwrite || t.target != targetFile {
		return nil
	}
	for _, sg := range t.segs {
		if sg.ph == "task_id" && c.Vars.TaskID == "" {
			return nil
		}
	}
	kind := c.Kind
	if kind == "" {
		kind = novita.KindImage
	}
	var taken []string
	for i := 1; i <= c.Outputs; i++ {
		p := t.expand(c.Vars, novita.Output{Kind: kind, Index: i}, extProbe, i, c.Outputs)
		for _, m := range plannedMatches(p, c.Ext) {
			if !savedIntact(m, c.Saved) {
				taken = append(taken, m)
			}
		}
	}
	if len(taken) == 0 {
		return nil
	}
	return &ExistsError{Paths: taken, Early: true, Planned: true}
}

// plannedMatches lists the regular files at p, where the extension may still be unknown (extProbe):
// then ext, when the request names the type, else any media extension, matches.
func plannedMatches(p, ext string) []string {
	if !strings.Contains(p, extProbe) {
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return []string{p}
		}
		return nil
	}
	if ext != "" {
		return plannedMatches(strings.ReplaceAll(p, extProbe, ext), "")
	}
	pattern := strings.ReplaceAll(globQuote(p), extProbe, "*")
	found, _ := filepath.Glob(pattern)
	var out []string
	for _, m := range found {
		if mediaExts[normalizeExt(filepath.Ext(m))] {
			if fi, err := os.Stat(m); err == nil && fi.Mode().IsRegular() {
				out = append(out, m)
			}
		}
	}
	return out
}

func savedIntact(p string, saved []Saved) bool {
	for _, s := range saved {
		if s.Intact(p) {
			return true
		}
	}
	return false
}

// globQuote escapes the characters filepath.Glob treats specially.
func globQuote(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '*', '?', '[', ']', '\\':
			if filepath.Separator != '\\' {
				b.WriteByte('\\')
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// TypeExt is the extension a request's *_type value ("png", "jpeg", "image/webp") gives its outputs.
func TypeExt(v string) string { return extFromType(v) }

// ExactPath is a template that names one absolute file exactly, whatever its extension: the path a
// journal recorded, saved to again. Placeholder braces in it are literal text.
func ExactPath(p string) (*Template, error) {
	if !filepath.IsAbs(p) {
		return nil, clierr.Usagef("%s is not an absolute path", p)
	}
	return &Template{src: p, segs: []segment{{lit: p}}, dir: p[:lastSep(p)+1], target: targetFile}, nil
}
