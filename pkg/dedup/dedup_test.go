package dedup

import "testing"

func TestRecentForgetsTheOldestFirst(t *testing.T) {
	s := NewRecent[string](2)
	if !s.Add("a") || !s.Add("b") || s.Add("a") {
		t.Fatal("a, b new; a again a repeat")
	}
	s.Add("c") // a is forgotten
	if !s.Add("a") {
		t.Error("the oldest key was not forgotten")
	}
	if s.Add("c") {
		t.Error("a recent key was forgotten")
	}
}

// A removed key added again lives its full term: the slot it left behind must not evict it early
// (the receiver's old FIFO did, forgetting a retry it had just accepted).
func TestRecentRemoveThenAddKeepsTheKey(t *testing.T) {
	s := NewRecent[string](3)
	s.Add("k")
	s.Remove("k")
	if !s.Add("k") {
		t.Fatal("a removed key is not new again")
	}
	s.Add("x") // fills the ring: [k(stale), k, x]
	s.Add("y") // evicts the stale slot, not the live k
	if s.Add("k") {
		t.Error("k was forgotten by the slot it had left")
	}
}
