package ngroktest

import "encoding/json"

// Wire messages of the ngrok tunnel protocol, redefined from golang.ngrok.com/ngrok/v2's
// internal/tunnel/proto (v2.4.0), which cannot be imported. Only the fields the fake edge reads or
// that the agent needs in answers are declared. Each RPC is one muxado typed stream carrying one
// JSON request from the agent and one JSON response from the edge.

// Stream types (muxado.StreamType) of the protocol.
const (
	typeAuth          = 0
	typeBind          = 1
	typeUnbind        = 2
	typeProxy         = 3
	typeLabel         = 7
	typeSrvInfo       = 8
	typePatchTunnel   = 10
	typeHeartbeat     = 0xFFFFFFFF // muxado's default heartbeat stream type
	protoVersionReply = "3"
)

type authReq struct {
	Version  []string
	ClientID string `json:"ClientId"`
	Extra    struct {
		Authtoken string
		UserAgent string
		Cookie    string
		LegNumber uint32
		// The agent announces its heartbeat timing (nanoseconds).
		HeartbeatInterval  int64
		HeartbeatTolerance int64
	}
}

type authResp struct {
	Version  string
	ClientID string `json:"ClientId"`
	Error    string
	Extra    authRespExtra
}

type authRespExtra struct {
	Version        string
	Region         string
	Cookie         string
	AccountName    string
	PlanName       string
	AgentSessionID string
}

type bindReq struct {
	ClientID      string `json:"Id"`
	Proto         string
	ForwardsTo    string
	ForwardsProto string
	Opts          json.RawMessage
	Extra         json.RawMessage
}

// bindOpts is the part of HTTPEndpoint / TLSEndpoint / TCPEndpoint that names the wanted URL.
type bindOpts struct {
	URL      string
	Hostname string
	Domain   string
}

type bindResp struct {
	ClientID string `json:"Id"`
	URL      string
	Proto    string
	Opts     json.RawMessage
	Error    string
	Extra    bindRespExtra
}

type bindRespExtra struct {
	Token    string
	TunnelID string
}

type unbindReq struct {
	ClientID string `json:"Id"`
}

type errorResp struct {
	Error string
}

type srvInfoResp struct {
	Region string
}

// proxyHeader precedes the raw bytes on a Proxy stream, as a little-endian int64 length and JSON.
type proxyHeader struct {
	ID             string `json:"Id"`
	ClientAddr     string
	Proto          string
	EdgeType       string
	PassthroughTLS bool
}
