package sandbox

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/novita-cli/novita/pkg/novita"
)

func TestBalanceAnswersStringsInTenThousandthsOfADollar(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	r := call(t, http.MethodGet, s.URL()+"/openapi/v1/billing/balance/detail", bearer(s), nil)
	var body map[string]any
	if err := json.Unmarshal(r.body, &body); err != nil || r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	want := map[string]any{"availableBalance": "1523400", "cashBalance": "1500000", "creditLimit": "50000", "outstandingInvoices": "26600"}
	for k, v := range want {
		if body[k] != v {
			t.Errorf("%s = %#v, want %#v (the documented sample)", k, body[k], v)
		}
	}

	s.SetOptions(Options{Balance: &Balance{Cash: 5, CreditLimit: 0, Outstanding: 1200}})
	b, err := novita.NewClient(s.URL(), s.APIKey(), "test").Balance(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if b.Available.USD() != "-$0.1195" || b.Cash.USD() != "$0.0005" || b.Outstanding.USD() != "$0.1200" {
		t.Errorf("a configured balance must be served as set: %+v", b)
	}
}

// GET /v3/user is what Novita's own SDKs read the balance from (credit_balance): clients written for
// the real API work against the sandbox unchanged.
func TestUserEndpointAnswersCreditBalance(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	r := call(t, http.MethodGet, s.URL()+"/v3/user", bearer(s), nil)
	var body struct {
		CreditBalance *int64         `json:"credit_balance"`
		AllowFeatures []string       `json:"allow_features"`
		FreeTrial     map[string]int `json:"free_trial"`
	}
	if err := json.Unmarshal(r.body, &body); err != nil || r.status != 200 || body.CreditBalance == nil || *body.CreditBalance != 1523400 ||
		body.AllowFeatures == nil || body.FreeTrial == nil {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if r := call(t, http.MethodGet, s.URL()+"/v3/user", "", nil); r.status != 400 {
		t.Errorf("without a key: %d", r.status)
	}
}
