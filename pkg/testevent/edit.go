package testevent

import (
	"bytes"
	"encoding/json"

	"github.com/novita-cli/novita/pkg/body"
	"github.com/novita-cli/novita/pkg/clierr"
)

// Edit applies --set path=value edits to an event body with the project's one path implementation
// (jsonpath.Parse): dot paths from the event root, array elements as [n] or .n
// (payload.images[0].image_type and payload.images.0.image_type edit the same element); missing object
// keys are created. The value is JSON when it is valid JSON, else a string; path:=JSON is raw JSON. A bad
// edit is a usage error.
func Edit(event []byte, sets []string) ([]byte, error) {
	if len(sets) == 0 {
		return event, nil
	}
	dec := json.NewDecoder(bytes.NewReader(event))
	dec.UseNumber() // keep numbers exactly as they were
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, clierr.Usagef("event is not JSON: %v", err)
	}
	obj, ok := doc.(map[string]any)
	if !ok {
		return nil, clierr.Usagef("event is not a JSON object: only an object's fields can be set")
	}
	if err := body.ApplySets(obj, sets); err != nil {
		return nil, err
	}
	return marshal(obj)
}
