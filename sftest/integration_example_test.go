package sftest_test

// The example of docs/TESTING.md, kept compiling and passing here.

import (
	"context"
	"errors"
	"testing"

	"github.com/oapi-codegen/nullable"

	"github.com/typedforce/typedforce/sampleorg"
	"github.com/typedforce/typedforce/sampleorg/picklists"
	"github.com/typedforce/typedforce/sftest"
	"github.com/typedforce/typedforce/sobjects"
)

// closeStaleCases is the code under test: it closes the open cases of an
// account and reports how many it closed.
func closeStaleCases(ctx context.Context, c *sobjects.Client, accountID string) (int, error) {
	soql, err := sobjects.SOQL("SELECT Id FROM Case WHERE AccountId = %s AND Status != 'Closed'", accountID)
	if err != nil {
		return 0, err
	}
	n := 0
	for cs, err := range sobjects.Query[sampleorg.Case](ctx, c, soql) {
		if err != nil {
			return n, err
		}
		if err := sobjects.Update(ctx, c, *cs.Id, sampleorg.CaseUpdate{Status: nullable.NewNullableWithValue(picklists.CaseStatusValueClosed)}); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func TestCloseStaleCases(t *testing.T) {
	ctx := context.Background()
	org := sftest.NewOrg(t) // the sample org's schema; sftest.WithDescribeDir("schema") for yours
	c := org.Client()
	acct := sftest.Seed(t, org, sampleorg.AccountCreate{Name: "Acme"})[0]
	cases := sftest.Seed(t, org,
		sampleorg.CaseCreate{AccountId: &acct, Subject: new("Broken widget")},
		sampleorg.CaseCreate{AccountId: &acct, Subject: new("Done"), Status: new(picklists.CaseStatusValueClosed)},
	)

	n, err := closeStaleCases(ctx, c, acct)
	if err != nil || n != 1 {
		t.Fatalf("closed %d cases: %v", n, err)
	}
	if got, _ := sftest.Read[sampleorg.Case](org, cases[0]); *got.Status != picklists.CaseStatusValueClosed {
		t.Errorf("case status %s", *got.Status)
	}

	// The session expires: the code survives it with exactly one refresh.
	sftest.Seed(t, org, sampleorg.CaseCreate{AccountId: &acct, Subject: new("Another")})
	org.ExpireSession()
	if n, err := closeStaleCases(ctx, c, acct); err != nil || n != 1 {
		t.Fatalf("after expiry: closed %d cases: %v", n, err)
	}
	if s := org.Stats(); s.TokenRequests != 2 || s.Requests[sftest.EndpointUpdate] != 2 {
		t.Errorf("%d token requests, %d updates", s.TokenRequests, s.Requests[sftest.EndpointUpdate])
	}

	// Failures Salesforce can return, on demand.
	org.FailNext(1, sftest.Fault{StatusCode: 400, Code: sobjects.ErrUnableToLockRow, Endpoint: sftest.EndpointQuery})
	if _, err := closeStaleCases(ctx, c, acct); !errors.Is(err, sobjects.ErrUnableToLockRow) {
		t.Errorf("lock error: %v", err)
	}
}
