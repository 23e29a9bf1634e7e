package body

import (
	"bytes"
	"testing"
)

// Setting the webhook on an encoded body gives exactly the bytes of setting it before encoding:
// numbers, key order, '<' and '&', an extra object already there and large integers are kept.
func TestWithWebhookMatchesSettingItBeforeEncoding(t *testing.T) {
	for _, src := range []string{
		`{"request":{"prompt":"a <cat> & a dog","seed":4294967295,"guidance":7.5,"width":1024},"extra":{"response_image_type":"png"}}`,
		`{"prompt":"x","extra":{"webhook":{"url":"https://old.example/hook","test_mode":{"enabled":true}}}}`,
		`{"prompt":"x","extra":"not an object","n":12345678901234567890}`,
		`{}`,
	} {
		want, err := Decode([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		SetWebhook(want, "", "https://hooks.example/webhook/abc")
		wantRaw, err := Marshal(want)
		if err != nil {
			t.Fatal(err)
		}
		orig, _ := Decode([]byte(src))
		raw, _ := Marshal(orig)
		before := bytes.Clone(raw)
		got, err := WithWebhook(raw, "", "https://hooks.example/webhook/abc")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, wantRaw) {
			t.Errorf("%s:\n got %s\nwant %s", src, got, wantRaw)
		}
		if !bytes.Equal(raw, before) {
			t.Errorf("the encoded body was changed in place: %s", raw)
		}
		if same, _ := WithWebhook(raw, "", ""); !bytes.Equal(same, raw) {
			t.Errorf("an empty URL changed the body: %s", same)
		}
	}
	if !bytes.Contains(mustWithWebhook(t, `{"seed":42}`), []byte(`"seed":42`)) {
		t.Errorf("a number was re-encoded")
	}
}

func mustWithWebhook(t *testing.T, src string) []byte {
	t.Helper()
	out, err := WithWebhook([]byte(src), "", "https://h.example/x")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// What is not a JSON object is refused with an error, never a panic.
func TestWithWebhookRefusesWhatIsNotAnObject(t *testing.T) {
	for _, src := range []string{``, `[1]`, `{"a":`, `"text"`, `{} {}`} {
		if _, err := WithWebhook([]byte(src), "", "https://h.example/x"); err == nil {
			t.Errorf("%q: no error", src)
		}
	}
}
