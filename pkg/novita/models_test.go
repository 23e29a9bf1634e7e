package novita

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/novita-cli/novita/pkg/clierr"
)

func TestListModelsDecodesTheSampleAndKeepsEachModelRaw(t *testing.T) {
	raw := sample(t, "models-list.json")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/v3/model" {
			t.Errorf("unexpected request %s %s", r.Method, r.URL)
		}
		if r.Header.Get("Authorization") != "Bearer sk_test_secret" {
			t.Errorf("the model list needs the key")
		}
		w.Write(raw)
	}))
	defer srv.Close()
	page, err := testClient(srv.URL).ListModels(context.Background(), ModelQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Models) != 2 || page.NextCursor != "c_WzgwNDY2NiwiNTUxOTkiXQ==" {
		t.Fatalf("%d models, cursor %q", len(page.Models), page.NextCursor)
	}
	rv := page.Models[0]
	if rv.ID != 114600 || rv.Type.Name != "checkpoint" || rv.APIName() != "realisticVisionV40_v40VAE-inpainting_81543.safetensors" ||
		!rv.IsInpainting() || rv.SDXL() || !rv.Available() || rv.BaseModel != "SD 1.5" || len(rv.Tags) != 2 || rv.DownloadURLTTL != 2592000 {
		t.Fatalf("first model decoded as %+v", rv)
	}
	lora := page.Models[1]
	if lora.APIName() != "GoodHands-beta2_39807" || lora.SDName != "GoodHands-beta2_39807.safetensors" || lora.Type.Name != "locon" || lora.IsInpainting() {
		t.Fatalf("the name to use in requests is sd_name_in_api: %+v", lora)
	}
	// Each model's raw JSON is the sample's entry, and marshalling gives it back untouched.
	var want struct{ Models []json.RawMessage }
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	for i, m := range page.Models {
		out, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if !jsonEqual(t, out, want.Models[i]) || !jsonEqual(t, m.Raw, want.Models[i]) {
			t.Errorf("model %d: --json output %s differs from what the API sent", i, out)
		}
	}
	if !bytes.Equal(page.Raw, raw) {
		t.Errorf("page raw not kept")
	}
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y bytes.Buffer
	if err := json.Compact(&x, a); err != nil {
		t.Fatal(err)
	}
	if err := json.Compact(&y, b); err != nil {
		t.Fatal(err)
	}
	return x.String() == y.String()
}

func TestModelQueryEncodesEveryFilter(t *testing.T) {
	no := false
	q := ModelQuery{Visibility: "Private", Source: "civitai", Types: "Checkpoint, loras", IsSDXL: &no, Inpainting: true,
		Query: "real vision&co", Limit: 100, Cursor: "c_WzgwNDY2NiwiNTUxOTkiXQ=="}
	var got atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.URL.Query())
		w.Write([]byte(`{"models":[],"pagination":{"next_cursor":""}}`))
	}))
	defer srv.Close()
	page, err := testClient(srv.URL).ListModels(context.Background(), q)
	if err != nil || len(page.Models) != 0 || page.NextCursor != "" {
		t.Fatalf("%v %+v", err, page)
	}
	v := got.Load().(url.Values)
	want := map[string]string{
		"filter.visibility": "private", "filter.source": "civitai", "filter.types": "checkpoint,lora",
		"filter.is_sdxl": "false", "filter.is_inpainting": "true", "filter.query": "real vision&co",
		"pagination.limit": "100", "pagination.cursor": "c_WzgwNDY2NiwiNTUxOTkiXQ==",
	}
	for k, w := range want {
		if len(v[k]) != 1 || v[k][0] != w {
			t.Errorf("%s = %q, want %q", k, v[k], w)
		}
	}
	if len(v) != len(want) {
		t.Errorf("unexpected parameters: %v", v)
	}
	// Unset filters are not sent at all (is_inpainting=false would be a filter to some servers).
	if enc := (ModelQuery{}).Values().Encode(); enc != "" {
		t.Errorf("an empty query sends %q", enc)
	}
	yes := true
	if enc := (ModelQuery{IsSDXL: &yes}).Values().Encode(); enc != "filter.is_sdxl=true" {
		t.Errorf("sdxl only: %q", enc)
	}
}

