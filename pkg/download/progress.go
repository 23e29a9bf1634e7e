package download

// Progress is where a download reports how it goes: a display of bars or lines (iostreams' Transfers
// satisfies it), or nothing. The downloader reports; it never draws.
type Progress interface {
	Track(label string) Transfer
	// Logf tells of a retry or a refresh without breaking the display.
	Logf(format string, args ...any)
	// Wait returns once the display is drawn for the last time.
	Wait()
}

// Transfer follows one file; End is called exactly once. It is an alias of an unnamed interface so
// a display's own type of the same methods is this very type, and its Track satisfies Progress.
type Transfer = interface {
	SetTotal(n int64) // -1 = unknown
	SetCurrent(n int64)
	Add(n int)
	End(path string, bytes int64, ok bool)
}

// noProgress reports nowhere.
type noProgress struct{}

func (noProgress) Track(string) Transfer { return noTransfer{} }
func (noProgress) Logf(string, ...any)   {}
func (noProgress) Wait()                 {}

type noTransfer struct{}

func (noTransfer) SetTotal(int64)          {}
func (noTransfer) SetCurrent(int64)        {}
func (noTransfer) Add(int)                 {}
func (noTransfer) End(string, int64, bool) {}
