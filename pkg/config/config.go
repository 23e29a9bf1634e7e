// Package config owns the configuration file and the precedence rule flag > env > file > default.
// It is the only package that imports viper, and it uses its own viper instances (viper.New), never
// the global one, so tests and concurrent commands cannot leak settings into each other.
package config

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/viper"

	"github.com/novita-cli/novita/pkg/clierr"
)

// Key describes one setting.
type Key struct {
	Name    string // config file key
	Env     string // environment variable, "" for none
	Secret  bool   // redacted by list, prompted without echo by set
	Default string
	Help    string
}

// Keys lists every setting the config file may hold.
func Keys() []Key {
	return []Key{
		{Name: "api_key", Env: "NOVITA_API_KEY", Secret: true, Help: "API key (Authorization: Bearer <key>)"},
		{Name: "base_url", Env: "NOVITA_BASE_URL", Default: "https://api.novita.ai", Help: "API base URL"},
		{Name: "ngrok_authtoken", Env: "NGROK_AUTHTOKEN", Secret: true, Help: "ngrok authtoken for webhook tunnels"},
		{Name: "ngrok_url", Env: "NOVITA_NGROK_URL", Help: "reserved ngrok domain for the tunnel"},
		{Name: "tunnel", Env: "NOVITA_TUNNEL", Default: "auto", Help: "tunnel mode: auto|ngrok|local|none"},
		{Name: "public_url", Env: "NOVITA_PUBLIC_URL", Help: "your own public URL forwarding to --listen-addr"},
		{Name: "output", Env: "NOVITA_OUTPUT", Help: "default output template"},
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
	values map[string]string
}

// Load reads the file at path; a missing file is an empty config.
func Load(path string) (*File, error) {
	f := &File{Path: path, values: map[string]string{}}
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return f, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read config %s: %w", path, err)
	}
	v := viper.New()
	v.SetConfigType("yaml")
	if err := v.ReadConfig(bytes.NewReader(b)); err != nil {
		return nil, clierr.Usagef("config file %s is not valid YAML: %v (fix it, or remove it and use: novita config set)", path, err)
	}
	for k, val := range v.AllSettings() {
		f.values[k] = fmt.Sprint(val)
	}
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

// Set stores key=value and writes the file (mode 0600, atomically).
func (f *File) Set(key, value string) error {
	if _, ok := LookupKey(key); !ok {
		return clierr.Usagef("unknown config key %q (known keys: %s)", key, keyNames())
	}
	f.values[key] = value
	return f.save()
}

// Unset removes key and writes the file.
func (f *File) Unset(key string) error {
	if _, ok := LookupKey(key); !ok {
		return clierr.Usagef("unknown config key %q (known keys: %s)", key, keyNames())
	}
	delete(f.values, key)
	return f.save()
}

func (f *File) save() error {
	v := viper.New()
	v.SetConfigType("yaml")
	for k, val := range f.values {
		v.Set(k, val)
	}
	var buf bytes.Buffer
	if err := v.WriteConfigTo(&buf); err != nil {
		return fmt.Errorf("encode config: %w", err)
	}
	dir := filepath.Dir(f.Path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create config directory %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, ".config-*.yaml")
	if err != nil {
		return fmt.Errorf("write config %s: %w", f.Path, err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("write config %s: %w", f.Path, err)
	}
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return fmt.Errorf("write config %s: %w", f.Path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write config %s: %w", f.Path, err)
	}
	if err := os.Rename(tmp.Name(), f.Path); err != nil {
		return fmt.Errorf("write config %s: %w", f.Path, err)
	}
	return nil
}

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
