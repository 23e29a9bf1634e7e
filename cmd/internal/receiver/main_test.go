package receiver

import (
	"testing"

	"go.uber.org/goleak"
)

// A receiver or tunnel left open shows here as a leak.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
