package models

import (
	"strconv"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/novita"
)

// bigList is n models shaped like the sandbox's (raw JSON dropped so each gets its own id and name).
func bigList(b *testing.B, n int) []novita.Model {
	b.Helper()
	base := sandboxModels(b)
	out := make([]novita.Model, 0, n)
	for i := 0; len(out) < n; i++ {
		m := base[i%len(base)]
		m.Raw = nil
		m.ID = novita.FlexInt(1_000_000 + i)
		suffix := "_" + strconv.Itoa(i)
		m.SDName += suffix
		m.SDNameInAPI += suffix
		out = append(out, m)
	}
	return out
}

// BenchmarkCacheLoad30k: what completion pays to read a 30,000-model cache.
func BenchmarkCacheLoad30k(b *testing.B) {
	ms := bigList(b, 30000)
	c := &Cache{Path: b.TempDir() + "/models.json", Now: time.Now}
	if err := c.Save(ms, time.Now()); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if s := c.Load(); len(s.Models) != len(ms) {
			b.Fatal(s.Problem)
		}
	}
}

// BenchmarkSuggest30k: the submit-time "did you mean" over 30,000 models.
func BenchmarkSuggest30k(b *testing.B) {
	ms := bigList(b, 30000)
	b.ResetTimer()
	for b.Loop() {
		Suggest(ms, KindCheckpoint, "dreamshapper_8_93211.safetensors", 3)
	}
}

// BenchmarkComplete30k: completing "--model d<TAB>" over 30,000 models.
func BenchmarkComplete30k(b *testing.B) {
	ms := bigList(b, 30000)
	b.ResetTimer()
	for b.Loop() {
		Complete(ms, KindCheckpoint, "d")
	}
}