func TestBadModelQueriesAreUsageErrorsAndSendNothing(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { n.Add(1) }))
	defer srv.Close()
	for _, tc := range []struct {
		q    ModelQuery
		want string
	}{
		{ModelQuery{Types: "checkpiont"}, `unknown model type "checkpiont" (valid: checkpoint, lora, vae, controlnet, upscaler, textualinversion)`},
		{ModelQuery{Types: "lora,"}, `unknown model type ""`},
		{ModelQuery{Visibility: "secret"}, `unknown model visibility "secret" (valid: public, private)`},
		{ModelQuery{Source: "hf"}, `unknown model source "hf" (valid: civitai, training, uploading)`},
		{ModelQuery{Limit: 101}, "page size 101 is out of range: use 1 to 100"},
		{ModelQuery{Limit: -1}, "page size -1 is out of range"},
	} {
		_, err := testClient(srv.URL).ListModels(context.Background(), tc.q)
		if err == nil || !strings.Contains(err.Error(), tc.want) || clierr.Code(err) != clierr.ExitUsage {
			t.Errorf("%+v: %v (exit %d)", tc.q, err, clierr.Code(err))
		}
	}
	if n.Load() != 0 {
		t.Errorf("a bad query must not reach the API (%d requests)", n.Load())
	}
	for in, want := range map[string]string{"embedding": "textualinversion", "Textual-Inversion": "textualinversion",
		"LORAS": "lora", " vae ": "vae", "upscalers": "upscaler", "controlnet": "controlnet"} {
		if got, err := normalizeModelType(in); err != nil || got != want {
			t.Errorf("%q: %q %v", in, got, err)
		}
	}
}

func TestListModelsAndBalanceAuthErrorsExitFour(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
	}{
		{403, string(sample(t, "error-invalid-key.json"))},
		{401, string(sample(t, "error-alt-shape.json"))},
		{400, `{"code":400,"reason":"MISSING_API_KEY","message":"missing api key"}`},
		{401, ``},
	} {
		var n atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			w.WriteHeader(tc.status)
			w.Write([]byte(tc.body))
		}))
		_, err := testClient(srv.URL).ListModels(context.Background(), ModelQuery{})
		_, berr := testClient(srv.URL).Balance(context.Background())
		srv.Close()
		for _, e := range []error{err, berr} {
			var ae *APIError
			if !errors.As(e, &ae) || !ae.IsAuth() || clierr.Code(e) != clierr.ExitAuth {
				t.Fatalf("%d %s: %v (exit %d)", tc.status, tc.body, e, clierr.Code(e))
			}
			// The hint itself is the command layer's (it maps IsAuth to "set NOVITA_API_KEY ...").
			if !strings.HasPrefix(e.Error(), "list models: ") && !strings.HasPrefix(e.Error(), "read balance: ") || strings.Contains(e.Error(), "sk_test_secret") {
				t.Errorf("auth error must name the operation and never the key: %v", e)
			}
		}
		if n.Load() != 2 {
			t.Errorf("an auth error is final: %d requests for two calls", n.Load())
		}
	}
}

func TestListModelsRetriesServerErrorsButNotBadBodies(t *testing.T) {
	var n atomic.Int32
	ok := sample(t, "models-list.json")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.WriteHeader(503)
			return
		}
		w.Write(ok)
	}))
	defer srv.Close()
	if p, err := testClient(srv.URL).ListModels(context.Background(), ModelQuery{}); err != nil || len(p.Models) != 2 || n.Load() != 2 {
		t.Fatalf("a GET is safe to retry after a 503: %v after %d requests", err, n.Load())
	}

	var m atomic.Int32
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.Add(1)
		w.Write([]byte(`<html>maintenance</html>`))
	}))
	defer bad.Close()
	_, err := testClient(bad.URL).ListModels(context.Background(), ModelQuery{})
	if err == nil || !strings.Contains(err.Error(), "not a model list") || !strings.Contains(err.Error(), "maintenance") || m.Load() != 1 {
		t.Fatalf("%v after %d requests", err, m.Load())
	}
	for _, body := range []string{`{}`, `[]`, `{"models":"x"}`} {
		if _, err := DecodeModelPage([]byte(body)); err == nil {
			t.Errorf("%s must not decode as a model list", body)
		}
	}
}
