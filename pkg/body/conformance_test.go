package body

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/jsonpath"
)

// Conformance, generated from every spec (issue 20): the least documented request validates; each
// documented constraint (enum, range, length, items, groups, rules) is refused locally with the flag
// or --set path named; a documented optional field is never demanded.
func TestEverySpecConforms(t *testing.T) {
	for _, task := range catalog.All() {
		t.Run(task.Name, func(t *testing.T) {
			t.Parallel()
			min := MinimalInput(task, "testdata/pixel.png")
			body := buildOK(t, task, min)
			for _, c := range constraintCases(task) {
				in := min
				in.Sets = append(slices.Clone(min.Sets), c.sets...)
				_, err := Build(context.Background(), task, withNoFetch(in))
				if err == nil {
					t.Errorf("%s: accepted %v", c.what, c.sets)
					continue
				}
				if clierr.Code(err) != clierr.ExitUsage || !strings.Contains(named(err), c.names) {
					t.Errorf("%s: %v: the error does not name %q (exit %d):\n%v", c.what, c.sets, c.names, clierr.Code(err), err)
				}
			}
			for i := range task.Params {
				p := &task.Params[i]
				if p.Required || strings.Contains(p.Path, "[]") || inRequiredGroup(task, p.Path) {
					continue
				}
				less := cloneBody(body)
				_ = jsonpath.Set(less, p.Path, nil) // null is absent to validation
				if err := task.Validate(less); err != nil {
					t.Errorf("optional %s is demanded: %v", p.Path, err)
				}
			}
		})
	}
}

func withNoFetch(in Input) Input { in.NoFetch = true; return in }

func buildOK(t *testing.T, task catalog.Task, in Input) map[string]any {
	t.Helper()
	b, err := Build(context.Background(), task, withNoFetch(in))
	if err != nil {
		t.Fatalf("the least documented request is refused: %v", err)
	}
	return b
}

func cloneBody(b map[string]any) map[string]any { return copyValue(b).(map[string]any) }

func inRequiredGroup(task catalog.Task, path string) bool {
	for _, g := range task.Groups {
		if g.Required && slices.Contains(g.Paths, path) {
			return true
		}
	}
	return false
}

// constraintCase is one documented constraint broken: the --set arguments that break it and what
// the error must name.
type constraintCase struct {
	what  string
	sets  []string
	names string
}

// constraintCases breaks, one at a time, every constraint the spec documents.
func constraintCases(task catalog.Task) []constraintCase {
	var out []constraintCase
	for i := range task.Params {
		p := &task.Params[i]
		path := strings.ReplaceAll(p.Path, "[]", "[0]")
		names := nameOf(task, path)
		add := func(what string, v any) {
			raw, _ := json.Marshal(v)
			out = append(out, constraintCase{what: p.Path + " " + what, sets: []string{path + ":=" + string(raw)}, names: names})
		}
		if len(p.Enum) > 0 && p.Type != catalog.ParamArray {
			add("enum", "zz-not-a-value")
		}
		if p.Type == catalog.ParamInteger || p.Type == catalog.ParamNumber {
			if p.Min != nil {
				lo := *p.Min - 1
				if p.ExclusiveMin {
					lo = *p.Min
				}
				add("min", lo)
			}
			if p.Max != nil {
				add("max", *p.Max+1)
			}
		}
		if p.Type == catalog.ParamString || p.Type == catalog.ParamEnum {
			if p.MinLength != nil && *p.MinLength > 0 && len(p.Enum) == 0 {
				add("min_length", strings.Repeat("a", *p.MinLength-1))
			}
			if p.MaxLength != nil && len(p.Enum) == 0 {
				add("max_length", strings.Repeat("a", *p.MaxLength+1))
			}
		}
		if p.Type == catalog.ParamArray {
			elem := arrayElement(p)
			if p.MinItems != nil && *p.MinItems > 0 {
				add("min_items", slices.Repeat([]any{elem}, *p.MinItems-1))
			}
			if p.MaxItems != nil {
				add("max_items", slices.Repeat([]any{elem}, *p.MaxItems+1))
			}
			if p.Items != nil && len(p.Items.Enum) > 0 {
				add("items enum", []any{"zz-not-a-value"})
			}
			if p.Items != nil && p.Items.MaxLength != nil && len(p.Items.Enum) == 0 {
				add("items max_length", []any{strings.Repeat("a", *p.Items.MaxLength+1)})
			}
		}
	}
	for _, g := range task.Groups {
		names := nameOf(task, g.Paths[0])
		if g.Required {
			var sets []string
			for _, p := range g.Paths {
				sets = append(sets, p+":=null")
			}
			out = append(out, constraintCase{what: fmt.Sprintf("group %v none", g.Paths), sets: sets, names: names})
		}
		if g.Exclusive {
			var sets []string
			for _, p := range g.Paths {
				prm, _ := task.Param(p)
				raw, _ := json.Marshal(validValue(prm))
				sets = append(sets, p+":="+string(raw))
			}
			out = append(out, constraintCase{what: fmt.Sprintf("group %v all", g.Paths), sets: sets, names: "give only one of"})
		}
	}
	for _, r := range task.Rules {
		then, ok := task.Param(r.Then.Path)
		if !ok || len(r.If.In) == 0 {
			continue
		}
		bad := ""
		for _, v := range then.Enum {
			if !slices.Contains(r.Then.In, v) {
				bad = v
				break
			}
		}
		if bad == "" {
			continue // no documented value breaks it
		}
		ifRaw := jsonOf(task, r.If.Path, r.If.In[0])
		thenRaw := jsonOf(task, r.Then.Path, bad)
		out = append(out, constraintCase{what: fmt.Sprintf("rule %s in %v -> %s", r.If.Path, r.If.In, r.Then.Path),
			sets: []string{r.If.Path + ":=" + ifRaw, r.Then.Path + ":=" + thenRaw}, names: nameOf(task, r.Then.Path)})
	}
	return out
}

// nameOf is how an error must name a field: its flag where it has one, else its --set path.
func nameOf(task catalog.Task, path string) string {
	for _, f := range task.Flags {
		if f.Path == path {
			return "--" + f.Flag
		}
	}
	return "--set " + path
}

// jsonOf is an enum value as the field's type: a number for numeric fields.
func jsonOf(task catalog.Task, path, v string) string {
	if p, ok := task.Param(path); ok && (p.Type == catalog.ParamInteger || p.Type == catalog.ParamNumber) {
		return v
	}
	raw, _ := json.Marshal(v)
	return string(raw)
}

func arrayElement(p *catalog.Param) any {
	if p.Items == nil {
		return map[string]any{}
	}
	return validValue(p.Items)
}

// validValue is a value that passes the parameter's own rules.
func validValue(p *catalog.Param) any {
	if p == nil {
		return "x"
	}
	value, _ := sampleValue(p, "testdata/pixel.png")
	switch {
	case p.Type == catalog.ParamFile:
		return sampleElement(p, value)
	case p.Type == catalog.ParamArray:
		return []any{arrayElement(p)}
	case p.Type == catalog.ParamObject:
		return map[string]any{}
	case p.Type == catalog.ParamBoolean:
		return false
	case p.Type == catalog.ParamInteger || p.Type == catalog.ParamNumber:
		var n json.Number = json.Number(value)
		return n
	}
	return value
}
