package sandbox

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/novita"
)

// listAll walks every page with the project's client and fails the test on any error.
func listAll(t *testing.T, s *Server, q novita.ModelQuery) ([]novita.Model, int) {
	t.Helper()
	c := novita.NewClient(s.URL(), s.APIKey(), "test")
	var all []novita.Model
	for pages := 1; pages < 1000; pages++ {
		p, err := c.ListModels(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, p.Models...)
		if p.NextCursor == "" {
			return all, pages
		}
		q.Cursor = p.NextCursor
	}
	t.Fatal("paging never ended")
	return nil, 0
}

func TestModelListIsRealisticAndHasEveryKind(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	all, pages := listAll(t, s, novita.ModelQuery{Limit: 100})
	if len(all) < 250 || len(all) > 500 || pages != (len(all)+99)/100 {
		t.Fatalf("%d models in %d pages: want a few hundred in pages of 100", len(all), pages)
	}
	types := map[string]int{}
	ids, names := map[novita.FlexInt]bool{}, map[string]bool{}
	var sdxl, sd15, inpainting, unavailable, private int
	for _, m := range all {
		types[m.Type.Name]++
		if ids[m.ID] || names[m.APIName()] {
			t.Fatalf("duplicate model %d %s", m.ID, m.APIName())
		}
		ids[m.ID], names[m.APIName()] = true, true
		switch {
		case m.IsSDXL && m.BaseModel == "SDXL 1.0":
			sdxl++
		case !m.IsSDXL && m.BaseModel == "SD 1.5":
			sd15++
		default:
			t.Errorf("%s: is_sdxl %v disagrees with base model %q", m.APIName(), m.IsSDXL, m.BaseModel)
		}
		if m.IsInpainting() {
			inpainting++
			if m.Type.Name != "checkpoint" {
				t.Errorf("inpainting %s is a %s", m.APIName(), m.Type.Name)
			}
		}
		if !m.Available() {
			unavailable++
		}
		if m.Source != "civitai" {
			private++
		}
		if m.Type.DisplayName == "" || m.CoverURL == "" || m.Categories == nil || len(m.Tags) == 0 || m.DownloadURLTTL == 0 {
			t.Errorf("model %s lacks fields the API sends: %s", m.APIName(), m.Raw)
		}
		if m.Type.Name == "lora" && strings.HasSuffix(m.APIName(), ".safetensors") {
			t.Errorf("lora %s: the API names LoRAs without their extension", m.APIName())
		}
	}
	for _, typ := range []string{"checkpoint", "lora", "locon", "vae", "controlnet", "upscaler", "textualinversion"} {
		if types[typ] == 0 {
			t.Errorf("no %s in the list: %v", typ, types)
		}
	}
	if sdxl < 30 || sd15 < 30 || inpainting < 3 || unavailable < 3 || private < 5 {
		t.Errorf("sdxl %d sd15 %d inpainting %d unavailable %d private %d: every variety must be present", sdxl, sd15, inpainting, unavailable, private)
	}
	for _, name := range []string{"sd_xl_base_1.0.safetensors", "dreamshaper_8_93211.safetensors",
		"realisticVisionV40_v40VAE-inpainting_81543.safetensors", "RealESRGAN_x4plus_anime_6B", "GoodHands-beta2_39807", "EasyNegative"} {
		if !names[name] {
			t.Errorf("%s is missing: the CLI's defaults and the documented sample must be listed", name)
		}
	}
	// The list is seeded: another server answers the same bytes.
	other := start(t, Options{Seed: 99})
	a := call(t, http.MethodGet, s.URL()+"/v3/model?pagination.limit=100", bearer(s), nil)
	b := call(t, http.MethodGet, other.URL()+"/v3/model?pagination.limit=100", bearer(other), nil)
	if a.status != 200 || string(a.body) != string(b.body) {
		t.Errorf("the model list must be deterministic")
	}
}

