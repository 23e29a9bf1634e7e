package expiry

import (
	"testing"

	"go.uber.org/goleak"
)

// The journal keeps database goroutines until the factory's Cleanup closes it: a leak shows here.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
