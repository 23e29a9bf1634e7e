package config

import (
	"github.com/novita-cli/novita/pkg/config"
	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/iostreams"
)

// setting is one effective setting as `config list` shows it.
type setting struct {
	Key    string `json:"key"`
	Value  string `json:"value"`
	Source string `json:"source"` // flag|env|file|default|unset
	From   string `json:"from,omitempty"`
}

// effective is every known setting as this command line resolves it (flag > env > file > default),
// secrets redacted, then any key the file holds that this version does not know.
func effective(o *Options, f *config.File) []setting {
	g := o.Globals
	flags := map[string]struct {
		value string
		set   bool
	}{
		"api_key":  {g.APIKey, g.Changed("api-key")},
		"base_url": {g.BaseURL, g.Changed("base-url")},
	}
	var out []setting
	known := map[string]bool{}
	for _, k := range config.Keys() {
		known[k.Name] = true
		fl := flags[k.Name]
		v, src := f.Resolve(o.Getenv, k.Name, fl.value, fl.set)
		s := setting{Key: k.Name, Value: k.Display(v, false)}
		switch src {
		case config.SourceFlag:
			s.Source, s.From = "flag", k.Flag
		case config.SourceEnv:
			s.Source, s.From = "env", k.Env
		case config.SourceFile:
			s.Source, s.From = "file", f.Path
		default:
			s.Source = "default"
			if k.Name == "output" && v == "" { // the key has no default of its own: saving falls back to this
				s.Value = download.DefaultTemplate
			} else if v == "" {
				s.Source = "unset"
			}
		}
		out = append(out, s)
	}
	for _, name := range f.Names() {
		if !known[name] {
			v, _ := f.Get(name)
			out = append(out, setting{Key: name, Value: config.Redact(v), Source: "file", From: f.Path + " (unknown key)"})
		}
	}
	return out
}

// listConfig prints every effective setting and where it comes from.
func listConfig(o *Options, f *config.File) error {
	io := o.IO
	rows := effective(o, f)
	if o.Globals.JSON {
		return iostreams.WriteJSON(io.Out, map[string]any{"path": f.Path, "settings": rows})
	}
	tb := iostreams.NewTable(iostreams.Column{Header: "KEY", Keep: true}, iostreams.Column{Header: "VALUE"},
		iostreams.Column{Header: "SOURCE", Wrap: true})
	for _, s := range rows {
		value, src := s.Value, s.Source
		if value == "" {
			value = "-"
		}
		if s.From != "" {
			src += " (" + s.From + ")"
		}
		tb.Row(s.Key, iostreams.Safe(value), iostreams.Safe(src))
	}
	return tb.Render(io.Out, io.TableWidth())
}
