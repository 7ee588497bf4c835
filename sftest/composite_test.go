package sftest_test

import (
	"github.com/oapi-codegen/nullable"

	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/typedforce/typedforce/sampleorg"
	"github.com/typedforce/typedforce/sftest"
	"github.com/typedforce/typedforce/sobjects"
)

// TestComposite creates an account and contacts that reference it, reads
// them back and queries them, in one composite request: one API call,
// results decoded per subrequest.
func TestComposite(t *testing.T) {
	ctx := testCtx(t)
	org := sftest.NewOrg(t)
	c := org.Client()

	var batch sobjects.Composite
	acct := sobjects.AddCreate(&batch, sampleorg.AccountCreate{Name: "Acme"})
	con := sobjects.AddCreate(&batch, sampleorg.ContactCreate{LastName: "Doe", AccountId: new(acct.Ref("id"))})
	got := sobjects.AddGet[sampleorg.Contact](&batch, con.Ref("id"), "Id", "LastName", "AccountId")
	upd := sobjects.AddUpdate(&batch, acct.Ref("id"), sampleorg.AccountUpdate{Phone: nullable.NewNullableWithValue("+1 415 555 0100")})
	q := sobjects.AddQuery[sampleorg.Contact](&batch, "SELECT Id, LastName FROM Contact WHERE AccountId = '"+acct.Ref("id")+"'")
	org.ResetStats()
	if err := batch.Send(ctx, c, sobjects.AllOrNone(true), sobjects.CollateSubrequests(false)); err != nil {
		t.Fatal(err)
	}
	if n := org.Stats().APIRequests; n != 1 {
		t.Errorf("%d API requests, want 1", n)
	}
	acctID, err := acct.Result()
	if err != nil || !strings.HasPrefix(acctID, "001") {
		t.Fatalf("account: %q, %v", acctID, err)
	}
	conID, err := con.Result()
	if err != nil {
		t.Fatal(err)
	}
	rec, err := got.Result()
	if err != nil || *rec.Id != conID || *rec.AccountId != acctID || *rec.LastName != "Doe" {
		t.Fatalf("get: %+v, %v", rec, err)
	}
	if _, err := upd.Result(); err != nil {
		t.Fatal(err)
	}
	if a, _ := sftest.Read[sampleorg.Account](org, acctID); a.Phone == nil || *a.Phone != "+1 415 555 0100" {
		t.Errorf("update did not apply: %+v", a.Phone)
	}
	page, err := q.Result()
	if err != nil || page.TotalSize != 1 || *page.Records[0].Id != conID {
		t.Fatalf("query: %+v, %v", page, err)
	}
	if err := batch.Send(ctx, c); !errors.Is(err, sobjects.ErrInvalidArgument) {
		t.Errorf("second Send: %v", err)
	}

	// A reference into a query's records.
	var b2 sobjects.Composite
	q2 := sobjects.AddQuery[sampleorg.Contact](&b2, "SELECT Id FROM Contact")
	first := sobjects.AddGet[sampleorg.Contact](&b2, q2.Ref("records[0].Id"), "LastName")
	if err := b2.Send(ctx, c); err != nil {
		t.Fatal(err)
	}
	if rec, err := first.Result(); err != nil || *rec.LastName != "Doe" {
		t.Errorf("records[0].Id reference: %+v, %v", rec, err)
	}
}

// TestCompositeAllOrNoneRollback fails the third subrequest: under
// allOrNone nothing stays saved and the others report PROCESSING_HALTED;
// without it the first two stay saved.
func TestCompositeAllOrNoneRollback(t *testing.T) {
	for _, allOrNone := range []bool{true, false} {
		t.Run(fmt.Sprint("allOrNone=", allOrNone), func(t *testing.T) {
			ctx := testCtx(t)
			org := sftest.NewOrg(t)
			var batch sobjects.Composite
			acct := sobjects.AddCreate(&batch, sampleorg.AccountCreate{Name: "Acme"})
			con := sobjects.AddCreate(&batch, sampleorg.ContactCreate{LastName: "Doe", AccountId: new(acct.Ref("id"))})
			bad := sobjects.AddCreate(&batch, sampleorg.ContactCreate{FirstName: new("no last name")})
			after := sobjects.AddGet[sampleorg.Contact](&batch, con.Ref("id"))
			err := batch.Send(ctx, org.Client(), sobjects.AllOrNone(allOrNone))
			var ce *sobjects.CompositeError
			if !errors.As(err, &ce) || !errors.Is(err, sobjects.ErrRequiredFieldMissing) {
				t.Fatalf("Send: %v", err)
			}
			if _, err := bad.Result(); !errors.Is(err, sobjects.ErrRequiredFieldMissing) {
				t.Errorf("failed subrequest: %v", err)
			}
			var se *sobjects.Error
			if _, err := bad.Result(); !errors.As(err, &se) || se.StatusCode != 400 || !strings.Contains(se.Op, "ref3") {
				t.Errorf("failed subrequest error: %#v", se)
			}
			if allOrNone {
				for _, err := range []error{resultErr(acct.Result()), resultErr(con.Result()), resultErr(after.Result())} {
					if !errors.Is(err, sobjects.ErrProcessingHalted) {
						t.Errorf("sibling: %v, want PROCESSING_HALTED", err)
					}
				}
				if n := org.Count("Account") + org.Count("Contact"); n != 0 {
					t.Errorf("%d records left after the rollback", n)
				}
				if len(ce.Failed) != 4 || ce.Failed[0].Code != sobjects.ErrProcessingHalted {
					t.Errorf("failed list %v", ce.Failed)
				}
				return
			}
			if _, err := acct.Result(); err != nil {
				t.Error(err)
			}
			if _, err := after.Result(); err != nil {
				t.Error(err)
			}
			if org.Count("Account") != 1 || org.Count("Contact") != 1 || len(ce.Failed) != 1 {
				t.Errorf("accounts %d, contacts %d, failed %d", org.Count("Account"), org.Count("Contact"), len(ce.Failed))
			}
		})
	}
}

