package download

import (
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/novita"
)

// DefaultTemplate is the output template used when -o/--output is not given.
const DefaultTemplate = "{task_id}/{kind}-{index}.{ext}"

// validPlaceholders is shown in every template error so the user can fix the flag in one go.
const validPlaceholders = "{task_id} {task} {kind} {index} {ext} {line}"

// maxValueBytes keeps one expanded value well below NAME_MAX (255 bytes on most file systems).
const maxValueBytes = 128

// Template is a parsed -o/--output template. It is validated before anything is submitted, so a typo
// never costs a paid task.
type Template struct {
	src      string
	segs     []segment
	dir      string // literal directory prefix, including its trailing separator ("" for the cwd)
	hasIndex bool   // {index} present: outputs of one kind are already told apart
	target   target // a new file (the usual), standard output, or an existing device or FIFO
}

// segment is literal text or, when ph is set, a placeholder name.
type segment struct {
	lit string
	ph  string
}

// Vars are the per-task values of a template; per-output values (kind, index, ext) come from the output.
type Vars struct {
	TaskID string
	Task   string
	Line   int // 1-based line of a batch file; 0 when not a batch ({line} expands to "0")
}

// ParseTemplate parses and validates an output template. "" means DefaultTemplate.
//
// Rules: placeholders are {task_id} {task} {kind} {index} {ext} {line}; a template whose last path
// element has no extension gets ".{ext}" appended (so "-o cat" saves cat.png); when the template has
// no {index} and a task has several outputs, "-N" (N = 1-based position among all outputs) is
// inserted before the extension (cat-1.png, cat-2.png). "-" writes the one output to standard output,
// and a literal path naming an existing device or FIFO (/dev/null, a named pipe) is written in place,
// with no extension added. Errors are usage errors (exit 2).
func ParseTemplate(s string) (*Template, error) {
	if s == "" {
		s = DefaultTemplate
	}
	if s == StdoutPath {
		return &Template{src: s, segs: []segment{{lit: s}}, target: targetStdout}, nil
	}
	if strings.ContainsRune(s, 0) {
		return nil, clierr.Usagef("output template %q contains a NUL byte", s)
	}
	t := &Template{src: s}
	var lit strings.Builder
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{':
			end := strings.IndexAny(s[i+1:], "{}")
			if end < 0 || s[i+1+end] != '}' {
				return nil, clierr.Usagef("output template %q: unbalanced '{' at offset %d (valid placeholders: %s)", s, i, validPlaceholders)
			}
			name := s[i+1 : i+1+end]
			if !isPlaceholder(name) {
				return nil, clierr.Usagef("output template %q: unknown placeholder {%s} (valid placeholders: %s)", s, name, validPlaceholders)
			}
			if lit.Len() > 0 {
				t.segs = append(t.segs, segment{lit: lit.String()})
				lit.Reset()
			}
			t.segs = append(t.segs, segment{ph: name})
			t.hasIndex = t.hasIndex || name == "index"
			i += end + 1
		case '}':
			return nil, clierr.Usagef("output template %q: unbalanced '}' at offset %d (valid placeholders: %s)", s, i, validPlaceholders)
		default:
			lit.WriteByte(s[i])
		}
	}
	if lit.Len() > 0 {
		t.segs = append(t.segs, segment{lit: lit.String()})
	}
	if isSep(s[len(s)-1]) {
		return nil, clierr.Usagef("output template %q names a directory; add a file name, e.g. %s", s, strings.TrimRight(s, `/\`)+"/{kind}-{index}.{ext}")
	}
	// The directory the template names: the literal text before the first placeholder, up to its last
	// separator. Nothing an expanded value contains may lead outside it.
	prefix := s
	if len(t.segs) > 0 && t.segs[0].ph != "" {
		prefix = ""
	} else if len(t.segs) > 0 {
		prefix = t.segs[0].lit
	}
	if cut := lastSep(prefix); cut >= 0 {
		t.dir = prefix[:cut+1]
	}
	comps := splitSeps(s[len(t.dir):])
	for _, c := range comps {
		if c == ".." {
			return nil, clierr.Usagef("output template %q: '..' is only allowed before the first placeholder", s)
		}
	}
	if last := comps[len(comps)-1]; last == "." {
		return nil, clierr.Usagef("output template %q must end in a file name", s)
	}
	if len(t.segs) == 1 && t.segs[0].ph == "" && specialTarget(s) {
		t.target = targetSpecial
		return t, nil
	}
	if !strings.Contains(s, "{ext}") && !t.lastHasExt() {
		t.segs = append(t.segs, segment{lit: "."}, segment{ph: "ext"})
	}
	return t, nil
}

func isPlaceholder(name string) bool {
	switch name {
	case "task_id", "task", "kind", "index", "ext", "line":
		return true
	}
	return false
}

// lastHasExt reports whether the file name part of the template carries a literal extension
// ("cat.png", "{task_id}.png"); extensions that could only come from values do not count.
func (t *Template) lastHasExt() bool {
	last := t.segs[len(t.segs)-1]
	if last.ph != "" {
		return false
	}
	name := last.lit
	whole := false // the literal is the entire last path element
	if cut := lastSep(name); cut >= 0 {
		name, whole = name[cut+1:], true
	} else if len(t.segs) == 1 {
		whole = true
	}
	dot := strings.LastIndexByte(name, '.')
	if dot < 0 || dot == len(name)-1 {
		return false
	}
	return !whole || strings.TrimLeft(name[:dot], ".") != ""
}

// String returns the template as the user wrote it.
func (t *Template) String() string { return t.src }

// Dir is the directory the template names; every expanded path lies inside it.
func (t *Template) Dir() string {
	if t.dir == "" {
		return "."
	}
	return filepath.Clean(t.dir)
}

// expand renders the path of one output. pos is its 1-based position among total outputs.
func (t *Template) expand(v Vars, o novita.Output, ext string, pos, total int) string {
	if t.target != targetFile {
		return t.src
	}
	var b strings.Builder
	for _, sg := range t.segs {
		if sg.ph == "" {
			b.WriteString(sg.lit)
			continue
		}
		b.WriteString(t.value(sg.ph, v, o, ext, pos))
	}
	out := b.String()
	rest := out[len(t.dir):]
	if !t.hasIndex && total > 1 {
		rest = insertSuffix(rest, "-"+strconv.Itoa(pos))
	}
	// Values cannot contain separators, but two of them ("." + ".") or a value next to a literal dot
	// could still form "..": neutralise any such element. Literal ".." was rejected by ParseTemplate.
	comps := splitSeps(rest)
	changed := false
	for i, c := range comps {
		if c == ".." || (i == len(comps)-1 && (c == "." || c == "")) {
			comps[i] = strings.Repeat("_", max(len(c), 1))
			changed = true
		}
	}
	if changed {
		rest = strings.Join(comps, "/")
	}
	return filepath.Clean(t.dir + rest)
}

func (t *Template) value(name string, v Vars, o novita.Output, ext string, pos int) string {
	switch name {
	case "task_id":
		return cleanValue(v.TaskID, "unknown")
	case "task":
		return cleanValue(v.Task, "unknown")
	case "kind":
		return cleanValue(o.Kind, "file")
	case "index":
		if o.Index > 0 {
			return strconv.Itoa(o.Index)
		}
		return strconv.Itoa(pos)
	case "ext":
		return cleanValue(ext, "bin")
	case "line":
		return strconv.Itoa(max(v.Line, 0))
	}
	return ""
}

// cleanValue makes a value safe as (part of) one path element: separators, ':' (drive letters),
// NUL and control characters become '_', ".." becomes "__", and invalid UTF-8 is replaced.
func cleanValue(s, empty string) string {
	if s == "" {
		return empty
	}
	s = strings.ToValidUTF8(s, "_")
	s = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ':' || r == 0 || unicode.IsControl(r) {
			return '_'
		}
		return r
	}, s)
	s = strings.ReplaceAll(s, "..", "__")
	if len(s) > maxValueBytes {
		cut := maxValueBytes
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	return s
}

// insertSuffix puts suf before the extension of the last path element: "a/cat.png" -> "a/cat-1.png".
func insertSuffix(p, suf string) string {
	start := lastSep(p) + 1
	name := p[start:]
	dot := strings.LastIndexByte(name, '.')
	if dot <= 0 {
		return p + suf
	}
	return p[:start] + name[:dot] + suf + name[dot:]
}

func isSep(c byte) bool { return c == '/' || (filepath.Separator == '\\' && c == '\\') }

func lastSep(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if isSep(s[i]) {
			return i
		}
	}
	return -1
}

func splitSeps(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if isSep(s[i]) {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}
