package body

import (
	"github.com/novita-cli/novita/pkg/catalog"
)

// A batch (submit --batch) builds one body per line: the typed flags, then --data, then the line, a
// JSON object merged as --data is. ReadData and MergeLine are those two steps with Build's own JSON
// reading, shape convenience and merge, so a line means exactly what the same --data would.

// ReadData reads in.Data (inline JSON, @file or - for stdin, with Build's size bound) into the object
// Build would merge, with the task's shape convenience applied (shape A: loose keys go under
// "request"); nil when in.Data is empty. A batch reads it once: a file or stdin cannot be read again
// for every line.
func ReadData(task catalog.Task, in Input) (map[string]any, error) {
	if in.Data == "" {
		return nil, nil
	}
	b := &builder{task: task, in: in}
	data, err := b.readData()
	if err != nil {
		return nil, err
	}
	return b.shaped(data, Source{Kind: FromData})
}

// MergeLine parses one batch line, a JSON object taken as --data is for task, and deep-merges it onto
// a copy of base (ReadData's object, or nil); base is left as it was. The result is the line's --data
// (Input.Data, as JSON) for Build. Errors are usage errors.
func MergeLine(task catalog.Task, base map[string]any, line string) (map[string]any, error) {
	b := &builder{task: task}
	where := Source{Name: "JSON line"}
	obj, err := parseObject([]byte(line), where)
	if err != nil {
		return nil, err
	}
	if obj, err = b.shaped(obj, where); err != nil {
		return nil, err
	}
	out, _ := copyValue(base).(map[string]any)
	if out == nil {
		return obj, nil
	}
	merge(out, obj)
	return out, nil
}

// shaped applies the shape convenience --data gets in Build.
func (b *builder) shaped(data map[string]any, where Source) (map[string]any, error) {
	if b.task.Shape == catalog.ShapeA {
		return underRequest(data, where)
	}
	return data, nil
}
