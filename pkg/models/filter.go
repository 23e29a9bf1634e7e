package models

import (
	"slices"
	"strings"

	"github.com/novita-cli/novita/pkg/novita"
)

// Kind is what a model name is used for in a request; its value is the API's type name.
type Kind string

const (
	KindAny        Kind = ""
	KindCheckpoint Kind = "checkpoint"
	KindLoRA       Kind = "lora"
	KindVAE        Kind = "vae"
	KindControlNet Kind = "controlnet"
	KindUpscaler   Kind = "upscaler"
	KindEmbedding  Kind = "textualinversion"
)

// Of reports whether m is of kind k. KindLoRA covers the LyCORIS family too (locon, loha, lokr,
// lycoris: the API lists some LoRAs that way, and they go in request.loras all the same).
func (k Kind) Of(m novita.Model) bool {
	t := strings.ToLower(m.Type.Name)
	switch k {
	case KindAny:
		return true
	case KindLoRA:
		return slices.Contains([]string{"lora", "locon", "loha", "lokr", "lycoris"}, t)
	}
	return t == string(k)
}

// Label is the kind for humans: "checkpoint", "LoRA", "textual inversion".
func (k Kind) Label() string {
	switch k {
	case KindLoRA:
		return "LoRA"
	case KindVAE:
		return "VAE"
	case KindControlNet:
		return "ControlNet"
	case KindEmbedding:
		return "textual inversion"
	case KindAny:
		return "model"
	}
	return string(k)
}

// HideUnavailable drops the models the API lists with status 0 (what `models` does unless
// --include-unavailable).
func HideUnavailable(ms []novita.Model) []novita.Model {
	out := make([]novita.Model, 0, len(ms))
	for _, m := range ms {
		if m.Available() {
			out = append(out, m)
		}
	}
	return out
}

// Filter applies q's filters locally, as the API would, to a list already fetched (the cache, or
// a --refresh that fetched everything). Visibility is applied only to models that state theirs: the
// API does not send it, so with --visibility ask the API instead. Paging fields are ignored.
func Filter(ms []novita.Model, q novita.ModelQuery) ([]novita.Model, error) {
	q, err := q.Normalize()
	if err != nil {
		return nil, err
	}
	var types []Kind
	if q.Types != "" {
		for _, t := range strings.Split(q.Types, ",") {
			types = append(types, Kind(t))
		}
	}
	needle := strings.ToLower(strings.TrimSpace(q.Query))
	out := []novita.Model{}
	for _, m := range ms {
		switch {
		case q.Visibility != "" && m.Visibility != "" && !strings.EqualFold(m.Visibility, q.Visibility),
			q.Source != "" && !strings.EqualFold(m.Source, q.Source),
			q.IsSDXL != nil && m.SDXL() != *q.IsSDXL,
			q.Inpainting && !m.IsInpainting(),
			len(types) > 0 && !slices.ContainsFunc(types, func(k Kind) bool { return k.Of(m) }),
			needle != "" && !mentions(m, needle):
			continue
		}
		out = append(out, m)
	}
	return out, nil
}

// mentions is the API's filter.query: a case-insensitive substring of sd_name, name or a tag.
func mentions(m novita.Model, needle string) bool {
	if strings.Contains(strings.ToLower(m.SDName), needle) || strings.Contains(strings.ToLower(m.Name), needle) ||
		strings.Contains(strings.ToLower(m.SDNameInAPI), needle) {
		return true
	}
	return slices.ContainsFunc(m.Tags, func(t string) bool { return strings.Contains(strings.ToLower(t), needle) })
}
