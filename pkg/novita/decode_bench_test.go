package novita_test

import (
	"os"
	"testing"

	"github.com/novita-cli/novita/pkg/novita"
)

// BenchmarkDecodeEvent is the per-delivery decoding cost of the webhook receiver.
func BenchmarkDecodeEvent(b *testing.B) {
	body, err := os.ReadFile("testdata/webhook-txt2img-succeed.json")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := novita.DecodeEvent(body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeTaskResult is the cost of one poll's answer.
func BenchmarkDecodeTaskResult(b *testing.B) {
	body, err := os.ReadFile("testdata/task-result-images-number-ttl.json")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := novita.DecodeTaskResult(body); err != nil {
			b.Fatal(err)
		}
	}
}
