package app

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/listen"
	"github.com/novita-cli/novita/pkg/novita"
)

// ListenOptions is what `novita listen` was asked to do.
type ListenOptions struct {
	Tunnel    TunnelFlags
	ForwardTo string
	Headers   []string // "Name: value"
	Statuses  []string
	Download  bool
	Output    string
	Overwrite bool
	SaveDir   string
	PrintURL  bool
	MaxEvents int
	Ready     chan<- string // tests: the hook URL once serving
}

// RunListen hosts a receiver behind the tunnel and prints each event until Ctrl-C or --max-events.
func RunListen(ctx context.Context, e *Env, o ListenOptions) error {
	statuses, err := parseStatuses(o.Statuses)
	if err != nil {
		return err
	}
	headers, err := parseHeaders(o.Headers)
	if err != nil {
		return err
	}
	if o.ForwardTo != "" && !strings.HasPrefix(o.ForwardTo, "http://") && !strings.HasPrefix(o.ForwardTo, "https://") {
		return clierr.Usagef("--forward-to %q is not an http(s) URL (example: http://localhost:3000/hooks/novita)", o.ForwardTo)
	}
	tmpl, err := e.template(o.Output)
	if err != nil {
		return err
	}
	tun, err := e.openTunnel(ctx, o.Tunnel, false)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	if tun == nil {
		return clierr.Usagef("listen needs a receiver: set NGROK_AUTHTOKEN for an ngrok tunnel, or use --tunnel local (with --public-url for your own tunnel)")
	}
	defer tun.Close()
	cfg := listen.Config{
		Listener: tun.Listener(), PublicURL: tun.URL(), Path: o.Tunnel.Path,
		ForwardTo: o.ForwardTo, Headers: headers, HTTPClient: e.HTTP,
		Statuses: statuses, SaveDir: o.SaveDir, MaxEvents: o.MaxEvents,
		JSON: e.JSON, PrintURL: o.PrintURL, Out: e.IO.Out, ErrOut: e.IO.ErrOut,
		Color: e.IO.ColorEnabled(), Quiet: e.IO.Quiet, TunnelDone: tun.Done(), Now: e.Now, Ready: o.Ready,
	}
	if o.Download {
		cfg.OnSucceeded = func(ctx context.Context, res *novita.TaskResult) error {
			// With a key, re-read the result: a forged body must not choose what we download.
			if e.APIKey != "" {
				fresh, err := e.Client.TaskResult(ctx, res.Task.TaskID)
				if err != nil {
					return err
				}
				res = fresh
			}
			files, err := e.downloadResult(ctx, res.Task.TaskID, strings.ToLower(res.Task.TaskType), 0, res, tmpl, o.Overwrite)
			for _, f := range files {
				e.IO.Statusf("saved %s", f.Path)
			}
			return err
		}
	}
	return listen.Run(ctx, cfg)
}

func parseStatuses(in []string) ([]novita.Status, error) {
	var out []novita.Status
	for _, s := range in {
		for _, part := range strings.Split(s, ",") {
			if strings.TrimSpace(part) == "" {
				continue
			}
			st, err := novita.ParseStatus(part)
			if err != nil {
				return nil, clierr.Usagef("--status: %v", err)
			}
			out = append(out, st)
		}
	}
	return out, nil
}

func parseHeaders(in []string) (http.Header, error) {
	h := http.Header{}
	for _, kv := range in {
		k, v, ok := strings.Cut(kv, ":")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, clierr.Usagef("-H %q: expected \"Name: value\"", kv)
		}
		h.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	return h, nil
}
