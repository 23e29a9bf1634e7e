package catalog

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/jsonpath"
)

// ViolationKind says what rule a value broke.
type ViolationKind int

const (
	ViolationMissing  ViolationKind = iota // a required field is absent, null or an empty array
	ViolationType                          // wrong JSON type (Want says which)
	ViolationLength                        // string length outside [Min, Max]
	ViolationRange                         // number outside [Min, Max]
	ViolationEnum                          // not one of Allowed
	ViolationItems                         // array length outside [Min, Max]
	ViolationSum                           // total of Field over the elements above Max
	ViolationEncoding                      // a file input not encoded as the field takes it
	ViolationRule                          // a cross-field rule
	ViolationGroup                         // a field group: none given (required) or several (exclusive)
)

// Violation is one broken rule of a body, structured so that the CLI and the sandbox can each word
// it their way. Problem is its sentence after the path ("must be between 128 and 2048, got 4000").
type Violation struct {
	Path    string // concrete path: "request.width", "prompts[1].frames"
	Param   *Param // the rule's parameter (nil for a cross rule's field without a parameter)
	Kind    ViolationKind
	Want    string // ViolationType: "a string", "an integer", ...
	Min     *float64
	Max     *float64
	ExclMin bool
	Allowed []string // ViolationEnum and ViolationRule; ViolationGroup: the group's paths
	Given   []string // ViolationGroup: the group's paths given
	Note    string   // ViolationGroup: the group's own message
	Field   string   // ViolationSum
	Got     any
	Problem string
}

func (v *Violation) Error() string { return v.Path + " " + v.Problem }

// Validate checks a full request body against the task's spec and reports every problem at once, one
// per line (errors.Join of FieldErrors): usage errors naming the field and the allowed values.
// Pass-through tasks accept anything.
func (t Task) Validate(body map[string]any) error {
	vs := t.Violations(body)
	if len(vs) == 0 {
		return nil
	}
	e := &ValidationError{Violations: vs, lines: make([]error, len(vs))}
	for i, v := range vs {
		e.lines[i] = t.ViolationError(v)
	}
	return e
}

// ValidationError is every rule a body breaks (a usage error), one FieldError (one line) each.
type ValidationError struct {
	Violations []*Violation
	lines      []error
}

func (e *ValidationError) Error() string { return errors.Join(e.lines...).Error() }

// Unwrap is the lines, one FieldError per violation (printed one per line).
func (e *ValidationError) Unwrap() []error { return e.lines }

// ExitKind is usage: the request was given wrong.
func (e *ValidationError) ExitKind() clierr.Kind { return clierr.KindUsage }

// FieldError is one violation as a usage error of its own. Its words name fields by their body paths;
// Flags holds, for the paths it names, the spec flag that sets each (data, for the caller that words
// the way out: the command line names its flags, `novita mcp` its tool parameters).
type FieldError struct {
	Task      string
	Violation *Violation
	Flags     map[string]string
}

func (e *FieldError) Error() string {
	v := e.Violation
	switch v.Kind {
	case ViolationMissing:
		return fmt.Sprintf("%s: missing required field %s", e.Task, v.Path)
	case ViolationGroup:
		return fmt.Sprintf("%s: %s", e.Task, v.Problem)
	}
	return fmt.Sprintf("%s: %s %s", e.Task, v.Path, v.Problem)
}

// ExitKind is usage: the request was given wrong.
func (e *FieldError) ExitKind() clierr.Kind { return clierr.KindUsage }

// ViolationError is one violation as the usage error Validate would report for it alone.
func (t Task) ViolationError(v *Violation) error {
	flags := map[string]string{}
	for _, p := range append([]string{v.Path}, v.Allowed...) {
		if f := t.FlagFor(p); f != "" {
			flags[p] = f
		}
	}
	return &FieldError{Task: t.Name, Violation: v, Flags: flags}
}

// FlagFor is the spec flag that sets a path ("" when none does): its parameter's, or for an element of
// a list field ("prompts[1].frames", "image_dataset_items[].caption") the list's or its items'.
func (t Task) FlagFor(path string) string {
	p, ok := t.Param(path)
	if !ok { // an element of a list field: the list's flag sets it
		p, ok = t.Param(strings.TrimSuffix(jsonpath.Element(path), "[]"))
	}
	if ok {
		for _, f := range t.Flags {
			if f.Param == p {
				return f.Flag
			}
		}
	}
	return ""
}

