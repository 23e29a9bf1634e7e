package ui

import (
	"fmt"
	"os/exec"
	"runtime"
)

// OpenBrowser launches the system's opener on url (xdg-open, open, or start on Windows) and does not
// wait for the browser: some openers run it in the foreground.
func OpenBrowser(url string) error {
	name, args := opener(runtime.GOOS)
	cmd := exec.Command(name, append(args, url)...)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	go func() { _ = cmd.Wait() }() // reap it whenever it ends
	return nil
}

// opener is the command that opens a URL on goos, without the URL.
func opener(goos string) (string, []string) {
	switch goos {
	case "darwin":
		return "open", nil
	case "windows":
		return "cmd", []string{"/c", "start", ""} // "" is start's window title: a quoted URL would become the title
	default:
		return "xdg-open", nil
	}
}
