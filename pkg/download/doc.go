// Package download owns saving a task's outputs: expanding the -o/--output template, choosing file
// extensions, checking before anything is paid for that the template can hold what it will be given
// (Preflight, CheckTasks), and fetching the files in parallel so that a file appears under its final
// name only when it is complete (a ".<name>.part" file beside it, fsync, rename). Cut transfers resume
// with Range; an interrupted download keeps its partial file so the next run resumes it; presigned URLs
// that expired are re-read once; outputs the journal recorded and still on disk are not fetched again;
// "-" writes the one output to standard output, and an existing device or FIFO is written in place.
// It knows nothing about cobra or the terminal beyond the io.Writers and TTY flag it is given.
package download
