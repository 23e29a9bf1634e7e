package listen

import (
	"fmt"
	"strings"

	"github.com/fatih/color"

	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/webhook"
)

// palette holds colour instances with explicit on/off, never the global color.NoColor.
type palette struct {
	ok, bad, busy, dim, warn *color.Color
}

func newPalette(enabled bool) palette {
	p := palette{
		ok:   color.New(color.FgGreen, color.Bold),
		bad:  color.New(color.FgRed, color.Bold),
		busy: color.New(color.FgYellow),
		dim:  color.New(color.Faint),
		warn: color.New(color.FgYellow),
	}
	for _, c := range []*color.Color{p.ok, p.bad, p.busy, p.dim, p.warn} {
		if enabled {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
	}
	return p
}

func (p palette) status(s novita.Status) string {
	txt := fmt.Sprintf("%-10s", s.Short())
	switch s {
	case novita.StatusSucceed:
		return p.ok.Sprint(txt)
	case novita.StatusFailed:
		return p.bad.Sprint(txt)
	}
	return p.busy.Sprint(txt)
}

// FormatLine is the one-line summary of a delivery that `listen` prints (and `test-event` reuses):
//
//	15:04:05  ASYNC_TASK_RESULT  SUCCEED     TXT_TO_IMG  f6aec953-...  1 output
//
// Retries are marked "(retry)"; events other than ASYNC_TASK_RESULT are marked "(ignored)".
func FormatLine(d webhook.Delivery, colored bool) string {
	p := newPalette(colored)
	var b strings.Builder
	b.WriteString(d.Received.Format("15:04:05"))
	b.WriteString("  ")
	evType := "?"
	if d.Event != nil && d.Event.EventType != "" {
		evType = d.Event.EventType
	}
	b.WriteString(evType)
	b.WriteString("  ")
	switch {
	case d.Result != nil:
		t := d.Result.Task
		fmt.Fprintf(&b, "%s  %s  %s  %s", p.status(t.Status), orDash(t.TaskType), orDash(t.TaskID), plural(len(d.Result.Outputs()), "output"))
		if t.Status == novita.StatusFailed && t.Reason != "" {
			fmt.Fprintf(&b, "  reason=%q", t.Reason)
		}
	case d.Ignored:
		b.WriteString(p.dim.Sprint("(ignored)"))
	default:
		b.WriteString(p.bad.Sprint("(undecodable payload)"))
	}
	if d.Duplicate {
		b.WriteString("  " + p.dim.Sprint("(retry)"))
	}
	return b.String()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
