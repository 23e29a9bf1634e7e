package ui

import (
	"crypto/rand"
	"encoding/hex"
	"sync"
)

// Hub limits: the history the page loads on start, bounded by count and by body bytes so a long
// session with large bodies keeps bounded memory.
const (
	DefaultHubEvents = 500
	DefaultHubBytes  = 32 << 20
)

// Hub is an in-memory EventSource: the receiver publishes each delivery, the server subscribes.
type Hub struct {
	maxEvents int
	maxBytes  int
	mu        sync.Mutex
	history   []Event // oldest first
	bytes     int
	subs      map[int]func(Event)
	nextSub   int
}

// NewHub keeps up to maxEvents events and maxBytes of bodies (zero means the defaults).
func NewHub(maxEvents, maxBytes int) *Hub {
	if maxEvents <= 0 {
		maxEvents = DefaultHubEvents
	}
	if maxBytes <= 0 {
		maxBytes = DefaultHubBytes
	}
	return &Hub{maxEvents: maxEvents, maxBytes: maxBytes, subs: map[int]func(Event){}}
}

// Publish records ev and hands it to every subscriber. An empty ID gets a random one; the event as
// published (with its ID) is returned so the caller can persist it under the same ID.
func (h *Hub) Publish(ev Event) Event {
	if ev.ID == "" {
		ev.ID = newEventID()
	}
	h.mu.Lock()
	h.history = append(h.history, ev)
	h.bytes += eventSize(ev)
	for len(h.history) > 1 && (len(h.history) > h.maxEvents || h.bytes > h.maxBytes) {
		h.bytes -= eventSize(h.history[0])
		h.history[0] = Event{}
		h.history = h.history[1:]
	}
	fns := make([]func(Event), 0, len(h.subs))
	for _, fn := range h.subs {
		fns = append(fns, fn)
	}
	h.mu.Unlock()
	for _, fn := range fns { // outside the lock: a subscriber may unsubscribe from inside fn
		fn(ev)
	}
	return ev
}

// Recent returns up to limit of the latest events, newest first (all of them when limit <= 0).
func (h *Hub) Recent(limit int) []Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := len(h.history)
	if limit > 0 && limit < n {
		n = limit
	}
	out := make([]Event, 0, n)
	for i := len(h.history) - 1; i >= 0 && len(out) < n; i-- {
		out = append(out, h.history[i])
	}
	return out
}

// Subscribe implements EventSource.
func (h *Hub) Subscribe(fn func(Event)) (unsubscribe func()) {
	h.mu.Lock()
	id := h.nextSub
	h.nextSub++
	h.subs[id] = fn
	h.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			h.mu.Lock()
			delete(h.subs, id)
			h.mu.Unlock()
		})
	}
}

// Subscribers is the number of live subscriptions (one per open event stream).
func (h *Hub) Subscribers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

// newEventID is a random 64-bit id in hex, unique enough for one machine's event history.
func newEventID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}

func eventSize(ev Event) int {
	n := len(ev.Body)
	if ev.Forward != nil {
		n += len(ev.Forward.Body)
	}
	return n
}
