package words

import (
	"strings"

	"github.com/novita-cli/novita/pkg/config"
)

// wordConfig words a setting's refusal with the way to put it right where the value lives: the
// flag, `novita config set`, or the environment variable.
func wordConfig(err error) (string, bool) {
	if e, ok := as[*config.EmptyValueError](err); ok {
		return "empty value for " + e.Key + ": to remove it run: novita config unset " + e.Key, true
	}
	e, ok := as[*config.SettingError](err)
	if !ok {
		return "", false
	}
	k := e.Key
	subject := e.Error() // the key, where it came from, and the problem
	if e.Source == config.SourceFlag {
		subject = k.Flag + e.Shown() + " " + e.Problem
	}
	fix := settingFix(e)
	if e.Source == config.SourceEnv && k.Secret && strings.Contains(e.Problem, `(\r)`) {
		fix += ` (tr -d '\r' removes it)`
	}
	if strings.HasPrefix(fix, "e.g. ") && strings.Contains(e.Problem, "e.g. ") {
		return subject, true // the problem already shows a fix
	}
	return subject + ": " + fix, true
}

// settingFix tells the user how to put the value right where it lives.
func settingFix(e *config.SettingError) string {
	k, example := e.Key, config.ShellQuote(e.Key.Example)
	switch {
	case e.Saving() && k.Secret:
		return "check what was pasted and run: novita config set " + k.Name
	case e.Saving():
		return "e.g. novita config set " + k.Name + " " + example
	case e.Source == config.SourceFile && k.Secret:
		return "fix it with: novita config set " + k.Name
	case e.Source == config.SourceFile:
		return "fix it with: novita config set " + k.Name + " " + example
	case e.Source == config.SourceEnv && k.Secret:
		return "fix the value of " + k.Env
	case e.Source == config.SourceEnv:
		return "fix it with: export " + k.Env + "=" + example
	case k.Secret:
		return "pass the " + strings.ReplaceAll(k.Name, "_", " ") + " alone"
	}
	return "e.g. " + k.Flag + " " + example
}
