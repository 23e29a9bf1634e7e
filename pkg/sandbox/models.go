package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// GET /v3/model serves simModelList (a few hundred seeded models of every type, the catalog's default
// model names among them) with the API's filters and cursor paging. Cursors are opaque, as the reference
// shows them ("c_WzgwNDY2NiwiNTUxOTkiXQ==": c_ and base64 of a position and the last id), so a client
// that parses them breaks here first; "" and the reference example's "c_0" start. The last page answers
// next_cursor "". Bad parameters answer 400 INVALID_REQUEST_BODY
// naming the parameter. Models with status 0 are listed, as the API does: hiding them is the client's job.

// DefaultModelPageSize is the page size when pagination.limit is absent.
const DefaultModelPageSize = 20

// Markers in filter.query that make the list page badly, for tests of a client's loop detection.
// The marker itself is removed before the query is matched.
const (
	ModelQueryCursorLoop = "[cursor-loop]" // every page answers the same next_cursor
	ModelQueryRepeatPage = "[repeat-page]" // cursors advance, but every page is the first page again
)

func simModelTypes() []string {
	return []string{"checkpoint", "lora", "vae", "controlnet", "upscaler", "textualinversion"}
}

// modelsHandler builds the list once per handler: it is fixed, and regenerating it per request would
// only cost time.
func (s *Server) modelsHandler() http.HandlerFunc {
	list := simModelList()
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.authorize(w, r) {
			return
		}
		if !s.allow(w, r, http.MethodGet) {
			return
		}
		f, msg := parseModelFilter(r.URL.Query())
		if msg != "" {
			s.writeError(w, http.StatusBadRequest, "INVALID_REQUEST_BODY", msg, nil)
			return
		}
		var matched []simModel
		for _, m := range list {
			if f.match(m) {
				matched = append(matched, m)
			}
		}
		if f.offset > len(matched) && !f.repeatPage {
			s.writeError(w, http.StatusBadRequest, "INVALID_REQUEST_BODY", "pagination.cursor: "+strconv.Quote(f.cursor)+" is past the end of the list", nil)
			return
		}
		start := f.offset
		if f.repeatPage {
			start = 0
		}
		end := min(start+f.limit, len(matched))
		next := ""
		switch {
		case f.cursorLoop:
			next = modelCursor(f.limit, matched)
		case f.repeatPage:
			next = modelCursor(f.offset+f.limit, matched)
		case end < len(matched):
			next = modelCursor(end, matched)
		}
		page := matched[start:end]
		if page == nil {
			page = []simModel{}
		}
		writeJSON(w, http.StatusOK, map[string]any{"models": page, "pagination": map[string]string{"next_cursor": next}})
	}
}

// modelFilter is a parsed GET /v3/model query.
type modelFilter struct {
	visibility, source, query, cursor string
	types                             []string
	sdxl, inpainting                  *bool
	limit, offset                     int
	cursorLoop, repeatPage            bool
}

// parseModelFilter reads the query parameters; msg names the first bad one.
func parseModelFilter(v url.Values) (f modelFilter, msg string) {
	f.visibility = v.Get("filter.visibility")
	if f.visibility != "" && f.visibility != "public" && f.visibility != "private" {
		return f, "filter.visibility: must be public or private"
	}
	f.source = v.Get("filter.source")
	if f.source != "" && !slices.Contains([]string{"civitai", "training", "uploading"}, f.source) {
		return f, "filter.source: must be civitai, training or uploading"
	}
	if t := v.Get("filter.types"); t != "" {
		for _, one := range strings.Split(t, ",") {
			one = strings.TrimSpace(one)
			if !slices.Contains(simModelTypes(), one) {
				return f, "filter.types: unknown type " + strconv.Quote(one) + " (valid: " + strings.Join(simModelTypes(), ", ") + ")"
			}
			f.types = append(f.types, one)
		}
	}
	for _, p := range []struct {
		name string
		dst  **bool
	}{{"filter.is_sdxl", &f.sdxl}, {"filter.is_inpainting", &f.inpainting}} {
		if s := v.Get(p.name); s != "" {
			b, err := strconv.ParseBool(s)
			if err != nil {
				return f, p.name + ": must be true or false"
			}
			*p.dst = &b
		}
	}
	f.query = v.Get("filter.query")
	f.cursorLoop = strings.Contains(f.query, ModelQueryCursorLoop)
	f.repeatPage = strings.Contains(f.query, ModelQueryRepeatPage)
	f.query = strings.TrimSpace(strings.NewReplacer(ModelQueryCursorLoop, "", ModelQueryRepeatPage, "").Replace(f.query))
	f.limit = DefaultModelPageSize
	if s := v.Get("pagination.limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 100 {
			return f, "pagination.limit: must be between 1 and 100"
		}
		f.limit = n
	}
	f.cursor = v.Get("pagination.cursor")
	if f.cursor != "" && f.cursor != "c_0" {
		n, ok := cursorOffset(f.cursor)
		if !ok {
			return f, "pagination.cursor: " + strconv.Quote(f.cursor) + " is not a cursor this API gave (pass next_cursor as it came, or no cursor)"
		}
		f.offset = n
	}
	return f, ""
}

// modelCursor is the opaque cursor of the page starting at offset: c_ and base64 of [offset, "id"],
// the last listed model's id, the shape of the reference's example.
func modelCursor(offset int, list []simModel) string {
	var last int64
	if offset > 0 && offset <= len(list) {
		last = list[offset-1].ID
	}
	return "c_" + base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("[%d,\"%d\"]", offset, last)))
}

// cursorOffset reads a cursor modelCursor made.
func cursorOffset(c string) (int, bool) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(c, "c_"))
	if !strings.HasPrefix(c, "c_") || err != nil {
		return 0, false
	}
	var pos []json.RawMessage
	var n int
	if json.Unmarshal(raw, &pos) != nil || len(pos) != 2 || json.Unmarshal(pos[0], &n) != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// match applies every filter. A lora filter includes locon models: both go in request.loras.
func (f modelFilter) match(m simModel) bool {
	switch {
	case f.visibility == "public" && m.private, f.visibility == "private" && !m.private:
		return false
	case f.source != "" && m.Source != f.source:
		return false
	case f.sdxl != nil && m.IsSDXL != *f.sdxl:
		return false
	case f.inpainting != nil && *f.inpainting && m.BaseModelType != "Inpainting":
		return false // false means "no filter", as the API documents it
	}
	if len(f.types) > 0 {
		t := m.Type.Name
		if t == "locon" {
			t = "lora"
		}
		if !slices.Contains(f.types, t) {
			return false
		}
	}
	if f.query == "" {
		return true
	}
	q := strings.ToLower(f.query)
	if strings.Contains(strings.ToLower(m.SDName), q) || strings.Contains(strings.ToLower(m.Name), q) {
		return true
	}
	for _, tag := range m.Tags {
		if strings.Contains(strings.ToLower(tag), q) {
			return true
		}
	}
	return false
}
