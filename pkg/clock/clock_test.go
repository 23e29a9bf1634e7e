package clock

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/testmain"
)

func TestMain(m *testing.M) { testmain.Main(m) }

func start() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }

func TestSleepEndsWithTheContext(t *testing.T) {
	if err := Sleep(context.Background(), time.Millisecond); err != nil {
		t.Fatalf("a short sleep: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled sleep: %v", err)
	}
	if err := Sleep(ctx, 0); !errors.Is(err, context.Canceled) {
		t.Fatalf("no sleep on an ended context still says it ended: %v", err)
	}
}

func TestSleepOnAFakeClockWaitsForTheTest(t *testing.T) {
	f := NewFake(start())
	done := make(chan error, 1)
	go func() { done <- SleepOn(context.Background(), f, 5*time.Second) }()
	if !f.WaitArmed(start().Add(5*time.Second), 5*time.Second) {
		t.Fatal("the sleep set no timer on the fake clock")
	}
	f.Advance(4 * time.Second)
	select {
	case err := <-done:
		t.Fatalf("woke %v after 4 of 5 seconds", err)
	default:
	}
	f.Advance(time.Second)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestFakeTimersFireStopAndReset(t *testing.T) {
	f := NewFake(start())
	tm := f.NewTimer(time.Second)
	if !tm.Stop() || tm.Stop() {
		t.Fatal("Stop reports whether the timer was armed")
	}
	f.Advance(time.Second)
	select {
	case <-tm.C():
		t.Fatal("a stopped timer fired")
	default:
	}
	tm.Reset(2 * time.Second)
	f.Advance(2 * time.Second)
	if at := <-tm.C(); !at.Equal(start().Add(3 * time.Second)) {
		t.Fatalf("fired at %s", at)
	}
	tm.Reset(-time.Second) // already due: fires at once, as time.Timer
	<-tm.C()
	if len(f.Armed()) != 0 {
		t.Fatalf("armed: %v", f.Armed())
	}
}

func TestOrRealDefaultsToTheRealClock(t *testing.T) {
	if OrReal(nil) != (Real{}) {
		t.Fatal("OrReal(nil) is not the real clock")
	}
}
