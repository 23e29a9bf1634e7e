package iostreams

import (
	"bytes"
	"encoding/json"
	"io"
	"unicode/utf8"
)

// WriteJSON writes v as one indented JSON document. HTML characters are not escaped, so prompts and
// presigned URLs read as they are; strings with invalid UTF-8 are replaced by the encoder, so the
// output always parses.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// WriteJSONLine writes v as one compact JSON line (NDJSON).
func WriteJSONLine(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// WriteRawJSONLine writes a JSON body received from the network as one line. Bytes that are not valid
// UTF-8 are replaced with U+FFFD, so a consumer's JSON parser never fails on what we print.
func WriteRawJSONLine(w io.Writer, body []byte) error {
	if !utf8.Valid(body) {
		body = bytes.ToValidUTF8(body, []byte("\uFFFD"))
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, body); err != nil {
		return err
	}
	buf.WriteByte('\n')
	_, err := w.Write(buf.Bytes())
	return err
}
