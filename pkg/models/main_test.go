package models

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/testmain"

	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/sandbox"
)

func TestMain(m *testing.M) { testmain.Main(m) }

// startSandbox runs the simulator on a loopback port for one test.
func startSandbox(t testing.TB) *sandbox.Server {
	t.Helper()
	s := sandbox.New(sandbox.Options{})
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close sandbox: %v", err)
		}
	})
	return s
}

// client is the project's API client against s, with its connections closed at the end.
func client(t testing.TB, s *sandbox.Server) *novita.Client {
	t.Helper()
	c := novita.NewClient(s.URL(), s.APIKey(), "test")
	tr := &http.Transport{}
	c.HTTPClient = &http.Client{Transport: tr}
	c.Sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	t.Cleanup(tr.CloseIdleConnections)
	return c
}

// sandboxModels is the sandbox's whole list, fetched once per test binary.
func sandboxModels(t testing.TB) []novita.Model {
	t.Helper()
	s := startSandbox(t)
	ms, err := All(context.Background(), client(t, s), novita.ModelQuery{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// fakeLister answers pages from a function and counts calls.
type fakeLister struct {
	mu    sync.Mutex
	calls int
	page  func(n int, q novita.ModelQuery) (*novita.ModelPage, error)
}

func (f *fakeLister) ListModels(ctx context.Context, q novita.ModelQuery) (*novita.ModelPage, error) {
	f.mu.Lock()
	f.calls++
	n := f.calls
	f.mu.Unlock()
	return f.page(n, q)
}

func (f *fakeLister) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// page builds a page of models with the given ids.
func page(next string, ids ...int) *novita.ModelPage {
	p := &novita.ModelPage{NextCursor: next}
	for _, id := range ids {
		p.Models = append(p.Models, novita.Model{ID: novita.FlexInt(id), SDName: "m" + itoa(id), Type: novita.ModelType{Name: "checkpoint"}, Status: 1})
	}
	return p
}
