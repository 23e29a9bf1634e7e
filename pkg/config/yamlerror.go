package config

import (
	"strconv"
	"strings"

	"github.com/novita-cli/novita/pkg/clierr"
)

// yamlSyntaxError turns a YAML parser error into a message that names the file, the line and the
// kind of problem, and never any of the file's content: the text there may be an API key, and the
// library's messages quote values (`sk_live...`), anchor names and keys.
func yamlSyntaxError(path string, b []byte, err error) error {
	line, problem := splitYAMLError(err.Error())
	if name, ok := unknownAnchor(problem); ok {
		line = aliasLine(b, name)
	}
	problem = describeProblem(problem)
	if lines := strings.Split(string(b), "\n"); line > 0 && line <= len(lines) && strings.Contains(lines[line-1], "\t") &&
		problem == "found character that cannot start any token" {
		problem += " (YAML indents with spaces, not tabs)"
	}
	where := ""
	if line > 0 {
		where = " at line " + strconv.Itoa(line)
	}
	return clierr.Usagef("config file %s is not valid YAML%s: %s; fix it or remove it", path, where, problem)
}

// configShapeError reports a file that is valid YAML but not a config file.
func configShapeError(path string, line int, problem string) error {
	return clierr.Usagef("config file %s is not a valid config file at line %d: %s; fix it or remove it",
		path, max(line, 1), problem)
}

// valueDecodeError reports a value the parser accepted but cannot decode: a key defined twice
// inside it, or a scalar that contradicts its explicit tag (`!!int abc`). The library's message
// quotes both, so only its line number is kept.
func valueDecodeError(path string, line int, label string, err error) error {
	msg := err.Error()
	if strings.Contains(msg, "already defined at line") {
		if _, rest, ok := strings.Cut(msg, "line "); ok {
			if n, _, ok := strings.Cut(rest, ":"); ok {
				if v, err := strconv.Atoi(n); err == nil {
					line = v
				}
			}
		}
		if label == "a key" {
			return configShapeError(path, line, "a key is defined twice")
		}
		return configShapeError(path, line, "a key is defined twice in the value of "+label)
	}
	return configShapeError(path, line, "the value of "+label+" does not match its !!tag")
}

// splitYAMLError separates "yaml: line N: problem" and makes N 1-based: the library counts
// scanner errors from 1 but parser errors from 0, and leaves the line out when its count is 0.
func splitYAMLError(msg string) (line int, problem string) {
	msg = strings.TrimPrefix(msg, "yaml: ")
	problem = msg
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, p, ok := strings.Cut(rest, ": "); ok {
			if v, err := strconv.Atoi(n); err == nil && v > 0 {
				line, problem = v, p
			}
		}
	}
	if isParserProblem(problem) {
		return line + 1, problem
	}
	return max(line, 1), problem
}

// isParserProblem lists the problems yaml's parser (rather than its scanner) reports.
func isParserProblem(p string) bool {
	switch p {
	case "did not find expected <stream-start>", "did not find expected <document start>",
		"found undefined tag handle", "did not find expected node content", "did not find expected '-' indicator",
		"did not find expected key", "did not find expected ',' or ']'", "did not find expected ',' or '}'",
		"found duplicate %YAML directive", "found incompatible YAML document", "found duplicate %TAG directive":
		return true
	}
	return false
}

// unknownAnchor extracts the name from "unknown anchor 'NAME' referenced", which the library
// reports without a line. The name is used to find the line, never shown.
func unknownAnchor(p string) (string, bool) {
	rest, ok := strings.CutPrefix(p, "unknown anchor '")
	if !ok {
		return "", false
	}
	name, ok := strings.CutSuffix(rest, "' referenced")
	return name, ok && name != ""
}

// aliasLine is the 1-based line of the first "*name" alias in b, 0 when none is found.
func aliasLine(b []byte, name string) int {
	for i, l := range strings.Split(string(b), "\n") {
		for rest := l; ; {
			at := strings.Index(rest, "*"+name)
			if at < 0 {
				break
			}
			rest = rest[at+1+len(name):]
			if rest == "" || strings.ContainsRune(" \t\r,]}#", rune(rest[0])) {
				return i + 1
			}
		}
	}
	return 0
}

// describeProblem keeps the library's wording only when it is one of the scanner's and parser's
// fixed phrases, which quote nothing but single punctuation characters; anything else, including
// a future message that formats content into itself, becomes a generic description.
func describeProblem(p string) string {
	switch {
	case strings.HasPrefix(p, "unknown anchor"):
		return "an alias (*name) refers to an anchor (&name) that is not defined"
	case strings.HasPrefix(p, "anchor ") && strings.HasSuffix(p, "contains itself"):
		return "an anchor refers to itself"
	}
	if !printableASCII(p) || quotesText(p) {
		return "the text there cannot be parsed"
	}
	for _, prefix := range []string{
		"found ", "did not find ", "could not find ", "mapping values are not allowed",
		"mapping keys are not allowed", "block sequence entries are not allowed",
		"control characters are not allowed", "invalid leading UTF-8 octet", "invalid trailing UTF-8 octet",
		"invalid length of a UTF-8 sequence", "invalid Unicode character", "invalid character sequence",
		"expected low surrogate area", "exceeded max depth of ", "document contains excessive aliasing",
	} {
		if strings.HasPrefix(p, prefix) {
			return p
		}
	}
	return "the text there cannot be parsed"
}

// quotesText reports whether p quotes more than a single character, as a message echoing a value
// would: "did not find expected ',' or ']'" quotes punctuation only.
func quotesText(p string) bool {
	for _, q := range []string{"'", `"`, "`"} {
		parts := strings.Split(p, q)
		for i := 1; i < len(parts); i += 2 {
			if len(parts[i]) > 1 {
				return true
			}
		}
	}
	return false
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
