package taskview

import (
	"fmt"
	"strings"

	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/webhook"
)

// EventLine is the one-line summary of a webhook delivery that `listen` and `test-event` print:
//
//	15:04:05  ASYNC_TASK_RESULT  SUCCEED     TXT_TO_IMG  f6aec953-...  1 output
//
// Retries are marked "(retry)"; events other than ASYNC_TASK_RESULT are marked "(ignored)". Every
// field came from an unauthenticated body and is escaped.
func EventLine(d webhook.Delivery, cs *iostreams.ColorScheme) string {
	s := iostreams.Safe
	var b strings.Builder
	b.WriteString(d.Received.Format("15:04:05"))
	b.WriteString("  ")
	evType := "?"
	if d.Event != nil && d.Event.EventType != "" {
		evType = s(d.Event.EventType)
	}
	b.WriteString(evType)
	b.WriteString("  ")
	switch {
	case d.Result != nil:
		t := d.Result.Task
		fmt.Fprintf(&b, "%s  %s  %s  %s", statusCell(t.Status, cs), orDash(s(t.TaskType)), orDash(s(t.TaskID)), plural(len(d.Result.Outputs()), "output"))
		if t.Status == novita.StatusFailed && t.Reason != "" {
			fmt.Fprintf(&b, "  reason=%q", t.Reason) // %q escapes control characters itself
		}
	case d.Ignored:
		b.WriteString(cs.Faint("(ignored)"))
	default:
		b.WriteString(cs.Red("(undecodable payload)"))
	}
	if d.Duplicate {
		b.WriteString("  " + cs.Faint("(retry)"))
	}
	return b.String()
}

func statusCell(st novita.Status, cs *iostreams.ColorScheme) string {
	txt := fmt.Sprintf("%-10s", iostreams.Safe(st.Short()))
	switch st {
	case novita.StatusSucceed:
		return cs.Green(txt)
	case novita.StatusFailed:
		return cs.Red(txt)
	}
	return cs.Yellow(txt)
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
