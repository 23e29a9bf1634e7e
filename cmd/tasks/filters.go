package tasks

import (
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/novita"
)

// query turns the flags into a journal query; every bad value is a usage error naming the fix.
func (o *Options) query() (journal.Query, error) {
	q := journal.Query{Text: o.Text, BatchID: strings.TrimSpace(o.BatchID), Pending: o.Pending, Limit: o.Limit}
	if o.Limit < 0 {
		return q, clierr.Usagef("--limit %d: give a number of tasks, or 0 for all", o.Limit)
	}
	for _, s := range o.Status {
		st, err := novita.ParseStatus(s)
		if err != nil {
			return q, clierr.Usagef("--status %q: use SUCCEED, FAILED, QUEUED or PROCESSING (any case, comma-separated or repeated)", s)
		}
		q.Status = append(q.Status, string(st))
	}
	q.Task = taskName(o.Task)
	if o.Since != "" {
		since, err := ParseSince(o.Since, o.Clock.Now())
		if err != nil {
			return q, err
		}
		q.Since = since
	}
	return q, nil
}

// taskName is the name the journal records for a task: the catalog's canonical one for a name or an
// alias (txt2image is txt2img), or the name as given for an endpoint outside the catalog.
func taskName(name string) string {
	name = strings.TrimSpace(name)
	if name == "" {
		return ""
	}
	if c, err := catalog.Load(); err == nil {
		if canonical, ok := c.Canonical(name); ok {
			return canonical
		}
	}
	return name
}

// ParseSince reads --since: a duration back from now (90s, 30m, 12h, 1h30m, 2d, 1w) or a local date
// (2026-11-30, from its midnight) or time (2026-11-30 14:00, or RFC 3339).
func ParseSince(s string, now time.Time) (time.Time, error) {
	v := strings.TrimSpace(s)
	if d, ok := parseDays(v); ok {
		return now.Add(-d), nil
	}
	if d, err := time.ParseDuration(v); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02", "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, v, now.Location()); err == nil {
			return t, nil
		}
	}
	return time.Time{}, clierr.Usagef("--since %q: give a duration back from now (30m, 12h, 2d, 1w) or a date (2026-11-30)", s)
}

// parseDays reads the units time.ParseDuration lacks: whole days (2d) and weeks (1w).
func parseDays(s string) (time.Duration, bool) {
	if len(s) < 2 {
		return 0, false
	}
	unit := map[byte]time.Duration{'d': 24 * time.Hour, 'w': 7 * 24 * time.Hour}[s[len(s)-1]]
	n, err := strconv.Atoi(s[:len(s)-1])
	if unit == 0 || err != nil || n < 0 || n > 100*365 {
		return 0, false
	}
	return time.Duration(n) * unit, true
}

// taskCompletion offers the catalog's task names for --task.
func taskCompletion(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return catalog.Names(), cobra.ShellCompDirectiveNoFileComp
}
