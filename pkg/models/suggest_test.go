package models

import (
	"strings"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/novita"
)

func TestSuggestFindsWhatARealTypoMeant(t *testing.T) {
	all := sandboxModels(t)
	for _, tc := range []struct {
		kind      Kind
		typed     string
		wantFirst string
	}{
		{KindCheckpoint, "sd_xl_base_1.0", "sd_xl_base_1.0.safetensors"},             // no extension
		{KindCheckpoint, "SD_XL_BASE_1.0.safetensors", "sd_xl_base_1.0.safetensors"}, // case
		{KindCheckpoint, "sd_xl_bsae_1.0.safetensors", "sd_xl_base_1.0.safetensors"}, // transposition
		{KindCheckpoint, "sdxl_base_1.0.safetensors", "sd_xl_base_1.0.safetensors"},  // missing character
		{KindCheckpoint, "dreamshapper_8_93211.safetensors", "dreamshaper_8_93211.safetensors"},
		{KindCheckpoint, "dreamshaper_8", "dreamshaper_8_93211.safetensors"},      // shortened
		{KindCheckpoint, "dreamshaper8", "dreamshaper_8_93211.safetensors"},       // shortened with a typo
		{KindCheckpoint, "dreamshaper_8.ckpt", "dreamshaper_8_93211.safetensors"}, // another extension
		{KindCheckpoint, "realisticVisionV40_v40VAE-inpainting", "realisticVisionV40_v40VAE-inpainting_81543.safetensors"},
		{KindUpscaler, "RealESRGAN_x4plus_anime", "RealESRGAN_x4plus_anime_6B"},
		{KindUpscaler, "realesrgan_x4plus", "RealESRGAN_x4plus"},
		{KindEmbedding, "easynegativ", "EasyNegative"},
		{KindEmbedding, "bad_hand_v4", "badhandv4"},
		{KindLoRA, "GoodHands-beta2_39807.safetensors", "GoodHands-beta2_39807"},
		{KindLoRA, "goodhands", "GoodHands-beta2_39807"},
		{KindLoRA, "add_detail", "add_detail_44319"},
	} {
		got := Suggest(all, tc.kind, tc.typed, 3)
		if len(got) == 0 || got[0] != tc.wantFirst {
			t.Errorf("%s %q: suggested %q, want %q first", tc.kind, tc.typed, got, tc.wantFirst)
		}
	}
	for _, tc := range []struct {
		kind  Kind
		typed string
	}{{KindCheckpoint, "zzzzqqqqxxxx"}, {KindLoRA, "sd_xl_base_1.0.safetensors"}, {KindCheckpoint, ""}, {KindCheckpoint, "x"}} {
		if got := Suggest(all, tc.kind, tc.typed, 3); len(got) != 0 {
			t.Errorf("%s %q: nothing is close, got %q", tc.kind, tc.typed, got)
		}
	}
	for _, m := range all {
		if m.Available() || !KindCheckpoint.Of(m) {
			continue
		}
		for _, s := range Suggest(all, KindCheckpoint, m.APIName()+"x", 5) {
			if s == m.APIName() {
				t.Errorf("unavailable %s suggested", s)
			}
		}
	}
	if got := Suggest(all, KindCheckpoint, "dream", 4); len(got) != 4 {
		t.Errorf("at most n, and n when there are enough: %q", got)
	}
}