// Check returns the first rule the body breaks, in spec order, or nil.
func (t Task) Check(body map[string]any) *Violation {
	if vs := t.Violations(body); len(vs) > 0 {
		return vs[0]
	}
	return nil
}

// Violations returns every rule the body breaks: each field's first problem in spec order, then the
// field groups, then the cross-field rules of fields not already at fault.
func (t Task) Violations(body map[string]any) []*Violation {
	if !t.Known() {
		return nil
	}
	var out []*Violation
	bad := map[string]bool{}
	for i := range t.Params {
		p := &t.Params[i]
		for _, at := range expand(body, p.Path) {
			v, ok := getAny(at.root, at.rest)
			if v := p.checkPresent(at.path, v, ok); v != nil {
				out = append(out, v)
				bad[at.path] = true
			}
		}
	}
	for i := range t.Groups {
		if v := t.checkGroup(body, &t.Groups[i]); v != nil {
			out = append(out, v)
		}
	}
	for i := range t.Rules {
		if v := t.checkRule(body, &t.Rules[i]); v != nil && !bad[v.Path] {
			out = append(out, v)
			bad[v.Path] = true
		}
	}
	return out
}

// checkGroup applies a field group: at least one present (Required), at most one (Exclusive).
func (t Task) checkGroup(body map[string]any, g *Group) *Violation {
	var given []string
	for _, p := range g.Paths {
		if v, ok := jsonpath.Get(body, p); ok && v != nil && !isEmptyArray(v) {
			given = append(given, p)
		}
	}
	if !(g.Required && len(given) == 0) && !(g.Exclusive && len(given) > 1) {
		return nil
	}
	path := g.Paths[0]
	if len(given) > 0 {
		path = given[0]
	}
	p, _ := t.Param(path)
	v := &Violation{Path: path, Param: p, Kind: ViolationGroup, Allowed: g.Paths, Given: given, Note: g.Message,
		Got: len(given)}
	ask, paths := v.GroupChoice()
	v.Problem = ask + strings.Join(paths, " or ")
	if g.Message != "" {
		v.Problem += " (" + g.Message + ")"
	}
	return v
}

// GroupChoice is what a ViolationGroup asks for ("give one of " the group's paths, or "give only one
// of " those given) and the paths it names, for each caller to name in its own words (flags, tool
// parameters).
func (v *Violation) GroupChoice() (ask string, paths []string) {
	if len(v.Given) > 1 {
		return "give only one of ", v.Given
	}
	return "give one of ", v.Allowed
}

func (p *Param) checkPresent(path string, v any, ok bool) *Violation {
	if !ok || v == nil || (isEmptyArray(v) && p.MinItems == nil) {
		if p.Required {
			return &Violation{Path: path, Param: p, Kind: ViolationMissing, Problem: "is required"}
		}
		return nil
	}
	if viol := p.checkValue(v); viol != nil {
		viol.Path, viol.Param = path+viol.Path, p
		return viol
	}
	return nil
}

// checkValue checks one present value; the returned Path is a suffix (an element index) or "".
func (p *Param) checkValue(v any) *Violation {
	if len(p.Enum) > 0 && p.Type != ParamArray {
		if s, ok := text(v); ok && contains(p.Enum, s) {
			return nil
		}
		problem := fmt.Sprintf("must be one of %s, got %s", strings.Join(p.Enum, ", "), describe(v))
		if s, ok := v.(string); ok {
			if near := closeTo(s, p.Enum); near != "" {
				problem += fmt.Sprintf(" (did you mean %q?)", near)
			}
		}
		return &Violation{Kind: ViolationEnum, Allowed: p.Enum, Got: v, Problem: problem}
	}
	switch p.Type {
	case ParamString, ParamEnum:
		s, ok := v.(string)
		if !ok {
			return wrongType("a string", v)
		}
		return p.checkLength(s)
	case ParamInteger, ParamNumber:
		n, ok := number(v)
		if !ok || (p.Type == ParamInteger && !isIntegral(v, n)) {
			want := "a number"
			if p.Type == ParamInteger {
				want = "a number (an integer)"
			}
			return wrongType(want, v)
		}
		return p.checkRange(n, v)
	case ParamBoolean:
		if _, ok := v.(bool); !ok {
			return wrongType("a boolean (true or false)", v)
		}
	case ParamObject:
		if _, ok := v.(map[string]any); !ok {
			return wrongType("an object", v)
		}
	case ParamArray:
		return p.checkArray(v)
	case ParamFile:
		s, ok := v.(string)
		if !ok {
			return wrongType("a string", v)
		}
		return checkEncoding(p.Encoding, s)
	}
	return nil
}

