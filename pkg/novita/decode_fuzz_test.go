package novita_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/novita-cli/novita/pkg/novita"
)

// addSamples seeds a fuzz target with the real-shaped payloads in testdata.
func addSamples(f *testing.F, prefix string) {
	f.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", prefix+"*.json"))
	if err != nil || len(paths) == 0 {
		f.Fatalf("no %s samples: %v", prefix, err)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// FuzzDecodeTaskResult: any body either decodes or errors, never panics; a decoded result keeps the
// body byte for byte and lists outputs whose indexes count from 1 within their kind.
func FuzzDecodeTaskResult(f *testing.F) {
	addSamples(f, "task-result-")
	f.Add([]byte(`{"task":{"eta":"12","progress_percent":" 40 "},"images":[{"image_url_ttl":"3600"}]}`))
	f.Add([]byte(`{"task":{"eta":null},"videos":[{"video_url_ttl":""}],"audios":[{"audio_url_ttl":3600.0}]}`))
	f.Add([]byte(`{"images":[{"image_url_ttl":"inf"}]}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := novita.DecodeTaskResult(b)
		if err != nil {
			if r != nil {
				t.Fatalf("error %v with a result", err)
			}
			return
		}
		if string(r.Raw) != string(b) {
			t.Fatalf("Raw differs from the body")
		}
		seen := map[string]int{}
		for _, o := range r.Outputs() {
			seen[o.Kind]++
			if o.Index != seen[o.Kind] {
				t.Fatalf("%s output %d has index %d", o.Kind, seen[o.Kind], o.Index)
			}
		}
		if seen[novita.KindImage] != len(r.Images) || seen[novita.KindVideo] != len(r.Videos) || seen[novita.KindAudio] != len(r.Audios) {
			t.Fatalf("Outputs() lost entries: %v", seen)
		}
	})
}

// FuzzDecodeEvent: any webhook body decodes or errors, never panics; an ASYNC_TASK_RESULT event that
// decodes carries a result whose Raw is the payload.
func FuzzDecodeEvent(f *testing.F) {
	addSamples(f, "webhook-")
	f.Add([]byte(`{"event_type":"ASYNC_TASK_RESULT","payload":null}`))
	f.Add([]byte(`{"event_type":"ASYNC_TASK_RESULT","payload":{"task":{"eta":"x"}}}`))
	f.Add([]byte(`{"event_type":"ASYNC_TASK_RESULT","payload":{"images":[{"image_url_ttl":"3600"}]}}`))
	f.Add([]byte(`{"event_type":"SOMETHING_NEW","payload":[1,2]}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, b []byte) {
		ev, res, err := novita.DecodeEvent(b)
		if err != nil {
			if res != nil {
				t.Fatalf("error %v with a result", err)
			}
			return
		}
		if ev == nil {
			t.Fatal("no event and no error")
		}
		if ev.EventType == novita.EventAsyncTaskResult {
			if res == nil {
				t.Fatal("ASYNC_TASK_RESULT decoded without a result")
			}
			if string(res.Raw) != string(ev.Payload) {
				t.Fatal("result Raw is not the payload")
			}
		} else if res != nil {
			t.Fatalf("event %q decoded a result", ev.EventType)
		}
	})
}

// maxExact is the largest magnitude a float64 holds exactly; TTLs and etas are far below it.
const maxExact = 1 << 53

// FuzzFlexInt: arbitrary JSON never panics; every integer within float64's exact range round trips as
// a JSON number, a numeric string and a padded numeric string.
func FuzzFlexInt(f *testing.F) {
	f.Add([]byte(`3600`), int64(3600))
	f.Add([]byte(`"3600"`), int64(0))
	f.Add([]byte(`" 12 "`), int64(-5))
	f.Add([]byte(`""`), int64(1<<53))
	f.Add([]byte(`null`), int64(-(1 << 53)))
	f.Add([]byte(`3.5e3`), int64(1))
	f.Add([]byte(`"abc"`), int64(7))
	f.Add([]byte(`{}`), int64(0))
	f.Fuzz(func(t *testing.T, raw []byte, n int64) {
		var v novita.FlexInt
		_ = json.Unmarshal(raw, &v) // must not panic, whatever it is

		if n > maxExact || n < -maxExact {
			return
		}
		s := strconv.FormatInt(n, 10)
		for _, form := range []string{s, strconv.Quote(s), strconv.Quote(" " + s + " ")} {
			var got novita.FlexInt
			if err := json.Unmarshal([]byte(form), &got); err != nil {
				t.Fatalf("%s: %v", form, err)
			}
			if int64(got) != n {
				t.Fatalf("%s decoded to %d", form, got)
			}
		}
		// The same value inside a result, as the API sends a TTL either way.
		for _, form := range []string{s, strconv.Quote(s)} {
			body := `{"images":[{"image_url":"u","image_url_ttl":` + form + `}]}`
			r, err := novita.DecodeTaskResult([]byte(body))
			if err != nil {
				t.Fatalf("%s: %v", body, err)
			}
			if outs := r.Outputs(); len(outs) != 1 || outs[0].TTL != n {
				t.Fatalf("%s: TTL %v", body, outs)
			}
		}
	})
}
