package download

import (
	"io"
	"net/url"
	"strconv"
	"strings"
)

// parseContentRange reads "bytes start-end/total"; total is -1 when "*".
func parseContentRange(s string) (start, total int64, ok bool) {
	rest, found := strings.CutPrefix(strings.TrimSpace(s), "bytes ")
	if !found {
		return 0, 0, false
	}
	rng, tot, found := strings.Cut(rest, "/")
	if !found {
		return 0, 0, false
	}
	first, last, found := strings.Cut(rng, "-")
	if !found {
		return 0, 0, false
	}
	start, ok1 := nonNegative(first)
	end, ok2 := nonNegative(last)
	if !ok1 || !ok2 || end < start {
		return 0, 0, false
	}
	total = -1
	if tot = strings.TrimSpace(tot); tot != "*" {
		var okTotal bool
		if total, okTotal = nonNegative(tot); !okTotal || end >= total {
			return 0, 0, false
		}
	}
	return start, total, true
}

// nonNegative parses a plain decimal number: no sign, no spaces inside.
func nonNegative(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" || s[0] < '0' || s[0] > '9' {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n >= 0
}

// s3Detail extracts Code and Message from an S3 error body (<Code>AccessDenied</Code>...).
func s3Detail(r io.Reader) string {
	b, _ := io.ReadAll(io.LimitReader(r, 4<<10))
	s := string(b)
	pick := func(tag string) string {
		_, after, ok := strings.Cut(s, "<"+tag+">")
		if !ok {
			return ""
		}
		v, _, _ := strings.Cut(after, "</"+tag+">")
		return strings.TrimSpace(v)
	}
	code, msg := pick("Code"), pick("Message")
	switch {
	case code != "" && msg != "":
		return code + ": " + msg
	case code != "":
		return code
	}
	return "Forbidden"
}

// shortURL drops the presigned query string: long, noisy, and useless to the reader.
func shortURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "the output URL"
	}
	u.RawQuery, u.Fragment, u.User = "", "", nil
	return u.String()
}