func wrongType(want string, v any) *Violation {
	return &Violation{Kind: ViolationType, Want: want, Got: v, Problem: fmt.Sprintf("must be %s, got %s", want, describe(v))}
}

func (p *Param) checkLength(s string) *Violation {
	n := utf8.RuneCountInString(s)
	lo, hi := 0, -1
	if p.MinLength != nil {
		lo = *p.MinLength
	}
	if p.MaxLength != nil {
		hi = *p.MaxLength
	}
	if n >= lo && (hi < 0 || n <= hi) {
		return nil
	}
	v := &Violation{Kind: ViolationLength, Got: s, Min: ptr(float64(lo))}
	if hi >= 0 {
		v.Max = ptr(float64(hi))
		v.Problem = fmt.Sprintf("must be %d-%d characters long, got %d", lo, hi, n)
	} else {
		v.Problem = fmt.Sprintf("must be at least %d characters long, got %d", lo, n)
	}
	return v
}

func (p *Param) checkRange(n float64, v any) *Violation {
	low := p.Min != nil && (n < *p.Min || (p.ExclusiveMin && n == *p.Min))
	high := p.Max != nil && n > *p.Max
	if !low && !high {
		return nil
	}
	return &Violation{Kind: ViolationRange, Min: p.Min, Max: p.Max, ExclMin: p.ExclusiveMin, Got: v,
		Problem: fmt.Sprintf("must be %s, got %s", rangeText(p.Min, p.Max, p.ExclusiveMin), describe(v))}
}

// rangeText words a range: "between 128 and 2048", "greater than 1 and at most 4", "at least 0".
func rangeText(lo, hi *float64, exclMin bool) string {
	switch {
	case lo != nil && hi != nil && exclMin:
		return fmt.Sprintf("greater than %s and at most %s", fmtNum(*lo), fmtNum(*hi))
	case lo != nil && hi != nil:
		return fmt.Sprintf("between %s and %s", fmtNum(*lo), fmtNum(*hi))
	case lo != nil && exclMin:
		return "greater than " + fmtNum(*lo)
	case lo != nil:
		return "at least " + fmtNum(*lo)
	case hi != nil:
		return "at most " + fmtNum(*hi)
	}
	return "a number"
}

func (p *Param) checkArray(v any) *Violation {
	a, ok := v.([]any)
	if !ok {
		return wrongType("an array", v)
	}
	if (p.MinItems != nil && len(a) < *p.MinItems) || (p.MaxItems != nil && len(a) > *p.MaxItems) {
		viol := &Violation{Kind: ViolationItems, Got: v}
		var lo, hi *float64
		if p.MinItems != nil {
			lo = ptr(float64(*p.MinItems))
		}
		if p.MaxItems != nil {
			hi = ptr(float64(*p.MaxItems))
		}
		viol.Min, viol.Max = lo, hi
		viol.Problem = fmt.Sprintf("must have %s items, got %d", rangeText(lo, hi, false), len(a))
		return viol
	}
	if p.Items != nil {
		for i, e := range a {
			if viol := p.Items.checkValue(e); viol != nil {
				viol.Path = fmt.Sprintf("[%d]%s", i, viol.Path)
				return viol
			}
		}
	}
	if p.Sum != nil {
		total := 0.0
		for _, e := range a {
			if m, ok := e.(map[string]any); ok {
				if n, ok := number(m[p.Sum.Field]); ok {
					total += n
				}
			}
		}
		if total > p.Sum.Max {
			return &Violation{Kind: ViolationSum, Field: p.Sum.Field, Max: ptr(p.Sum.Max), Got: total,
				Problem: fmt.Sprintf("must have at most %s %s in all, got %s", fmtNum(p.Sum.Max), p.Sum.Field, fmtNum(total))}
		}
	}
	return nil
}

// ProblemURLForBase64 is the problem of a URL given for a field that takes the file's base64 (a file
// input fetches a URL into it; the field itself does not).
const ProblemURLForBase64 = "must be the file's base64, not a URL"

