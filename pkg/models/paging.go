package models

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/novita-cli/novita/pkg/novita"
)

// Lister reads one page of the model list; *novita.Client is one.
type Lister interface {
	ListModels(ctx context.Context, q novita.ModelQuery) (*novita.ModelPage, error)
}

// Progress is reported after each page: pages read so far and models collected so far.
type Progress struct {
	Page   int
	Models int
}

// ErrPagingLoop is the cause of every error All returns when the API's paging goes round in circles.
var ErrPagingLoop = errors.New("the API's paging is looping")

// maxPages bounds a walk even against an API that invents new cursors and new ids forever:
// 2,000 pages of 100 is twice the largest list Novita is known to serve.
const maxPages = 2000

// maxModels bounds what a walk collects, whatever the pages' sizes (an API may ignore the limit).
const maxModels = 200_000

// maxCursorBytes bounds one cursor: each is kept to detect loops, and real ones are short tokens.
const maxCursorBytes = 1024

// All follows next_cursor from q.Cursor to the end and returns every model in the API's order, each
// once (a model seen on an earlier page is not repeated). q.Limit 0 means pages of
// novita.MaxModelPageSize. onPage, when set, is called after each page (for a progress line).
// A cursor the API already gave, or a page that brings no model not seen before, stops the walk with
// an error wrapping ErrPagingLoop; an API error is returned as is (wrapped), so 401/403 keep exit 4.
func All(ctx context.Context, l Lister, q novita.ModelQuery, onPage func(Progress)) ([]novita.Model, error) {
	return walk(ctx, l, q, onPage, bounds{pages: maxPages, models: maxModels})
}

// bounds are the limits of one walk; tests pass smaller ones where the mechanism, not the figure, is
// what they check (200,000 models cost seconds under the race detector).
type bounds struct{ pages, models int }

func walk(ctx context.Context, l Lister, q novita.ModelQuery, onPage func(Progress), b bounds) ([]novita.Model, error) {
	if q.Limit == 0 {
		q.Limit = novita.MaxModelPageSize
	}
	seenCursor := map[string]int{q.Cursor: 0} // cursors are opaque: compared, never parsed
	seenModel := map[string]bool{}
	var out []novita.Model
	for page := 1; ; page++ {
		if page > b.pages {
			return nil, fmt.Errorf("list models: still more pages after %d: %w", b.pages, ErrPagingLoop)
		}
		p, err := l.ListModels(ctx, q)
		if err != nil {
			if page == 1 {
				return nil, err
			}
			return nil, fmt.Errorf("page %d: %w", page, err)
		}
		fresh := 0
		for _, m := range p.Models {
			k := modelKey(m)
			if seenModel[k] {
				continue
			}
			seenModel[k] = true
			out = append(out, m)
			fresh++
		}
		if onPage != nil {
			onPage(Progress{Page: page, Models: len(out)})
		}
		if len(out) > b.models {
			return nil, fmt.Errorf("list models: more than %d models after %d pages: %w", b.models, page, ErrPagingLoop)
		}
		if len(p.NextCursor) > maxCursorBytes {
			return nil, fmt.Errorf("list models: page %d sent a cursor of %d bytes (%s), more than the %d a cursor can have: %w",
				page, len(p.NextCursor), quoteCursor(p.NextCursor), maxCursorBytes, ErrPagingLoop)
		}
		if len(p.Models) > 0 && fresh == 0 {
			return nil, fmt.Errorf("list models: page %d repeats models of earlier pages (%d models, none new): %w",
				page, len(p.Models), ErrPagingLoop)
		}
		if p.NextCursor == "" || len(p.Models) == 0 {
			return out, nil
		}
		next := p.NextCursor
		if at, ok := seenCursor[next]; ok {
			return nil, fmt.Errorf("list models: page %d sent cursor %s again (first seen %s): %w",
				page, quoteCursor(p.NextCursor), seenWhere(at), ErrPagingLoop)
		}
		seenCursor[next] = page
		q.Cursor = p.NextCursor
	}
}

func seenWhere(page int) string {
	if page == 0 {
		return "as the start"
	}
	return "after page " + strconv.Itoa(page)
}

// quoteCursor shows an untrusted cursor escaped and bounded.
func quoteCursor(c string) string {
	if len(c) > 60 {
		c = c[:60] + "..."
	}
	return strconv.Quote(c)
}

// modelKey identifies a model across pages: its id, or its names when the API sent no id.
func modelKey(m novita.Model) string {
	if m.ID != 0 {
		return "#" + strconv.FormatInt(int64(m.ID), 10)
	}
	return strings.Join([]string{m.Type.Name, m.SDName, m.APIName()}, "\x00")
}