func resultErr[T any](_ T, err error) error { return err }

// TestCompositeBrokenReference: a subrequest that references a failed one
// is halted with Salesforce's invalid-reference message.
func TestCompositeBrokenReference(t *testing.T) {
	ctx := testCtx(t)
	org := sftest.NewOrg(t)
	var batch sobjects.Composite
	bad := sobjects.AddCreate(&batch, sampleorg.AccountCreate{})
	con := sobjects.AddCreate(&batch, sampleorg.ContactCreate{LastName: "Doe", AccountId: new(bad.Ref("id"))})
	if err := batch.Send(ctx, org.Client()); err == nil {
		t.Fatal("no error")
	}
	_, err := con.Result()
	var se *sobjects.Error
	if !errors.As(err, &se) || se.Code != sobjects.ErrProcessingHalted || !strings.Contains(se.Message, "Invalid reference specified") {
		t.Fatalf("%v", err)
	}
}

// TestCompositeLimits: over-limit batches, bad ids and references fail
// with ErrInvalidArgument before anything is sent.
func TestCompositeLimits(t *testing.T) {
	ctx := testCtx(t)
	org := sftest.NewOrg(t)
	c := org.Client()
	cases := map[string]func(b *sobjects.Composite){
		"26 subrequests": func(b *sobjects.Composite) {
			for range 26 {
				sobjects.AddCreate(b, sampleorg.AccountCreate{Name: "x"})
			}
		},
		"6 queries": func(b *sobjects.Composite) {
			for range 6 {
				sobjects.AddQuery[sampleorg.Account](b, "SELECT Id FROM Account")
			}
		},
		"collections count as queries": func(b *sobjects.Composite) {
			for range 3 {
				sobjects.AddQuery[sampleorg.Account](b, "SELECT Id FROM Account")
			}
			for range 3 {
				sobjects.AddCall[[]sobjects.SaveResult](b, "POST", "composite/sobjects", map[string]any{"records": []any{}})
			}
		},
		"empty":           func(b *sobjects.Composite) {},
		"bad id":          func(b *sobjects.Composite) { sobjects.AddDelete[sampleorg.Account](b, "../../limits") },
		"no sObject":      func(b *sobjects.Composite) { sobjects.AddCreate(b, struct{ Name string }{"x"}) },
		"absolute path":   func(b *sobjects.Composite) { sobjects.AddCall[any](b, "GET", "https://evil.example/x", nil) },
		"escaped dot-dot": func(b *sobjects.Composite) { sobjects.AddCall[any](b, "GET", "sobjects/%2e%2e/%2e%2e/x", nil) },
		"unknown reference": func(b *sobjects.Composite) {
			sobjects.AddCreate(b, sampleorg.ContactCreate{LastName: "Doe", AccountId: new("@{nope.id}")})
		},
		"forward reference": func(b *sobjects.Composite) {
			sobjects.AddCreate(b, sampleorg.ContactCreate{LastName: "Doe", AccountId: new("@{ref2.id}")})
			sobjects.AddCreate(b, sampleorg.AccountCreate{Name: "x"})
		},
	}
	for name, build := range cases {
		t.Run(name, func(t *testing.T) {
			var b sobjects.Composite
			build(&b)
			org.ResetStats()
			if err := b.Send(ctx, c); !errors.Is(err, sobjects.ErrInvalidArgument) {
				t.Fatalf("Send: %v", err)
			}
			if n := org.Stats().APIRequests; n != 0 {
				t.Errorf("%d requests sent", n)
			}
		})
	}
	var b sobjects.Composite
	for range 25 {
		sobjects.AddCreate(&b, sampleorg.AccountCreate{Name: "x"})
	}
	if err := b.Send(ctx, c); err != nil {
		t.Fatalf("25 subrequests: %v", err)
	}
}

// TestCompositeExpiry expires the session under a composite request: one
// refresh, the request replayed once, nothing created twice.
func TestCompositeExpiry(t *testing.T) {
	ctx := testCtx(t)
	org := sftest.NewOrg(t)
	c := org.Client()
	if _, err := sobjects.Create(ctx, c, sampleorg.AccountCreate{Name: "warm-up"}); err != nil {
		t.Fatal(err)
	}
	org.ExpireSession()
	org.ResetStats()
	const workers = 8
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Go(func() {
			var b sobjects.Composite
			a := sobjects.AddCreate(&b, sampleorg.AccountCreate{Name: "Acme"})
			sobjects.AddCreate(&b, sampleorg.ContactCreate{LastName: "Doe", AccountId: new(a.Ref("id"))})
			errs <- b.Send(ctx, c, sobjects.AllOrNone(true))
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	st := org.Stats()
	if st.TokenRequests != 1 {
		t.Errorf("%d token requests, want 1", st.TokenRequests)
	}
	if served := st.Requests[sftest.EndpointComposite] - st.Rejected; served != workers {
		t.Errorf("%d composite requests served, want %d", served, workers)
	}
	if n := org.Count("Contact"); n != workers {
		t.Errorf("%d contacts, want %d: a request ran twice or not at all", n, workers)
	}
}
