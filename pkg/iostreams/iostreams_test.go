package iostreams

import (
	"strings"
	"testing"
)

func TestQuietSilencesStatusButNotWarnings(t *testing.T) {
	s, _, out, errOut := Test()
	s.Quiet = true
	s.Statusf("working")
	s.Live("task PROCESSING")
	s.Warnf("careful %d", 1)
	tr := s.Transfers().Track("x.png")
	tr.End("x.png", 10, true)
	if out.Len() != 0 || errOut.String() != "warning: careful 1\n" {
		t.Fatalf("stdout %q stderr %q", out, errOut)
	}
}

func TestColourOnlyOnATerminalAndNeverWithNoColor(t *testing.T) {
	s, _, _, errOut := Test()
	s.Warnf("plain")
	if strings.Contains(errOut.String(), "\x1b[") {
		t.Fatal("no colour when stderr is not a terminal")
	}
	s.ErrTTY, s.OutTTY = true, true
	s.Warnf("coloured")
	if !strings.Contains(errOut.String(), "\x1b[") || !strings.Contains(s.ColorScheme().Green("x"), "\x1b[") {
		t.Fatal("colour expected on a terminal")
	}
	s.SetColorDisabled(true)
	if s.ColorEnabled() || s.ErrColorEnabled() {
		t.Fatal("--no-color / NO_COLOR must win")
	}
}

func TestLiveRewritesTheLineOnlyOnATerminal(t *testing.T) {
	s, _, _, errOut := Test()
	s.Live("a")
	s.Live("b")
	if errOut.String() != "a\nb\n" {
		t.Fatalf("plain lines expected off a terminal: %q", errOut)
	}
	errOut.Reset()
	s.ErrTTY = true
	s.Live("c")
	s.EndLive()
	if got := errOut.String(); !strings.HasPrefix(got, "\r\x1b[2Kc") || strings.Contains(got, "\n") {
		t.Fatalf("a terminal gets one rewritten line: %q", got)
	}
}
