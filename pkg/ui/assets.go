package ui

import (
	"embed"
	"fmt"
	"net/http"
)

// assetFiles is the page: plain HTML, CSS and JavaScript, no build step and nothing from a CDN.
//
//go:embed assets
var assetFiles embed.FS

type asset struct {
	contentType string
	body        []byte
}

type assets map[string]asset

// loadAssets reads the fixed list of files the page uses; /static/{name} serves nothing else.
func loadAssets() (assets, error) {
	types := map[string]string{
		"index.html":  "text/html; charset=utf-8",
		"app.css":     "text/css; charset=utf-8",
		"util.js":     "text/javascript; charset=utf-8",
		"events.js":   "text/javascript; charset=utf-8",
		"tasks.js":    "text/javascript; charset=utf-8",
		"app.js":      "text/javascript; charset=utf-8",
		"favicon.svg": "image/svg+xml",
	}
	as := assets{}
	for name, ct := range types {
		b, err := assetFiles.ReadFile("assets/" + name)
		if err != nil {
			return nil, fmt.Errorf("ui: embedded asset %s: %w", name, err)
		}
		as[name] = asset{contentType: ct, body: b}
	}
	return as, nil
}

func (as assets) serve(w http.ResponseWriter, name string) {
	a, ok := as[name]
	if !ok || name == "index.html" {
		writeError(w, http.StatusNotFound, "no such file")
		return
	}
	as.write(w, a)
}

func (as assets) write(w http.ResponseWriter, a asset) {
	w.Header().Set("Content-Type", a.contentType)
	_, _ = w.Write(a.body)
}

func (s *Server) index(w http.ResponseWriter, r *http.Request) {
	s.assets.write(w, s.assets["index.html"])
}

func (s *Server) static(w http.ResponseWriter, r *http.Request) {
	s.assets.serve(w, r.PathValue("name"))
}
