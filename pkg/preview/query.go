package preview

import (
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/ansi/kitty"
)

// TTY is the controlling terminal, already in raw mode; Close restores its mode. Tests use fakes.
type TTY interface {
	io.ReadWriter
	// SetReadDeadline bounds every later Read; a TTY that cannot honour it must return an error, and
	// then the terminal is not queried at all, since an unbounded read could hang the command.
	SetReadDeadline(t time.Time) error
	Close() error
}

// queryImageID tags the kitty query so its reply is told apart from any other graphics reply.
const queryImageID = 31

// maxReplyBytes caps how much is read, so a terminal that streams garbage cannot keep us reading.
// Real replies to both queries together are under 100 bytes.
const maxReplyBytes = 1024

// termReply is what the terminal said about itself.
type termReply struct {
	kitty    bool // OK to the kitty graphics query
	sixel    bool // 4 among the DA1 parameters
	answered bool // the DA1 reply arrived, so every reply was consumed
}

// kittyQuery asks whether a 1x1 RGB image would be accepted; a kitty-capable terminal answers OK, any
// other ignores the APC string.
func kittyQuery() string {
	o := kitty.Options{ID: queryImageID, Action: kitty.Query, Format: kitty.RGB, ImageWidth: 1, ImageHeight: 1}
	return ansi.KittyGraphics([]byte("AAAA"), o.Options()...)
}

// askTerminal opens the terminal, queries it and restores it. Any failure reads as "no graphics".
func askTerminal(open func() (TTY, error), timeout time.Duration) termReply {
	t, err := open()
	if err != nil {
		return termReply{}
	}
	defer t.Close() //nolint:errcheck // restoring a terminal we only read from; nothing to do on failure
	r, _ := queryTerminal(t, timeout)
	return r
}

// queryTerminal writes both queries and reads, one byte at a time, up to the end of the DA1 reply:
// every terminal answers DA1 and answers in order, so once it is read no reply byte is left to leak into
// the shell, and whatever the user typed after it is left for the shell too.
func queryTerminal(t TTY, timeout time.Duration) (termReply, error) {
	var r termReply
	if err := t.SetReadDeadline(time.Now().Add(timeout)); err != nil {
		return r, err
	}
	if _, err := t.Write([]byte(kittyQuery() + ansi.RequestPrimaryDeviceAttributes)); err != nil {
		return r, err
	}
	buf := make([]byte, 0, 128)
	start := 0 // first byte not yet part of a complete sequence
	one := make([]byte, 1)
	for len(buf) < maxReplyBytes {
		n, err := t.Read(one)
		if n == 1 {
			buf = append(buf, one[0])
			start = scanReplies(buf, start, &r)
			if r.answered {
				return r, nil
			}
		}
		if err != nil {
			return r, err // the deadline passed (or the tty failed): go with what arrived
		}
	}
	return r, errors.New("terminal reply too long")
}

// scanReplies decodes the complete sequences in buf[start:] and records what they say. It returns the
// start of the first incomplete sequence, to be decoded again once more bytes arrive.
func scanReplies(buf []byte, start int, r *termReply) int {
	for start < len(buf) {
		seq, _, n, state := ansi.DecodeSequence(buf[start:], ansi.NormalState, nil)
		if state != ansi.NormalState {
			return start // incomplete: wait for more
		}
		if n == 0 {
			start++ // a byte the decoder rejects (invalid UTF-8): skip it
			continue
		}
		noteReply(string(seq), r)
		start += n
	}
	return start
}

func noteReply(seq string, r *termReply) {
	switch {
	case ansi.HasApcPrefix(seq):
		body := trimString(seq)
		// G<keys>;<message>, where the keys carry our image id.
		keys, msg, ok := strings.Cut(strings.TrimPrefix(body, "G"), ";")
		if ok && strings.HasPrefix(body, "G") && hasKey(keys, "i="+strconv.Itoa(queryImageID)) && msg == "OK" {
			r.kitty = true
		}
	case ansi.HasCsiPrefix(seq) && strings.HasSuffix(seq, "c"):
		params, ok := strings.CutPrefix(strings.TrimPrefix(strings.TrimPrefix(seq, "\x1b["), "\x9b"), "?")
		if !ok {
			return // not a DA1 reply (those carry the ? prefix)
		}
		r.answered = true
		for p := range strings.SplitSeq(strings.TrimSuffix(params, "c"), ";") {
			if p == "4" {
				r.sixel = true
			}
		}
	}
}

// trimString strips the APC introducer and the string terminator.
func trimString(seq string) string {
	seq = strings.TrimPrefix(strings.TrimPrefix(seq, "\x1b_"), "\x9f")
	return strings.TrimSuffix(strings.TrimSuffix(seq, "\x1b\\"), "\x9c")
}

func hasKey(keys, kv string) bool {
	for k := range strings.SplitSeq(keys, ",") {
		if k == kv {
			return true
		}
	}
	return false
}
