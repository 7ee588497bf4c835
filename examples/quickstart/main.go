// Command quickstart runs the three jobs of typedforce in a few seconds:
// typed CRUD on generated structs, a paginated SOQL query, and 500
// concurrent calls across a session expiry with one token refresh.
//
//	make demo                      # against the embedded fake org (package sftest)
//	go run ./examples/quickstart   # the same
//
// With the SF_* variables set (see docs/AUTH.md) the same program runs
// against a real org, read-only unless -write is given; a real session
// cannot be expired on demand, so the third part runs on the fake only.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oapi-codegen/nullable"
	"golang.org/x/oauth2"

	"github.com/typedforce/typedforce/auth"
	"github.com/typedforce/typedforce/sampleorg"
	"github.com/typedforce/typedforce/sampleorg/picklists"
	"github.com/typedforce/typedforce/sftest"
	"github.com/typedforce/typedforce/sobjects"
)

func main() {
	write := flag.Bool("write", false, "allow writes (create, update, delete) on a real org")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout, *write); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// demo is one run: a client whose token mints are counted, and the fake
// org when there is no real one.
type demo struct {
	out    io.Writer
	c      *sobjects.Client
	org    *sftest.Org // nil on a real org
	tokens atomic.Int64
	writes bool
}

func (d *demo) printf(format string, args ...any) { fmt.Fprintf(d.out, format, args...) }

// realOrg reports whether the environment names a real org.
func realOrg() bool {
	for _, v := range []string{"SF_ACCESS_TOKEN", "SF_REFRESH_TOKEN", "SF_USERNAME", "SF_JWT_KEY_FILE", "SF_CLIENT_ID"} {
		if strings.TrimSpace(os.Getenv(v)) != "" {
			return true
		}
	}
	return false
}

func run(ctx context.Context, out io.Writer, write bool) error {
	d := &demo{out: out, writes: true}
	var src oauth2.TokenSource
	if realOrg() {
		var err error
		if src, err = auth.FromEnv(ctx); err != nil {
			return err
		}
		d.writes = write
		d.printf("typedforce quickstart: a real org (SF_* variables)%s\n", map[bool]string{true: "", false: ", read-only: -write allows writes"}[write])
	} else {
		org, err := sftest.New()
		if err != nil {
			return err
		}
		d.org, src = org, org.TokenSource()
		d.printf("typedforce quickstart: the embedded fake org at %s (set SF_* to use a real org)\n", org.URL())
	}
	session := auth.NewSession(src, auth.WithOnRefresh(func(context.Context, *oauth2.Token) error {
		d.tokens.Add(1)
		return nil
	}))
	var opts []sobjects.Option
	if d.org != nil {
		opts = append(opts, sobjects.WithHTTPClient(d.org.HTTPClient()))
	} else if v := os.Getenv("SF_API_VERSION"); v != "" {
		opts = append(opts, sobjects.WithAPIVersion(v))
	}
	c, err := sobjects.New(session, opts...)
	if err != nil {
		return err
	}
	d.c = c
	if err := d.crud(ctx); err != nil {
		return err
	}
	if err := d.query(ctx); err != nil {
		return err
	}
	return d.expiry(ctx)
}

func str(p *string) string {
	if p == nil {
		return "null"
	}
	return fmt.Sprintf("%q", *p)
}

