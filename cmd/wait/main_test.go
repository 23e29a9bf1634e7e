package wait

import (
	"testing"

	"github.com/novita-cli/novita/pkg/testmain"
)

func TestMain(m *testing.M) { testmain.Main(m) }
