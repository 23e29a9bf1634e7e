package iostreams

import (
	"context"
	"io"
)

// ContextReader reads r until ctx ends: a Read blocked on a terminal or a pipe that never delivers
// returns ctx's error at once, so one Ctrl-C ends a command that is reading its input. The read in
// flight finishes in the background (into a buffer of its own) and is dropped.
func ContextReader(ctx context.Context, r io.Reader) io.Reader {
	if r == nil || ctx == nil {
		return r
	}
	return &ctxReader{ctx: ctx, r: r}
}

type ctxReader struct {
	ctx     context.Context
	r       io.Reader
	pending chan readResult // a read started earlier whose answer was not taken yet
}

type readResult struct {
	b   []byte
	err error
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	if len(p) == 0 {
		return 0, nil
	}
	if c.pending == nil {
		ch := make(chan readResult, 1)
		buf := make([]byte, len(p))
		go func() {
			n, err := c.r.Read(buf)
			ch <- readResult{buf[:n], err}
		}()
		c.pending = ch
	}
	select {
	case res := <-c.pending:
		c.pending = nil
		n := copy(p, res.b)
		if n < len(res.b) { // a later, smaller p: keep the rest for the next Read
			rest := make(chan readResult, 1)
			rest <- readResult{res.b[n:], res.err}
			c.pending = rest
			return n, nil
		}
		return n, res.err
	case <-c.ctx.Done():
		return 0, c.ctx.Err()
	}
}
