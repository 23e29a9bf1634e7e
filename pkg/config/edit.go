package config

import (
	"fmt"
	"reflect"
)

// edit applies change to the file's node tree and writes the result through writeThroughLinks.
// The new text must read back as the same data before it replaces the file: a YAML construct the
// encoder cannot reproduce (an anchor the edit removed, say) leaves the file untouched.
func (f *File) edit(change func(*document) (bool, error)) (bool, error) {
	d, err := parseDocument(f.Path, f.raw)
	if err != nil {
		return false, err
	}
	blank := blankLineKeys(f.raw, d)
	changed, err := change(d)
	if err != nil || !changed {
		return false, err
	}
	want, err := decodeAll(d)
	if err != nil {
		return false, fmt.Errorf("update config %s: %w", f.Path, err)
	}
	out, err := d.encode()
	if err != nil {
		return false, err
	}
	got, err := readBack(f.Path, out, want)
	if err != nil {
		return false, fmt.Errorf("update config %s: the edited file would not read back as written, so it was left unchanged: edit it by hand", f.Path)
	}
	if spaced := withBlankLines(out, got, blank); len(spaced) != len(out) {
		if spacedDoc, err := readBack(f.Path, spaced, want); err == nil {
			out, got = spaced, spacedDoc
		}
	}
	vals, err := got.values()
	if err != nil {
		return false, err
	}
	if err := writeThroughLinks(f.Path, out); err != nil {
		return false, err
	}
	f.raw, f.values = out, vals
	return true, nil
}

// readBack parses out and checks it holds the data want holds.
func readBack(path string, out []byte, want any) (*document, error) {
	d, err := parseDocument(path, out)
	if err != nil {
		return nil, err
	}
	got, err := decodeAll(d)
	if err != nil {
		return nil, err
	}
	if !reflect.DeepEqual(got, want) {
		return nil, fmt.Errorf("data changed")
	}
	return d, nil
}

// decodeAll is the data of the whole file; an empty file is an empty mapping.
func decodeAll(d *document) (any, error) {
	if d.root == nil || len(d.mapping().Content) == 0 {
		return map[string]any{}, nil
	}
	var v any
	if err := d.root.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}