func TestModelPagingFollowsCursorsToTheEnd(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	whole, _ := listAll(t, s, novita.ModelQuery{Limit: 100})
	small, pages := listAll(t, s, novita.ModelQuery{Limit: 7})
	if pages != (len(whole)+6)/7 || len(small) != len(whole) {
		t.Fatalf("%d models in %d pages of 7, want %d", len(small), pages, len(whole))
	}
	for i := range whole {
		if whole[i].ID != small[i].ID {
			t.Fatalf("model %d differs between page sizes", i)
		}
	}
	first := call(t, http.MethodGet, s.URL()+"/v3/model", bearer(s), nil)
	var body struct {
		Models     []json.RawMessage
		Pagination struct {
			NextCursor string `json:"next_cursor"`
		}
	}
	if err := json.Unmarshal(first.body, &body); err != nil || len(body.Models) != DefaultModelPageSize || body.Pagination.NextCursor == "" {
		t.Fatalf("default page: %d models, cursor %q (%v)", len(body.Models), body.Pagination.NextCursor, err)
	}
	// Opaque, in the reference's shape (c_ and base64), never a readable offset a client could compute.
	c := body.Pagination.NextCursor
	if _, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(c, "c_")); !strings.HasPrefix(c, "c_") || err != nil || c == "c_20" {
		t.Errorf("next_cursor %q: want the reference's opaque form", c)
	}
	c0 := call(t, http.MethodGet, s.URL()+"/v3/model?pagination.cursor=c_0", bearer(s), nil)
	if string(c0.body) != string(first.body) {
		t.Errorf("c_0 must be the first page")
	}
}

func TestModelFiltersSelectExactlyWhatTheyName(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	all, _ := listAll(t, s, novita.ModelQuery{Limit: 100})
	yes, no := true, false
	for _, tc := range []struct {
		name string
		q    novita.ModelQuery
		keep func(novita.Model) bool
	}{
		{"checkpoints", novita.ModelQuery{Types: "checkpoint"}, func(m novita.Model) bool { return m.Type.Name == "checkpoint" }},
		{"loras include locon", novita.ModelQuery{Types: "lora"}, func(m novita.Model) bool { return m.Type.Name == "lora" || m.Type.Name == "locon" }},
		{"two types", novita.ModelQuery{Types: "vae,textualinversion"}, func(m novita.Model) bool { return m.Type.Name == "vae" || m.Type.Name == "textualinversion" }},
		{"sdxl", novita.ModelQuery{IsSDXL: &yes}, func(m novita.Model) bool { return m.IsSDXL }},
		{"not sdxl", novita.ModelQuery{IsSDXL: &no}, func(m novita.Model) bool { return !m.IsSDXL }},
		{"inpainting", novita.ModelQuery{Inpainting: true}, novita.Model.IsInpainting},
		{"training", novita.ModelQuery{Source: "training"}, func(m novita.Model) bool { return m.Source == "training" }},
		{"public", novita.ModelQuery{Visibility: "public"}, func(m novita.Model) bool { return m.Source == "civitai" }},
		{"private", novita.ModelQuery{Visibility: "private"}, func(m novita.Model) bool { return m.Source != "civitai" }},
		{"query in sd_name, any case", novita.ModelQuery{Query: "DREAMSHAPER_8"}, func(m novita.Model) bool {
			return strings.Contains(strings.ToLower(m.SDName), "dreamshaper_8")
		}},
		{"query in name", novita.ModelQuery{Query: "detail tweaker"}, func(m novita.Model) bool { return m.Name == "Detail Tweaker" }},
		{"query in tags", novita.ModelQuery{Query: "Hands"}, func(m novita.Model) bool {
			return strings.Contains(strings.ToLower(m.SDName+m.Name), "hands") || slices.Contains(m.Tags, "hands")
		}},
		{"combined", novita.ModelQuery{Types: "checkpoint", IsSDXL: &no, Inpainting: true, Query: "realistic"}, func(m novita.Model) bool {
			return m.Type.Name == "checkpoint" && !m.IsSDXL && m.IsInpainting() &&
				(strings.Contains(strings.ToLower(m.SDName+"|"+m.Name), "realistic") || slices.ContainsFunc(m.Tags, func(t string) bool { return strings.Contains(t, "realistic") }))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := tc.q
			q.Limit = 9
			got, _ := listAll(t, s, q)
			var want []novita.FlexInt
			for _, m := range all {
				if tc.keep(m) {
					want = append(want, m.ID)
				}
			}
			var ids []novita.FlexInt
			for _, m := range got {
				ids = append(ids, m.ID)
			}
			if len(want) == 0 || !slices.Equal(ids, want) {
				t.Fatalf("got %d models %v, want %d %v", len(ids), ids, len(want), want)
			}
		})
	}
	// is_inpainting=false is no filter at all, as the API documents it.
	notInp, _ := listAll(t, s, novita.ModelQuery{Limit: 100})
	r := call(t, http.MethodGet, s.URL()+"/v3/model?filter.is_inpainting=false&pagination.limit=100", bearer(s), nil)
	var first struct{ Models []json.RawMessage }
	if err := json.Unmarshal(r.body, &first); err != nil || len(first.Models) != min(100, len(notInp)) {
		t.Errorf("is_inpainting=false filtered the list: %d models", len(first.Models))
	}
}

