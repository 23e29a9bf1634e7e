package mcpserver

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/google/jsonschema-go/jsonschema"

	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/jsonpath"
)

// schema edits a schema inferred from a Go type, for what struct tags cannot say (enums, ranges).
type schema struct{ *jsonschema.Schema }

func (s schema) prop(name string) *jsonschema.Schema {
	p, ok := s.Properties[name]
	if !ok {
		panic("mcpserver: no property " + name) // a programming error, caught by every test
	}
	return p
}

// schemaFor infers the input schema of T and lets edit refine it.
func schemaFor[T any](edit func(schema)) *jsonschema.Schema {
	s, err := jsonschema.For[T](nil)
	if err != nil {
		panic(fmt.Sprintf("mcpserver: schema of %T: %v", *new(T), err))
	}
	if edit != nil {
		edit(schema{s})
	}
	return s
}

// paramsSchema is a task's body as JSON Schema, from its catalog spec: one property per documented
// field, nested as the body nests them ("request.loras[].model_name"), with types, enums, ranges,
// defaults and required fields.
func paramsSchema(t catalog.Task) map[string]any {
	root := &node{}
	for i := range t.Params {
		p := &t.Params[i]
		n, parents := root, []*node{}
		segs := strings.Split(p.Path, ".")
		for j, seg := range segs {
			parents = append(parents, n)
			n = n.child(strings.TrimSuffix(seg, "[]"))
			if strings.HasSuffix(seg, "[]") && j < len(segs)-1 {
				n.array = true
			}
		}
		n.param = p
		if p.Required {
			// A required field makes the objects holding it required too (outside array elements).
			name := segs[len(segs)-1]
			for k := len(parents) - 1; k >= 0; k-- {
				parents[k].require(strings.TrimSuffix(name, "[]"))
				if k == 0 || strings.HasSuffix(segs[k-1], "[]") {
					break
				}
				name = segs[k-1]
			}
		}
	}
	out := root.render()
	desc := "The request body of " + t.Name + "."
	if t.Shape == catalog.ShapeA {
		desc += " Fields of request may also be given at the top level (prompt means request.prompt)."
	}
	desc += " File fields take a local path, an http(s) URL or a data: URI."
	out["description"] = desc
	return out
}

// node is one object (or array of objects) of the body while the schema is built.
type node struct {
	param *catalog.Param
	names []string
	props map[string]*node
	req   []string
	array bool // the properties belong to the array's elements
}

func (n *node) child(name string) *node {
	if n.props == nil {
		n.props = map[string]*node{}
	}
	c, ok := n.props[name]
	if !ok {
		c = &node{}
		n.props[name] = c
		n.names = append(n.names, name)
	}
	return c
}

func (n *node) require(name string) {
	for _, r := range n.req {
		if r == name {
			return
		}
	}
	n.req = append(n.req, name)
}

func (n *node) render() map[string]any {
	s := map[string]any{}
	if n.param != nil {
		s = paramSchema(n.param)
	}
	if len(n.props) == 0 {
		if len(s) == 0 {
			s["type"] = "object"
		}
		return s
	}
	obj := map[string]any{"type": "object"}
	props := map[string]any{}
	for _, name := range n.names {
		props[name] = n.props[name].render()
	}
	obj["properties"] = props
	if len(n.req) > 0 {
		obj["required"] = n.req
	}
	if n.array {
		s["type"] = "array"
		s["items"] = obj
		return s
	}
	for k, v := range obj {
		s[k] = v
	}
	return s
}

// paramSchema is one documented field's JSON Schema.
func paramSchema(p *catalog.Param) map[string]any {
	s := map[string]any{}
	switch p.Type {
	case catalog.ParamEnum, catalog.ParamString:
		s["type"] = "string"
	case catalog.ParamFile:
		s["type"] = "string"
	case catalog.ParamInteger, catalog.ParamNumber, catalog.ParamBoolean, catalog.ParamArray, catalog.ParamObject:
		s["type"] = p.Type
	}
	if len(p.Enum) > 0 && p.Type != catalog.ParamArray {
		vals := make([]any, len(p.Enum))
		for i, e := range p.Enum {
			vals[i] = enumValue(p.Type, e)
		}
		s["enum"] = vals
	}
	if p.Min != nil {
		if p.ExclusiveMin {
			s["exclusiveMinimum"] = *p.Min
		} else {
			s["minimum"] = *p.Min
		}
	}
	if p.Max != nil {
		s["maximum"] = *p.Max
	}
	if p.MinLength != nil {
		s["minLength"] = *p.MinLength
	}
	if p.MaxLength != nil {
		s["maxLength"] = *p.MaxLength
	}
	if p.MinItems != nil {
		s["minItems"] = *p.MinItems
	}
	if p.MaxItems != nil {
		s["maxItems"] = *p.MaxItems
	}
	if p.Items != nil {
		s["items"] = paramSchema(p.Items)
	}
	if p.Default != nil {
		s["default"] = p.Default
	}
	var desc []string
	if d := strings.TrimSpace(p.Description); d != "" {
		desc = append(desc, d)
	}
	if p.Type == catalog.ParamFile || (p.Items != nil && p.Items.Type == catalog.ParamFile) {
		desc = append(desc, fileHint(p))
	}
	if p.APIDefault != nil {
		desc = append(desc, fmt.Sprintf("The API's default when left out: %v.", p.APIDefault))
	}
	if len(desc) > 0 {
		s["description"] = strings.Join(desc, " ")
	}
	return s
}

func fileHint(p *catalog.Param) string {
	enc := p.Encoding
	if p.Items != nil && enc == "" {
		enc = p.Items.Encoding
	}
	if enc == catalog.EncodingURL {
		return "An http(s) URL."
	}
	return "A local file path, an http(s) URL or a data: URI."
}

// enumValue is an enum value as the field's JSON type takes it ("5" is 5 for an integer field).
func enumValue(typ, v string) any {
	switch typ {
	case catalog.ParamInteger:
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return n
		}
	case catalog.ParamNumber:
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return f
		}
	}
	return v
}

// Example is a minimal params object for submit_task: the required fields the spec gives no default,
// with placeholder values.
func Example(t catalog.Task) map[string]any {
	out := map[string]any{}
	for i := range t.Params {
		p := &t.Params[i]
		if !p.Required || p.Default != nil || strings.Contains(p.Path, "[]") {
			continue
		}
		_ = jsonpath.Set(out, p.Path, exampleValue(p))
	}
	return out
}

func exampleValue(p *catalog.Param) any {
	name := p.Path[strings.LastIndex(p.Path, ".")+1:]
	switch {
	case len(p.Enum) > 0 && p.Type != catalog.ParamArray:
		return enumValue(p.Type, p.Enum[0])
	case p.Type == catalog.ParamFile:
		return "https://example.com/photo.png"
	case p.Type == catalog.ParamInteger || p.Type == catalog.ParamNumber:
		if p.Min != nil && !p.ExclusiveMin {
			return *p.Min
		}
		return 1
	case p.Type == catalog.ParamBoolean:
		return true
	case p.Type == catalog.ParamArray:
		if p.Items != nil {
			return []any{exampleValue(p.Items)}
		}
		return []any{}
	case p.Type == catalog.ParamObject:
		return map[string]any{}
	case strings.Contains(name, "prompt") || name == "text" || name == "":
		return "a lighthouse at dusk"
	}
	return "VALUE"
}
