package cmdutil

import (
	"testing"

	"github.com/novita-cli/novita/pkg/testmain"
)

// The journal keeps database goroutines until the factory's Cleanup closes it: a leak shows here.
func TestMain(m *testing.M) { testmain.Main(m) }
