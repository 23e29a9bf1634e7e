package cmdutil

import (
	"errors"
	"strings"
	"syscall"

	"github.com/novita-cli/novita/cmd/internal/words"
	"github.com/novita-cli/novita/cmd/taskview"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/lifecycle"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/testevent"
	"github.com/novita-cli/novita/pkg/tunnel/tunnelmode"
)

// Explain is how this command line words an error for the user: its message and the hint that goes
// with it, both with secrets scrubbed (not yet escaped for a terminal). cmd/errors.go prints them;
// `novita mcp` returns them as tool errors, so an agent reads the same words a user would. a is the
// command line's advice (Advice): its resume hints and its scrubber.
func Explain(a taskview.Advice, err error) (msg, hint string) {
	hint = hintOf(a, err)
	if fix := fixOf(err); fix != "" {
		hint = strings.TrimPrefix(hint+"; "+fix, "; ")
	}
	return a.ScrubText(words.Message(err)), a.ScrubText(hint)
}

// fixOf words the way out of the engines' typed errors in this command line's flags: the engines
// state what went wrong and name no command or flag (docs/architecture.md).
func fixOf(err error) string {
	var exists *download.ExistsError
	var mode *tunnelmode.ModeError
	var unreadable *lifecycle.UnreadableAnswerError
	var delivery *testevent.DeliveryError
	if fix := opsFix(err); fix != "" {
		return fix
	}
	switch {
	case errors.As(err, &exists) && len(exists.Paths) == 1:
		return "use --overwrite to replace it, or -o to choose another name"
	case errors.As(err, &exists):
		return "use --overwrite to replace them, or -o to choose other names"
	case errors.Is(err, download.ErrStdoutTaken):
		return "-o - writes the output to standard output, which --json needs for its document: give a file name with -o, or drop --json"
	case errors.As(err, &mode):
		return "set --tunnel (or NOVITA_TUNNEL, or the config key tunnel) to one of " + strings.Join(tunnelmode.Modes(), ", ")
	case errors.Is(err, tunnelmode.ErrPublicURLMode):
		return "--public-url works only with --tunnel local or auto"
	case errors.As(err, &unreadable):
		return "see the answer with --debug"
	case errors.As(err, &delivery) && errors.Is(err, syscall.ECONNREFUSED):
		return "nothing is listening at " + delivery.URL + ": is your app running, on that port?"
	}
	return ""
}

// hintOf is the hint an error carries, or the one its kind of failure calls for: how to resume a wait
// that was cut short, what to do about an API error.
func hintOf(a taskview.Advice, err error) string {
	if h := clierr.HintOf(err); h != "" {
		if a := apiHint(err); a != "" { // what the reason means, then what the engine knows (a task may exist)
			return a + "; " + h
		}
		return h
	}
	if h := a.StopHint(err); h != "" {
		return h
	}
	if h := apiHint(err); h != "" {
		return h
	}
	var delivery *testevent.DeliveryError
	if novita.Offline(err) && !errors.As(err, &delivery) { // a test event's endpoint is the user's app, not the API
		return "nothing answers at the API's address: check the network and the base URL (--base-url, NOVITA_BASE_URL); --sandbox works offline"
	}
	return ""
}

// apiHint says what to do about an API error; the API client itself knows no command names.
func apiHint(err error) string {
	var ae *novita.APIError
	if !errors.As(err, &ae) {
		return ""
	}
	switch {
	case ae.Reason == "MISSING_API_KEY":
		return "set NOVITA_API_KEY or run: novita config set api_key"
	case ae.IsAuth():
		return "check the key: set NOVITA_API_KEY or run: novita config set api_key"
	case ae.HTTPStatus == 429:
		return "rate limited; wait a moment and try again"
	case reasonHints[ae.Reason] != "":
		return reasonHints[ae.Reason]
	case ae.Reason == "API_NOT_FOUND" || (ae.HTTPStatus == 404 && ae.Reason == ""):
		if strings.HasPrefix(ae.Op, "submit ") || strings.HasPrefix(ae.Op, "run ") {
			return "check the task name: novita catalog lists the known tasks"
		}
		// A fixed endpoint (models, balance) is missing: the base URL points elsewhere.
		return "check the API base URL (--base-url, NOVITA_BASE_URL or config base_url)"
	}
	return ""
}

// reasonHints says what to do about the reasons of Novita's error page that need no more context.
var reasonHints = map[string]string{
	novita.ReasonBillingBalanceNotEnough:   "top up the account balance",
	novita.ReasonInvalidImageSize:          "the input image's width or height is beyond what this endpoint takes: resize it (novita catalog <task> shows the limits) and submit again",
	novita.ReasonImageExceedsMaxResolution: "the input image's resolution is too high for this endpoint: scale it down and submit again",
	novita.ReasonImageFileExceedsMaxSize:   "the input image file is too large: compress or scale it down and submit again",
	novita.ReasonInvalidImageFormat:        "the input image's format is not accepted: convert it to PNG or JPEG and submit again",
	novita.ReasonImageNoFaceDetected:       "no face was found in the input image: use a clear, front-facing photo",
	novita.ReasonIllegalPrompt:             "Novita's content filter refused the input: change the prompt or image",
	novita.ReasonIllegalImageContent:       "Novita's content filter refused the input: change the prompt or image",
	novita.ReasonInvalidAudioFile:          "the audio input was refused: check its format and length",
	novita.ReasonBillingFailed:             "Novita's billing service failed: this is on Novita's side; try again in a few minutes",
	novita.ReasonNeedRealNameVerify:        "this API needs a verified account: complete the enterprise verification in the Novita console, then try again",
	novita.ReasonAPINotAllowed:             "the account may not use this API: check its permissions in the Novita console",
	novita.ReasonFeatureNotAllowed:         "the account may not use this API: check its permissions in the Novita console",
	novita.ReasonCreateTaskFailed:          "Novita could not create the task: try again in a few minutes",
	novita.BaseRespReason:                  "MiniMax refused the request (the code above is MiniMax's): check the voice and text, then try again",
	"TASK_NOT_FOUND":                       "check the task id: novita tasks lists the tasks submitted from this machine",
}
