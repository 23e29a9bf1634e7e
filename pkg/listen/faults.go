package listen

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/clock"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/webhook"
)

// InjectedHeader is set on every answer that --respond-status or --respond-delay shaped. Its value
// names the rules that applied and, for a forwarded delivery whose status was replaced, what the
// application answered; the sender, the printed line and the inspector all see it.
const InjectedHeader = "X-Novita-Listen-Injected"

// MaxRespondDelay bounds --respond-delay: Novita gives up after 5 s, and the receiver's own read
// timeout (30 s) would cut a longer wait short anyway.
const MaxRespondDelay = 25 * time.Second

// Faults are answers made up to exercise a sender's retry policy without writing an app: a status
// and a delay, each for every delivery or only for deliveries of one task status. A rule for a
// status wins over the rule for every delivery. The zero value injects nothing.
type Faults struct {
	statuses map[novita.Status]int           // "" = every delivery
	delays   map[novita.Status]time.Duration // "" = every delivery
	names    RuleNames
}

// RuleNames are what the caller calls the two kinds of rule, in the errors of ParseFaults and in the
// descriptions of the rules an answer reports (the command line names its flags). Empty names are
// "status" and "delay".
type RuleNames struct{ Status, Delay string }

func (n RuleNames) orDefault() RuleNames {
	if n.Status == "" {
		n.Status = "status"
	}
	if n.Delay == "" {
		n.Delay = "delay"
	}
	return n
}

// ParseFaults reads the status and delay rules, named as the caller names them. Each value is a comma-separated
// list of rules, VALUE (every delivery) or STATUS=VALUE (deliveries of that task status): 500,
// FAILED=500, SUCCEED=200,FAILED=503; 6s, FAILED=6s. Statuses are SUCCEED, FAILED, ... in any case.
func ParseFaults(statuses, delays []string, names RuleNames) (Faults, error) {
	names = names.orDefault()
	st, err := parseRules(names.Status, statuses, "500", func(v string) (int, error) {
		n, err := strconv.Atoi(v)
		if err != nil || n < 200 || n > 599 {
			return 0, fmt.Errorf("want an HTTP status from 200 to 599")
		}
		return n, nil
	})
	if err != nil {
		return Faults{}, err
	}
	dl, err := parseRules(names.Delay, delays, "6s", func(v string) (time.Duration, error) {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 || d > MaxRespondDelay {
			return 0, fmt.Errorf("want a duration from 0s to %v, such as 6s or 1500ms", MaxRespondDelay)
		}
		return d, nil
	})
	if err != nil {
		return Faults{}, err
	}
	return Faults{statuses: st, delays: dl, names: names}, nil
}

func parseRules[T any](flag string, values []string, example string, parse func(string) (T, error)) (map[novita.Status]T, error) {
	out := map[novita.Status]T{}
	for _, value := range values {
		for _, rule := range strings.Split(value, ",") {
			rule = strings.TrimSpace(rule)
			if rule == "" {
				continue
			}
			var st novita.Status
			raw := rule
			if k, v, ok := strings.Cut(rule, "="); ok {
				s, err := novita.ParseStatus(k)
				if err != nil {
					return nil, clierr.Usagef("%s %q: %v; write %s (every delivery) or FAILED=%s", flag, rule, err, example, example)
				}
				st, raw = s, strings.TrimSpace(v)
			}
			val, err := parse(raw)
			if err != nil {
				return nil, clierr.Usagef("%s %q: %v; write %s (every delivery) or FAILED=%s (deliveries of one status)", flag, rule, err, example, example)
			}
			if _, dup := out[st]; dup {
				what := "every delivery"
				if st != "" {
					what = st.Short() + " deliveries"
				}
				return nil, clierr.Usagef("%s is given twice for %s; keep one rule per status", flag, what)
			}
			out[st] = val
		}
	}
	return out, nil
}

// Active reports whether any rule is set.
func (f Faults) Active() bool { return len(f.statuses) > 0 || len(f.delays) > 0 }

// Rules describes the rules by their names, e.g. "--respond-status FAILED=500 --respond-delay 6s".
func (f Faults) Rules() string {
	var parts []string
	for _, st := range sortedKeys(f.statuses) {
		parts = append(parts, f.names.Status+" "+rule(st, strconv.Itoa(f.statuses[st])))
	}
	for _, st := range sortedKeys(f.delays) {
		parts = append(parts, f.names.Delay+" "+rule(st, f.delays[st].String()))
	}
	return strings.Join(parts, " ")
}

func rule(st novita.Status, v string) string {
	if st == "" {
		return v
	}
	return st.Short() + "=" + v
}

func sortedKeys[T any](m map[novita.Status]T) []novita.Status {
	keys := make([]novita.Status, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// match finds the rules for a delivery of status st ("" when it has none): the status's own rule,
// else the rule for every delivery. The descriptions are "" when no rule applies.
func (f Faults) match(st novita.Status) (code int, codeRule string, delay time.Duration, delayRule string) {
	if c, ok := lookupRule(f.statuses, st); ok {
		code, codeRule = c.v, f.names.Status+" "+rule(c.k, strconv.Itoa(c.v))
	}
	if d, ok := lookupRule(f.delays, st); ok {
		delay, delayRule = d.v, f.names.Delay+" "+rule(d.k, d.v.String())
	}
	return code, codeRule, delay, delayRule
}

type found[T any] struct {
	k novita.Status
	v T
}

func lookupRule[T any](m map[novita.Status]T, st novita.Status) (found[T], bool) {
	if st != "" {
		if v, ok := m[st]; ok {
			return found[T]{st, v}, true
		}
	}
	v, ok := m[""]
	return found[T]{"", v}, ok
}

// inject shapes the answer to a delivery by the rules that match it: the delay is added to whatever
// the answer took (the application's time included), and an injected status replaces the status
// the application answered (its headers and body are kept) or the receiver's own 200.
func (e *Engine) inject(ctx context.Context, d webhook.Delivery, resp webhook.Response, forwarded bool) webhook.Response {
	var st novita.Status
	if d.Result != nil {
		st = d.Result.Task.Status
	}
	code, codeRule, delay, delayRule := e.cfg.Faults.match(st)
	if codeRule == "" && delayRule == "" {
		return resp
	}
	if delay > 0 {
		e.pause(ctx, delay)
	}
	out := resp
	out.Header = resp.Header.Clone()
	if out.Header == nil {
		out.Header = http.Header{}
	}
	note := strings.TrimSpace(codeRule + " " + delayRule)
	if codeRule != "" {
		out.Status = code
		switch {
		case forwarded && resp.Err != nil:
			note += "; forwarding failed"
		case forwarded:
			note += fmt.Sprintf("; the app answered %d", resp.Status)
		default:
			out.Header.Set("Content-Type", "text/plain; charset=utf-8")
			out.Body = fmt.Appendf(nil, "novita listen: answered %d (%s)\n", code, codeRule)
		}
	}
	out.Header.Set(InjectedHeader, note)
	return out
}

// pause waits for d, or less when the request is abandoned or the session ends (Run returned):
// a delayed answer must not hold up Ctrl-C.
func (e *Engine) pause(ctx context.Context, d time.Duration) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(e.quit, cancel)()
	_ = clock.Sleep(ctx, d)
}
