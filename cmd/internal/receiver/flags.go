package receiver

import (
	"crypto/x509"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/hooks"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/tunnel/tunnelmode"
)

// TunnelFlags are the receiver flags shared by submit --wait, listen, test-event and mcp. They carry
// what resolving them uses of the command line (Env), so a command's options hold them, not the factory.
type TunnelFlags struct {
	Env                                                 TunnelEnv
	cmd                                                 *cobra.Command
	tunnel, publicURL, listenAddr, ngrokToken, ngrokURL string
	Path                                                string // --path (listen only)
}

// TunnelEnv is what opening a receiver uses of the command line: its settings (flag > env > config),
// its secrets, its status lines and log, and the tunnel's test hooks (factory.Hooks).
type TunnelEnv struct {
	IO          *iostreams.IOStreams
	Resolve     func(key, flagValue string, flagSet bool) (string, error)
	CheckSecret func(key, flagValue string, flagSet bool) error
	AddSecret   func(string)
	Logger      func() *slog.Logger // read when used: --debug is known only once the flags are parsed

	ConnectTimeout         time.Duration
	NgrokConnectURL        string
	NgrokRootCAs           *x509.CertPool
	NgrokHeartbeatInterval time.Duration
}

// NewTunnelEnv takes the receiver's needs from the factory.
func NewTunnelEnv(f *factory.Factory) TunnelEnv {
	return TunnelEnv{IO: f.IOStreams, Resolve: f.Resolve, CheckSecret: f.CheckSecret, AddSecret: f.AddSecret, Logger: f.Logger,
		ConnectTimeout: f.Test.TunnelConnectTimeout, NgrokConnectURL: f.Test.NgrokConnectURL, NgrokRootCAs: f.Test.NgrokRootCAs,
		NgrokHeartbeatInterval: f.Test.NgrokHeartbeatInterval}
}

// AddTunnelFlags defines the receiver flags on cmd; env is what resolving them uses (NewTunnelEnv).
func AddTunnelFlags(cmd *cobra.Command, env TunnelEnv) *TunnelFlags {
	v := &TunnelFlags{cmd: cmd, Env: env}
	f := cmd.Flags()
	cmdutil.StringEnumFlag(cmd, &v.tunnel, "tunnel", "", "auto", tunnelmode.Modes(), "webhook tunnel")
	f.StringVar(&v.publicURL, "public-url", "", "your own public URL that forwards to --listen-addr (implies --tunnel local)")
	f.StringVar(&v.listenAddr, "listen-addr", "127.0.0.1:0", "where the local receiver listens")
	f.StringVar(&v.ngrokToken, "ngrok-authtoken", "", "ngrok authtoken (env NGROK_AUTHTOKEN, config ngrok_authtoken)")
	f.StringVar(&v.ngrokURL, "ngrok-url", "", "reserved ngrok domain, e.g. https://you.ngrok.app")
	cmdutil.NoFileCompletions(cmd, "public-url", "listen-addr", "ngrok-authtoken", "ngrok-url")
	return v
}

// Resolve applies flag > env > config to the receiver settings and the ngrok authtoken, which is
// registered as a secret.
func (v *TunnelFlags) Resolve() (hooks.Settings, hooks.Env, error) {
	e := v.Env
	changed := v.cmd.Flags().Changed
	get := func(key, val, flag string) (string, error) { return e.Resolve(key, val, changed(flag)) }
	var s hooks.Settings
	var err error
	if s.Tunnel, err = get("tunnel", v.tunnel, "tunnel"); err != nil {
		return s, hooks.Env{}, err
	}
	if s.PublicURL, err = get("public_url", v.publicURL, "public-url"); err != nil {
		return s, hooks.Env{}, err
	}
	if s.NgrokURL, err = get("ngrok_url", v.ngrokURL, "ngrok-url"); err != nil {
		return s, hooks.Env{}, err
	}
	token, err := get("ngrok_authtoken", v.ngrokToken, "ngrok-authtoken")
	if err != nil {
		return s, hooks.Env{}, err
	}
	e.AddSecret(token)
	if err := checkListenAddr(v.listenAddr); err != nil {
		return s, hooks.Env{}, err
	}
	s.ListenAddr, s.Path = v.listenAddr, v.Path
	env := hooks.Env{
		NgrokAuthtoken: token, ConnectTimeout: e.ConnectTimeout, Logger: e.Logger(),
		CheckToken:      func() error { return e.CheckSecret("ngrok_authtoken", v.ngrokToken, changed("ngrok-authtoken")) },
		OnStatus:        func(msg string) { e.IO.Statusf("tunnel: %s", msg) },
		NgrokConnectURL: e.NgrokConnectURL, NgrokRootCAs: e.NgrokRootCAs, NgrokHeartbeatInterval: e.NgrokHeartbeatInterval,
	}
	return s, env, nil
}

// checkListenAddr refuses a --listen-addr that cannot be an address before anything is submitted.
func checkListenAddr(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	n, perr := strconv.Atoi(port)
	if err != nil || perr != nil || n < 0 || n > 65535 || strings.ContainsAny(host, " /") {
		return clierr.Usagef("--listen-addr %q is not host:port (examples: 127.0.0.1:0 for any free port, 127.0.0.1:9000, :9000)", addr)
	}
	return nil
}
