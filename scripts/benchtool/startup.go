package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// startupRows times `novita version` against /bin/true (median of 30 runs each, interleaved) and
// reports the size of the binary as built for release (-trimpath -ldflags "-s -w").
func startupRows(ctx context.Context, c *config) ([]row, error) {
	dir := filepath.Join(c.tmp, "startup")
	env, err := cliEnv(dir, nil)
	if err != nil {
		return nil, err
	}
	var ours, base []time.Duration
	for k := range 31 {
		o, err := runChild(ctx, dir, env, c.bin, "version")
		if err != nil {
			return nil, err
		}
		b, err := runChild(ctx, dir, env, "/bin/true")
		if err != nil {
			return nil, err
		}
		if k > 0 { // the first pair warms the page cache
			ours, base = append(ours, o.wall), append(base, b.wall)
		}
	}
	over := median(ours) - median(base)
	st, err := os.Stat(c.bin)
	if err != nil {
		return nil, err
	}
	return []row{
		{Name: "start-up: novita version over /bin/true (median of 30)", Target: "≤ 15 ms", Status: check(over <= 15*time.Millisecond),
			Value: fmt.Sprintf("+%s (%s vs %s)", ms(over), ms(median(ours)), ms(median(base)))},
		{Name: "binary size (-trimpath -ldflags \"-s -w\")", Value: mib(st.Size()), Status: statusInfo},
	}, nil
}
