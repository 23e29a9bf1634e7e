package sandbox

import (
	"net/http"
	"strconv"
)

// Balance is the simulated account's money in the billing API's unit, 0.0001 USD. The available
// balance is derived (cash + credit limit - outstanding), as it is for a real account.
type Balance struct {
	Cash        int64
	CreditLimit int64
	Outstanding int64
}

// DefaultBalance is the balance of novita-api.md's sample: $152.34 available.
func DefaultBalance() Balance {
	return Balance{Cash: 1500000, CreditLimit: 50000, Outstanding: 26600}
}

// Available is what the account can spend now.
func (b Balance) Available() int64 { return b.Cash + b.CreditLimit - b.Outstanding }

// handleBalance serves GET /openapi/v1/billing/balance/detail: every amount a string, as the API sends.
func (s *Server) handleBalance(w http.ResponseWriter, r *http.Request) {
	if !s.authorize(w, r) {
		return
	}
	if !s.allow(w, r, http.MethodGet) {
		return
	}
	b := DefaultBalance()
	if o := s.options().Balance; o != nil {
		b = *o
	}
	str := func(n int64) string { return strconv.FormatInt(n, 10) }
	writeJSON(w, http.StatusOK, map[string]string{
		"availableBalance":    str(b.Available()),
		"cashBalance":         str(b.Cash),
		"creditLimit":         str(b.CreditLimit),
		"outstandingInvoices": str(b.Outstanding),
	})
}
