package preview

import (
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

func TestQueryWritesKittyQueryThenDA1(t *testing.T) {
	tty := &fakeTTY{reply: []byte("\x1b[?62c")}
	if _, err := queryTerminal(tty, time.Second); err != nil {
		t.Fatal(err)
	}
	want := "\x1b_Gf=24,i=31,s=1,v=1,a=q;AAAA\x1b\\" + "\x1b[c"
	if got := tty.written.String(); got != want {
		t.Errorf("query written %q, want %q", got, want)
	}
	if tty.readsBefore != 0 {
		t.Errorf("%d reads before the query was written", tty.readsBefore)
	}
	if d := time.Until(tty.deadline); d <= 0 || d > time.Second {
		t.Errorf("read deadline %v away, want within the timeout", d)
	}
}

func TestQueryReadsExactlyUpToTheDA1Reply(t *testing.T) {
	typed := "ls -l\r" // typed by the user after the reply: belongs to the shell
	tty := &fakeTTY{reply: []byte("\x1b_Gi=31;OK\x1b\\\x1b[?62;4;22c" + typed)}
	r, err := queryTerminal(tty, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if !r.kitty || !r.sixel || !r.answered {
		t.Errorf("reply %+v, want kitty, sixel, answered", r)
	}
	if string(tty.reply) != typed {
		t.Errorf("left unread %q, want exactly the typed %q", tty.reply, typed)
	}
}

func TestQueryTerminalThatNeverAnswers(t *testing.T) {
	tty := &fakeTTY{}
	o := &opener{tty: tty}
	r := askTerminal(o.open, 10*time.Millisecond)
	if r != (termReply{}) {
		t.Errorf("silent terminal: %+v, want nothing", r)
	}
	if !tty.closed {
		t.Error("terminal not restored (Close not called)")
	}
	if !strings.HasSuffix(tty.written.String(), "\x1b[c") {
		t.Errorf("query not written: %q", tty.written.String())
	}
}

func TestQueryGarbageIsNoGraphics(t *testing.T) {
	cases := map[string]string{
		"noise then silence":      "\x00\xff\xfe garbage \x1b[31m\x1bZ\x07",
		"unterminated APC":        "\x1b_Gi=31;OK",
		"other image id":          "\x1b_Gi=7;OK\x1b\\\x1b[?62c",
		"DA1 without ? prefix":    "\x1b[62;4c",
		"invalid UTF-8 then nada": "\xc3\x28\xa0\xa1\xe2\x82",
	}
	for name, reply := range cases {
		tty := &fakeTTY{reply: []byte(reply)}
		r, _ := queryTerminal(tty, time.Second)
		if r.kitty || r.sixel {
			t.Errorf("%s: %+v, want no graphics", name, r)
		}
		if len(tty.reply) != 0 {
			t.Errorf("%s: %q left unread", name, tty.reply)
		}
	}
}

func TestQueryFindsRepliesAmidGarbage(t *testing.T) {
	tty := &fakeTTY{reply: []byte("\xff\x1b[2~junk\x1b_Gi=31;OK\x1b\\\x1b]11;rgb:0/0/0\x07\x1b[?65;1;4c")}
	r, err := queryTerminal(tty, time.Second)
	if err != nil || !r.kitty || !r.sixel || !r.answered {
		t.Errorf("got %+v, %v; want kitty and sixel found", r, err)
	}
}

func TestQueryStopsReadingEndlessGarbage(t *testing.T) {
	tty := &fakeTTY{reply: []byte(strings.Repeat("x", 10*maxReplyBytes))}
	r, err := queryTerminal(tty, time.Second)
	if err == nil || r.answered {
		t.Errorf("got %+v, %v; want an error after %d bytes", r, err, maxReplyBytes)
	}
	if read := 10*maxReplyBytes - len(tty.reply); read != maxReplyBytes {
		t.Errorf("read %d bytes, want the cap %d", read, maxReplyBytes)
	}
}

func TestQueryWritesNothingWhenReadsCannotBeBounded(t *testing.T) {
	tty := &fakeTTY{deadlineErr: os.ErrNoDeadline, reply: []byte("\x1b[?62;4c")}
	if _, err := queryTerminal(tty, time.Second); !errors.Is(err, os.ErrNoDeadline) {
		t.Fatalf("err %v, want ErrNoDeadline", err)
	}
	if tty.written.Len() != 0 {
		t.Errorf("query written %q to a terminal whose reply could not be awaited safely", tty.written.String())
	}
}

func TestQueryKeepsWhatArrivedBeforeATTYError(t *testing.T) {
	tty := &fakeTTY{reply: []byte("\x1b_Gi=31;OK\x1b\\"), readErr: io.EOF}
	r, err := queryTerminal(tty, time.Second)
	if !errors.Is(err, io.EOF) || !r.kitty || r.answered {
		t.Errorf("got %+v, %v", r, err)
	}
}

// pipeTTY is a real file with a real read deadline: the test's end of the pipe plays the terminal.
type pipeTTY struct {
	*os.File // read end
	w        io.Writer
}

func (p pipeTTY) Write(b []byte) (int, error) { return p.w.Write(b) }

func TestQueryRealDeadlineOnAPipe(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	defer r.Close()
	// Nothing is ever written to w: the terminal never answers, and only the deadline ends the read.
	tty := pipeTTY{File: r, w: io.Discard}
	reply, err := queryTerminal(tty, 20*time.Millisecond)
	if !errors.Is(err, os.ErrDeadlineExceeded) || reply != (termReply{}) {
		t.Errorf("got %+v, %v; want the deadline to end the query", reply, err)
	}

	// A terminal that does answer, with the reply already waiting in the pipe.
	r2, w2, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w2.Close()
	defer r2.Close()
	if _, err := io.WriteString(w2, "\x1b[?62;4c"); err != nil {
		t.Fatal(err)
	}
	reply, err = queryTerminal(pipeTTY{File: r2, w: io.Discard}, time.Second)
	if err != nil || !reply.sixel {
		t.Errorf("got %+v, %v; want sixel", reply, err)
	}
}
