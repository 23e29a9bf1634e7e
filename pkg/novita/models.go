package novita

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/novita-cli/novita/pkg/clierr"
)

// MaxModelPageSize is the largest pagination.limit GET /v3/model accepts.
const MaxModelPageSize = 100

// ModelTypes are the values filter.types accepts, in the order help text lists them.
func ModelTypes() []string {
	return []string{"checkpoint", "lora", "vae", "controlnet", "upscaler", "textualinversion"}
}

// ModelSources are the values filter.source accepts.
func ModelSources() []string { return []string{"civitai", "training", "uploading"} }

// ModelVisibilities are the values filter.visibility accepts.
func ModelVisibilities() []string { return []string{"public", "private"} }

// ModelQuery is one GET /v3/model request: the filters and the page. Zero fields are not sent.
type ModelQuery struct {
	Visibility string // public|private
	Source     string // civitai|training|uploading
	Types      string // one of ModelTypes, or several separated by commas
	IsSDXL     *bool  // nil: both; true: SDXL only; false: SDXL excluded
	Inpainting bool   // true: inpainting checkpoints only (the API treats false as "no filter")
	Query      string // searched in sd_name, name and tags
	Limit      int    // page size, 1..MaxModelPageSize; 0 leaves the API's default
	Cursor     string // "" (or "c_0") for the first page, then the previous page's NextCursor
}

// Normalize checks the query and returns it in canonical form (types lower-cased, aliases such as
// "embedding" resolved); every problem is a usage error naming the value and the valid ones.
func (q ModelQuery) Normalize() (ModelQuery, error) {
	var err error
	if q.Visibility, err = oneOfFold("visibility", q.Visibility, ModelVisibilities()); err != nil {
		return q, err
	}
	if q.Source, err = oneOfFold("source", q.Source, ModelSources()); err != nil {
		return q, err
	}
	if strings.TrimSpace(q.Types) != "" {
		var types []string
		for _, t := range strings.Split(q.Types, ",") {
			n, err := normalizeModelType(t)
			if err != nil {
				return q, err
			}
			types = append(types, n)
		}
		q.Types = strings.Join(types, ",")
	} else {
		q.Types = ""
	}
	if q.Limit < 0 || q.Limit > MaxModelPageSize {
		return q, clierr.Usagef("page size %d is out of range: use 1 to %d", q.Limit, MaxModelPageSize)
	}
	return q, nil
}

// normalizeModelType maps what a user may type ("Lora", "loras", "embedding", "textual-inversion")
// to the API's type name.
func normalizeModelType(s string) (string, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	switch t {
	case "embedding", "embeddings", "textual-inversion", "textual_inversion", "textualinversions":
		return "textualinversion", nil
	}
	for _, v := range ModelTypes() {
		if t == v || t == v+"s" {
			return v, nil
		}
	}
	return "", clierr.Usagef("unknown model type %q (valid: %s)", s, strings.Join(ModelTypes(), ", "))
}

func oneOfFold(what, v string, valid []string) (string, error) {
	t := strings.ToLower(strings.TrimSpace(v))
	if t == "" {
		return "", nil
	}
	for _, ok := range valid {
		if t == ok {
			return t, nil
		}
	}
	return "", clierr.Usagef("unknown model %s %q (valid: %s)", what, v, strings.Join(valid, ", "))
}

// Values encodes the query as GET /v3/model's query parameters.
func (q ModelQuery) Values() url.Values {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("filter.visibility", q.Visibility)
	set("filter.source", q.Source)
	set("filter.types", q.Types)
	if q.IsSDXL != nil {
		v.Set("filter.is_sdxl", strconv.FormatBool(*q.IsSDXL))
	}
	if q.Inpainting {
		v.Set("filter.is_inpainting", "true")
	}
	set("filter.query", q.Query)
	if q.Limit > 0 {
		v.Set("pagination.limit", strconv.Itoa(q.Limit))
	}
	set("pagination.cursor", q.Cursor)
	return v
}

// ModelType is a model's type: {"name": "checkpoint", "display_name": "Checkpoint"}.
type ModelType struct {
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
}

