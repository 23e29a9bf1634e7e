// Package download owns saving a task's outputs to disk: expanding the -o/--output template, choosing
// file extensions, and fetching the files in parallel so that a file appears under its final name only
// when it is complete (temporary file beside it, fsync, rename), resuming cut transfers with Range,
// re-reading the task result once when presigned URLs have expired, and recording size and sha256.
// It knows nothing about cobra or the terminal beyond the io.Writer and TTY flag it is given.
package download
