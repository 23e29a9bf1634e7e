package body

import (
	"context"
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/novita-cli/novita/pkg/catalog"
)

// MinimalInput is what the dry-run and sandbox tests of the command line submit for every endpoint:
// it must be a valid request, and every value in it must be needed (leaving any one out is refused),
// or it would not show what a user has to type.
func TestMinimalInputIsValidAndMinimal(t *testing.T) {
	build := func(task catalog.Task, in Input) error {
		in.NoFetch = true
		_, err := Build(context.Background(), task, in)
		return err
	}
	for _, task := range catalog.All() {
		in := MinimalInput(task, "testdata/pixel.png")
		if err := build(task, in); err != nil {
			t.Errorf("%s: the minimal input is refused: %v", task.Name, err)
			continue
		}
		for name := range in.Flags {
			less := in
			less.Flags = maps.Clone(in.Flags)
			delete(less.Flags, name)
			if build(task, less) == nil {
				t.Errorf("%s: --%s is not needed, yet the minimal input gives it", task.Name, name)
			}
		}
		for name := range in.Lists {
			less := in
			less.Lists = maps.Clone(in.Lists)
			delete(less.Lists, name)
			if build(task, less) == nil {
				t.Errorf("%s: --%s is not needed, yet the minimal input gives it", task.Name, name)
			}
		}
		for i := range in.Sets {
			less := in
			less.Sets = slices.Delete(slices.Clone(in.Sets), i, i+1)
			if build(task, less) == nil {
				t.Errorf("%s: --set %s is not needed, yet the minimal input gives it", task.Name, in.Sets[i])
			}
		}
	}
}

func TestMinimalInputUsesFlagsFilesAndURLs(t *testing.T) {
	get := func(name string) catalog.Task {
		task, ok := catalog.Lookup(name)
		if !ok {
			t.Fatalf("%s is not in the catalog", name)
		}
		return task
	}
	cases := []struct {
		task string
		want Input
	}{
		// A prompt alone is a valid txt2img request: the spec's defaults do the rest.
		{"txt2img", Input{Flags: map[string]string{"prompt": "a lighthouse on a cliff at dusk"}, Lists: map[string][]string{}}},
		// A base64 file field takes the local file.
		{"remove-background", Input{Flags: map[string]string{"image": "img.png"}, Lists: map[string][]string{}}},
		// A URL-only file field gets a URL, never the local file.
		{"image-remove-background", Input{Flags: map[string]string{"image": "https://example.com/input.png"}, Lists: map[string][]string{}}},
	}
	for _, c := range cases {
		if got := MinimalInput(get(c.task), "img.png"); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: MinimalInput = %+v, want %+v", c.task, got, c.want)
		}
	}
	// The hand-picked samples name the files of the directory given.
	in := SampleInput(get("inpainting"), "dir")
	if in.Flags["image"] != "dir/pixel.png" || in.Flags["mask"] != "dir/mask.png" {
		t.Errorf("inpainting sample = %+v", in.Flags)
	}
}
