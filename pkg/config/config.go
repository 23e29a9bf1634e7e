// Package config owns the configuration file and the precedence rule flag > env > file > default:
// reading it, editing it in place (comments, key order and symlinks kept), validating values when
// they are saved and when they are used. It is the only package that imports viper, and it uses
// its own viper instances (viper.New), never the global one, so tests and concurrent commands
// cannot leak settings into each other.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/viper"

	"github.com/novita-cli/novita/pkg/preview"
	"github.com/novita-cli/novita/pkg/tunnel/tunnelmode"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/download"
)

// Key describes one setting.
type Key struct {
	Name    string   // config file key
	Env     string   // environment variable, "" for none
	Flag    string   // the command-line flag that overrides it, e.g. "--base-url"
	Secret  bool     // redacted by get and list, prompted without echo by set, never quoted in errors
	Default string   // used when no flag, env or file sets it
	Choices []string // the accepted values, for keys that take one of a fixed set
	Example string   // a valid value, used in the fix that error messages suggest
	Help    string
}

// Keys lists every setting the config file may hold.
func Keys() []Key {
	return []Key{
		{Name: "api_key", Env: "NOVITA_API_KEY", Flag: "--api-key", Secret: true, Help: "API key (Authorization: Bearer <key>)"},
		{Name: "base_url", Env: "NOVITA_BASE_URL", Flag: "--base-url", Default: "https://api.novita.ai",
			Example: "https://api.novita.ai", Help: "API base URL"},
		{Name: "ngrok_authtoken", Env: "NGROK_AUTHTOKEN", Flag: "--ngrok-authtoken", Secret: true, Help: "ngrok authtoken for webhook tunnels"},
		{Name: "ngrok_url", Env: "NOVITA_NGROK_URL", Flag: "--ngrok-url", Example: "https://you.ngrok.app",
			Help: "reserved ngrok domain for the tunnel"},
		{Name: "tunnel", Env: "NOVITA_TUNNEL", Flag: "--tunnel", Default: "auto", Choices: tunnelmode.Modes(),
			Example: "auto", Help: "tunnel mode: auto|ngrok|local|none"},
		{Name: "public_url", Env: "NOVITA_PUBLIC_URL", Flag: "--public-url", Example: "https://hooks.example.com",
			Help: "your own public URL forwarding to --listen-addr"},
		{Name: "output", Env: "NOVITA_OUTPUT", Flag: "--output", Example: download.DefaultTemplate, Help: "default output template"},
		{Name: "mcp.output_dir", Env: "NOVITA_MCP_OUTPUT_DIR", Flag: "--output-dir", Example: "novita-outputs",
			Help: "where novita mcp saves outputs when a tool call names no output_dir (default ./novita-outputs)"},
		{Name: "preview", Env: "NOVITA_PREVIEW", Flag: "--preview", Default: "auto", Choices: preview.Modes(),
			Example: "auto", Help: "inline image previews: auto|off|kitty|iterm|sixel"},
		{Name: "metadata", Env: "NOVITA_METADATA", Flag: "--metadata", Default: "none", Choices: []string{"none", "embed", "sidecar"},
			Example: "embed", Help: "provenance in saved outputs: none|embed (in the file)|sidecar (<file>.json)"},
	}
}

// LookupKey finds a key by name.
func LookupKey(name string) (Key, bool) {
	for _, k := range Keys() {
		if k.Name == name {
			return k, true
		}
	}
	return Key{}, false
}

// Display is how `config get` shows a value: a secret is redacted unless the user asked to see it
// (--reveal), whether or not stdout is a terminal, since pipes end up in logs too.
func (k Key) Display(value string, reveal bool) string {
	if k.Secret && !reveal {
		return Redact(value)
	}
	return value
}

func keyNames() string {
	var names []string
	for _, k := range Keys() {
		names = append(names, k.Name)
	}
	return strings.Join(names, ", ")
}

// Env reads environment variables; tests inject a map.
type Env func(string) string

