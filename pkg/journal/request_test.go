package journal

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
)

// Large base64 inputs and data: URIs are replaced by markers that name their path, hash and size;
// everything else (a long prompt, a seed beyond 2^53) is kept exactly.
func TestElideRequest(t *testing.T) {
	file := []byte(strings.Repeat("\x89PNG fake image bytes ", 100)) // what the user's --image file held
	sum := sha256.Sum256(file)
	hash := hex.EncodeToString(sum[:])
	raw := base64.StdEncoding.EncodeToString(file)
	uri := "data:image/png;base64," + raw
	longPrompt := strings.Repeat("a very long prompt with spaces ", 60)
	body := fmt.Sprintf(`{"extra":{"webhook":{"url":"https://h.example/x?a=<b>"}},
		"request":{"prompt":%q,"seed":9007199254740993,"image_base64":%q,"mask_image_base64":"c21hbGw="},
		"images":[{"url":"https://x/y.png"},{"data":%q}]}`, longPrompt, raw, uri)

	stored, elided, err := ElideRequest([]byte(body))
	must(t, err)
	if len(elided) != 2 {
		t.Fatalf("elided %+v, want the raw base64 and the data URI", elided)
	}
	for _, s := range []string{raw, uri} {
		if strings.Contains(string(stored), s) {
			t.Errorf("the stored request still holds a %d-byte input", len(s))
		}
	}
	for _, keep := range []string{`"seed":9007199254740993`, longPrompt, `"mask_image_base64":"c21hbGw="`, `"url":"https://h.example/x?a=<b>"`} {
		if !strings.Contains(string(stored), keep) {
			t.Errorf("the stored request lost %.40q:\n%s", keep, stored)
		}
	}
	if len(stored) > 2*len(longPrompt) {
		t.Errorf("stored request is %d bytes", len(stored))
	}

	paths, err := ElidedPaths(stored)
	must(t, err)
	want := []Elided{
		{Path: "images.1.data", SHA256: hash, Bytes: int64(len(file)), Prefix: "data:image/png;base64,"},
		{Path: "request.image_base64", SHA256: hash, Bytes: int64(len(file))},
	}
	if fmt.Sprint(paths) != fmt.Sprint(want) {
		t.Errorf("elided paths\n%+v\nwant\n%+v", paths, want)
	}

	// Nothing to elide: the body is kept as sent (key order too), only compacted.
	small := `{"request": {"width": 1024, "prompt": "fox"}, "extra": {}}`
	stored, elided, err = ElideRequest([]byte(small))
	if err != nil || len(elided) != 0 || string(stored) != `{"request":{"width":1024,"prompt":"fox"},"extra":{}}` {
		t.Errorf("small body stored as %s (%+v, %v)", stored, elided, err)
	}
	if paths, err := ElidedPaths(stored); err != nil || len(paths) != 0 {
		t.Errorf("nothing elided, yet %+v %v", paths, err)
	}
	if _, _, err := ElideRequest([]byte(`{"a":`)); err == nil {
		t.Error("a broken body was accepted")
	}
}

func TestRequestPromptAndSeed(t *testing.T) {
	cases := []struct {
		body   string
		prompt string
		seed   int64
		ok     bool
	}{
		{`{"request":{"prompt":"lighthouse","seed":-1}}`, "lighthouse", -1, true},
		{`{"prompt":"top","seed":"42"}`, "top", 42, true},
		{`{"prompts":[{"prompt":"a wave","frames":32}],"seed":7.0}`, "a wave", 7, true},
		{`{"input":{"prompt":"in input"},"parameters":{"seed":5}}`, "in input", 5, true},
		{`{"request":{"texts":["Hello","world"],"voice_id":"x"}}`, "Hello world", 0, false},
		{`{"text":"speak","seed":"nope"}`, "speak", 0, false},
		{`{"request":{"prompt":""},"prompt":"second choice"}`, "second choice", 0, false},
		{`{"input":"say this","voice":"tongtong"}`, "say this", 0, false},
		{`{"request":{"model_name":"x"}}`, "", 0, false},
		{`not json`, "", 0, false},
	}
	for _, c := range cases {
		if got := requestPrompt([]byte(c.body)); got != c.prompt {
			t.Errorf("prompt of %s = %q, want %q", c.body, got, c.prompt)
		}
		if seed, ok := RequestSeed([]byte(c.body)); ok != c.ok || seed != c.seed {
			t.Errorf("seed of %s = %d %v, want %d %v", c.body, seed, ok, c.seed, c.ok)
		}
	}
}
