package novita

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/novita-cli/novita/pkg/iostreams"
)

const traceBodyLimit = 2048

func (c *Client) traceRequest(req *http.Request, body []byte) {
	if c.Trace == nil {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "> %s %s\n", req.Method, req.URL.Redacted())
	writeHeaders(&b, "> ", req.Header)
	if len(body) > 0 {
		b.WriteString(clip(body) + "\n")
	}
	c.writeTrace(b.String())
}

func (c *Client) traceResponse(resp *http.Response, body []byte, d time.Duration) {
	if c.Trace == nil {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "< %s (%d ms)\n", resp.Status, d.Milliseconds())
	writeHeaders(&b, "< ", resp.Header)
	if len(body) > 0 {
		b.WriteString(clip(body) + "\n")
	}
	c.writeTrace(b.String())
}

// writeTrace scrubs the key from everything, not just the Authorization header: a server could echo it.
func (c *Client) writeTrace(s string) {
	if c.APIKey != "" {
		s = strings.ReplaceAll(s, c.APIKey, "[REDACTED]")
	}
	// What the server sent (headers, body) reaches a terminal: escaped, line by line.
	fmt.Fprint(c.Trace, iostreams.SafeLines(s)+"\n")
}

func writeHeaders(b *strings.Builder, prefix string, h http.Header) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := strings.Join(h[k], ", ")
		if strings.EqualFold(k, "Authorization") || strings.EqualFold(k, "Cookie") {
			v = "[REDACTED]"
		}
		fmt.Fprintf(b, "%s%s: %s\n", prefix, k, v)
	}
}

func clip(body []byte) string {
	if len(body) <= traceBodyLimit {
		return string(body)
	}
	return fmt.Sprintf("%s... (%d bytes in all)", body[:traceBodyLimit], len(body))
}
