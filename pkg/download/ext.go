package download

import (
	"mime"
	"net/url"
	"path"
	"strings"
)

// Extension policy: the API's *_type field wins, then the response Content-Type, then the URL path,
// then "bin". "jpeg" (and image/jpeg) is saved as "jpg", the extension most tools expect; the API
// itself says "jpeg", so this is a deliberate normalisation.

// extFromType normalises an output's *_type value ("png", "JPEG", "image/png") to an extension.
func extFromType(t string) string {
	t = strings.TrimSpace(t)
	if strings.Contains(t, "/") {
		return extFromContentType(t)
	}
	return normalizeExt(t)
}

// extFromContentType maps a Content-Type to an extension; generic types give "".
func extFromContentType(ct string) string {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return ""
	}
	switch mt {
	case "image/jpeg", "image/jpg", "image/pjpeg":
		return "jpg"
	case "image/svg+xml":
		return "svg"
	case "audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave":
		return "wav"
	case "audio/mpeg", "audio/mp3":
		return "mp3"
	case "audio/x-flac":
		return "flac"
	case "audio/mp4":
		return "m4a"
	case "video/quicktime":
		return "mov"
	case "video/x-matroska":
		return "mkv"
	case "application/octet-stream", "binary/octet-stream", "application/x-download", "application/force-download":
		return ""
	}
	_, sub, ok := strings.Cut(mt, "/")
	if !ok || strings.HasPrefix(sub, "x-") || strings.ContainsAny(sub, "+.-") {
		return ""
	}
	return normalizeExt(sub)
}

// extFromURL takes the extension of the URL's path; the (presigned) query string is ignored.
func extFromURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return normalizeExt(path.Ext(u.Path))
}

// normalizeExt lower-cases, drops the dot, maps jpeg to jpg and refuses anything that is not a short
// alphanumeric word, since the value ends up in a file name.
func normalizeExt(e string) string {
	e = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(e), "."))
	if e == "" || len(e) > 10 {
		return ""
	}
	for _, r := range e {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') {
			return ""
		}
	}
	switch e {
	case "jpeg", "jpe":
		return "jpg"
	case "tif":
		return "tiff"
	}
	return e
}