// DefaultPath is $XDG_CONFIG_HOME/novita/config.yaml (or ~/.config/novita/config.yaml).
func DefaultPath(env Env) string {
	if p := env("NOVITA_CONFIG"); p != "" {
		return p
	}
	dir := env("XDG_CONFIG_HOME")
	if dir == "" {
		home := env("HOME")
		if home == "" {
			home, _ = os.UserHomeDir()
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "novita", "config.yaml")
}

// File is a loaded config file.
type File struct {
	Path   string
	raw    []byte            // the file as read or last written; edits start from it
	values map[string]string // scalar settings by lower-case key
}

// Load reads the file at path; a missing file (or a dangling symlink) is an empty config. Errors
// name the file and line but never quote its content, which may hold a key.
func Load(path string) (*File, error) {
	f := &File{Path: path, values: map[string]string{}}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read config %s: %w", path, err)
	}
	d, err := parseDocument(path, b)
	if err != nil {
		return nil, err
	}
	vals, err := d.values()
	if err != nil {
		return nil, err
	}
	// viper remains the project's YAML reader of record: a file it cannot read is refused here,
	// not later. Its error is not shown, since it quotes content. The values come from the node
	// tree because viper turns "api_key: 0123" into "83".
	v := viper.New()
	v.SetConfigType("yaml")
	if err := v.ReadConfig(bytes.NewReader(b)); err != nil {
		return nil, clierr.Usagef("config file %s could not be read as YAML; fix it or remove it", path)
	}
	f.raw, f.values = b, vals
	return f, nil
}

// Get returns a value from the file only.
func (f *File) Get(key string) (string, bool) {
	v, ok := f.values[key]
	return v, ok
}

// Names returns the keys present in the file, sorted.
func (f *File) Names() []string {
	var out []string
	for k := range f.values {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Set validates value (surrounding whitespace trimmed; a choice saved in lower case) and saves it,
// editing the file in place: comments, key order and symlinks survive. Validation failures are
// usage errors naming the key, the value (never a secret's) and what is accepted.
func (f *File) Set(key, value string) error {
	k, ok := LookupKey(key)
	if !ok {
		return unknownKey(key)
	}
	value = strings.TrimSpace(value)
	if value == "" {
		return &EmptyValueError{Key: k.Name}
	}
	if err := Validate(k.Name, value); err != nil {
		return err
	}
	if len(k.Choices) > 0 {
		value = strings.ToLower(value)
	}
	_, err := f.edit(func(d *document) (bool, error) {
		d.set(k.Name, value)
		return true, nil
	})
	return err
}

// Unset removes key and writes the file; see Remove.
func (f *File) Unset(key string) error {
	_, err := f.Remove(key)
	return err
}

// Remove deletes key from the file and reports whether it was there; when it was not, the file is
// left untouched, so the caller can say "api_key was not set in <file>". A key this version does
// not know can be removed when the file has it (a leftover or a typo).
func (f *File) Remove(key string) (bool, error) {
	name := strings.ToLower(key)
	return f.edit(func(d *document) (bool, error) {
		if _, known := LookupKey(name); !known && d.find(name) < 0 {
			return false, unknownKey(key)
		}
		return d.remove(name), nil
	})
}

// EmptyValueError is an empty value given to save: a key is removed, not set to nothing.
type EmptyValueError struct{ Key string }

func (e *EmptyValueError) Error() string {
	return "empty value for " + e.Key + ": to remove it, unset the key"
}

// ExitKind is usage: the value was given wrong.
func (e *EmptyValueError) ExitKind() clierr.Kind { return clierr.KindUsage }

// Source says where a resolved value came from.
type Source string

const (
	SourceFlag    Source = "flag"
	SourceEnv     Source = "env"
	SourceFile    Source = "config"
	SourceDefault Source = "default"
)

// Resolve applies flag > env > file > default for one key.
func (f *File) Resolve(env Env, key, flagValue string, flagSet bool) (string, Source) {
	if flagSet {
		return flagValue, SourceFlag
	}
	k, _ := LookupKey(key)
	if k.Env != "" {
		if v := env(k.Env); v != "" {
			return v, SourceEnv
		}
	}
	if v, ok := f.values[key]; ok && v != "" {
		return v, SourceFile
	}
	return k.Default, SourceDefault
}

// Redact shows a secret as a short hint: never the value itself.
func Redact(v string) string {
	if v == "" {
		return ""
	}
	return "******** (set)"
}
