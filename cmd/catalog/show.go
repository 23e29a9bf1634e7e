package catalog

import (
	"fmt"
	"github.com/novita-cli/novita/cmd/internal/example"
	"io"
	"strconv"
	"strings"

	spec "github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/iostreams"
)

// taskDoc is one task's --json document.
type taskDoc struct {
	Name     string       `json:"name"`
	Path     string       `json:"path"`
	Mode     string       `json:"mode"`
	Kind     string       `json:"kind"`
	Shape    string       `json:"shape"`
	TaskType string       `json:"task_type,omitempty"`
	Aliases  []string     `json:"aliases"`
	Summary  string       `json:"summary"`
	Docs     string       `json:"docs,omitempty"`
	Source   string       `json:"source,omitempty"`
	Checked  string       `json:"checked,omitempty"`
	Webhook  *webhookDoc  `json:"webhook,omitempty"`
	Groups   []spec.Group `json:"groups,omitempty"`
	Notes    string       `json:"notes,omitempty"`
	Params   []paramDoc   `json:"params"`
	Example  string       `json:"example"`
}

// webhookDoc says where an asynchronous task's webhook URL goes.
type webhookDoc struct {
	Path       string `json:"path"`
	Documented bool   `json:"documented"`
}

// paramDoc is one parameter of a task's --json document, as its spec gives it.
type paramDoc struct {
	Path         string          `json:"path"`
	Flag         string          `json:"flag,omitempty"`
	Short        string          `json:"short,omitempty"`
	Type         string          `json:"type"`
	Items        *paramDoc       `json:"items,omitempty"`
	Required     bool            `json:"required"`
	Default      any             `json:"default,omitempty"`
	APIDefault   any             `json:"api_default,omitempty"`
	Min          *float64        `json:"min,omitempty"`
	Max          *float64        `json:"max,omitempty"`
	ExclusiveMin bool            `json:"exclusive_min,omitempty"`
	MinLength    *int            `json:"min_length,omitempty"`
	MaxLength    *int            `json:"max_length,omitempty"`
	Enum         []string        `json:"enum,omitempty"`
	MinItems     *int            `json:"min_items,omitempty"`
	MaxItems     *int            `json:"max_items,omitempty"`
	Encoding     string          `json:"encoding,omitempty"`
	Description  string          `json:"description,omitempty"`
	Notes        string          `json:"notes,omitempty"`
	DefaultBy    *spec.DefaultBy `json:"default_by,omitempty"`
}

func docOf(p *spec.Param) *paramDoc {
	if p == nil {
		return nil
	}
	return &paramDoc{Path: p.Path, Flag: p.Flag, Short: p.Short, Type: p.Type, Items: docOf(p.Items), Required: p.Required,
		Default: p.Default, APIDefault: p.APIDefault, Min: p.Min, Max: p.Max, ExclusiveMin: p.ExclusiveMin,
		MinLength: p.MinLength, MaxLength: p.MaxLength, Enum: p.Enum, MinItems: p.MinItems, MaxItems: p.MaxItems,
		Encoding: p.Encoding, Description: strings.TrimSpace(p.Description), Notes: strings.TrimSpace(p.Notes),
		DefaultBy: p.DefaultBy}
}

