package models

import (
	"slices"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/novita"
)

func values(cs []Completion) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Value
	}
	return out
}

func TestCompleteListsAvailableModelsOfTheKindWithDescriptions(t *testing.T) {
	all := sandboxModels(t)
	byName := map[string]novita.Model{}
	for _, m := range all {
		byName[m.APIName()] = m
	}
	ck := Complete(all, KindCheckpoint, "SD_XL")
	if !slices.Equal(values(ck), []string{"sd_xl_base_1.0.safetensors", "sd_xl_refiner_1.0.safetensors"}) {
		t.Fatalf("case-insensitive prefix: %v", values(ck))
	}
	if ck[0].String() != "sd_xl_base_1.0.safetensors\tCheckpoint · SDXL 1.0 · base model" {
		t.Errorf("cobra form: %q", ck[0].String())
	}
	for kind, want := range map[Kind]string{KindCheckpoint: "dreamshaper_8_93211.safetensors", KindLoRA: "GoodHands-beta2_39807",
		KindEmbedding: "EasyNegative", KindVAE: "sdxl_vae.safetensors", KindUpscaler: "RealESRGAN_x4plus_anime_6B", KindControlNet: "control_v11p_sd15_canny"} {
		got := Complete(all, kind, "")
		if !slices.Contains(values(got), want) || !slices.IsSorted(values(got)) {
			t.Errorf("%s: %s missing or unsorted among %d", kind, want, len(got))
		}
		for _, c := range got {
			m := byName[c.Value]
			if !kind.Of(m) || !m.Available() {
				t.Errorf("%s completion offers %s (%s, status %d)", kind, c.Value, m.Type.Name, m.Status)
			}
		}
	}
	if inp := Complete(all, KindCheckpoint, "realisticVisionV40"); len(inp) != 1 || !strings.Contains(inp[0].Description, "inpainting") {
		t.Errorf("inpainting checkpoints say so: %v", inp)
	}
}

func TestCompleteKeepsTheShellProtocolSafe(t *testing.T) {
	ms := []novita.Model{
		{SDName: "evil\tname", Status: 1, Type: novita.ModelType{Name: "lora"}},
		{SDName: "two words", Status: 1, Type: novita.ModelType{Name: "lora"}},
		{SDName: "ok_lora", Status: 1, Type: novita.ModelType{Name: "lora", DisplayName: "LoRA\x1b[31m"}, Tags: []string{"a\nb"}},
		{SDName: "ok_lora", Status: 1, Type: novita.ModelType{Name: "lora"}},
		{SDName: "gone", Status: 0, Type: novita.ModelType{Name: "lora"}},
	}
	got := Complete(ms, KindLoRA, "")
	if len(got) != 1 || got[0].Value != "ok_lora" || strings.ContainsAny(got[0].Description, "\x1b\n\t") {
		t.Fatalf("%q", got)
	}
}

func TestFieldKindAndSetCompletion(t *testing.T) {
	for _, tc := range []struct {
		endpoint, path string
		kind           Kind
		ok             bool
	}{
		{"txt2img", "request.model_name", KindCheckpoint, true},
		{"img2img", "request.loras[0].model_name", KindLoRA, true},
		{"inpainting", "request.loras.3.model_name", KindLoRA, true},
		{"txt2img", "request.loras[].model_name", KindLoRA, true}, // the catalog spec's form
		{"txt2img", "request.embeddings.0.model_name", KindEmbedding, true},
		{"txt2img", "request.sd_vae", KindVAE, true},
		{"img2img", "request.controlnet.units[1].model_name", KindControlNet, true},
		{"upscale", "request.model_name", KindUpscaler, true},
		{"txt2video", "model_name", KindCheckpoint, true},
		{"txt2video", "loras.0.model_name", KindLoRA, true},
		{"img2video", "model_name", KindAny, false},
		{"hunyuan-video-fast", "model_name", KindAny, false},
		{"txt2img", "request.prompt", KindAny, false},
		{"txt2img", "request.loras.model_name", KindAny, false},
		{"txt2img", "request..[", KindAny, false},
	} {
		if k, ok := FieldKind(tc.endpoint, tc.path); k != tc.kind || ok != tc.ok {
			t.Errorf("%s %s: %q %v", tc.endpoint, tc.path, k, ok)
		}
	}
	all := sandboxModels(t)
	got := CompleteSet("txt2img", all, "request.loras[0].model_name=goodh")
	if !slices.Equal(values(got), []string{"request.loras[0].model_name=GoodHands-beta2_39807"}) {
		t.Errorf("--set completion: %v", values(got))
	}
	for _, in := range []string{"request.prompt=a", "request.loras", "request.model_name=sd"} {
		endpoint := "txt2img"
		if in == "request.model_name=sd" {
			endpoint = "img2video"
		}
		if got := CompleteSet(endpoint, all, in); got != nil {
			t.Errorf("%s %s: %v", endpoint, in, values(got))
		}
	}
}
