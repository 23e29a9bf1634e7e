package cmd

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/pkg/app"
	"github.com/novita-cli/novita/pkg/config"
)

// tunnelFlagValues are the receiver/tunnel flags shared by submit --wait, listen and test-event.
type tunnelFlagValues struct {
	tunnel, publicURL, listenAddr, ngrokToken, ngrokURL, path string
}

func addTunnelFlags(cmd *cobra.Command, v *tunnelFlagValues) {
	f := cmd.Flags()
	f.StringVar(&v.tunnel, "tunnel", "auto", "webhook tunnel: auto|ngrok|local|none")
	f.StringVar(&v.publicURL, "public-url", "", "your own public URL that forwards to --listen-addr (implies --tunnel local)")
	f.StringVar(&v.listenAddr, "listen-addr", "127.0.0.1:0", "where the local receiver listens")
	f.StringVar(&v.ngrokToken, "ngrok-authtoken", "", "ngrok authtoken (env NGROK_AUTHTOKEN, config ngrok_authtoken)")
	f.StringVar(&v.ngrokURL, "ngrok-url", "", "reserved ngrok domain, e.g. https://you.ngrok.app")
	_ = cmd.RegisterFlagCompletionFunc("tunnel", fixedCompletions("auto", "ngrok", "local", "none"))
	_ = cmd.RegisterFlagCompletionFunc("public-url", noCompletions)
	_ = cmd.RegisterFlagCompletionFunc("listen-addr", noCompletions)
	_ = cmd.RegisterFlagCompletionFunc("ngrok-authtoken", noCompletions)
	_ = cmd.RegisterFlagCompletionFunc("ngrok-url", noCompletions)
}

// resolveTunnel applies flag > env > config to the tunnel settings.
func resolveTunnel(cmd *cobra.Command, getenv config.Env, f *config.File, v tunnelFlagValues) app.TunnelFlags {
	changed := cmd.Flags().Changed
	mode, _ := f.Resolve(getenv, "tunnel", v.tunnel, changed("tunnel"))
	pub, _ := f.Resolve(getenv, "public_url", v.publicURL, changed("public-url"))
	ngrokURL, _ := f.Resolve(getenv, "ngrok_url", v.ngrokURL, changed("ngrok-url"))
	return app.TunnelFlags{Tunnel: mode, PublicURL: pub, ListenAddr: v.listenAddr, NgrokURL: ngrokURL, Path: v.path}
}

// downloadFlagValues are the output flags.
type downloadFlagValues struct {
	output                string
	noDownload, overwrite bool
}

func addDownloadFlags(cmd *cobra.Command, v *downloadFlagValues, withNoDownload bool) {
	f := cmd.Flags()
	f.StringVarP(&v.output, "output", "o", "", "output path template: {task_id} {task} {kind} {index} {ext} {line} (default {task_id}/{kind}-{index}.{ext})")
	if withNoDownload {
		f.BoolVar(&v.noDownload, "no-download", false, "do not download the outputs")
	}
	f.BoolVar(&v.overwrite, "overwrite", false, "replace existing files")
}

func (v downloadFlagValues) flags() app.DownloadFlags {
	return app.DownloadFlags{Output: v.output, NoDownload: v.noDownload, Overwrite: v.overwrite}
}

const defaultTimeout = 30 * time.Minute

func noCompletions(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return nil, cobra.ShellCompDirectiveNoFileComp
}

func fixedCompletions(values ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}
