package acceptance

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/novita-cli/novita/cmd"
)

// readmeAllowList holds the README examples no script can run hermetically, each with its reason. Keep
// it short: an example that can run against the simulator belongs in a script.
func readmeAllowList() map[string]string {
	return map[string]string{
		`novita submit txt2img --prompt "a cat" --wait --tunnel ngrok --ngrok-url https://you.ngrok.app`: "needs an ngrok " +
			"account and the internet; the ngrok path runs against the fake edge of pkg/tunnel/ngroktest in cmd/acceptance/webhook_test.go",
	}
}

// scriptExtraFlags may appear in a script's line beside an example's flags: they only make the example
// fit a test (a free port instead of a fixed one, short retry waits, small sandbox media, which a
// race-built sandbox process would otherwise spend seconds encoding) and change nothing it shows.
func scriptExtraFlags() map[string]bool {
	return map[string]bool{"addr": true, "listen-addr": true, "ui-addr": true, "retry-delay": true, "max-media-side": true}
}

// TestREADMEExamplesAreScripted fails when a `novita ...` line of a sh or console block in the README is
// run by no script of testdata/script: the same command, the same flags, the same values and arguments,
// except placeholders (<task-id>, anything with ..., $VAR or $(...)), URLs and host:port addresses, which
// match anything. `go run .` counts as novita.
func TestREADMEExamplesAreScripted(t *testing.T) {
	t.Parallel()
	root := cmd.NewRootForDocs(cmd.BuildInfo{})
	examples := readmeExamples(t, filepath.Join(repoRoot, "README.md"))
	if len(examples) < 20 {
		t.Fatalf("found only %d novita examples in README.md: is the extraction broken?", len(examples))
	}
	scripted := scriptedUses(t, root)
	allow := readmeAllowList()
	seen := map[string]bool{}
	for _, ex := range examples {
		seen[ex.text] = true
		if _, ok := allow[ex.text]; ok {
			continue
		}
		want := parseUse(root, ex.words)
		if !anyRuns(want, scripted) {
			t.Errorf("README.md:%d: no script in cmd/acceptance/testdata/script runs\n\t%s\n%s", ex.line, ex.text, closest(want, scripted))
		}
	}
	for text := range allow {
		if !seen[text] {
			t.Errorf("the allow-list names an example the README no longer has: %s", text)
		}
	}
}

type readmeExample struct {
	line  int
	text  string
	words []word
}

// word is one argument; wild when it stands for any value (a placeholder, a URL, an address).
type word struct {
	text string
	wild bool
}

func readmeExamples(t *testing.T, path string) []readmeExample {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []readmeExample
	block, n := "", 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		n++
		line := sc.Text()
		if strings.HasPrefix(line, "```") {
			if block == "" {
				block = strings.TrimSpace(strings.TrimPrefix(line, "```")) + " "
			} else {
				block = ""
			}
			continue
		}
		switch block {
		case "console ":
			cmdline, ok := strings.CutPrefix(line, "$ ")
			if !ok {
				continue
			}
			line = cmdline
		case "sh ":
		default:
			continue
		}
		for _, words := range shellCommands(line) {
			if len(words) >= 3 && words[0].text == "go" && words[1].text == "run" && words[2].text == "." {
				words = append([]word{{text: "novita"}}, words[3:]...)
			}
			if len(words) > 0 && words[0].text == "novita" {
				out = append(out, readmeExample{line: n, text: joinWords(words), words: words[1:]})
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// joinWords writes a command back as the README shows it, for messages and the allow-list.
func joinWords(ws []word) string {
	parts := make([]string, len(ws))
	for i, w := range ws {
		parts[i] = w.text
		if strings.ContainsAny(w.text, " \"{}[]$*|&;()") {
			parts[i] = `"` + strings.ReplaceAll(w.text, `"`, `\"`) + `"`
		}
	}
	return strings.Join(parts, " ")
}

// shellCommands splits a shell line into its simple commands (pipelines, lists and $(...) included),
// each as its words without quotes, assignments, redirections and comments.
func shellCommands(line string) [][]word {
	var cmds [][]word
	var cur []word
	var buf strings.Builder
	inWord, wild := false, false
	endWord := func() {
		if inWord {
			cur = append(cur, word{text: buf.String(), wild: wild || isWildValue(buf.String())})
		}
		buf.Reset()
		inWord, wild = false, false
	}
	endCmd := func() {
		endWord()
		for len(cur) > 0 && regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`).MatchString(cur[0].text) {
			cur = cur[1:]
		}
		if len(cur) > 0 {
			cmds = append(cmds, cur)
		}
		cur = nil
	}
	skipNext := false // the next word is a redirection's target
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\'':
			end := strings.IndexByte(line[i+1:], '\'')
			if end < 0 {
				end = len(line) - i - 1
			}
			buf.WriteString(line[i+1 : i+1+end])
			inWord, i = true, i+1+end
		case c == '"':
			inWord = true
			for i++; i < len(line) && line[i] != '"'; i++ {
				if line[i] == '\\' && i+1 < len(line) {
					i++
				} else if line[i] == '$' {
					wild = true
					if strings.HasPrefix(line[i:], "$(") {
						inner, end := substitution(line, i)
						cmds = append(cmds, shellCommands(inner)...)
						buf.WriteString(line[i:end])
						i = end - 1
						continue
					}
				}
				buf.WriteByte(line[i])
			}
		case c == '$' && strings.HasPrefix(line[i:], "$("):
			inner, end := substitution(line, i)
			cmds = append(cmds, shellCommands(inner)...)
			buf.WriteString(line[i:end])
			inWord, wild, i = true, true, end-1
		case c == '\\' && i+1 < len(line):
			buf.WriteByte(line[i+1])
			inWord, i = true, i+1
		case c == ' ' || c == '\t':
			if skipNext && inWord {
				buf.Reset()
				inWord, wild, skipNext = false, false, false
			}
			endWord()
		case c == '#' && !inWord:
			endCmd()
			return cmds
		case c == '|' || c == ';' || c == '&':
			endCmd()
		case c == '<' && strings.IndexByte(line[i:], '>') > 0 &&
			!strings.ContainsAny(line[i:i+strings.IndexByte(line[i:], '>')], " \t"):
			end := i + strings.IndexByte(line[i:], '>')
			buf.WriteString(line[i : end+1]) // a placeholder such as <task-id>, not a redirection
			inWord, wild, i = true, true, end
		case c == '>' || c == '<':
			if inWord && buf.String() == "2" { // 2> file
				buf.Reset()
				inWord = false
			}
			endWord()
			for i+1 < len(line) && line[i+1] == '>' {
				i++
			}
			skipNext = true
		default:
			buf.WriteByte(c)
			inWord = true
		}
	}
	if skipNext && inWord {
		buf.Reset()
		inWord = false
	}
	endCmd()
	return cmds
}

// substitution returns the command inside the $( that starts at i, and the index just past its ).
func substitution(line string, i int) (string, int) {
	depth := 0
	for j := i + 1; j < len(line); j++ {
		switch line[j] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return line[i+2 : j], j + 1
			}
		}
	}
	return line[i+2:], len(line)
}

// isWildValue tells whether an example's value stands for any value: a placeholder, a URL (a script
// points it at a local server), an address (a script takes a free port).
func isWildValue(s string) bool {
	return strings.ContainsAny(s, "<>$") || strings.Contains(s, "...") || strings.Contains(s, "://") ||
		regexp.MustCompile(`^[A-Za-z0-9.\-]*:[0-9]+$`).MatchString(s)
}
