package catalog

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/novita"
)

func TestDecodeSync(t *testing.T) {
	pngBytes := []byte("\x89PNG\r\n\x1a\nfake")
	b64 := base64.StdEncoding.EncodeToString(pngBytes)
	wav := append([]byte("RIFF\x24\x00\x00\x00WAVEfmt "), make([]byte, 28)...)
	mp3 := append([]byte{0xff, 0xfb, 0x90, 0x64}, make([]byte, 60)...)
	cases := []struct {
		task string
		req  map[string]any
		raw  string
		want []novita.Output
		id   string
	}{
		{"remove-background", nil, `{"image_file":"` + b64 + `","image_type":"png"}`,
			[]novita.Output{{Kind: "image", Index: 1, Type: "png", Data: pngBytes}}, ""},
		{"merge-face", map[string]any{"extra": map[string]any{"response_image_type": "jpeg"}}, `{"image_file":"` + b64 + `"}`,
			[]novita.Output{{Kind: "image", Index: 1, Type: "jpeg", Data: pngBytes}}, ""},
		{"flux-1-schnell", nil, `{"images":[{"image_url":"https://x/1.png","image_url_ttl":604800,"image_type":"png"},{"image_url":"https://x/2.webp","image_url_ttl":"3600","image_type":"webp"}],"task":{"task_id":"t-1"}}`,
			[]novita.Output{{Kind: "image", Index: 1, Type: "png", URL: "https://x/1.png", TTL: 604800},
				{Kind: "image", Index: 2, Type: "webp", URL: "https://x/2.webp", TTL: 3600}}, "t-1"},
		{"seedream-3-0-txt2img", nil, `{"image_urls":["https://x/a"],"binary_data_base64":[]}`,
			[]novita.Output{{Kind: "image", Index: 1, Type: "jpeg", URL: "https://x/a"}}, ""},
		{"seedream-3-0-txt2img", map[string]any{"response_format": "b64_json"}, `{"binary_data_base64":["` + b64 + `","` + b64 + `"]}`,
			[]novita.Output{{Kind: "image", Index: 1, Type: "jpeg", Data: pngBytes}, {Kind: "image", Index: 2, Type: "jpeg", Data: pngBytes}}, ""},
		{"seedream-4.5", nil, `{"images":["https://x/a.jpeg"]}`, []novita.Output{{Kind: "image", Index: 1, URL: "https://x/a.jpeg"}}, ""},
		{"minimax-speech-02-hd-sync", nil, `{"audio":"` + hex.EncodeToString(wav) + `","extra_info":{"audio_format":"wav"}}`,
			[]novita.Output{{Kind: "audio", Index: 1, Type: "wav", Data: wav}}, ""},
		{"minimax-speech-02-hd-sync", map[string]any{"audio_setting": map[string]any{"format": "flac"}}, `{"audio":"` + hex.EncodeToString(wav) + `"}`,
			[]novita.Output{{Kind: "audio", Index: 1, Type: "flac", Data: wav}}, ""},
		{"minimax-speech-02-hd-sync", map[string]any{"output_format": "url"}, `{"audio":"https://cos/x.mp3?sig=1"}`,
			[]novita.Output{{Kind: "audio", Index: 1, Type: "mp3", URL: "https://cos/x.mp3?sig=1"}}, ""},
		{"img2prompt", nil, `{"prompt":"a man on a rock"}`, []novita.Output{{Kind: "text", Index: 1, Type: "txt", Data: []byte("a man on a rock")}}, ""},
		{"glm-tts", nil, string(wav), []novita.Output{{Kind: "audio", Index: 1, Type: "audio/wave", Data: wav}}, ""},
		// MP3 frames and Opus do not sniff: the format asked for (or Fish Audio's default, mp3) names them.
		{"fish-audio-text-to-speech", nil, string(mp3), []novita.Output{{Kind: "audio", Index: 1, Type: "mp3", Data: mp3}}, ""},
		{"fish-audio-text-to-speech", map[string]any{"format": "opus"}, string(mp3), []novita.Output{{Kind: "audio", Index: 1, Type: "opus", Data: mp3}}, ""},
	}
	for _, c := range cases {
		task, _ := Lookup(c.task)
		ans, err := task.DecodeSync([]byte(c.raw), c.req)
		if err != nil {
			t.Errorf("%s: %v", c.task, err)
			continue
		}
		if ans.TaskID != c.id || len(ans.Outputs) != len(c.want) {
			t.Errorf("%s: got %+v", c.task, ans)
			continue
		}
		for i, o := range ans.Outputs {
			w := c.want[i]
			if o.Kind != w.Kind || o.Index != w.Index || o.Type != w.Type || o.URL != w.URL || o.TTL != w.TTL || !bytes.Equal(o.Data, w.Data) {
				t.Errorf("%s output %d: got %+v, want %+v", c.task, i, o, w)
			}
		}
	}
}

func TestDecodeSyncErrors(t *testing.T) {
	rb, _ := Lookup("remove-background")
	for raw, want := range map[string]string{
		`{"error":{"message":"x"},"other":1}`: `no outputs (fields: "error", "other")`,
		`{"image_file":"%%%"}`:                "not valid base64",
		`not json`:                            "not JSON",
		`{"image_file":`:                      "not a JSON object",
	} {
		_, err := rb.DecodeSync([]byte(raw), nil)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("DecodeSync(%s) = %v, want %q", raw, err, want)
		}
	}
	sp, _ := Lookup("minimax-speech-02-hd-sync")
	if _, err := sp.DecodeSync([]byte(`{"audio":"zz"}`), nil); err == nil || !strings.Contains(err.Error(), "hex") {
		t.Errorf("bad hex: %v", err)
	}
	tx, _ := Lookup("txt2img")
	if _, err := tx.DecodeSync([]byte(`{}`), nil); err == nil {
		t.Error("async task decoded a sync answer")
	}
}