// runShow prints one task: its endpoint, its parameters as a table, its notes and an example.
func runShow(o *Options) error {
	io := o.IO
	cat, err := spec.Load()
	if err != nil {
		return err
	}
	t, err := resolve(o, cat)
	if err != nil {
		return err
	}
	if o.JSON {
		d := taskDoc{Name: t.Name, Path: t.Path, Mode: string(t.Mode), Kind: t.OutputKind, Shape: t.Shape.String(),
			TaskType: t.TaskType, Aliases: t.Aliases, Summary: t.Description, Docs: t.Docs, Notes: t.Notes,
			Source: t.Source, Checked: t.Checked, Groups: t.Groups,
			Params: make([]paramDoc, len(t.Params)), Example: example.Command(t)}
		if t.Mode == spec.ModeAsync {
			d.Webhook = &webhookDoc{Path: t.WebhookPath(), Documented: t.Webhook.Documented}
		}
		if d.Aliases == nil {
			d.Aliases = []string{}
		}
		for i := range t.Params {
			d.Params[i] = *docOf(&t.Params[i])
		}
		return iostreams.WriteJSON(io.Out, d)
	}
	w, width := io.Out, io.TableWidth()
	fmt.Fprintf(w, "%s\n\n", iostreams.Wrap("", t.Name+": "+t.Description, width, ""))
	answers := "asynchronous: answers a task id; the result comes by webhook or polling"
	if t.Sync() {
		answers = "synchronous: answers the outputs at once"
	}
	if t.Mode == spec.ModeTraining {
		answers = "training: uploads the images first, then answers a task id; run it with " + example.TrainCommand(t.Path)
	}
	field := func(name, value string) {
		fmt.Fprintln(w, iostreams.Wrap(fmt.Sprintf("  %-10s ", name), value, width, strings.Repeat(" ", 13)))
	}
	field("endpoint", fmt.Sprintf("POST %s (%s)", t.Path, answers))
	field("output", t.OutputKind)
	field("body", t.Shape.String())
	if t.TaskType != "" {
		field("task_type", t.TaskType)
	}
	if len(t.Aliases) > 0 {
		field("aliases", strings.Join(t.Aliases, ", "))
	}
	if t.Docs != "" && t.Docs != t.Source {
		field("reference", t.Docs)
	}
	if t.Source != "" {
		field("source", t.Source)
	}
	if t.Checked != "" {
		field("checked", t.Checked)
	}
	if t.Mode == spec.ModeAsync && (t.WebhookPath() != spec.DefaultWebhookPath || !t.Webhook.Documented) {
		note := ""
		if !t.Webhook.Documented {
			note = " (not on this endpoint's page; dropped and remembered if refused)"
		}
		field("webhook", t.WebhookPath()+note)
	}
	if t.Mode == spec.ModeTraining {
		fmt.Fprintf(w, "\nParameters (the flags of %s; fields without one are filled in by it):\n", example.TrainCommand(t.Path))
	} else {
		fmt.Fprintln(w, "\nParameters (set a field without a flag with --set path=value):")
	}
	tb := iostreams.NewTable(iostreams.Column{Header: "FLAG", Keep: true}, iostreams.Column{Header: "PATH", Wrap: true, Min: 24},
		iostreams.Column{Header: "TYPE", Wrap: true}, iostreams.Column{Header: "REQUIRED"}, iostreams.Column{Header: "DEFAULT", Wrap: true},
		iostreams.Column{Header: "ALLOWED", Wrap: true}, iostreams.Column{Header: "DESCRIPTION", Wrap: true})
	tb.Indent = "  "
	for i := range t.Params {
		p := &t.Params[i]
		tb.Row(flagCell(p), p.Path, typeCell(p), yes(p.Required), dash(defaultCell(p)), dash(allowedCell(p)), spec.FirstSentence(p.Description))
	}
	if tb.Fits(width) {
		if err := tb.Render(w, width); err != nil {
			return err
		}
	} else {
		stacked(w, t.Params, width)
	}
	if len(t.Groups) > 0 {
		fmt.Fprintln(w, "\nFields that go together:")
		for _, g := range t.Groups {
			rule := "at least one of"
			switch {
			case g.Required && g.Exclusive:
				rule = "exactly one of"
			case g.Exclusive:
				rule = "at most one of"
			}
			line := rule + " " + strings.Join(g.Paths, ", ")
			if g.Message != "" {
				line += " (" + g.Message + ")"
			}
			fmt.Fprintln(w, iostreams.Wrap("  ", line, width, "    "))
		}
	}
	if t.Notes != "" {
		fmt.Fprintln(w, "\nNotes:")
		notes := strings.TrimSpace(t.Notes)
		if width > 0 { // reflow: the spec's line breaks were made for a wide page
			notes = strings.Join(strings.Fields(notes), " ")
		}
		for _, para := range strings.Split(notes, "\n") {
			fmt.Fprintln(w, iostreams.Wrap("  ", para, width, "  "))
		}
	}
	fmt.Fprintf(w, "\nExample:\n%s\n", iostreams.Wrap("  $ ", example.Command(t), width, "      "))
	return nil
}

