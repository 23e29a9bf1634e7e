package sandbox

import (
	"fmt"
	mrand "math/rand/v2"
	"strings"
)

// modelListSeed fixes the synthetic model list: the same names on every run and machine, so tests,
// docs and completion caches can rely on them (Options.Seed drives the failure knobs, not this).
const modelListSeed = 0x6d6f64656c73

// simModel is one model of the simulated GET /v3/model list. Visibility is the sandbox's own
// bookkeeping for filter.visibility: the API does not return it.
type simModel struct {
	ID            int64    `json:"id"`
	Name          string   `json:"name"`
	Hash          string   `json:"hash_sha256"`
	SDName        string   `json:"sd_name"`
	Type          simType  `json:"type"`
	Categories    []string `json:"categories"`
	Status        int      `json:"status"`
	Tags          []string `json:"tags"`
	CoverURL      string   `json:"cover_url"`
	Source        string   `json:"source"`
	BaseModel     string   `json:"base_model"`
	BaseModelType string   `json:"base_model_type"`
	URLTTL        int      `json:"download_url_ttl"`
	SDNameInAPI   string   `json:"sd_name_in_api"`
	IsSDXL        bool     `json:"is_sdxl"`
	private       bool
}

type simType struct {
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
}

func typeOf(name string) simType {
	display := map[string]string{"checkpoint": "Checkpoint", "lora": "LoRA", "locon": "locon", "vae": "VAE",
		"controlnet": "ControlNet", "upscaler": "Upscaler", "textualinversion": "TextualInversion"}[name]
	return simType{Name: name, DisplayName: display}
}

// anchorModels are real names: the CLI catalog's defaults (so sandboxed submits do not warn), the
// models of novita-api.md's sample, and common ones users type.
func anchorModels() []simModel {
	a := func(id int64, typ, name, sdName, inAPI, base, baseType string, tags ...string) simModel {
		if inAPI == "" {
			inAPI = sdName
		}
		return simModel{ID: id, Name: name, SDName: sdName, SDNameInAPI: inAPI, Type: typeOf(typ), Status: 1, Tags: tags,
			Source: "civitai", BaseModel: base, BaseModelType: baseType, IsSDXL: strings.HasPrefix(base, "SDXL")}
	}
	const sd15, sdxl, std, inp = "SD 1.5", "SDXL 1.0", "Standard", "Inpainting"
	return []simModel{
		a(114600, "checkpoint", "V4.0-inpainting (VAE)", "realisticVisionV40_v40VAE-inpainting_81543.safetensors", "", sd15, inp, "photorealistic", "realistic"),
		a(128713, "checkpoint", "8", "dreamshaper_8_93211.safetensors", "", sd15, std, "anime", "fantasy", "photorealistic"),
		a(101055, "checkpoint", "SDXL 1.0", "sd_xl_base_1.0.safetensors", "", sdxl, std, "base model"),
		a(101056, "checkpoint", "SDXL Refiner 1.0", "sd_xl_refiner_1.0.safetensors", "", sdxl, std, "base model", "refiner"),
		a(64380, "checkpoint", "225D", "darkSushiMixMix_225D_64380.safetensors", "", sd15, std, "anime"), // txt2video page example
		a(100001, "checkpoint", "v1.5", "v1-5-pruned-emaonly.safetensors", "", sd15, std, "base model"),
		a(130090, "checkpoint", "V5.1 inpainting", "realisticVisionV51_v51VAE-inpainting_130090.safetensors", "", sd15, inp, "photorealistic"),
		a(55199, "locon", "beta2", "GoodHands-beta2_39807.safetensors", "GoodHands-beta2_39807", sd15, std, "photorealistic", "concept", "hands"),
		a(87153, "lora", "Detail Tweaker", "add_detail_44319.safetensors", "add_detail_44319", sd15, std, "detail", "tool"),
		a(82098, "lora", "More Details", "more_details_59655.safetensors", "more_details_59655", sd15, std, "detail"),
		a(90001, "vae", "sdxl-vae", "sdxl_vae.safetensors", "", sdxl, std, "vae"),
		a(90002, "vae", "ft-mse-840000", "vae-ft-mse-840000-ema-pruned.safetensors", "", sd15, std, "vae"),
		a(91001, "controlnet", "canny", "control_v11p_sd15_canny", "", sd15, std, "edges"),
		a(91002, "controlnet", "depth", "control_v11f1p_sd15_depth", "", sd15, std, "depth"),
		a(91003, "controlnet", "openpose", "control_v11p_sd15_openpose", "", sd15, std, "pose"),
		a(92001, "upscaler", "RealESRGAN x4plus anime 6B", "RealESRGAN_x4plus_anime_6B", "", sd15, std, "anime", "upscale"),
		a(92002, "upscaler", "RealESRGAN x4plus", "RealESRGAN_x4plus", "", sd15, std, "upscale"),
		a(92003, "upscaler", "4x-UltraSharp", "4x-UltraSharp", "", sd15, std, "upscale", "sharp"),
		a(92004, "upscaler", "RealESRNet x4plus", "RealESRNet_x4plus", "", sd15, std, "upscale"),
		a(93001, "textualinversion", "EasyNegative", "EasyNegative", "", sd15, std, "negative"),
		a(93002, "textualinversion", "badhandv4", "badhandv4", "", sd15, std, "negative", "hands"),
		a(93003, "textualinversion", "ng_deepnegative_v1_75t", "ng_deepnegative_v1_75t", "", sd15, std, "negative"),
	}
}

