package doctor

import "github.com/novita-cli/novita/pkg/doctor"

// fixes are the ways out of the checks, in this command line's commands and settings.
var fixes = doctor.Fixes{
	BaseURL:      "novita config set base_url https://api.novita.ai",
	Unreachable:  "check the network (proxy, VPN, firewall) or the base URL: novita config list shows where it comes from",
	NoKey:        "novita config set api_key (or export NOVITA_API_KEY); get one at https://novita.ai/settings/key-management",
	RefusedKey:   "check the key at https://novita.ai/settings/key-management, then: novita config set api_key",
	NoNgrok:      "for webhooks through a tunnel: novita config set ngrok_authtoken (https://dashboard.ngrok.com/get-started/your-authtoken)",
	NgrokNetwork: "check the network, or use --tunnel local / none",
	RefusedNgrok: "check the token at https://dashboard.ngrok.com/get-started/your-authtoken, then: novita config set ngrok_authtoken",
	Preview:      "a terminal with kitty, iTerm2 or sixel graphics shows thumbnails (novita config set preview auto)",

	CompletionHelp:   "see: novita completion --help",
	CompletionLoader: "novita completion",
	Completion: func(shell, file string) string {
		switch shell {
		case "bash":
			return "novita completion bash > " + file + "  (or add to ~/.bashrc: source <(novita completion bash))"
		case "zsh":
			return `novita completion zsh > "${fpath[1]}/_novita"`
		}
		return "novita completion " + shell + " > " + file
	},
}
