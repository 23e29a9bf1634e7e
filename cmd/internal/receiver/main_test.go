package receiver

import (
	"testing"

	"github.com/novita-cli/novita/pkg/testmain"
)

// A receiver or tunnel left open shows here as a leak.
func TestMain(m *testing.M) { testmain.Main(m) }
