package app

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/config"
)

// ConfigOptions is what `novita config <action>` was asked to do.
type ConfigOptions struct {
	Action   string // get|set|unset|list|path
	Key      string
	Value    string
	HasValue bool
}

// RunConfig reads or edits the config file.
func RunConfig(e *Env, o ConfigOptions) error {
	f := e.Config
	switch o.Action {
	case "path":
		fmt.Fprintln(e.IO.Out, f.Path)
		return nil
	case "list":
		return listConfig(e, f)
	}
	k, ok := config.LookupKey(o.Key)
	if !ok {
		return clierr.Usagef("unknown config key %q (known keys: %s)", o.Key, knownKeys())
	}
	switch o.Action {
	case "get":
		v, ok := f.Get(k.Name)
		if !ok {
			return fmt.Errorf("%s is not set in %s", k.Name, f.Path)
		}
		if k.Secret && e.IO.OutTTY {
			v = config.Redact(v) // a terminal may be shared or recorded; pipe it to see the value
		}
		fmt.Fprintln(e.IO.Out, v)
		return nil
	case "unset":
		if err := f.Unset(k.Name); err != nil {
			return err
		}
		e.IO.Statusf("removed %s from %s", k.Name, f.Path)
		return nil
	case "set":
		v := o.Value
		if !o.HasValue {
			var err error
			if v, err = readValue(e, k); err != nil {
				return err
			}
		}
		v = strings.TrimSpace(v)
		if v == "" {
			return clierr.Usagef("empty value for %s: to remove it run: novita config unset %s", k.Name, k.Name)
		}
		if err := f.Set(k.Name, v); err != nil {
			return err
		}
		e.IO.Statusf("saved %s in %s", k.Name, f.Path)
		return nil
	}
	return clierr.Usagef("unknown config action %q (use get, set, unset, list or path)", o.Action)
}

// readValue prompts without echo on a terminal, and reads one line from stdin otherwise.
func readValue(e *Env, k config.Key) (string, error) {
	if e.IO.InTTY && e.IO.ReadSecret != nil {
		fmt.Fprintf(e.IO.ErrOut, "%s: ", k.Name)
		v, err := e.IO.ReadSecret()
		fmt.Fprintln(e.IO.ErrOut)
		if err != nil {
			return "", fmt.Errorf("read %s: %w", k.Name, err)
		}
		return v, nil
	}
	line, err := bufio.NewReader(e.IO.In).ReadString('\n')
	if err != nil && line == "" {
		return "", clierr.Usagef("no value for %s on stdin: run novita config set %s <value>, or pipe it in", k.Name, k.Name)
	}
	return line, nil
}

func listConfig(e *Env, f *config.File) error {
	rows := map[string]string{}
	for _, name := range f.Names() {
		v, _ := f.Get(name)
		if k, ok := config.LookupKey(name); !ok || k.Secret {
			v = config.Redact(v)
		}
		rows[name] = v
	}
	if e.JSON {
		return writeJSON(e.IO.Out, rows)
	}
	for _, name := range f.Names() {
		fmt.Fprintf(e.IO.Out, "%s=%s\n", name, rows[name])
	}
	return nil
}

func knownKeys() string {
	var names []string
	for _, k := range config.Keys() {
		names = append(names, k.Name)
	}
	return strings.Join(names, ", ")
}
