package novita

import (
	"bytes"
	"context"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestBalanceDecodesTheSampleInExactDollars(t *testing.T) {
	raw := sample(t, "balance.json")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/openapi/v1/billing/balance/detail" || r.Header.Get("Authorization") != "Bearer sk_test_secret" {
			t.Errorf("unexpected request %s %s", r.Method, r.URL)
		}
		w.Write(raw)
	}))
	defer srv.Close()
	b, err := testClient(srv.URL).Balance(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range b.Lines() {
		got = append(got, l.Label+" "+l.Amount.USD())
	}
	want := "Available $152.3400|Cash $150.0000|Credit limit $5.0000|Outstanding $2.6600"
	if strings.Join(got, "|") != want {
		t.Fatalf("got %q", strings.Join(got, "|"))
	}
	if !bytes.Equal(b.Raw, raw) {
		t.Errorf("--json must print the body as received")
	}
}

func TestCreditsParseExactlyWithoutFloatSurprises(t *testing.T) {
	for in, want := range map[string]string{
		`"1523400"`:             "$152.3400",
		`1523400`:               "$152.3400",
		`"1"`:                   "$0.0001",
		`"0"`:                   "$0.0000",
		`""`:                    "$0.0000",
		`null`:                  "$0.0000",
		`"-150"`:                "-$0.0150",
		`"123456789012345678"`:  "$12345678901234.5678", // beyond float64's exact integers
		`"2.5"`:                 "$0.0003",              // sub-unit amounts round half away from zero
		`"-2.5"`:                "-$0.0003",
		`"1523400.4999"`:        "$152.3400",
		`" 10000 "`:             "$1.0000",
		`"9223372036854775807"`: "$922337203685477.5807",
	} {
		var c Credits
		if err := c.UnmarshalJSON([]byte(in)); err != nil || c.USD() != want {
			t.Errorf("%s: %s, %v; want %s", in, c.USD(), err, want)
		}
	}
	if s := Credits(math.MinInt64).USD(); s != "-$922337203685477.5808" {
		t.Errorf("minimum: %s", s)
	}
	for _, bad := range []string{`"12abc"`, `"1e999999999"`, `"1/3"`, `"0x10"`, `"."`, `"9223372036854775808"`, `true`, `"$12"`} {
		var c Credits
		if err := c.UnmarshalJSON([]byte(bad)); err == nil {
			t.Errorf("%s must be an error, got %s", bad, c.USD())
		}
	}
}

func TestBalanceThatIsNotABalanceIsAClearError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"code":0,"msg":"ok","data":{}}`))
	}))
	defer srv.Close()
	_, err := testClient(srv.URL).Balance(context.Background())
	if err == nil || !strings.Contains(err.Error(), "not a balance") || !strings.Contains(err.Error(), "availableBalance") {
		t.Fatalf("%v", err)
	}
	if _, err := decodeBalance([]byte(`{"availableBalance":"abc"}`)); err == nil {
		t.Errorf("a non-numeric amount must be an error")
	}
}
