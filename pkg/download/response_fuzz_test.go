package download

import (
	"fmt"
	"testing"
)

// FuzzParseContentRange: any header value parses or is refused, never panics; a resumed download never
// gets a negative offset; well-formed headers (RFC 9110 "bytes first-last/complete" and "/*") round trip.
func FuzzParseContentRange(f *testing.F) {
	f.Add("bytes 0-99/100", int64(0), int64(99), int64(100))
	f.Add("bytes 10240-268435455/268435456", int64(10240), int64(268435455), int64(268435456))
	f.Add("bytes 5-9/*", int64(5), int64(9), int64(-1))
	f.Add(" bytes 1-1/2 ", int64(1), int64(1), int64(2))
	f.Add("bytes */100", int64(0), int64(0), int64(0))
	f.Add("bytes -5-10/20", int64(0), int64(0), int64(0))
	f.Add("items 0-1/2", int64(0), int64(0), int64(0))
	f.Add("bytes 0-1", int64(0), int64(0), int64(0))
	f.Add("bytes 99999999999999999999-1/2", int64(0), int64(0), int64(0))
	f.Fuzz(func(t *testing.T, header string, first, last, total int64) {
		start, _, ok := parseContentRange(header)
		if ok && start < 0 {
			t.Fatalf("%q: negative start %d", header, start)
		}
		if first < 0 || last < first || (total >= 0 && last >= total) {
			return
		}
		tot := "*"
		if total >= 0 {
			tot = fmt.Sprint(total)
		}
		h := fmt.Sprintf("bytes %d-%d/%s", first, last, tot)
		gs, gt, ok := parseContentRange(h)
		wantTotal := total
		if total < 0 {
			wantTotal = -1
		}
		if !ok || gs != first || gt != wantTotal {
			t.Fatalf("%q parsed to %d %d %v", h, gs, gt, ok)
		}
	})
}
