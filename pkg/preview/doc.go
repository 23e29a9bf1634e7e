// Package preview owns inline image thumbnails in the terminal: deciding whether a preview may be drawn
// at all, detecting which graphics protocol the terminal speaks (kitty graphics, iTerm2 inline images,
// sixel), and drawing a downscaled thumbnail of a downloaded file with the encoders of
// github.com/charmbracelet/x/ansi.
//
// Where previews go. stdout carries data only (file paths, JSON), so a preview, being decoration, is
// written to stderr. It is drawn only when both stdout and stderr are terminals, and never with --json
// or -q: a pipeline (`novita submit --wait | xargs ...`) is a script, not a person looking at a
// screen. [Enabled] takes exactly those facts so a command cannot forget one; [Choose] combines it with
// detection and is the one call a command makes.
//
// How the protocol is found ("auto"). The environment first, because it costs nothing and touches
// nothing: KITTY_WINDOW_ID or a TERM containing "kitty", Ghostty (TERM_PROGRAM=ghostty,
// GHOSTTY_RESOURCES_DIR, TERM=xterm-ghostty) speak kitty graphics; iTerm2 (TERM_PROGRAM=iTerm.app,
// LC_TERMINAL=iTerm2, which survives ssh), WezTerm (TERM_PROGRAM=WezTerm, WEZTERM_EXECUTABLE,
// TERM=wezterm), mintty and rio speak the iTerm2 protocol (WezTerm's kitty support is partial by its
// own documentation, its iTerm2 support complete); foot, mlterm and contour speak sixel; Apple
// Terminal and the Linux console draw nothing. Only when the environment cannot tell is the terminal
// asked, on /dev/tty in raw mode with a short deadline: a kitty graphics query (a=q) followed by a
// primary device attributes request (DA1), which every terminal answers, so reading up to the DA1 reply
// consumes every reply byte and nothing leaks into the shell. An OK to the kitty query means kitty
// graphics; parameter 4 in the DA1 reply means sixel.
//
// VS Code's terminal (TERM_PROGRAM=vscode) draws images only when its terminal.integrated.enableImages
// setting is on, which the environment does not show; with the setting on, its DA1 reply carries 4,
// and then the iTerm2 protocol is used (PNG rather than a 256-colour sixel); with it off, nothing.
//
// Multiplexers. GNU screen (STY set, or TERM=screen* outside tmux) gets nothing. Inside tmux
// (TMUX set) an image reaches the outer terminal only through tmux's DCS passthrough, which needs
// allow-passthrough on (or all) for the pane; that option is read with `tmux show-options` and never
// changed. Without it, nothing is drawn. The outer terminal is then known only from variables tmux
// inherited (KITTY_WINDOW_ID, LC_TERMINAL, ...): the terminal query would reach tmux, not the outer
// terminal, so it is not made. An explicit --preview kitty|iterm|sixel skips detection but not these
// rules, nor TERM=dumb.
//
// Failures never break a command: every error from [Terminal.RenderFile] (not an image, cannot be
// decoded, write failed) is for a debug log, and a preview is written in a single Write so a failed
// encoding leaves nothing half-drawn.
package preview
