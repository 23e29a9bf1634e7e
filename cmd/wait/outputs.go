package wait

import (
	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/lifecycle"
)

// target is one task whose outputs this wait will save.
type target struct {
	tmpl  *download.Template
	vars  download.Vars
	files []journal.FileRecord // what the journal says was saved already
}

// checkTargets finds output problems before any waiting: a template that would give several tasks
// the same names (each replacing the last), and what Preflight finds for each task (a target in the
// way, a directory that cannot be written, a name too long). All are usage errors (exit 2).
func checkTargets(ts []target, overwrite, jsonOut bool) error {
	var order []string
	groups := map[string][]target{}
	for _, t := range ts {
		k := t.tmpl.String()
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], t)
	}
	for _, k := range order {
		vars := make([]download.Vars, len(groups[k]))
		for i, t := range groups[k] {
			vars[i] = t.vars
		}
		if err := groups[k][0].tmpl.CheckTasks(vars); err != nil {
			return err
		}
	}
	for _, t := range ts {
		err := t.tmpl.Preflight(download.Check{Vars: t.vars, Overwrite: overwrite, JSON: jsonOut,
			Saved: lifecycle.SavedFiles(t.files)})
		if err != nil {
			return err
		}
	}
	return nil
}
