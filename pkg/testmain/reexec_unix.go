//go:build unix

package testmain

import "syscall"

// reexec replaces this process with exe: the same process id, streams and arguments, so go test
// (and test2json) cannot tell.
func reexec(exe string, args, env []string) error { return syscall.Exec(exe, args, env) }
