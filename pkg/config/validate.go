package config

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/download"
)

// sourceSet marks a value the user is saving with `config set`, for the wording of its errors.
const sourceSet Source = "set"

// Validate checks a value about to be saved under key. Its error is a usage error (exit 2) naming
// the key, the value (never a secret's) and what is accepted.
func Validate(key, value string) error {
	k, ok := LookupKey(key)
	if !ok {
		return unknownKey(key)
	}
	return problemError(k, value, sourceSet, "", valueProblem(k, value))
}

// Check validates a value resolved at use time (Resolve's value and source), so that a bad
// `tunnel: bogus` in the file fails naming the file, the key and the fix, rather than as an
// anonymous error later. Empty values and defaults pass: "not set" is the caller's business.
func (f *File) Check(key, value string, src Source) error {
	k, ok := LookupKey(key)
	if !ok || value == "" || src == SourceDefault {
		return nil
	}
	return problemError(k, value, src, f.Path, valueProblem(k, value))
}

// ResolveChecked is Resolve followed by Check.
func (f *File) ResolveChecked(env Env, key, flagValue string, flagSet bool) (string, Source, error) {
	v, src := f.Resolve(env, key, flagValue, flagSet)
	return v, src, f.Check(key, v, src)
}

// Origin names where a resolved value came from, for messages such as "the API key from
// NOVITA_API_KEY was rejected": the flag, the environment variable, the config file or "default".
func (f *File) Origin(key string, src Source) string {
	k, _ := LookupKey(key)
	switch src {
	case SourceFlag:
		return k.Flag
	case SourceEnv:
		return k.Env
	case SourceFile:
		return f.Path
	}
	return "the default"
}

// valueProblem says what is wrong with v for k, "" when nothing is.
func valueProblem(k Key, v string) string {
	switch {
	case k.Secret:
		return secretProblem(v)
	case len(k.Choices) > 0:
		for _, c := range k.Choices {
			if strings.EqualFold(strings.TrimSpace(v), c) {
				return ""
			}
		}
		return "is not one of " + strings.Join(k.Choices, ", ")
	}
	switch k.Name {
	case "base_url", "public_url":
		if u, err := url.Parse(v); err != nil || !strings.EqualFold(u.Scheme, "http") && !strings.EqualFold(u.Scheme, "https") || u.Hostname() == "" {
			return "is not an absolute http:// or https:// URL with a host"
		}
	case "ngrok_url":
		if !isNgrokURL(v) {
			return "is not an https:// URL or a bare domain (https://NAME.ngrok.app or NAME.ngrok.app)"
		}
	case "output":
		if _, err := download.ParseTemplate(v); err != nil {
			reason := strings.TrimPrefix(err.Error(), fmt.Sprintf("output template %q", v))
			return "is not a valid output template: " + strings.TrimLeft(reason, ": ")
		}
	}
	return ""
}

// secretProblem finds what would make a key or token fail at the API, or corrupt the header it is
// sent in, without quoting any of it. Keys and tokens are printable ASCII without spaces.
func secretProblem(v string) string {
	switch {
	case strings.HasSuffix(v, "\r") || strings.HasSuffix(v, "\r\n"):
		return `ends with a carriage return (\r), as a line saved on Windows does`
	case strings.HasSuffix(v, "\n"):
		return "ends with a line break"
	case strings.TrimLeftFunc(v, unicode.IsSpace) != v:
		return "starts with whitespace"
	case strings.TrimRightFunc(v, unicode.IsSpace) != v:
		return "ends with whitespace"
	}
	pos := 0
	for _, r := range v {
		pos++
		switch {
		case r < 0x20 || r == 0x7f:
			return fmt.Sprintf("contains a control character (U+%04X, character %d)", r, pos)
		case unicode.IsSpace(r):
			return fmt.Sprintf("contains whitespace (character %d)", pos)
		case r > 0x7e:
			return fmt.Sprintf("contains a character that is not printable ASCII (character %d)", pos)
		}
	}
	return ""
}

// isNgrokURL accepts what the tunnel hands to ngrok's WithURL for a reserved domain: an https URL
// with nothing but a host, or the bare domain (ngrok assumes https).
func isNgrokURL(v string) bool {
	host := v
	if strings.Contains(v, "://") {
		u, err := url.Parse(v)
		if err != nil || !strings.EqualFold(u.Scheme, "https") || u.User != nil || u.Port() != "" ||
			(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
			return false
		}
		host = u.Host
	}
	labels := strings.Split(host, ".")
	if len(labels) < 2 || len(host) > 253 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// SettingError is a value a setting cannot take: the key, the value, where it came from (File is the
// config file's path when Source is SourceFile) and what is wrong. Its words name the key and never a
// secret's value; the way to put it right (the command that saves a value, the flag) is the caller's.
type SettingError struct {
	Key     Key
	Value   string
	Source  Source
	File    string
	Problem string
}

func (e *SettingError) Error() string {
	switch e.Source {
	case SourceFlag:
		return e.Key.Name + e.Shown() + " given on the command line " + e.Problem
	case SourceFile:
		return e.Key.Name + e.Shown() + " in " + e.File + " " + e.Problem
	case SourceEnv:
		return e.Key.Name + e.Shown() + " from " + e.Key.Env + " " + e.Problem
	}
	return e.Key.Name + e.Shown() + " " + e.Problem
}

// Shown is the value as messages quote it: ` "auto"`, or nothing for a secret.
func (e *SettingError) Shown() string {
	if e.Key.Secret {
		return ""
	}
	return fmt.Sprintf(" %q", e.Value)
}

// ExitKind is usage: the setting was given wrong.
func (e *SettingError) ExitKind() clierr.Kind { return clierr.KindUsage }

// Saving reports whether the value was about to be saved (Validate), not read at use time.
func (e *SettingError) Saving() bool { return e.Source == sourceSet }

// problemError is the SettingError of a problem ("" none).
func problemError(k Key, v string, src Source, path, problem string) error {
	if problem == "" {
		return nil
	}
	return &SettingError{Key: k, Value: v, Source: src, File: path, Problem: problem}
}

// ShellQuote quotes s for a POSIX shell when it needs it (an example value in a fix).
func ShellQuote(s string) string { return shellQuote(s) }

func shellQuote(s string) string {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("._-/:@", c)) {
			return "'" + s + "'"
		}
	}
	return s
}

func unknownKey(key string) error {
	return clierr.Usagef("unknown config key %q (known keys: %s)", key, keyNames())
}