// checkEncoding checks a file input's form. base64 fields take raw base64 (the API refuses a data: URI or
// a URL there); URL fields take http(s) URLs; data-uri fields take data:<mime>;base64,...
func checkEncoding(enc, s string) *Violation {
	bad := func(problem string) *Violation {
		return &Violation{Kind: ViolationEncoding, Want: enc, Got: s, Problem: problem}
	}
	url, dataURI := isURL(s), strings.HasPrefix(s, "data:")
	switch {
	case s == "":
		return bad("must not be empty: give a file")
	case enc == EncodingBase64 && dataURI:
		return bad("must be raw base64 without a data: URI prefix")
	case enc == EncodingBase64 && url:
		return bad(ProblemURLForBase64)
	case enc == EncodingBase64:
		if _, err := DecodeBase64(s); err != nil {
			return bad("is not valid base64")
		}
	case enc == EncodingURL && !url:
		return bad("must be an http(s) URL")
	case enc == EncodingDataURI && !dataURI:
		return bad("must be a data: URI (data:<mime>;base64,...)")
	case enc == EncodingURLOrDataURI && !url && !dataURI:
		return bad("must be an http(s) URL or a data: URI")
	}
	return nil
}

// DecodeBase64 decodes standard base64 with or without padding, surrounding whitespace ignored.
func DecodeBase64(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
}

func isURL(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}

// checkRule applies a cross-field rule; absent fields take their spec default.
func (t Task) checkRule(body map[string]any, r *CrossRule) *Violation {
	if !t.condHolds(body, r.If) {
		return nil
	}
	v, ok := t.valueOrDefault(body, r.Then.Path)
	if !ok {
		return nil
	}
	if s, ok := text(v); ok && contains(r.Then.In, s) {
		return nil
	}
	msg := r.Message
	if msg == "" {
		msg = fmt.Sprintf("when %s is %s", r.If.Path, strings.Join(r.If.In, " or "))
	}
	p, _ := t.Param(r.Then.Path)
	return &Violation{Path: r.Then.Path, Param: p, Kind: ViolationRule, Allowed: r.Then.In, Got: v,
		Problem: fmt.Sprintf("must be %s %s, got %s", strings.Join(r.Then.In, " or "), msg, describe(v))}
}

// condHolds reports whether the value at c.Path (or its spec default) is one of c.In.
func (t Task) condHolds(body map[string]any, c Cond) bool {
	v, ok := t.valueOrDefault(body, c.Path)
	if !ok {
		return false
	}
	s, ok := text(v)
	return ok && contains(c.In, s)
}

// CondHolds is condHolds for other packages (the sandbox and the sync decoder read response conditions).
func (t Task) CondHolds(body map[string]any, c *Cond) bool { return c == nil || t.condHolds(body, *c) }

func (t Task) valueOrDefault(body map[string]any, path string) (any, bool) {
	if v, ok := jsonpath.Get(body, path); ok && v != nil {
		return v, true
	}
	if p, ok := t.Param(path); ok {
		if d, ok := t.followedDefault(body, p); ok {
			return d, true
		}
		if p.Default != nil {
			return p.Default, true
		}
		if p.APIDefault != nil {
			return p.APIDefault, true
		}
	}
	return nil, false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func ptr(f float64) *float64 { return &f }

func isEmptyArray(v any) bool {
	a, ok := v.([]any)
	return ok && len(a) == 0
}

// number reads the numeric types a body can hold: flag values (int64, float64), --data values
// (json.Number) and values decoded without UseNumber (float64).
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case float64:
		return n, true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

func isIntegral(v any, f float64) bool {
	if n, ok := v.(json.Number); ok {
		_, err := n.Int64()
		return err == nil
	}
	return f == float64(int64(f))
}

func text(v any) (string, bool) {
	switch x := v.(type) {
	case json.Number: // before string: json.Number is a string type
		return x.String(), true
	case string:
		return x, true
	case bool:
		return strconv.FormatBool(x), true
	}
	if n, ok := number(v); ok {
		return fmtNum(n), true
	}
	return "", false
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func describe(v any) string {
	switch x := v.(type) {
	case json.Number:
		return x.String()
	case string:
		if utf8.RuneCountInString(x) > 40 {
			x = string([]rune(x)[:40]) + "..."
		}
		return strconv.Quote(x)
	case bool:
		return strconv.FormatBool(x)
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case nil:
		return "null"
	}
	if n, ok := number(v); ok {
		return fmtNum(n)
	}
	return fmt.Sprintf("%v", v)
}