func TestWarningSpeaksOnlyFromAFreshListAndNeverRefuses(t *testing.T) {
	all := sandboxModels(t)
	fresh := Snapshot{Models: all, State: StateFresh, Age: 2*time.Hour + 10*time.Minute}
	for _, name := range []string{"sd_xl_base_1.0.safetensors", "dreamshaper_8_93211.safetensors", "realisticVisionV40_v40VAE-inpainting_81543.safetensors"} {
		if w := Warning(fresh, KindCheckpoint, name); w != "" {
			t.Errorf("the CLI's default %s must not warn: %s", name, w)
		}
	}
	if w := Warning(fresh, KindUpscaler, "RealESRGAN_x4plus_anime_6B"); w != "" {
		t.Errorf("default upscaler: %s", w)
	}
	if w := Warning(fresh, KindLoRA, "GoodHands-beta2_39807.safetensors"); w != "" {
		t.Errorf("a LoRA named by its sd_name is known: %s", w)
	}
	w := Warning(fresh, KindCheckpoint, "sd_xl_bsae_1.0.safetensors")
	for _, want := range []string{`checkpoint "sd_xl_bsae_1.0.safetensors" is not in Novita's model list (fetched 2h ago)`,
		`did you mean "sd_xl_base_1.0.safetensors"`, UnlistedNote} {
		if !strings.Contains(w, want) {
			t.Errorf("warning %q lacks %q", w, want)
		}
	}
	if w := Warning(fresh, KindCheckpoint, "my-private-model"); !strings.Contains(w, "is not in") || strings.Contains(w, "did you mean") {
		t.Errorf("no close name: %q", w)
	}
	if w := Warning(fresh, KindCheckpoint, "GoodHands-beta2_39807"); w != `"GoodHands-beta2_39807" is a LoRA in Novita's model list, not a checkpoint` {
		t.Errorf("wrong kind: %q", w)
	}
	for _, m := range all {
		if !m.Available() && KindCheckpoint.Of(m) {
			if w := Warning(fresh, KindCheckpoint, m.APIName()); !strings.Contains(w, "unavailable") {
				t.Errorf("status 0: %q", w)
			}
			break
		}
	}
	if w := Warning(fresh, KindCheckpoint, "bad\x1b[2Jname"); strings.ContainsRune(w, '\x1b') {
		t.Errorf("control characters must be escaped: %q", w)
	}
	for _, st := range []State{StateStale, StateMissing, StateCorrupt} {
		if w := Warning(Snapshot{Models: all, State: st}, KindCheckpoint, "sd_xl_bsae_1.0.safetensors"); w != "" {
			t.Errorf("a %s list cannot tell a typo from a new model: %q", st, w)
		}
	}
	if w := Warning(Snapshot{State: StateFresh, Models: []novita.Model{{SDName: "a", Status: 1, Type: novita.ModelType{Name: "x\x07y"}}}}, KindCheckpoint, "a"); strings.ContainsRune(w, '\a') {
		t.Errorf("a type name from the network is shown without control characters: %q", w)
	}
}

func TestBodyWarningsCheckEveryModelField(t *testing.T) {
	fresh := Snapshot{Models: sandboxModels(t), State: StateFresh, Age: time.Minute}
	body := map[string]any{"request": map[string]any{
		"model_name": "sd_xl_base_1.0.safetensors",
		"prompt":     "dreamshaper_8",
		"loras": []any{
			map[string]any{"model_name": "add_detail_44319", "strength": 0.5},
			map[string]any{"model_name": "add_detial_44319"},
		},
		"embeddings": []any{map[string]any{"model_name": "EasyNegatve"}},
		"sd_vae":     "sdxl_vae.safetensors",
	}}
	got := BodyWarnings(fresh, "txt2img", body)
	if len(got) != 2 || !strings.Contains(got[0], `did you mean "EasyNegative"`) || !strings.Contains(got[1], `LoRA "add_detial_44319"`) {
		t.Fatalf("%q", got)
	}
	body["request"].(map[string]any)["model_name"] = "sd_xl_bse_1.0.safetensors"
	if got := BodyWarnings(fresh, "img2video", body); got != nil {
		t.Errorf("a task whose models are not in the list is not checked: %q", got)
	}
	if got := BodyWarnings(Snapshot{Models: fresh.Models, State: StateStale}, "txt2img", body); got != nil {
		t.Errorf("stale list: %q", got)
	}
	if got := BodyWarnings(fresh, "txt2video", map[string]any{"model_name": 12, "loras": "x"}); got != nil {
		t.Errorf("odd shapes are skipped, not guessed at: %q", got)
	}
}
