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

// handleUser serves GET /v3/user, the account endpoint Novita's own SDKs read the balance from
// (user_info: allow_features, credit_balance, free_trial). credit_balance is the available balance in
// the same unit as the billing API (0.0001 USD), as a number.
func (s *Server) handleUser(w http.ResponseWriter, r *http.Request) {
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
	writeJSON(w, http.StatusOK, map[string]any{
		"allow_features": []string{},
		"credit_balance": b.Available(),
		"free_trial":     map[string]int{},
	})
}
