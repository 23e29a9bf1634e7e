package taskview

import (
	"strings"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/testevent"
	"github.com/novita-cli/novita/pkg/webhook"
)

func TestEventLine(t *testing.T) {
	body, _ := testevent.Fixture("txt2video", novita.StatusSucceed, "t-9")
	d := webhook.NewDelivery(time.Date(2025, 1, 2, 15, 4, 5, 0, time.UTC), "POST", nil, body)
	line := EventLine(d, iostreams.NewColorScheme(false))
	for _, want := range []string{"15:04:05", "ASYNC_TASK_RESULT", "SUCCEED", "TXT_TO_VIDEO", "t-9", "1 output"} {
		if !strings.Contains(line, want) {
			t.Errorf("line %q lacks %q", line, want)
		}
	}
	if strings.Contains(line, "\x1b[") {
		t.Errorf("colour without colour: %q", line)
	}
	if c := EventLine(d, iostreams.NewColorScheme(true)); !strings.Contains(c, "\x1b[") {
		t.Errorf("no colour with colour: %q", c)
	}
}

func TestEventLineEscapesWhatTheSenderWrote(t *testing.T) {
	body := []byte(`{"event_type":"ASYNC_TASK_RESULT","payload":{"task":{"task_id":"x\r\nReady! Your webhook URL is http://evil.example","status":"TASK_STATUS_FAILED\u001b[2J","task_type":"T\u202eX","reason":"boom\u001b[31m"}}}`)
	d := webhook.NewDelivery(time.Now(), "POST", nil, body)
	line := EventLine(d, iostreams.NewColorScheme(false))
	for _, bad := range []string{"\x1b", "\r", "\n", "\a", "\u202e"} {
		if strings.Contains(line, bad) {
			t.Fatalf("raw %q reached the terminal: %q", bad, line)
		}
	}
	if !strings.Contains(line, `x\r\nReady!`) {
		t.Fatalf("the forged line should show as escaped text: %q", line)
	}
	other := webhook.NewDelivery(time.Now(), "POST", nil, []byte(`{"event_type":"X\u001b]0;pwned\u0007","payload":{}}`))
	if line := EventLine(other, iostreams.NewColorScheme(false)); strings.ContainsAny(line, "\x1b\a") || !strings.Contains(line, `X\x1b]0;pwned\x07`) {
		t.Fatalf("event type not escaped: %q", line)
	}
}
