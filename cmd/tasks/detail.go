package tasks

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/journal"
)

// writeDetail prints a task for a person: its facts, the request, the history, the files and the
// webhook deliveries. Everything that came from the network or the journal is escaped.
func writeDetail(w io.Writer, doc Document, now time.Time) error {
	b := bufio.NewWriter(w)
	t := doc.Task
	field := func(name, value string) {
		if value != "" {
			fmt.Fprintf(b, "%-10s  %s\n", name, value)
		}
	}
	field("task id", iostreams.Safe(t.ID))
	field("task", iostreams.Safe(t.Name))
	if t.Endpoint != t.Name {
		field("endpoint", iostreams.Safe(t.Endpoint))
	}
	if p := doc.Provenance; p != nil {
		field("status", "not in this journal: shown from the file's embedded metadata")
		field("model", iostreams.Safe(p.Model))
		field("prompt", iostreams.Safe(p.Prompt))
		field("negative", iostreams.Safe(p.NegativePrompt))
		field("made by", iostreams.Safe(p.Tool))
	} else {
		field("status", statusLine(t))
	}
	field("reason", iostreams.Safe(t.Reason))
	field("task type", iostreams.Safe(t.TaskType))
	if doc.Provenance != nil {
		field("created", stamp(t.SubmittedAt))
	} else {
		field("submitted", stamp(t.SubmittedAt))
	}
	field("ended", stamp(t.EndedAt))
	field("api", iostreams.Safe(t.BaseURL))
	if t.BatchID != "" {
		field("batch", fmt.Sprintf("%s, line %d", iostreams.Safe(t.BatchID), t.Line))
	}
	if t.Seed != nil {
		field("seed", fmt.Sprint(*t.Seed))
	}
	field("output", iostreams.Safe(t.Output))

	fmt.Fprintln(b, "\nrequest")
	writeRequest(b, doc.Request, doc.ElidedInputs)

	fmt.Fprintln(b, "\nstatus history")
	if len(doc.History) == 0 {
		fmt.Fprintln(b, "  (none recorded)")
	}
	for _, h := range doc.History {
		line := fmt.Sprintf("  %s  %-10s  %s", stamp(h.At), ShortStatus(h.Status), dash(iostreams.Safe(h.Source)))
		if h.Reason != "" {
			line += "  " + iostreams.Safe(h.Reason)
		}
		fmt.Fprintln(b, line)
	}

	fmt.Fprintln(b, "\nfiles")
	if len(doc.Files) == 0 {
		fmt.Fprintln(b, "  (none recorded)")
	}
	for _, f := range doc.Files {
		fmt.Fprintln(b, "  "+fileLine(f, now))
	}

	if len(doc.Events) > 0 {
		fmt.Fprintln(b, "\nwebhook deliveries seen")
		for _, e := range doc.Events {
			fmt.Fprintln(b, "  "+eventLine(e))
		}
	}
	return b.Flush()
}

// statusLine is "SUCCEED via webhook after 4.1s", or the last status seen of a running task.
func statusLine(t journal.Task) string {
	s := ShortStatus(t.Status)
	if t.EndedAt.IsZero() && t.Sandbox {
		return s + "  (never seen to end; it ran in an in-process --sandbox simulator, gone since: it will not end)"
	}
	if t.EndedAt.IsZero() {
		return s + "  (never seen to end: novita wait " + iostreams.Safe(t.ID) + ")"
	}
	if t.DeliveredBy != "" {
		s += " via " + iostreams.Safe(t.DeliveredBy)
	}
	if t.ElapsedMS > 0 {
		s += " after " + (time.Duration(t.ElapsedMS) * time.Millisecond).Round(100*time.Millisecond).String()
	}
	return s
}

// writeRequest prints the stored request indented, then the inputs that were not kept.
func writeRequest(w io.Writer, req json.RawMessage, elided []journal.Elided) {
	if len(req) == 0 {
		fmt.Fprintln(w, "  (not recorded: tasks from the first release's journal, or a body that was not JSON)")
		return
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, req, "", "  "); err != nil {
		pretty.Reset()
		pretty.Write(req)
	}
	for _, line := range strings.Split(pretty.String(), "\n") {
		fmt.Fprintln(w, "  "+iostreams.Safe(line))
	}
	for _, e := range elided {
		fmt.Fprintf(w, "  not kept: %s, an input of %d bytes (sha256 %s); a rerun needs that file again\n",
			iostreams.Safe(e.Path), e.Bytes, iostreams.Safe(e.SHA256))
	}
}

func eventLine(e journal.Event) string {
	parts := []string{stamp(e.ReceivedAt), dash(iostreams.Safe(e.EventType)), ShortStatus(e.Status)}
	if e.Source != "" {
		parts = append(parts, "seen by "+iostreams.Safe(e.Source))
	}
	if e.Duplicate {
		parts = append(parts, "(retry)")
	}
	if fw := e.Forward; fw != nil {
		switch {
		case fw.Error != "":
			parts = append(parts, "forward failed: "+iostreams.Safe(fw.Error))
		default:
			parts = append(parts, fmt.Sprintf("forwarded to %s: %d (%d ms)", iostreams.Safe(fw.To), fw.Status, fw.LatencyMS))
		}
	}
	return strings.Join(parts, "  ")
}

// TimeLayout is the one way times are shown, in the list (novita tasks) and in the detail (tasks show)
// alike, and in the inspector: local time to the second.
const TimeLayout = "2006-01-02 15:04:05"

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format(TimeLayout)
}
