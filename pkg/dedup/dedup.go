// Package dedup is the bounded set that tells a repeat from a first sighting: webhook receivers
// remember the last deliveries they saw, so a long session has bounded memory.
package dedup

import "sync"

// Recent remembers the last n keys added; the oldest is forgotten first. It is safe for concurrent use.
type Recent[K comparable] struct {
	mu   sync.Mutex
	slot map[K]int // key -> its slot in ring
	ring []K
	next int // the ring's oldest slot once it is full
}

// NewRecent returns a set remembering up to n keys (at least 1).
func NewRecent[K comparable](n int) *Recent[K] {
	n = max(n, 1)
	return &Recent[K]{slot: make(map[K]int, n), ring: make([]K, 0, n)}
}

// Add reports whether key is new, remembering it.
func (s *Recent[K]) Add(key K) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.slot[key]; ok {
		return false
	}
	i := len(s.ring)
	if i < cap(s.ring) {
		s.ring = append(s.ring, key)
	} else {
		i = s.next
		// A slot whose key was removed (and perhaps added again elsewhere) no longer owns it.
		if old := s.ring[i]; s.slot[old] == i {
			delete(s.slot, old)
		}
		s.ring[i] = key
		s.next = (s.next + 1) % len(s.ring)
	}
	s.slot[key] = i
	return true
}

// Remove forgets key, so the next Add of it is new again.
func (s *Recent[K]) Remove(key K) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.slot, key)
}
