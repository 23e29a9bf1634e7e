package factory

import (
	"fmt"
	"strings"

	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/journal"
)

// openJournal returns this command line's journal, the same one on every call. It is opened lazily by
// the journal itself and closed by Cleanup; the user hears once about a tasks.jsonl it imported.
func (f *Factory) openJournal() *journal.Journal { return f.lazyJournal(&f.journal, journal.Open) }

// openReadJournal is openJournal's read-only twin (journal.OpenReadOnly), also closed by Cleanup.
func (f *Factory) openReadJournal() *journal.Journal {
	return f.lazyJournal(&f.readJnl, journal.OpenReadOnly)
}

// lazyJournal returns *slot, first setting it to open(the state directory) wired to this command line:
// its clock, the import notice, and a close at Cleanup.
func (f *Factory) lazyJournal(slot **journal.Journal, open func(dir string) *journal.Journal) *journal.Journal {
	f.mu.Lock()
	defer f.mu.Unlock()
	if *slot != nil {
		return *slot
	}
	j := open(f.Path(journal.Dir(f.Getenv)))
	j.Now = f.Clock.Now
	j.OnImport = func(res journal.ImportResult) { f.reportImport(j.Path, res) }
	*slot = j
	f.cleanups = append(f.cleanups, func() {
		if err := j.Close(); err != nil {
			f.IOStreams.Warnf("%v", err)
		}
	})
	return j
}

// reportImport tells the user that the first release's tasks.jsonl moved into the database, and which
// of its lines (a torn write after a crash) held nothing that could be kept.
func (f *Factory) reportImport(db string, res journal.ImportResult) {
	io := f.IOStreams
	kept := "it is kept as " + res.KeptAs
	if res.KeptAs == "" {
		kept = "it stays where it is and will not be imported again"
	}
	io.Statusf("journal: imported %d tasks (%d records) from %s into %s; %s",
		res.Tasks, res.Records, res.From, db, kept)
	if res.RenameErr != nil {
		io.Warnf("journal: %v", res.RenameErr)
	}
	if n := len(res.Skipped); n > 0 {
		const shown = 5
		var lines []string
		for i, s := range res.Skipped {
			if i == shown {
				lines = append(lines, fmt.Sprintf("and %d more", n-shown))
				break
			}
			lines = append(lines, fmt.Sprintf("line %d (%s)", s.Line, iostreams.Safe(s.Err.Error())))
		}
		io.Warnf("journal: %d broken lines of %s were skipped (a write cut short by a crash?): %s",
			n, res.From, strings.Join(lines, "; "))
	}
}
