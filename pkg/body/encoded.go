package body

import "fmt"

// A batch keeps each line's body encoded (a few hundred bytes) rather than as a map (kilobytes) until
// it is sent; these read such a body back and change it just before it goes.

// Decode reads back a body Marshal encoded, numbers kept as json.Number so that encoding it again
// gives the same bytes.
func Decode(raw []byte) (map[string]any, error) {
	req, err := parseObject(raw, Source{Name: "request body"})
	if err != nil {
		return nil, fmt.Errorf("decode request body: %w", err)
	}
	return req, nil
}

// WithWebhook returns the encoded body raw with the webhook URL set at path (SetWebhook), encoded
// as Marshal does; raw itself is left alone. An empty url returns raw as it is.
func WithWebhook(raw []byte, path, url string) ([]byte, error) {
	if url == "" {
		return raw, nil
	}
	req, err := Decode(raw)
	if err != nil {
		return nil, err
	}
	SetWebhook(req, path, url)
	return Marshal(req)
}
