package download

import (
	"context"
	"fmt"
	"testing"

	"github.com/novita-cli/novita/pkg/novita"
)

// A thumbnail is copied through a buffer of its own size, not through half a MiB: a batch that saves
// thousands of small images at once must not hold a large buffer for each.
func TestSmallFilesGetSmallBuffers(t *testing.T) {
	const size, files = 20 << 10, 16
	srv := patternServer(size)
	defer srv.Close()
	tmpl, err := ParseTemplate(t.TempDir() + "/{task_id}/{kind}-{index}.{ext}")
	if err != nil {
		t.Fatal(err)
	}
	alloc := heapAllocated(func() {
		for i := range files { // one Download per task, as a batch makes them
			out := []novita.Output{{Kind: "image", Index: 1, URL: srv.URL + "/i.png"}}
			got, err := Download(context.Background(), Options{HTTPClient: srv.Client()}, tmpl, Vars{TaskID: fmt.Sprint("t", i)}, out)
			if err != nil || len(got) != 1 {
				t.Fatalf("%d files, %v", len(got), err)
			}
		}
	})
	if per := alloc / files; per > maxCopyBuffer/2 {
		t.Errorf("%d KiB allocated per %d KiB file; the copy buffer should fit the file", per>>10, size>>10)
	}
}

// Buffers lends the large buffers again: many large downloads through one Buffers reuse a few.
func TestBuffersAreReused(t *testing.T) {
	var b Buffers
	first, giveBack := b.get(-1)
	if len(first) != maxCopyBuffer {
		t.Fatalf("an unknown size got %d bytes", len(first))
	}
	giveBack()
	allocs := testing.AllocsPerRun(100, func() {
		buf, back := b.get(1 << 30)
		buf[0] = 1
		back()
	})
	if allocs > 1 {
		t.Errorf("%.1f allocations per lend; the pooled buffer should be reused", allocs)
	}
	if small, _ := b.get(100); len(small) != minCopyBuffer {
		t.Errorf("a 100-byte body got %d bytes", len(small))
	}
	if exact, _ := (*Buffers)(nil).get(100 << 10); len(exact) != 100<<10 {
		t.Errorf("a 100 KiB body got %d bytes", len(exact))
	}
}
