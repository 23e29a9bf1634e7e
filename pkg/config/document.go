package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"go.yaml.in/yaml/v3"
)

// document is the config file as a YAML node tree. Edits change one key's node and leave the
// rest of the tree alone, so the user's comments, key order and quoting survive a `config set`,
// which re-serialising a map (as viper's writer does) would lose.
type document struct {
	path     string
	root     *yaml.Node // a DocumentNode holding a MappingNode; nil for an empty or comment-only file
	comments string     // a comment-only file's text, kept above the first key that is added
}

// parseDocument parses a config file and checks it is a single mapping of keys to values.
func parseDocument(path string, b []byte) (*document, error) {
	d := &document{path: path}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var root yaml.Node
	switch err := dec.Decode(&root); {
	case errors.Is(err, io.EOF):
		d.comments = commentLines(b)
		return d, nil
	case err != nil:
		return nil, yamlSyntaxError(path, b, err)
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		return nil, configShapeError(path, next.Line, "it holds more than one YAML document (---); keep one")
	case !errors.Is(err, io.EOF):
		return nil, yamlSyntaxError(path, b, err)
	}
	top := root.Content[0]
	switch {
	case top.Kind == yaml.ScalarNode && top.Tag == "!!null":
		root.Content[0] = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", HeadComment: top.HeadComment,
			LineComment: top.LineComment, FootComment: top.FootComment}
	case top.Kind == yaml.SequenceNode:
		return nil, configShapeError(path, top.Line, "the top level is a list; it must be key: value lines such as tunnel: auto")
	case top.Kind != yaml.MappingNode:
		return nil, configShapeError(path, top.Line, "the top level is a single value; it must be key: value lines such as tunnel: auto")
	}
	d.root = &root
	return d, nil
}

// commentLines keeps the comments of a file that holds nothing else.
func commentLines(b []byte) string {
	var keep []string
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimRight(l, " \t\r")
		if t := strings.TrimSpace(l); t == "" || strings.HasPrefix(t, "#") {
			keep = append(keep, l)
		}
	}
	return strings.Trim(strings.Join(keep, "\n"), "\n")
}

func (d *document) mapping() *yaml.Node {
	if d.root == nil {
		return nil
	}
	return d.root.Content[0]
}

// values returns the scalar settings by lower-case key (viper's rule, kept so `API_KEY:` still
// works). The text is taken as written: viper would turn `api_key: 0123` into "83".
func (d *document) values() (map[string]string, error) {
	vals := map[string]string{}
	m := d.mapping()
	if m == nil {
		return vals, nil
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return nil, configShapeError(d.path, k.Line, "a key is not a plain name")
		}
		name := strings.ToLower(k.Value)
		// An unknown key is not named: a pasted secret can end up as a key.
		label := "a key"
		_, known := LookupKey(name)
		if known {
			label = name
		}
		if line, dup := seen[name]; dup {
			return nil, configShapeError(d.path, k.Line, fmt.Sprintf("%s is already defined at line %d", label, line))
		}
		seen[name] = k.Line
		var decoded any
		if err := v.Decode(&decoded); err != nil {
			return nil, valueDecodeError(d.path, v.Line, label, err)
		}
		s, ok := scalarText(v)
		if !ok {
			if known {
				return nil, configShapeError(d.path, v.Line, name+" must be a single value, not a list or a mapping")
			}
			continue // someone else's structure: kept in the file, not a setting
		}
		vals[name] = s
	}
	return vals, nil
}

func scalarText(v *yaml.Node) (string, bool) {
	if v.Kind == yaml.AliasNode && v.Alias != nil {
		v = v.Alias
	}
	if v.Kind != yaml.ScalarNode {
		return "", false
	}
	if v.Tag == "!!null" {
		return "", true
	}
	return v.Value, true
}

// find returns the index of name's key node in the mapping, or -1.
func (d *document) find(name string) int {
	m := d.mapping()
	if m == nil {
		return -1
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if strings.EqualFold(m.Content[i].Value, name) {
			return i
		}
	}
	return -1
}

// set replaces name's value in place (keeping its comments and quoting) or appends the key.
func (d *document) set(name, value string) {
	if d.root == nil {
		d.root = &yaml.Node{Kind: yaml.DocumentNode, HeadComment: d.comments,
			Content: []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map"}}}
	}
	m := d.mapping()
	m.Style &^= yaml.FlowStyle // "{}" would otherwise become {api_key: ...}
	i := d.find(name)
	if i < 0 {
		m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: name},
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value})
		return
	}
	k, old := m.Content[i], m.Content[i+1]
	k.Value, k.Tag, k.Style = name, "!!str", 0
	// The encoder quotes a !!str that would read back as something else ("0123", "true").
	m.Content[i+1] = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value,
		Style:       old.Style & (yaml.SingleQuotedStyle | yaml.DoubleQuotedStyle),
		HeadComment: old.HeadComment, LineComment: old.LineComment, FootComment: old.FootComment}
}

// remove deletes name and reports whether it was there. Comments above and below the pair move
// to its neighbour; only the comment on the removed line itself goes with it.
func (d *document) remove(name string) bool {
	i := d.find(name)
	if i < 0 {
		return false
	}
	m := d.mapping()
	k, v := m.Content[i], m.Content[i+1]
	orphans := joinComments(k.HeadComment, v.HeadComment, v.FootComment, k.FootComment)
	m.Content = append(m.Content[:i], m.Content[i+2:]...)
	switch {
	case orphans == "":
	case i < len(m.Content) && m.Content[i].HeadComment != "":
		// A blank line keeps them apart: the orphans may be a file header, not this key's note.
		m.Content[i].HeadComment = orphans + "\n\n" + m.Content[i].HeadComment
	case i < len(m.Content):
		m.Content[i].HeadComment = orphans
	case i >= 2:
		m.Content[i-2].FootComment = joinComments(m.Content[i-2].FootComment, orphans)
	default:
		m.FootComment = joinComments(m.FootComment, orphans)
	}
	return true
}

func joinComments(parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, "\n")
}

// encode renders the tree. A mapping left empty is written as its comments alone, not as "{}".
func (d *document) encode() ([]byte, error) {
	m := d.mapping()
	if m == nil {
		return textWithNewline(d.comments), nil
	}
	if len(m.Content) == 0 {
		return textWithNewline(joinComments(d.root.HeadComment, m.HeadComment, m.FootComment, d.root.FootComment)), nil
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(d.root); err != nil {
		return nil, fmt.Errorf("encode config %s: %w", d.path, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode config %s: %w", d.path, err)
	}
	return buf.Bytes(), nil
}

func textWithNewline(s string) []byte {
	if s == "" {
		return nil
	}
	return []byte(s + "\n")
}
