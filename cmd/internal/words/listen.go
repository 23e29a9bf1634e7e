package words

import (
	"fmt"

	"github.com/novita-cli/novita/pkg/listen"
)

// wordListen words the receiver's refusals by the flags of `novita listen`.
func wordListen(err error) (string, bool) {
	if e, ok := as[*listen.ForwardTargetError](err); ok {
		return fmt.Sprintf("--forward-to %q is not an http(s) URL (example: http://localhost:3000/hooks/novita)", e.URL), true
	}
	if err == listen.ErrNoForwardTarget {
		return "listen: no forward target: replays need --forward-to URL", true
	}
	return "", false
}
