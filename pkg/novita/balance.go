package novita

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strconv"
	"strings"
)

// Credits is an amount in the billing API's unit, 0.0001 USD, kept as an integer so that no amount is
// ever rounded through a float.
type Credits int64

// creditsPerUSD is how many Credits make one dollar.
const creditsPerUSD = 10000

// UnmarshalJSON accepts "1523400" (what the API documents), 1523400, decimals ("1523400.5", rounded
// half away from zero to a whole unit) and "" or null as 0.
func (c *Credits) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		*c = 0
		return nil
	}
	s := string(b)
	if b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	}
	n, err := parseCredits(s)
	if err != nil {
		return err
	}
	*c = n
	return nil
}

// parseCredits reads an amount in 0.0001 USD exactly: an integer or a decimal. Exponent forms are
// refused: the API does not send them, and "1e999999999" would make big.Rat allocate without bound.
func parseCredits(s string) (Credits, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return Credits(n), nil
	}
	if len(s) > 64 || !plainDecimal(s) {
		return 0, fmt.Errorf("amount %q is not a decimal number", clip64(s))
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return 0, fmt.Errorf("amount %q is not a decimal number", s)
	}
	// Round half away from zero: |r| + 1/2, truncated, with r's sign.
	num := new(big.Int).Abs(r.Num())
	num.Mul(num, big.NewInt(2))
	num.Add(num, r.Denom())
	num.Quo(num, new(big.Int).Mul(r.Denom(), big.NewInt(2)))
	if r.Sign() < 0 {
		num.Neg(num)
	}
	if !num.IsInt64() {
		return 0, fmt.Errorf("amount %q is out of range", s)
	}
	return Credits(num.Int64()), nil
}

// plainDecimal reports whether s is [+-]digits[.digits] with at least one digit before or after the point.
func plainDecimal(s string) bool {
	s = strings.TrimLeft(s, "+-")
	intPart, frac, _ := strings.Cut(s, ".")
	digits := func(t string) bool {
		for _, r := range t {
			if r < '0' || r > '9' {
				return false
			}
		}
		return true
	}
	return len(intPart)+len(frac) > 0 && digits(intPart) && digits(frac)
}

func clip64(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}

// USD formats the amount in dollars with the API's full precision: "$152.3400", "-$0.0150".
func (c Credits) USD() string {
	sign := ""
	abs := uint64(c)
	if c < 0 {
		sign = "-"
		abs = uint64(-(c + 1)) + 1 // no overflow at the minimum int64
	}
	return fmt.Sprintf("%s$%d.%04d", sign, abs/creditsPerUSD, abs%creditsPerUSD)
}

func (c Credits) String() string { return c.USD() }

// Balance is the answer of GET /openapi/v1/billing/balance/detail. Raw keeps the body as received.
type Balance struct {
	Available   Credits         `json:"availableBalance"`    // what can be spent now
	Cash        Credits         `json:"cashBalance"`         // remaining top-up
	CreditLimit Credits         `json:"creditLimit"`         // the most the account may owe
	Outstanding Credits         `json:"outstandingInvoices"` // what the account owes now
	Raw         json.RawMessage `json:"-"`
}

// BalanceLine is one labelled amount of a balance, for tables.
type BalanceLine struct {
	Label  string
	Amount Credits
}

// Lines lists the amounts in the order a user reads them.
func (b *Balance) Lines() []BalanceLine {
	return []BalanceLine{
		{"Available", b.Available},
		{"Cash", b.Cash},
		{"Credit limit", b.CreditLimit},
		{"Outstanding", b.Outstanding},
	}
}

// decodeBalance decodes a balance answer and keeps the raw bytes. An answer without availableBalance
// is an error: showing $0.0000 for a body we do not understand would mislead.
func decodeBalance(b []byte) (*Balance, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(b, &probe); err != nil {
		return nil, fmt.Errorf("decode balance: %w", err)
	}
	if _, ok := probe["availableBalance"]; !ok {
		return nil, errors.New("decode balance: no availableBalance in the answer")
	}
	var bal Balance
	if err := json.Unmarshal(b, &bal); err != nil {
		return nil, fmt.Errorf("decode balance: %w", err)
	}
	bal.Raw = append(json.RawMessage(nil), b...)
	return &bal, nil
}

// Balance reads the account balance. It is a read: 429, 5xx and network errors are retried; a missing
// or rejected key is an *APIError whose IsAuth is true (exit 4).
func (c *Client) Balance(ctx context.Context) (*Balance, error) {
	const op = "read balance"
	u := strings.TrimRight(c.BaseURL, "/") + "/openapi/v1/billing/balance/detail"
	var bal *Balance
	err := c.do(ctx, op, http.MethodGet, u, nil, c.ReadTimeout, readRetryable(ctx), func(b []byte) error {
		d, err := decodeBalance(b)
		if err != nil {
			return fmt.Errorf("%s: the API answered 200 with a body that is not a balance (%v): %s", op, err, snippet(b))
		}
		bal = d
		return nil
	})
	return bal, err
}
