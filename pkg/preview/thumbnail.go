package preview

import (
	"bufio"
	"errors"
	"fmt"
	"image"
	_ "image/gif"  // register GIF: first frame of animations
	_ "image/jpeg" // register JPEG
	_ "image/png"  // register PNG
	"io"
	"os"

	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp" // register WebP, one of Novita's output types
)

// ErrNotImage is returned by RenderFile for a file that is no image it can decode (video, audio, ...).
// Callers skip such files silently.
var ErrNotImage = errors.New("not a supported image (png, jpeg, gif, webp)")

// maxSourcePixels refuses to decode images whose header claims more pixels than a preview is worth
// (about 160 MB of RGBA), so a hostile or broken header cannot make a preview exhaust memory.
const maxSourcePixels = 40_000_000

// Size bounds a thumbnail in terminal cells and says how many pixels a cell has. Zero fields take the
// DefaultSize values.
type Size struct {
	Cols, Rows            int // the most cells the thumbnail may cover
	CellWidth, CellHeight int // pixels per cell
}

// DefaultSize is a thumbnail of at most 40 columns by 20 rows, with the common 10x20-pixel cell assumed
// when the terminal does not report its own.
func DefaultSize() Size { return Size{Cols: 40, Rows: 20, CellWidth: 10, CellHeight: 20} }

func (s Size) withDefaults() Size {
	d := DefaultSize()
	if s.Cols <= 0 {
		s.Cols = d.Cols
	}
	if s.Rows <= 0 {
		s.Rows = d.Rows
	}
	if s.CellWidth <= 0 {
		s.CellWidth = d.CellWidth
	}
	if s.CellHeight <= 0 {
		s.CellHeight = d.CellHeight
	}
	return s
}

// fitWindow keeps the bound inside a window of cols x rows cells (one row left for the prompt) and
// takes the cell size from the window's pixel size when it is reported.
func (s Size) fitWindow(cols, rows, xpixel, ypixel int) Size {
	if cols > 0 {
		s.Cols = min(s.Cols, cols)
	}
	if rows > 1 {
		s.Rows = min(s.Rows, rows-1)
	}
	if cols > 0 && rows > 0 && xpixel >= cols && ypixel >= rows {
		s.CellWidth, s.CellHeight = xpixel/cols, ypixel/rows
	}
	return s
}

// fit returns the thumbnail size for a w x h image: as large as the bound allows, aspect ratio kept,
// never larger than the image itself, at least one pixel each way.
func (s Size) fit(w, h int) (int, int) {
	s = s.withDefaults()
	maxW, maxH := s.Cols*s.CellWidth, s.Rows*s.CellHeight
	if w <= maxW && h <= maxH {
		return max(w, 1), max(h, 1)
	}
	// Compare maxW/w with maxH/h without floating point.
	if maxW*h <= maxH*w {
		return maxW, max(h*maxW/w, 1)
	}
	return max(w*maxH/h, 1), maxH
}

// cells is how many cells a w x h pixel image covers.
func (s Size) cells(w, h int) (cols, rows int) {
	s = s.withDefaults()
	return (w + s.CellWidth - 1) / s.CellWidth, (h + s.CellHeight - 1) / s.CellHeight
}

// thumbnail scales img down to fit s, into a fresh RGBA image whose bounds start at (0,0).
func thumbnail(img image.Image, s Size) *image.RGBA {
	b := img.Bounds()
	w, h := s.fit(b.Dx(), b.Dy())
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	if w == b.Dx() && h == b.Dy() {
		draw.Draw(dst, dst.Bounds(), img, b.Min, draw.Src)
		return dst
	}
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}

// decodeFile decodes the image at path, refusing anything that is not a known image format.
func decodeFile(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("preview %q: %w", path, err)
	}
	defer f.Close() //nolint:errcheck // read-only
	br := bufio.NewReader(f)
	cfg, _, err := image.DecodeConfig(br)
	if errors.Is(err, image.ErrFormat) {
		return nil, fmt.Errorf("preview %q: %w", path, ErrNotImage)
	}
	if err != nil {
		return nil, fmt.Errorf("preview %q: read image header: %w", path, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > maxSourcePixels {
		return nil, fmt.Errorf("preview %q: image of %dx%d pixels is too large to preview", path, cfg.Width, cfg.Height)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("preview %q: %w", path, err)
	}
	img, _, err := image.Decode(bufio.NewReader(f))
	if err != nil {
		return nil, fmt.Errorf("preview %q: decode: %w", path, err)
	}
	return img, nil
}
