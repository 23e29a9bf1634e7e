package acceptance

// How the README check reads a command line (an example's or a script's) with the real command tree,
// and decides whether a script's line runs an example (see TestREADMEExamplesAreScripted).

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// scriptedUses reads every novita line of the scripts, as testscript splits it.
func scriptedUses(t *testing.T, root *cobra.Command) map[string][]cliUse {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "script", "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts in testdata/script: %v", err)
	}
	uses := map[string][]cliUse{}
	for _, file := range files {
		a, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for n, line := range strings.Split(string(a.Comment), "\n") {
			args := scriptWords(line)
			for len(args) > 0 && (args[0] == "!" || args[0] == "proc" || strings.HasPrefix(args[0], "[")) {
				args = args[1:]
			}
			if len(args) == 0 || args[0] != "novita" {
				continue
			}
			if last := args[len(args)-1]; len(last) > 2 && strings.HasPrefix(last, "&") && strings.HasSuffix(last, "&") {
				args = args[:len(args)-1]
			}
			for n := len(args); n >= 3 && (args[n-2] == ">" || args[n-2] == "<"); n = len(args) {
				args = args[:n-2]
			}
			ws := make([]word, len(args)-1)
			for i, a := range args[1:] {
				ws[i] = word{text: a}
			}
			u := parseUse(root, ws)
			u.where = fmt.Sprintf("%s:%d: %s", filepath.Base(file), n+1, strings.TrimSpace(line))
			uses[u.key()] = append(uses[u.key()], u)
		}
	}
	return uses
}

// scriptWords splits a script line as testscript does: spaces separate, 'quotes' quote (” is a
// quote inside them), # starts a comment.
func scriptWords(line string) []string {
	var args []string
	var buf strings.Builder
	inWord, quoted := false, false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quoted && c == '\'' && i+1 < len(line) && line[i+1] == '\'':
			buf.WriteByte('\'')
			i++
		case c == '\'':
			quoted, inWord = !quoted, true
		case !quoted && (c == ' ' || c == '\t' || c == '#'):
			if inWord {
				args = append(args, buf.String())
			}
			buf.Reset()
			inWord = false
			if c == '#' {
				return args
			}
		default:
			buf.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		args = append(args, buf.String())
	}
	return args
}

// cliUse is one command line as the CLI reads it: the subcommands typed, the flags, the arguments.
type cliUse struct {
	path  []string
	flags []flagUse
	args  []word
	where string
}

type flagUse struct {
	name  string // the flag's long name, so -o and --output are one flag
	value word   // empty for a flag given without a value
}

func (u cliUse) key() string { return strings.Join(u.path, " ") }

// parseUse reads words with the real command tree, so that it knows which flags take a value and
// which words are subcommands. A flag the tree does not know (rerun's, which come from the task it
// reruns) takes the next word as its value unless that word is a flag.
func parseUse(root *cobra.Command, words []word) cliUse {
	var u cliUse
	cur := root
	for i := 0; i < len(words); i++ {
		w := words[i].text
		if w == "--" {
			u.args = append(u.args, words[i+1:]...)
			break
		}
		if strings.HasPrefix(w, "-") && w != "-" {
			name, val, hasValue := strings.Cut(strings.TrimLeft(w, "-"), "=")
			fl := lookupFlag(cur, name, !strings.HasPrefix(w, "--"))
			f := flagUse{name: name}
			if fl != nil {
				f.name = fl.Name
			}
			switch {
			case hasValue:
				f.value = word{text: val, wild: isWildValue(val)}
			case i+1 < len(words) && (fl != nil && fl.NoOptDefVal == "" ||
				fl == nil && (!strings.HasPrefix(words[i+1].text, "-") || words[i+1].text == "-")):
				i++
				f.value = words[i]
			}
			u.flags = append(u.flags, f)
			continue
		}
		if sub := subcommand(cur, w); sub != nil && len(u.args) == 0 {
			cur = sub
			u.path = append(u.path, w)
			continue
		}
		u.args = append(u.args, words[i])
	}
	return u
}

func lookupFlag(c *cobra.Command, name string, short bool) *pflag.Flag {
	if !short {
		return c.Flag(name)
	}
	if f := c.Flags().ShorthandLookup(name); f != nil {
		return f
	}
	return c.InheritedFlags().ShorthandLookup(name)
}

func subcommand(c *cobra.Command, name string) *cobra.Command {
	for _, sub := range c.Commands() {
		if sub.Name() == name || sub.HasAlias(name) {
			return sub
		}
	}
	return nil
}

func anyRuns(want cliUse, scripted map[string][]cliUse) bool {
	for _, got := range scripted[want.key()] {
		if runs(got, want) {
			return true
		}
	}
	return false
}

// runs tells whether the script line got runs the example want.
func runs(got, want cliUse) bool {
	if len(got.args) != len(want.args) {
		return false
	}
	for i, a := range want.args {
		if !a.wild && a.text != got.args[i].text {
			return false
		}
	}
	used := make([]bool, len(got.flags))
	for _, wf := range want.flags {
		found := false
		for i, gf := range got.flags {
			if !used[i] && gf.name == wf.name && (wf.value.wild || wf.value.text == gf.value.text) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			return false
		}
	}
	extra := scriptExtraFlags()
	for i, gf := range got.flags {
		if !used[i] && !extra[gf.name] {
			return false
		}
	}
	return true
}

// closest lists the script lines of the same command that share the most flags with the example.
func closest(want cliUse, scripted map[string][]cliUse) string {
	cands := slices.Clone(scripted[want.key()])
	if len(cands) == 0 {
		return fmt.Sprintf("\t(no script runs `novita %s` at all)", want.key())
	}
	shared := func(u cliUse) int {
		n := 0
		for _, wf := range want.flags {
			for _, gf := range u.flags {
				if gf.name == wf.name {
					n++
					break
				}
			}
		}
		return n
	}
	slices.SortStableFunc(cands, func(a, b cliUse) int { return shared(b) - shared(a) })
	var b strings.Builder
	for i, c := range cands[:min(3, len(cands))] {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "\tclosest: %s", c.where)
	}
	return b.String()
}