// crud is the first job: typed create, get, update that clears a field,
// upsert and delete.
func (d *demo) crud(ctx context.Context) error {
	d.printf("\n1. Typed CRUD (structs generated from the org's describes)\n")
	if !d.writes {
		acc, err := sobjects.First[sampleorg.Account](ctx, d.c, "SELECT Id, Name, Owner.Name FROM Account ORDER BY CreatedDate LIMIT 1")
		if errors.Is(err, sobjects.ErrNoRecords) {
			d.printf("   no Account to read; writes skipped\n")
			return nil
		}
		if err != nil {
			return err
		}
		owner := "null"
		if acc.Owner != nil {
			owner = str(acc.Owner.Name)
		}
		d.printf("   first Account: %s, owner %s; writes skipped\n", str(acc.Name), owner)
		return nil
	}
	id, err := sobjects.Create(ctx, d.c, sampleorg.AccountCreate{
		Name:     "Acme Rockets",
		Phone:    new("+1 415 555 0100"),
		Industry: new(picklists.AccountIndustryValueEnergy),
	})
	if err != nil {
		return err
	}
	d.printf("   create  Account %s\n", id)
	acc, err := sobjects.Get[sampleorg.Account](ctx, d.c, id, sobjects.Fields("Name", "Phone", "Industry"))
	if err != nil {
		return err
	}
	d.printf("   get     Name=%s Phone=%s Industry=%s\n", str(acc.Name), str(acc.Phone), *acc.Industry)
	if err := sobjects.Update(ctx, d.c, id, sampleorg.AccountUpdate{Phone: nullable.NewNullNullable[string]()}); err != nil {
		return err
	}
	acc, err = sobjects.Get[sampleorg.Account](ctx, d.c, id, sobjects.Fields("Phone"))
	if err != nil {
		return err
	}
	d.printf("   update  Phone cleared: Phone=%s\n", str(acc.Phone))

	if d.org != nil { // Widget__c is the example org's custom object
		for _, status := range []picklists.WidgetCStatusCValue{picklists.WidgetCStatusCValueDraft, picklists.WidgetCStatusCValueActive} {
			res, err := sobjects.Upsert(ctx, d.c, "External_Id__c", "W-1001", sampleorg.WidgetCCreate{Name: new("Sprocket"), StatusC: &status})
			if err != nil {
				return err
			}
			d.printf("   upsert  Widget__c External_Id__c=W-1001 Status__c=%s: %s %s\n", status, map[bool]string{true: "created", false: "updated"}[res.Created], res.ID)
		}
	}
	if err := sobjects.Delete[sampleorg.Account](ctx, d.c, id); err != nil {
		return err
	}
	_, err = sobjects.Get[sampleorg.Account](ctx, d.c, id)
	var se *sobjects.Error
	if !errors.As(err, &se) {
		return fmt.Errorf("get after delete: %v", err)
	}
	d.printf("   delete  Account %s; a get now: %d %s\n", id, se.StatusCode, se.Code)

	_, err = sobjects.Create(ctx, d.c, sampleorg.ContactCreate{FirstName: new("Ada")})
	if errors.As(err, &se) {
		d.printf("   a contact without LastName: %d %s %v\n", se.StatusCode, se.Code, se.Fields)
	}
	return nil
}

// query is the second job's queries: a paginated SOQL query, decoded
// straight into the generated structs.
func (d *demo) query(ctx context.Context) error {
	d.printf("\n2. Paginated query\n")
	soql := "SELECT Id, Name, Account.Name FROM Contact ORDER BY LastName LIMIT 1000"
	if d.org != nil {
		accountID, err := sobjects.Create(ctx, d.c, sampleorg.AccountCreate{Name: "Globex"})
		if err != nil {
			return err
		}
		contacts := make([]sampleorg.ContactCreate, 450)
		for i := range contacts {
			contacts[i] = sampleorg.ContactCreate{FirstName: new("Demo"), LastName: fmt.Sprintf("Contact %03d", i+1), AccountId: &accountID}
		}
		results, err := sobjects.CreateMany(ctx, d.c, contacts)
		if err != nil {
			return err
		}
		for _, r := range results {
			if err := r.Err(); err != nil {
				return err
			}
		}
		d.printf("   created %d contacts with sObject Collections (%d requests)\n", len(results), d.org.Stats().Requests[sftest.EndpointCollectionsCreate])
		soql, err = sobjects.SOQL("SELECT Id, Name, Account.Name FROM Contact WHERE Account.Name = %s ORDER BY LastName DESC", "Globex")
		if err != nil {
			return err
		}
	}
	d.printf("   %s\n", soql)
	pages, n := 0, 0
	var first, last string
	for ct, err := range sobjects.Query[sampleorg.Contact](ctx, d.c, soql, sobjects.BatchSize(200), sobjects.OnLimits(func(sobjects.Limits) { pages++ })) {
		if err != nil {
			return err
		}
		if n == 0 {
			first = str(ct.Name)
		}
		last = str(ct.Name)
		n++
	}
	d.printf("   %d records in %d pages of up to 200: %s … %s\n", n, pages, first, last)
	return nil
}

// expiry is the second job's session handling: 500 concurrent calls
// across a session expiry share one token refresh.
func (d *demo) expiry(ctx context.Context) error {
	d.printf("\n3. Session expiry\n")
	if d.org == nil {
		d.printf("   skipped: a real org's session cannot be expired on demand (the fake org does it)\n")
		return nil
	}
	id, err := sobjects.First[sampleorg.Contact](ctx, d.c, "SELECT Id FROM Contact LIMIT 1")
	if err != nil {
		return err
	}
	const callers = 500
	d.org.ExpireSession()
	before := d.tokens.Load()
	var wg sync.WaitGroup
	var ok, failed atomic.Int64
	for range callers {
		wg.Go(func() {
			if _, err := sobjects.Get[sampleorg.Contact](ctx, d.c, *id.Id, sobjects.Fields("Name")); err != nil {
				failed.Add(1)
				return
			}
			ok.Add(1)
		})
	}
	wg.Wait()
	d.printf("   session expired, then %d concurrent calls: %d succeeded, %d failed\n", callers, ok.Load(), failed.Load())
	d.printf("   token refreshes: %d\n", d.tokens.Load()-before)
	return nil
}
