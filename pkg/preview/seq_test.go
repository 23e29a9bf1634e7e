package preview

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strconv"
	"strings"
	"testing"
)

// This file holds test-side parsers for what the renderers write, so tests can decode the payloads
// back instead of trusting the encoders.

// apc is one kitty graphics command: its keys and its (base64) payload.
type apc struct{ keys, payload string }

// splitKitty cuts s into consecutive "ESC _G keys ; payload ESC \" commands; anything else fails.
func splitKitty(t *testing.T, s string) []apc {
	t.Helper()
	var out []apc
	for s != "" {
		rest, ok := strings.CutPrefix(s, "\x1b_G")
		if !ok {
			t.Fatalf("expected APC G at %q", head(s))
		}
		body, after, ok := strings.Cut(rest, "\x1b\\")
		if !ok {
			t.Fatalf("APC not terminated by ST: %q", head(rest))
		}
		keys, payload, _ := strings.Cut(body, ";")
		out = append(out, apc{keys, payload})
		s = after
	}
	return out
}

// untmux cuts s into consecutive tmux passthrough strings ("ESC P tmux; ... ESC \", every inner ESC
// doubled) and returns their unescaped contents.
func untmux(t *testing.T, s string) []string {
	t.Helper()
	var out []string
	for s != "" {
		rest, ok := strings.CutPrefix(s, "\x1bPtmux;")
		if !ok {
			t.Fatalf("expected tmux passthrough at %q", head(s))
		}
		var inner strings.Builder
		i := 0
		for ; ; i++ {
			if i >= len(rest) {
				t.Fatalf("passthrough not terminated: %q", head(rest))
			}
			if rest[i] != 0x1b {
				inner.WriteByte(rest[i])
				continue
			}
			if i+1 < len(rest) && rest[i+1] == 0x1b {
				inner.WriteByte(0x1b)
				i++
				continue
			}
			if i+1 < len(rest) && rest[i+1] == '\\' {
				break
			}
			t.Fatalf("undoubled ESC inside passthrough at %q", head(rest[i:]))
		}
		out = append(out, inner.String())
		s = rest[i+2:]
	}
	return out
}

func decodePNGBase64(t *testing.T, b64 string) (image.Image, int) {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatalf("payload is not base64: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("payload is not a PNG: %v", err)
	}
	return img, len(raw)
}

// decodeSixel draws a sixel payload (after 'q', before ST) into an image, leaving undrawn pixels
// transparent.
func decodeSixel(payload string) (*image.RGBA, error) {
	var img *image.RGBA
	regs := map[int]color.RGBA{}
	cur, x, y := 0, 0, 0
	num := func(i int) (int, int) {
		j := i
		for j < len(payload) && payload[j] >= '0' && payload[j] <= '9' {
			j++
		}
		n, _ := strconv.Atoi(payload[i:j])
		return n, j
	}
	for i := 0; i < len(payload); {
		c := payload[i]
		switch {
		case c == '"':
			var v [4]int
			j := i + 1
			for k := range 4 {
				v[k], j = num(j)
				if k < 3 && (j >= len(payload) || payload[j] != ';') {
					return nil, fmt.Errorf("bad raster attributes at %d", i)
				}
				if k < 3 {
					j++
				}
			}
			img = image.NewRGBA(image.Rect(0, 0, v[2], v[3]))
			i = j
		case c == '#':
			n, j := num(i + 1)
			if strings.HasPrefix(payload[j:], ";2;") {
				var rgb [3]int
				j += 2
				for k := range 3 {
					rgb[k], j = num(j + 1)
				}
				regs[n] = color.RGBA{uint8(rgb[0] * 255 / 100), uint8(rgb[1] * 255 / 100), uint8(rgb[2] * 255 / 100), 255}
			} else {
				if _, ok := regs[n]; !ok {
					return nil, fmt.Errorf("colour %d selected before it was defined", n)
				}
				cur = n
			}
			i = j
		case c == '$':
			x, i = 0, i+1
		case c == '-':
			x, y, i = 0, y+6, i+1
		case c == '!' || (c >= '?' && c <= '~'):
			rep := 1
			if c == '!' {
				rep, i = num(i + 1)
				c = payload[i]
			}
			if img == nil {
				return nil, fmt.Errorf("pixels before raster attributes")
			}
			for range rep {
				for k := range 6 {
					if (c-'?')&(1<<k) != 0 {
						if !image.Pt(x, y+k).In(img.Bounds()) {
							return nil, fmt.Errorf("pixel %d,%d outside the raster", x, y+k)
						}
						img.SetRGBA(x, y+k, regs[cur])
					}
				}
				x++
			}
			i++
		default:
			return nil, fmt.Errorf("unexpected byte %q at %d", c, i)
		}
	}
	if img == nil {
		return nil, fmt.Errorf("no raster attributes")
	}
	return img, nil
}

func head(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
