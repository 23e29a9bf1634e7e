package catalog

import (
	"fmt"
	"strings"
)

// endpointsTable is docs/endpoints.md: one row per spec (name, request path, mode, output kind, the
// reference page it was checked against and when), generated so it cannot drift from the specs.
// Regenerate with: go test ./pkg/catalog -run TestEndpointsDoc -update
func (c *Catalog) endpointsTable() string {
	var b strings.Builder
	tasks := c.All()
	for _, h := range c.TrainingHeaders() {
		if t, ok := c.Training(h.Name); ok {
			tasks = append(tasks, t)
		}
	}
	b.WriteString("# Endpoints\n\n")
	b.WriteString("<!-- Generated from pkg/catalog/spec/*.yaml and pkg/catalog/training/*.yaml; do not edit. Regenerate with:\n")
	b.WriteString("     go test ./pkg/catalog -run TestEndpointsDoc -update -->\n\n")
	fmt.Fprintf(&b, "The catalog's %d endpoints, each checked against the Novita reference page in its row "+
		"(`novita catalog <name>` shows its parameters). Asynchronous endpoints answer a task id (the result comes by "+
		"webhook or task-result); synchronous ones answer the outputs inline; training ones (`novita train`) upload "+
		"images, then answer a task id read at their own status endpoint.\n\n", len(tasks))
	b.WriteString("| name | path | mode | output | source | checked |\n|---|---|---|---|---|---|\n")
	for _, t := range tasks {
		fmt.Fprintf(&b, "| `%s` | `%s` | %s | %s | %s | %s |\n", t.Name, t.Path, t.Mode, t.OutputKind,
			mdLink(t.Source), mdCell(t.Checked))
	}
	return b.String()
}

// mdLink shows a reference URL by its last path segment.
func mdLink(u string) string {
	if u == "" {
		return "**none**"
	}
	label := u[strings.LastIndex(strings.TrimRight(u, "/"), "/")+1:]
	return "[" + mdCell(label) + "](" + u + ")"
}

// mdCell keeps a value inside one table cell.
func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(strings.TrimSpace(s))
}