// Model is one entry of GET /v3/model. Raw keeps the entry exactly as received (unknown fields
// included); MarshalJSON writes Raw back when it is set, so --json output and the cache lose nothing.
type Model struct {
	ID             FlexInt         `json:"id"`
	Name           string          `json:"name"`
	HashSHA256     string          `json:"hash_sha256,omitempty"`
	SDName         string          `json:"sd_name"`
	SDNameInAPI    string          `json:"sd_name_in_api"`
	Type           ModelType       `json:"type"`
	Categories     []string        `json:"categories"`
	Status         FlexInt         `json:"status"` // 1 available, 0 not
	DownloadURL    string          `json:"download_url,omitempty"`
	DownloadURLTTL FlexInt         `json:"download_url_ttl,omitempty"`
	Tags           []string        `json:"tags"`
	CoverURL       string          `json:"cover_url,omitempty"`
	Source         string          `json:"source,omitempty"`
	BaseModel      string          `json:"base_model"`      // "SD 1.5", "SDXL 1.0"
	BaseModelType  string          `json:"base_model_type"` // "Standard", "Inpainting"
	IsSDXL         bool            `json:"is_sdxl"`
	Visibility     string          `json:"visibility,omitempty"` // not documented; kept when sent
	Raw            json.RawMessage `json:"-"`
}

// modelFields has Model's fields without its methods, to decode and encode without recursion.
type modelFields Model

func (m *Model) UnmarshalJSON(b []byte) error {
	var f modelFields
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*m = Model(f)
	m.Raw = append(json.RawMessage(nil), b...)
	return nil
}

func (m Model) MarshalJSON() ([]byte, error) {
	if len(m.Raw) > 0 {
		return m.Raw, nil
	}
	return json.Marshal(modelFields(m))
}

// APIName is the name to put in a request's model_name: sd_name_in_api, else sd_name.
func (m Model) APIName() string {
	if m.SDNameInAPI != "" {
		return m.SDNameInAPI
	}
	return m.SDName
}

// Available reports whether the API lists the model as usable (status 0 means unavailable).
func (m Model) Available() bool { return m.Status != 0 }

// SDXL reports whether the model is for SDXL, by its flag or its base model.
func (m Model) SDXL() bool {
	return m.IsSDXL || strings.Contains(strings.ToUpper(m.BaseModel), "SDXL")
}

// IsInpainting reports whether the model is an inpainting checkpoint.
func (m Model) IsInpainting() bool { return strings.EqualFold(m.BaseModelType, "Inpainting") }

// ModelPage is one answer of GET /v3/model. NextCursor is "" on the last page.
type ModelPage struct {
	Models     []Model
	NextCursor string
	Raw        json.RawMessage
}

// DecodeModelPage decodes a GET /v3/model answer and keeps the raw bytes.
func DecodeModelPage(b []byte) (*ModelPage, error) {
	var body struct {
		Models     *[]Model `json:"models"`
		Pagination *struct {
			NextCursor string `json:"next_cursor"`
		} `json:"pagination"`
	}
	if err := json.Unmarshal(b, &body); err != nil {
		return nil, fmt.Errorf("decode model list: %w", err)
	}
	if body.Models == nil && body.Pagination == nil {
		return nil, errors.New("decode model list: neither models nor pagination in the answer")
	}
	p := &ModelPage{Raw: append(json.RawMessage(nil), b...)}
	if body.Models != nil {
		p.Models = *body.Models
	}
	if body.Pagination != nil {
		p.NextCursor = body.Pagination.NextCursor
	}
	return p, nil
}

// ListModels reads one page of GET /v3/model. It is a read: 429, 5xx and network errors are retried.
func (c *Client) ListModels(ctx context.Context, q ModelQuery) (*ModelPage, error) {
	q, err := q.Normalize()
	if err != nil {
		return nil, err
	}
	const op = "list models"
	u := strings.TrimRight(c.BaseURL, "/") + "/v3/model"
	if enc := q.Values().Encode(); enc != "" {
		u += "?" + enc
	}
	var page *ModelPage
	err = c.do(ctx, op, http.MethodGet, u, nil, c.ReadTimeout, readRetryable(ctx), func(b []byte) error {
		p, err := DecodeModelPage(b)
		if err != nil {
			return fmt.Errorf("%s: the API answered 200 with a body that is not a model list: %s", op, snippet(b))
		}
		page = p
		return nil
	})
	return page, err
}

// readRetryable is the retry rule of idempotent reads: the API's 429 and 5xx, and any transport error
// while the caller still waits.
func readRetryable(ctx context.Context) func(error) bool {
	return func(err error) bool {
		var ae *APIError
		if errors.As(err, &ae) {
			return ae.Retryable()
		}
		var de errDecode
		if errors.As(err, &de) {
			return false
		}
		return ctx.Err() == nil
	}
}
