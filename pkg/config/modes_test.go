package config

import (
	"testing"

	"github.com/novita-cli/novita/pkg/preview"
	"github.com/novita-cli/novita/pkg/tunnel/tunnelmode"
)

// The config accepts exactly the modes the engines parse: a mode added to tunnel or preview is
// settable at once, and the config never accepts one the engine would refuse.
func TestConfigAcceptsTheEnginesModes(t *testing.T) {
	for key, parse := range map[string]func(string) error{
		"tunnel":  func(s string) error { _, err := tunnelmode.ParseMode(s); return err },
		"preview": func(s string) error { _, err := preview.ParseMode(s); return err },
	} {
		k, _ := LookupKey(key)
		for _, m := range k.Choices {
			if err := Validate(key, m); err != nil {
				t.Errorf("%s %s: config refuses it: %v", key, m, err)
			}
			if err := parse(m); err != nil {
				t.Errorf("%s %s: the engine refuses a choice the config offers: %v", key, m, err)
			}
		}
		if Validate(key, "bogus") == nil || parse("bogus") == nil {
			t.Errorf("%s bogus accepted", key)
		}
	}
}
