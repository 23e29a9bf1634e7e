package submit

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/cmd/internal/modelnames"
	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/models"
)

// typedValue is one typed flag of a task (catalog.FlagSpec): it checks the value's type as it is
// parsed (so --steps abc is a flag error naming --steps) and keeps the text as typed, which is what
// body.Build takes. A repeatable flag keeps every occurrence.
type typedValue struct {
	spec catalog.FlagSpec
	vals []string
}

func (v *typedValue) Set(s string) error {
	t := strings.TrimSpace(s)
	var err error
	switch v.spec.Kind {
	case catalog.FlagInt:
		_, err = strconv.ParseInt(t, 10, 64)
	case catalog.FlagFloat:
		_, err = strconv.ParseFloat(t, 64)
	case catalog.FlagBool:
		_, err = strconv.ParseBool(t)
	}
	if err != nil {
		return fmt.Errorf("want %s", kindWords(v.spec.Kind))
	}
	if v.spec.Repeatable {
		v.vals = append(v.vals, s)
	} else {
		v.vals = []string{s}
	}
	return nil
}

func (v *typedValue) String() string {
	if len(v.vals) == 0 {
		return ""
	}
	return v.vals[len(v.vals)-1]
}

// Type is the value's name in help: int, float, string, strings, file, files (bool shows none).
func (v *typedValue) Type() string {
	switch v.spec.Kind {
	case catalog.FlagStringList:
		return "strings"
	case catalog.FlagFileList:
		return "files"
	case catalog.FlagFile:
		return "file"
	}
	return string(v.spec.Kind)
}

// IsBoolFlag lets a boolean flag stand alone (--sound means --sound=true).
func (v *typedValue) IsBoolFlag() bool { return v.spec.Kind == catalog.FlagBool }

// listValue is a repeatable typed flag: a slice to cobra's completion, which offers it again after a
// first use.
type listValue struct{ *typedValue }

func (v listValue) Append(s string) error { return v.Set(s) }
func (v listValue) Replace(s []string) error {
	v.vals = nil
	for _, e := range s {
		if err := v.Set(e); err != nil {
			return err
		}
	}
	return nil
}
func (v listValue) GetSlice() []string { return v.vals }

func kindWords(k catalog.FlagKind) string {
	switch k {
	case catalog.FlagInt:
		return "an integer"
	case catalog.FlagFloat:
		return "a number"
	case catalog.FlagBool:
		return "true or false"
	}
	return "a value"
}

// typedFlags are the typed flags of one task command, in spec order.
type typedFlags struct {
	cmd    *cobra.Command
	values []*typedValue
}

// addTypedFlags defines the task's typed flags (its spec's flag hints) on cmd, with their real types,
// defaults, usage and completion: enum values, model names from the local cache, file names for file
// inputs. A flag whose name the common flags already use is left out (a cmd test keeps the catalog
// free of such clashes); its field stays settable with --set.
func addTypedFlags(cmd *cobra.Command, f *factory.Factory, task catalog.Task, reserved func(name, short string) bool) *typedFlags {
	t := &typedFlags{cmd: cmd}
	for _, s := range task.FlagSpecs() {
		if reserved(s.Name, s.Shorthand) {
			continue
		}
		v := &typedValue{spec: s}
		var value pflag.Value = v
		if s.Repeatable {
			value = listValue{v}
		}
		fl := cmd.Flags().VarPF(value, s.Name, s.Shorthand, usageOf(s))
		fl.DefValue = s.Default
		if s.Kind == catalog.FlagBool {
			fl.NoOptDefVal = "true"
		}
		t.values = append(t.values, v)
		_ = cmd.RegisterFlagCompletionFunc(s.Name, completionOf(f, task, s))
	}
	return t
}

// usageOf is the spec's usage line. pflag shows every default but "" and "false" (typedValue is a
// boolFlag to it), so a "false" that is not a switch's is said here.
func usageOf(s catalog.FlagSpec) string {
	if s.Default == "false" && s.Kind != catalog.FlagBool {
		return s.Usage + " (default false)"
	}
	return s.Usage
}

func completionOf(f *factory.Factory, task catalog.Task, s catalog.FlagSpec) cobra.CompletionFunc {
	switch {
	case len(s.Enum) > 0:
		return cmdutil.FixedCompletions(s.Enum...)
	case s.Kind == catalog.FlagBool:
		return cmdutil.FixedCompletions("true", "false")
	case (s.Kind == catalog.FlagFile || s.Kind == catalog.FlagFileList) && s.Encoding != catalog.EncodingURL:
		return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return nil, cobra.ShellCompDirectiveDefault // local files
		}
	}
	if kind, ok := models.FieldKind(task.Name, s.Path); ok {
		return modelnames.Completion(f, kind)
	}
	return cmdutil.NoCompletions
}

// input returns the flags the user gave, as body.Input takes them: only changed ones (unset flags keep
// the spec's default), repeatable ones in lists.
func (t *typedFlags) input() (flags map[string]string, lists map[string][]string) {
	flags, lists = map[string]string{}, map[string][]string{}
	for _, v := range t.values {
		name := v.spec.Name
		if !t.cmd.Flags().Changed(name) {
			continue
		}
		if v.spec.Repeatable {
			lists[name] = append([]string(nil), v.vals...)
		} else {
			flags[name] = v.String()
		}
	}
	return flags, lists
}

// names lists the typed flags in spec order: "prompt", "seed", ...
func (t *typedFlags) names() []string {
	out := make([]string, len(t.values))
	for i, v := range t.values {
		out[i] = v.spec.Name
	}
	return out
}
