package models

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/sandbox"
)

func itoa(n int) string { return strconv.Itoa(n) }

func ids(ms []novita.Model) []int64 {
	out := make([]int64, len(ms))
	for i, m := range ms {
		out[i] = int64(m.ID)
	}
	return out
}

func TestAllFollowsCursorsOverManyPagesWithProgress(t *testing.T) {
	s := startSandbox(t)
	c := client(t, s)
	whole, err := All(context.Background(), c, novita.ModelQuery{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	before := len(s.Requests())
	var progress []Progress
	small, err := All(context.Background(), c, novita.ModelQuery{Limit: 25}, func(p Progress) { progress = append(progress, p) })
	if err != nil {
		t.Fatal(err)
	}
	pages := (len(whole) + 24) / 25
	if len(whole) < 250 || !slices.Equal(ids(small), ids(whole)) {
		t.Fatalf("pages of 25 gave %d models, pages of 100 gave %d", len(small), len(whole))
	}
	if len(progress) != pages || len(s.Requests())-before != pages {
		t.Fatalf("%d progress reports and %d requests for %d pages", len(progress), len(s.Requests())-before, pages)
	}
	for i, p := range progress {
		if p.Page != i+1 || p.Models != min(25*(i+1), len(whole)) {
			t.Fatalf("progress %d: %+v", i, p)
		}
	}
	if q := s.Requests()[before].Query; q.Get("pagination.limit") != "25" || q.Get("pagination.cursor") != "" {
		t.Errorf("first request %v", q)
	}
	p1, err := c.ListModels(context.Background(), novita.ModelQuery{Limit: 25})
	if err != nil {
		t.Fatal(err)
	}
	if q := s.Requests()[before+1].Query; q.Get("pagination.cursor") != p1.NextCursor {
		t.Errorf("the second page must use the first page's next_cursor %q as it came: %v", p1.NextCursor, q)
	}
}

// The API's filters (sandbox) and the local Filter (cache) agree on the same query.
func TestServerAndLocalFiltersAgree(t *testing.T) {
	s := startSandbox(t)
	c := client(t, s)
	whole, err := All(context.Background(), c, novita.ModelQuery{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	yes, no := true, false
	for _, q := range []novita.ModelQuery{
		{Types: "lora"}, {Types: "checkpoint", IsSDXL: &yes}, {Types: "checkpoint", IsSDXL: &no, Inpainting: true},
		{Query: "Realistic"}, {Query: "hands", Types: "lora"}, {Source: "uploading"}, {Types: "embedding,vae"},
	} {
		remote, err := All(context.Background(), c, q, nil)
		if err != nil {
			t.Fatal(err)
		}
		local, err := Filter(whole, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(remote) == 0 || !slices.Equal(ids(remote), ids(local)) {
			t.Errorf("%+v: API %d models, local %d", q, len(remote), len(local))
		}
	}
	if _, err := Filter(whole, novita.ModelQuery{Types: "lorra"}); clierr.Code(err) != clierr.ExitUsage {
		t.Errorf("a bad local filter is a usage error: %v", err)
	}
	avail := HideUnavailable(whole)
	if len(avail) == len(whole) || slices.ContainsFunc(avail, func(m novita.Model) bool { return !m.Available() }) {
		t.Errorf("status 0 models must be hidden: %d of %d kept", len(avail), len(whole))
	}
}

func TestAllStopsOnACursorLoop(t *testing.T) {
	f := &fakeLister{page: func(n int, q novita.ModelQuery) (*novita.ModelPage, error) {
		return page("c_"+itoa(min(n, 2)*10), n*10+1, n*10+2), nil // page 2 sends page 1's cursor again
	}}
	_, err := All(context.Background(), f, novita.ModelQuery{}, nil)
	if !errors.Is(err, ErrPagingLoop) || !strings.Contains(err.Error(), `page 3 sent cursor "c_20" again (first seen after page 2)`) {
		t.Fatalf("%v", err)
	}
	if f.count() != 3 {
		t.Errorf("%d requests: the walk must stop at the first repeated cursor", f.count())
	}
	back := &fakeLister{page: func(n int, q novita.ModelQuery) (*novita.ModelPage, error) {
		return page("c_0", n), nil // the cursor the walk started from
	}}
	_, err = All(context.Background(), back, novita.ModelQuery{Cursor: "c_0"}, nil)
	if !errors.Is(err, ErrPagingLoop) || !strings.Contains(err.Error(), "as the start") || back.count() != 1 {
		t.Fatalf("%v after %d requests", err, back.count())
	}
	if clierr.Code(err) != clierr.ExitError {
		t.Errorf("a paging loop is an ordinary error: exit %d", clierr.Code(err))
	}
}

func TestAllStopsOnARepeatedPage(t *testing.T) {
	f := &fakeLister{page: func(n int, q novita.ModelQuery) (*novita.ModelPage, error) {
		return page("c_"+itoa(n*3), 1, 2, 3), nil // new cursors, same models
	}}
	_, err := All(context.Background(), f, novita.ModelQuery{}, nil)
	if !errors.Is(err, ErrPagingLoop) || !strings.Contains(err.Error(), "page 2 repeats models of earlier pages") || f.count() != 2 {
		t.Fatalf("%v after %d requests", err, f.count())
	}
	// Overlapping pages are not a loop: each model is kept once.
	o := &fakeLister{page: func(n int, q novita.ModelQuery) (*novita.ModelPage, error) {
		if n == 1 {
			return page("a", 1, 2, 3), nil
		}
		return page("", 3, 4, 5), nil
	}}
	ms, err := All(context.Background(), o, novita.ModelQuery{}, nil)
	if err != nil || !slices.Equal(ids(ms), []int64{1, 2, 3, 4, 5}) {
		t.Fatalf("%v %v", ids(ms), err)
	}
	// An empty page ends the walk even if it carries a cursor.
	e := &fakeLister{page: func(n int, q novita.ModelQuery) (*novita.ModelPage, error) {
		if n == 1 {
			return page("more", 1), nil
		}
		return page("still-more"), nil
	}}
	if ms, err := All(context.Background(), e, novita.ModelQuery{}, nil); err != nil || len(ms) != 1 || e.count() != 2 {
		t.Fatalf("%d models, %v, %d requests", len(ms), err, e.count())
	}
}

func TestAllGivesUpOnEndlessNewPages(t *testing.T) {
	f := &fakeLister{page: func(n int, q novita.ModelQuery) (*novita.ModelPage, error) {
		return page("c_"+itoa(n), n), nil
	}}
	_, err := All(context.Background(), f, novita.ModelQuery{}, nil)
	if !errors.Is(err, ErrPagingLoop) || f.count() != maxPages {
		t.Fatalf("%v after %d requests", err, f.count())
	}
}

func TestSandboxPagingFaultsAreDetectedThroughTheRealClient(t *testing.T) {
	s := startSandbox(t)
	c := client(t, s)
	for _, marker := range []string{sandbox.ModelQueryCursorLoop, sandbox.ModelQueryRepeatPage} {
		_, err := All(context.Background(), c, novita.ModelQuery{Query: marker, Limit: 10}, nil)
		if !errors.Is(err, ErrPagingLoop) {
			t.Errorf("%s: %v", marker, err)
		}
	}
}

func TestAllPassesAPIErrorsThrough(t *testing.T) {
	s := startSandbox(t)
	bad := novita.NewClient(s.URL(), "sk_wrong", "test")
	bad.HTTPClient = client(t, s).HTTPClient
	_, err := All(context.Background(), bad, novita.ModelQuery{}, nil)
	var ae *novita.APIError
	if !errors.As(err, &ae) || !ae.IsAuth() || clierr.Code(err) != clierr.ExitAuth {
		t.Fatalf("a rejected key must stay an auth error (exit 4): %v", err)
	}
	boom := errors.New("connection reset")
	f := &fakeLister{page: func(n int, q novita.ModelQuery) (*novita.ModelPage, error) {
		if n == 2 {
			return nil, boom
		}
		return page("next", 1), nil
	}}
	_, err = All(context.Background(), f, novita.ModelQuery{}, nil)
	if !errors.Is(err, boom) || !strings.HasPrefix(err.Error(), "page 2: ") {
		t.Fatalf("%v", err)
	}
}

// Pages far bigger than asked for, each with new models and a new cursor, stop at the models bound.
// The bound is scaled down (the real 200,000 cost seconds under -race and prove the same stop);
// maxPages is checked at full size above.
func TestAllBoundsModelsWhateverThePageSize(t *testing.T) {
	const perPage, maxModels = 500, 20_000
	f := &fakeLister{page: func(n int, q novita.ModelQuery) (*novita.ModelPage, error) {
		ids := make([]int, perPage)
		for i := range ids {
			ids[i] = n*perPage + i + 1
		}
		return page("c_"+itoa(n), ids...), nil
	}}
	_, err := walk(context.Background(), f, novita.ModelQuery{}, nil, bounds{pages: maxPages, models: maxModels})
	if !errors.Is(err, ErrPagingLoop) || f.count() > maxModels/perPage+1 {
		t.Fatalf("%v after %d requests", err, f.count())
	}
}

// A cursor of a megabyte is refused, not kept and sent back.
func TestAllRefusesHugeCursors(t *testing.T) {
	f := &fakeLister{page: func(n int, q novita.ModelQuery) (*novita.ModelPage, error) {
		return page(strings.Repeat("c", 1<<20)+itoa(n), n), nil
	}}
	_, err := All(context.Background(), f, novita.ModelQuery{}, nil)
	if !errors.Is(err, ErrPagingLoop) || f.count() != 1 {
		t.Fatalf("%v after %d requests", err, f.count())
	}
}