// simModelList is the anchors followed by a few hundred seeded synthetic models of every type, shuffled
// so that pages mix types as the real list does.
func simModelList() []simModel {
	rng := mrand.New(mrand.NewPCG(modelListSeed, 1))
	stems := []string{"dream", "real", "epic", "majic", "cyber", "anime", "photon", "juggernaut", "deli", "aether",
		"neon", "mystic", "pastel", "ghibli", "noir", "vivid", "retro", "astral", "lumen", "cinematic"}
	ends := []string{"Mix", "Vision", "Realism", "Diffusion", "Art", "Style", "Dream", "Fusion", "Punk", "Scape", "Portrait"}
	tagPool := []string{"photorealistic", "realistic", "anime", "fantasy", "portrait", "landscape", "cartoon", "3d",
		"concept", "style", "character", "architecture", "sci-fi", "hands", "detail", "semi-realistic"}
	counts := []struct {
		typ string
		n   int
	}{{"checkpoint", 110}, {"lora", 110}, {"vae", 14}, {"controlnet", 18}, {"upscaler", 10}, {"textualinversion", 30}}
	seen := map[string]bool{}
	var synth []simModel
	id := int64(140000)
	for _, c := range counts {
		for i := 0; i < c.n; i++ {
			id += 1 + rng.Int64N(900)
			stem := stems[rng.IntN(len(stems))]
			end := ends[rng.IntN(len(ends))]
			m := simModel{ID: id, Type: typeOf(c.typ), Status: 1, Source: "civitai", BaseModel: "SD 1.5", BaseModelType: "Standard"}
			if rng.IntN(3) == 0 {
				m.BaseModel, m.IsSDXL = "SDXL 1.0", true
			}
			major := 1 + rng.IntN(9)
			m.Name = fmt.Sprintf("v%d.%d", major, rng.IntN(10))
			base := stem + end
			if m.IsSDXL {
				base += "XL"
			}
			switch c.typ {
			case "checkpoint":
				if !m.IsSDXL && rng.IntN(8) == 0 {
					m.BaseModelType, base = "Inpainting", base+"-inpainting"
				}
				m.SDName = fmt.Sprintf("%s_v%d_%d.safetensors", base, major, id)
				m.SDNameInAPI = m.SDName
			case "lora":
				if rng.IntN(5) == 0 {
					m.Type = typeOf("locon")
				}
				m.SDName = fmt.Sprintf("%s_lora_v%d_%d.safetensors", base, major, id)
				m.SDNameInAPI = strings.TrimSuffix(m.SDName, ".safetensors")
			case "vae":
				m.SDName = fmt.Sprintf("%s_vae_%d.safetensors", strings.ToLower(stem), id)
				m.SDNameInAPI = m.SDName
			case "controlnet":
				m.SDName = fmt.Sprintf("control_%s_%s_%d", strings.ToLower(stem), strings.ToLower(end), id)
				m.SDNameInAPI = m.SDName
			case "upscaler":
				m.SDName = fmt.Sprintf("%dx-%s%s_%d", 2+2*rng.IntN(2), stem, end, id)
				m.SDNameInAPI = m.SDName
			case "textualinversion":
				m.SDName = fmt.Sprintf("%s%sNeg_%d", stem, end, id)
				m.SDNameInAPI = m.SDName
			}
			if seen[m.SDNameInAPI] {
				continue
			}
			seen[m.SDNameInAPI] = true
			for _, t := range rng.Perm(len(tagPool))[:1+rng.IntN(3)] {
				m.Tags = append(m.Tags, tagPool[t])
			}
			if rng.IntN(10) == 0 {
				m.private = true
				m.Source = []string{"training", "uploading"}[rng.IntN(2)]
			}
			if rng.IntN(16) == 0 {
				m.Status = 0
			}
			synth = append(synth, m)
		}
	}
	rng.Shuffle(len(synth), func(i, j int) { synth[i], synth[j] = synth[j], synth[i] })
	all := append(anchorModels(), synth...)
	for i := range all {
		m := &all[i]
		m.Hash = fmt.Sprintf("%010X", uint64(m.ID)*0x9E3779B97F4A7C15>>24&0xFFFFFFFFFF)
		m.CoverURL = fmt.Sprintf("https://images.example.com/covers/%d.jpeg", m.ID)
		m.URLTTL = 2592000
		if m.Categories == nil {
			m.Categories = []string{}
		}
	}
	return all
}