func flagCell(p *spec.Param) string {
	switch {
	case p.Flag == "":
		return "-"
	case p.Short != "":
		return "-" + p.Short + ", --" + p.Flag
	}
	return "--" + p.Flag
}

func typeCell(p *spec.Param) string {
	t := p.Type
	if p.Items != nil {
		t += " of " + p.Items.Type
		if p.Items.Encoding != "" {
			t += " (" + p.Items.Encoding + ")"
		}
	}
	if p.Type == spec.ParamFile {
		t += " (" + p.Encoding + ")"
	}
	return t
}

// defaultCell is the value sent when the field is not given, else the API's own default, marked so.
func defaultCell(p *spec.Param) string {
	d := p.DefaultText()
	if d != "" && p.Default == nil {
		return d + " (API)"
	}
	if p.DefaultBy != nil {
		d += " (" + p.DefaultBy.Text() + ")"
	}
	return d
}

// allowedCell sums up a parameter's rules: enum values, numeric range, length, number of items.
func allowedCell(p *spec.Param) string {
	var parts []string
	enum := p.Enum
	if enum == nil && p.Items != nil {
		enum = p.Items.Enum
	}
	if len(enum) > 0 {
		parts = append(parts, enumText(enum))
	}
	if r := rangeCell(p.Min, p.Max, p.ExclusiveMin); r != "" {
		parts = append(parts, r)
	}
	if r := countCell(p.MinLength, p.MaxLength, "chars"); r != "" {
		parts = append(parts, r)
	}
	if r := countCell(p.MinItems, p.MaxItems, "items"); r != "" {
		parts = append(parts, r)
	}
	if p.Sum != nil {
		parts = append(parts, fmt.Sprintf("total %s ≤ %s", p.Sum.Field, num(p.Sum.Max)))
	}
	return strings.Join(parts, "; ")
}

// enumText lists the values, the first few of a long list.
func enumText(values []string) string {
	const show = 6
	if len(values) <= show {
		return strings.Join(values, "|")
	}
	return strings.Join(values[:show], "|") + fmt.Sprintf("|... (%d values)", len(values))
}

func rangeCell(lo, hi *float64, exclMin bool) string {
	ge := "≥ "
	if exclMin {
		ge = "> "
	}
	switch {
	case lo != nil && hi != nil && !exclMin:
		return num(*lo) + " to " + num(*hi)
	case lo != nil && hi != nil:
		return ge + num(*lo) + ", ≤ " + num(*hi)
	case lo != nil:
		return ge + num(*lo)
	case hi != nil:
		return "≤ " + num(*hi)
	}
	return ""
}

func countCell(lo, hi *int, unit string) string {
	switch {
	case lo != nil && hi != nil:
		return fmt.Sprintf("%d-%d %s", *lo, *hi, unit)
	case lo != nil:
		return fmt.Sprintf("≥ %d %s", *lo, unit)
	case hi != nil:
		return fmt.Sprintf("≤ %d %s", *hi, unit)
	}
	return ""
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "-"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// stacked shows the parameters one block each, for a terminal too narrow for the seven columns:
// flag and path, then type, requirement, default and rules, then the description.
func stacked(w io.Writer, params []spec.Param, width int) {
	for i := range params {
		p := &params[i]
		head := p.Path
		if p.Flag != "" {
			head = flagCell(p) + "  " + p.Path
		}
		fmt.Fprintln(w, iostreams.Wrap("  ", head, width, "      "))
		facts := []string{typeCell(p)}
		if p.Required {
			facts = append(facts, "required")
		}
		if d := defaultCell(p); d != "" {
			facts = append(facts, "default "+d)
		}
		if a := allowedCell(p); a != "" {
			facts = append(facts, a)
		}
		fmt.Fprintln(w, iostreams.Wrap("      ", strings.Join(facts, "; "), width, "      "))
		if d := spec.FirstSentence(p.Description); d != "" {
			fmt.Fprintln(w, iostreams.Wrap("      ", d, width, "      "))
		}
	}
}
