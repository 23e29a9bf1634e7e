package app

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/journal"
)

// WaitOptions is what `novita wait` was asked to do.
type WaitOptions struct {
	TaskIDs  []string
	Last     bool
	Timeout  time.Duration
	Download DownloadFlags
}

// RunWait waits (by polling) for tasks submitted earlier, then downloads their outputs.
func RunWait(ctx context.Context, e *Env, o WaitOptions) error {
	if o.Last && len(o.TaskIDs) > 0 {
		return clierr.Usagef("give task ids or --last, not both")
	}
	if !o.Last && len(o.TaskIDs) == 0 {
		return clierr.Usagef("no task id: give one or more task ids, or --last for the newest task (see: novita tasks)")
	}
	entries := e.journalEntries()
	if o.Last {
		if len(entries) == 0 {
			return clierr.Usagef("the journal (%s) has no tasks yet: submit one with: novita submit", e.Journal.Path)
		}
		o.TaskIDs = []string{entries[0].TaskID}
	}
	if err := e.NeedKey(); err != nil {
		return err
	}
	byID := map[string]journal.Entry{}
	for _, en := range entries {
		byID[en.TaskID] = en
	}
	specs := make([]awaitSpec, len(o.TaskIDs))
	for i, id := range o.TaskIDs {
		en := byID[id]
		output := o.Download.Output
		if output == "" {
			output = en.Output
		}
		tmpl, err := e.template(output)
		if err != nil {
			return err
		}
		task := en.Task
		if task == "" {
			task = "task"
		}
		dl := o.Download
		specs[i] = awaitSpec{TaskID: id, Task: task, Line: en.Line, Timeout: o.Timeout, Download: dl, Tmpl: tmpl, Live: len(o.TaskIDs) == 1}
		if en.BaseURL != "" && en.BaseURL != e.BaseURL {
			e.IO.Warnf("task %s was submitted to %s, but the API base URL is now %s", id, en.BaseURL, e.BaseURL)
		}
	}
	// Tasks resumed with wait have usually ended already: look at once rather than after the
	// schedule's usual first pause.
	e.Schedule.First = 0
	if len(specs) == 1 {
		e.IO.Statusf("waiting for task %s", specs[0].TaskID)
		doc, err := e.awaitTask(ctx, specs[0])
		return e.finish(doc, err)
	}
	return e.awaitMany(ctx, specs)
}

// awaitMany waits for several tasks at once and reports the worst outcome.
func (e *Env) awaitMany(ctx context.Context, specs []awaitSpec) error {
	e.IO.Statusf("waiting for %d tasks", len(specs))
	docs := make([]*Document, len(specs))
	errs := make([]error, len(specs))
	var wg sync.WaitGroup
	for i := range specs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			docs[i], errs[i] = e.awaitTask(ctx, specs[i])
		}()
	}
	wg.Wait()
	var worst error
	for i := range specs {
		if docs[i] != nil {
			if e.JSON {
				if err := writeJSONLine(e.IO.Out, docs[i]); err != nil {
					return err
				}
			} else {
				for _, f := range docs[i].Files {
					fmt.Fprintln(e.IO.Out, f.Path)
				}
			}
		}
		if errs[i] != nil {
			if docs[i] == nil || !e.JSON {
				e.IO.Errorf("%v", errs[i])
			}
			worst = worse(worst, errs[i])
		}
	}
	if worst != nil {
		return clierr.Reported(clierr.New(clierr.KindOf(worst), fmt.Errorf("%d of %d tasks did not succeed", countErrs(errs), len(specs))))
	}
	return nil
}

// worse keeps the error whose exit code matters most: interrupted, timeout, auth, failure, other.
func worse(a, b error) error {
	rank := map[clierr.Kind]int{clierr.KindInterrupted: 5, clierr.KindTimeout: 4, clierr.KindAuth: 3, clierr.KindGeneric: 2, clierr.KindTaskFailed: 1}
	if a == nil || rank[clierr.KindOf(b)] > rank[clierr.KindOf(a)] {
		return b
	}
	return a
}

func countErrs(errs []error) int {
	n := 0
	for _, err := range errs {
		if err != nil {
			n++
		}
	}
	return n
}

func (e *Env) journalEntries() []journal.Entry {
	if e.Journal == nil {
		return nil
	}
	es, err := e.Journal.Entries(func(line int, err error) {
		e.IO.Warnf("journal %s line %d skipped: %v", e.Journal.Path, line, err)
	})
	if err != nil {
		e.IO.Warnf("%v", err)
	}
	return es
}
