package lifecycle

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/novita"
)

// An output with no recorded path is a typed refusal; the engine names no command (cmd words it).
func TestSaveToRefusesAnOutputNeverSavedWithATypedError(t *testing.T) {
	res := &novita.TaskResult{Images: []novita.Image{{ImageURL: "http://127.0.0.1:1/a.png"}}}
	_, err := (&Runner{}).SaveTo(context.Background(), "t-1", res, nil)
	var ns *NeverSavedError
	if !errors.As(err, &ns) || ns.TaskID != "t-1" || ns.Kind != novita.KindImage || ns.Index != 1 {
		t.Fatalf("err = %v, want a NeverSavedError for image 1 of t-1", err)
	}
	if strings.Contains(err.Error(), "novita ") {
		t.Errorf("the engine words a command: %q", err)
	}
}