func TestModelListRefusesBadParametersAndKeys(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	for q, want := range map[string]string{
		"pagination.limit=0":                   "pagination.limit: must be between 1 and 100",
		"pagination.limit=101":                 "pagination.limit: must be between 1 and 100",
		"pagination.limit=ten":                 "pagination.limit: must be between 1 and 100",
		"pagination.cursor=abc":                `pagination.cursor: "abc" is not a cursor this API gave`,
		"pagination.cursor=c_20":               `pagination.cursor: "c_20" is not a cursor`, // a guessed offset
		"pagination.cursor=c_WzEwMDAwMCwiMSJd": `pagination.cursor: "c_WzEwMDAwMCwiMSJd" is past the end of the list`,
		"filter.visibility=shared":             "filter.visibility: must be public or private",
		"filter.source=hf":                     "filter.source: must be civitai, training or uploading",
		"filter.types=loras":                   `filter.types: unknown type "loras" (valid: checkpoint, lora, vae, controlnet, upscaler, textualinversion)`,
		"filter.is_sdxl=maybe":                 "filter.is_sdxl: must be true or false",
		"filter.is_inpainting=2":               "filter.is_inpainting: must be true or false",
	} {
		r := call(t, http.MethodGet, s.URL()+"/v3/model?"+q, bearer(s), nil)
		if e := r.apiError(t); r.status != 400 || e.Reason != "INVALID_REQUEST_BODY" || !strings.HasPrefix(e.Message, want) {
			t.Errorf("%s: %d %s", q, r.status, r.body)
		}
	}
	for _, path := range []string{"/v3/model", "/openapi/v1/billing/balance/detail"} {
		if r := call(t, http.MethodGet, s.URL()+path, "", nil); r.status != 400 || r.apiError(t).Reason != "MISSING_API_KEY" {
			t.Errorf("%s without a key: %d %s", path, r.status, r.body)
		}
		if r := call(t, http.MethodGet, s.URL()+path, "Bearer sk_wrong", nil); r.status != 403 || r.apiError(t).Reason != "INVALID_API_KEY" {
			t.Errorf("%s with a wrong key: %d %s", path, r.status, r.body)
		}
		if r := call(t, http.MethodGet, s.URL()+path, s.APIKey(), nil); r.status != 200 {
			t.Errorf("%s with the bare key (JS SDK style): %d", path, r.status)
		}
		if r := call(t, http.MethodPost, s.URL()+path, bearer(s), nil); r.status != 405 || r.header.Get("Allow") != "GET" {
			t.Errorf("POST %s: %d", path, r.status)
		}
	}
	_, err := novita.NewClient(s.URL(), "sk_wrong", "test").ListModels(context.Background(), novita.ModelQuery{})
	var ae *novita.APIError
	if !errors.As(err, &ae) || !ae.IsAuth() {
		t.Errorf("the client must see a wrong key as an auth error: %v", err)
	}
}

func TestModelListMarkersBreakPagingOnPurpose(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	get := func(q url.Values) (ids []int64, next string) {
		r := call(t, http.MethodGet, s.URL()+"/v3/model?"+q.Encode(), bearer(s), nil)
		p, err := novita.DecodeModelPage(r.body)
		if err != nil || r.status != 200 {
			t.Fatalf("%d %s", r.status, r.body)
		}
		for _, m := range p.Models {
			ids = append(ids, int64(m.ID))
		}
		return ids, p.NextCursor
	}
	q := url.Values{"filter.query": {ModelQueryCursorLoop}, "pagination.limit": {"5"}}
	_, n1 := get(q)
	q.Set("pagination.cursor", n1)
	_, n2 := get(q)
	if n1 == "" || n1 != n2 {
		t.Errorf("cursor loop: %q then %q", n1, n2)
	}
	q = url.Values{"filter.query": {"x4plus " + ModelQueryRepeatPage}, "filter.types": {"upscaler"}, "pagination.limit": {"50"}}
	p1, c1 := get(q)
	q.Set("pagination.cursor", c1)
	p2, c2 := get(q)
	if len(p1) == 0 || !slices.Equal(p1, p2) || c1 == c2 {
		t.Errorf("repeated page: %v (%q) then %v (%q)", p1, c1, p2, c2)
	}
}
