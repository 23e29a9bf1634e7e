package models

import (
	"io"
	"os"
	"strings"
	"time"

	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/models"
	"github.com/novita-cli/novita/pkg/novita"
)

// printNDJSON writes each model as one line, exactly as the API sent it.
func printNDJSON(w io.Writer, ms []novita.Model) error {
	for _, m := range ms {
		var err error
		if len(m.Raw) > 0 {
			err = iostreams.WriteRawJSONLine(w, m.Raw)
		} else {
			err = iostreams.WriteJSONLine(w, m)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// printTable writes NAME, TYPE, BASE and TAGS (and STATUS when unavailable models are shown). Every
// cell came from the network, so each is escaped; colour (faint tags) only on a terminal.
func printTable(ios *iostreams.IOStreams, ms []novita.Model, withStatus bool) error {
	if len(ms) == 0 {
		return nil
	}
	cs := ios.ColorScheme()
	cols := []iostreams.Column{{Header: "NAME", Keep: true}, {Header: "TYPE"}, {Header: "BASE"}}
	if withStatus {
		cols = append(cols, iostreams.Column{Header: "STATUS", Keep: true})
	}
	tb := iostreams.NewTable(append(cols, iostreams.Column{Header: "TAGS"})...)
	for _, m := range ms {
		row := []string{iostreams.Safe(m.APIName()), iostreams.Safe(typeName(m)), iostreams.Safe(base(m))}
		if withStatus {
			row = append(row, status(m))
		}
		// TAGS is what the table cuts to fit a terminal (NAME never: it is what users copy); piped, it is whole.
		row = append(row, cs.Faint(iostreams.Safe(strings.Join(m.Tags, ", "))))
		tb.Row(row...)
	}
	return tb.Render(ios.Out, ios.TableWidth())
}

func typeName(m novita.Model) string {
	if m.Type.Name != "" {
		return m.Type.Name
	}
	return dash(m.Type.DisplayName)
}

func base(m novita.Model) string {
	b := dash(m.BaseModel)
	if m.IsInpainting() {
		b += " inpainting"
	}
	return b
}

func status(m novita.Model) string {
	if m.Available() {
		return "available"
	}
	return "unavailable"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// summarize tells, on stderr, what the table does not show: hidden unavailable models, further pages,
// and (on a terminal) how to get completion when the cache is missing or old.
func (o *Options) summarize(l listing, cache *models.Cache) {
	ios := o.IO
	switch {
	case l.hidden > 0:
		ios.Statusf("%d unavailable %s hidden (--include-unavailable shows them)", l.hidden, plural(l.hidden, "model"))
	case len(l.models) == 0:
		ios.Statusf("no models match")
	}
	if l.more {
		ios.Statusf("more models on later pages: --all lists them all")
	}
	if ios.ErrTTY && !l.cached && cacheOld(cache, o.Clock.Now()) {
		ios.Statusf("tip: novita models --refresh saves the list, so --model completes and submit checks names")
	}
}

// cacheOld is a cheap look at the cache file's age (reading a large list just for a tip would cost
// more than the tip is worth): true when it is missing or written more than MaxAge ago.
func cacheOld(c *models.Cache, now time.Time) bool {
	if c.Path == "" {
		return false
	}
	st, err := os.Stat(c.Path)
	return err != nil || now.Sub(st.ModTime()) > c.MaxAge
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
