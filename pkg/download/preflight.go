package download

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/novita"
)

// nameMax is NAME_MAX: the longest file name most file systems accept, in bytes.
const nameMax = 255

// Check is what Preflight knows before a task's outputs exist.
type Check struct {
	Vars      Vars // the task's values; TaskID "" before a submit
	Overwrite bool
	JSON      bool    // standard output carries the --json document, so -o - is refused
	Saved     []Saved // outputs saved earlier: a target holding one of them intact is not in the way
	// Outputs is how many outputs the request plans (image_num, -n), Kind their kind and Ext their
	// extension when the request names it; with Outputs set every planned name is checked.
	Outputs int
	Kind    string
	Ext     string
}

// Preflight finds the output problems that would otherwise appear only after a task was paid for or
// waited for, as usage errors (exit 2) naming the path. The number and kinds of outputs are
// not known yet, so it checks what the template fixes: the directory it names (a component that is a
// file, a directory that cannot be written), name lengths, and, when the whole path is known, the
// file itself (it exists, without Overwrite: an *ExistsError).
func (t *Template) Preflight(c Check) error {
	switch t.target {
	case targetStdout:
		if c.JSON {
			return ErrStdoutTaken
		}
		return nil
	case targetSpecial:
		return nil
	}
	known, whole := t.known(c.Vars)
	for _, comp := range splitSeps(known) {
		if len(comp) > nameMax {
			return clierr.Usagef("-o gives a name of %d bytes (%q), more than the %d a file name can have; choose a shorter -o",
				len(comp), comp[:40]+"...", nameMax)
		}
	}
	dir := known[:lastSep(known)+1]
	if whole {
		dir = filepath.Dir(known)
	}
	if err := checkDir(dir); err != nil {
		return err
	}
	if !whole || c.Outputs > 1 {
		return t.checkPlanned(c)
	}
	return checkTarget(known, c)
}

// known renders the template as far as the task's values go: the path up to the first value that is
// not known yet (the task id before a submit, the kind, index and extension of an output). whole says
// the entire path is known, as for -o cat.png.
func (t *Template) known(v Vars) (path string, whole bool) {
	var b strings.Builder
	for _, sg := range t.segs {
		switch {
		case sg.ph == "":
			b.WriteString(sg.lit)
		case sg.ph == "task" || sg.ph == "line" || (sg.ph == "task_id" && v.TaskID != ""):
			b.WriteString(t.value(sg.ph, v, novita.Output{}, "", 1))
		default:
			// Values never contain separators: the directory ends at the last one written so far.
			// A ".." that values formed past the template's own directory is neutralised, as expand does.
			s := b.String()
			rest := splitSeps(s[len(t.dir):])
			for i, c := range rest {
				if c == ".." {
					rest[i] = "__"
				}
			}
			return t.dir + strings.Join(rest, "/"), false
		}
	}
	return t.expand(v, novita.Output{}, "", 1, 1), true
}

// checkDir walks up from dir to the first part that exists: it must be a directory, and writable,
// since what is missing below it will be created there.
func checkDir(dir string) error {
	if dir == "" {
		dir = "."
	}
	d := filepath.Clean(dir)
	for {
		fi, err := os.Stat(d)
		if err == nil {
			if !fi.IsDir() {
				return clierr.Usagef("cannot save under %s: %s is a file, not a directory; choose another -o", dir, d)
			}
			return probeWritable(d)
		}
		if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
			return clierr.Usagef("cannot use %s for the outputs: %v; choose another -o", d, err)
		}
		parent := filepath.Dir(d)
		if parent == d {
			return nil
		}
		d = parent
	}
}

// probeWritable is Writable worded for -o.
func probeWritable(dir string) error {
	if err := Writable(dir); err != nil {
		return clierr.Usagef("cannot write in %s (%v); choose another -o, or fix its permissions", dir, err)
	}
	return nil
}

// checkTarget looks at a fully known target path.
func checkTarget(p string, c Check) error {
	fi, err := os.Stat(p)
	switch {
	case err != nil:
		return nil // absent (or a dangling link, which the save reports)
	case fi.IsDir():
		return clierr.Usagef("%s is a directory; add a file name to -o, e.g. %s", p,
			filepath.ToSlash(filepath.Join(p, "{kind}-{index}.{ext}")))
	case !fi.Mode().IsRegular():
		return nil // a device or FIFO named through a template is written like a file; nothing to check
	case c.Overwrite:
		return nil
	}
	for _, s := range c.Saved {
		if s.Intact(p) {
			return nil // already downloaded: the save says so
		}
	}
	return &ExistsError{Paths: []string{p}, Early: true}
}

// CheckTasks refuses, before anything is submitted, a template under which the outputs of several
// tasks would take the same names, each replacing the last (a batch with -o out.png). vars are the
// tasks' values; an empty TaskID is an id not known yet, which will differ from every other.
func (t *Template) CheckTasks(vars []Vars) error {
	if len(vars) < 2 {
		return nil
	}
	byLine := vars[0].TaskID == ""
	fix := "{task_id}"
	if byLine {
		fix = "{line}"
	}
	if t.target != targetFile {
		return clierr.Usagef("-o %s takes the output of one task, but there are %d; save them as files named by %s, e.g. -o out-%s.{ext}",
			t.src, len(vars), fix, fix)
	}
	first := map[string]int{}
	for i, v := range vars {
		if v.TaskID == "" {
			v.TaskID = "not-submitted-" + strconv.Itoa(i)
		}
		p := t.expand(v, novita.Output{Kind: novita.KindImage, Index: 1}, "png", 1, 1)
		prev, dup := first[p]
		if !dup {
			first[p] = i
			continue
		}
		return clierr.Usagef("output template %q gives the outputs of %s and %s the same names (e.g. %s), so each would replace the last; "+
			"add {line} or {task_id} to it, e.g. -o %s", t.src, taskLabel(vars[prev]), taskLabel(vars[i]), p, insertSuffix(t.src, "-"+fix))
	}
	return nil
}

func taskLabel(v Vars) string {
	if v.TaskID != "" {
		return "task " + v.TaskID
	}
	return fmt.Sprintf("line %d", v.Line)
}
