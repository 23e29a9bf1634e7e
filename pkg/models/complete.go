package models

import (
	"slices"
	"strings"
	"unicode"

	"github.com/novita-cli/novita/pkg/novita"
)

// Completion is one shell completion candidate.
type Completion struct {
	Value       string
	Description string
}

// String is cobra's "value\tdescription" form.
func (c Completion) String() string {
	if c.Description == "" {
		return c.Value
	}
	return c.Value + "\t" + c.Description
}

// Complete lists the available models of kind whose API name starts with prefix (case-insensitive),
// sorted by name, each once. Names the shell could not take back as one word (spaces, control
// characters) are left out; descriptions ("Checkpoint · SDXL 1.0 · photorealistic, realistic") come
// from the network, so control characters in them become spaces.
func Complete(ms []novita.Model, kind Kind, prefix string) []Completion {
	lp := strings.ToLower(prefix)
	seen := map[string]bool{}
	var out []Completion
	for _, m := range ms {
		name := m.APIName()
		if !m.Available() || !kind.Of(m) || seen[name] || !shellWord(name) || !strings.HasPrefix(strings.ToLower(name), lp) {
			continue
		}
		seen[name] = true
		out = append(out, Completion{Value: name, Description: describe(m)})
	}
	slices.SortFunc(out, func(a, b Completion) int { return strings.Compare(a.Value, b.Value) })
	return out
}

// CompleteSet completes a --set value "path=prefix" when the task's path names a model (a LoRA in
// request.loras.0.model_name, a VAE in request.sd_vae, ...); nil otherwise, so the shell falls back.
func CompleteSet(endpoint string, ms []novita.Model, toComplete string) []Completion {
	path, prefix, ok := strings.Cut(toComplete, "=")
	if !ok {
		return nil
	}
	kind, ok := FieldKind(endpoint, path)
	if !ok {
		return nil
	}
	out := Complete(ms, kind, prefix)
	for i := range out {
		out[i].Value = path + "=" + out[i].Value
	}
	return out
}

// FieldKind says which kind of model a body field of a task names, for completion and warnings.
// endpoint is the catalog task's Name ("txt2img"); path is a body path in any of the project's forms
// ("request.loras[0].model_name", "request.loras.0.model_name", the spec's "request.loras[].model_name"). Fields whose names are not in the
// model list (img2video's SVD-XT, the video models) are not model fields here.
func FieldKind(endpoint, path string) (Kind, bool) {
	k, ok := modelFields(endpoint)[fieldPattern(path)]
	return k, ok
}

// fieldPattern writes a body path with every index as "#": "request.loras[0].model_name",
// "request.loras.0.model_name" and the catalog spec's "request.loras[].model_name" all become
// "request.loras.#.model_name". Only a lookup key: a malformed path simply matches nothing
// (jsonpath.Parse reports errors where a body is built).
func fieldPattern(path string) string {
	path = strings.ReplaceAll(path, "[]", ".#")
	parts := strings.FieldsFunc(path, func(r rune) bool { return r == '.' || r == '[' || r == ']' })
	for i, p := range parts {
		if strings.Trim(p, "0123456789") == "" {
			parts[i] = "#"
		}
	}
	return strings.Join(parts, ".")
}

// modelFields maps each task's model-naming paths (indexes as "#") to their kind.
func modelFields(endpoint string) map[string]Kind {
	sd := func(p string) map[string]Kind {
		return map[string]Kind{
			p + "model_name":                    KindCheckpoint,
			p + "loras.#.model_name":            KindLoRA,
			p + "embeddings.#.model_name":       KindEmbedding,
			p + "sd_vae":                        KindVAE,
			p + "controlnet.units.#.model_name": KindControlNet,
		}
	}
	switch endpoint {
	case "txt2img", "img2img", "inpainting":
		return sd("request.")
	case "txt2video":
		return sd("")
	case "upscale":
		return map[string]Kind{"request.model_name": KindUpscaler}
	}
	return nil
}

// describe is the one-line completion description of m.
func describe(m novita.Model) string {
	parts := []string{m.Type.DisplayName}
	if parts[0] == "" {
		parts[0] = m.Type.Name
	}
	if m.BaseModel != "" {
		parts = append(parts, m.BaseModel)
	}
	if m.IsInpainting() {
		parts = append(parts, "inpainting")
	}
	if len(m.Tags) > 0 {
		parts = append(parts, strings.Join(m.Tags[:min(3, len(m.Tags))], ", "))
	}
	return oneLine(strings.Join(parts, " · "))
}

// oneLine replaces control characters (tabs and newlines would break the completion protocol; escape
// sequences would reach the terminal) with spaces.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

func shellWord(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) })
}
