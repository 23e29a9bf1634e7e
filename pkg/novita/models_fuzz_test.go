package novita

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// FuzzDecodeModelPage: any body decodes or errors, never panics; every decoded model marshals back
// to what the API sent, so --json output loses nothing.
func FuzzDecodeModelPage(f *testing.F) {
	raw, err := os.ReadFile(filepath.Join("testdata", "models-list.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw)
	f.Add([]byte(`{"models":null,"pagination":{"next_cursor":""}}`))
	f.Add([]byte(`{"models":[{"id":"12","status":"0","download_url_ttl":"x"}]}`))
	f.Add([]byte(`{"models":[null]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := DecodeModelPage(b)
		if err != nil {
			return
		}
		for _, m := range p.Models {
			out, err := json.Marshal(m)
			if err != nil || !json.Valid(out) {
				t.Fatalf("model does not marshal back: %v", err)
			}
		}
	})
}

// FuzzCredits: a whole number of units survives parse and format exactly.
func FuzzCredits(f *testing.F) {
	for _, n := range []int64{0, 1, -1, 1523400, 9223372036854775807, -9223372036854775808} {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, n int64) {
		var c Credits
		if err := c.UnmarshalJSON([]byte(strconv.Quote(strconv.FormatInt(n, 10)))); err != nil || int64(c) != n {
			t.Fatalf("%d: %d %v", n, c, err)
		}
		usd := c.USD()
		if len(usd) < 7 || usd[len(usd)-5] != '.' {
			t.Fatalf("%d formats as %q", n, usd)
		}
	})
}
