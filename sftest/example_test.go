package sftest_test

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/oapi-codegen/nullable"

	"github.com/typedforce/typedforce/sampleorg"
	"github.com/typedforce/typedforce/sftest"
	"github.com/typedforce/typedforce/sobjects"
)

// A fake org and its typed client. In a test, sftest.NewOrg(t) does the
// same and fails t on error.
func ExampleNew() {
	ctx := context.Background()
	org, err := sftest.New()
	if err != nil {
		panic(err)
	}
	c := org.Client()

	id, err := sobjects.Create(ctx, c, sampleorg.AccountCreate{Name: "Acme", Phone: new("+1 415 555 0100")})
	fmt.Println(id, err)

	err = sobjects.Update(ctx, c, id, sampleorg.AccountUpdate{Phone: nullable.NewNullNullable[string]()})
	acc, _ := sftest.Read[sampleorg.Account](org, id)
	fmt.Println(*acc.Name, acc.Phone == nil, err)

	_, err = sobjects.Create(ctx, c, sampleorg.ContactCreate{FirstName: new("Ada")})
	fmt.Println(err)
	// Output:
	// 001xx0000000001AAA <nil>
	// Acme true <nil>
	// sobjects: create Contact: 400 REQUIRED_FIELD_MISSING: Required fields are missing: [LastName] (fields: LastName)
}

// Seed records, then query them page by page.
func ExampleOrg_Insert() {
	ctx := context.Background()
	org, _ := sftest.New(sftest.WithBatchSize(2))
	for _, name := range []string{"Initech", "Acme", "Globex"} {
		if _, err := org.Insert("Account", map[string]any{"Name": name, "Industry": "Energy"}); err != nil {
			panic(err)
		}
	}
	for acc, err := range sobjects.Query[sampleorg.Account](ctx, org.Client(), "SELECT Name, Owner.Name FROM Account WHERE Industry = 'Energy' ORDER BY Name") {
		if err != nil {
			panic(err)
		}
		fmt.Println(*acc.Name, "owned by", *acc.Owner.Name)
	}
	fmt.Println("pages:", 1+org.Stats().Requests[sftest.EndpointQueryMore])
	// Output:
	// Acme owned by Integration User
	// Globex owned by Integration User
	// Initech owned by Integration User
	// pages: 2
}

// Expire the session under concurrent calls: one token refresh serves them
// all.
func ExampleOrg_ExpireSession() {
	ctx := context.Background()
	org, _ := sftest.New()
	c := org.Client()
	id, _ := org.Insert("Account", map[string]any{"Name": "Acme"})
	_, _ = sobjects.Get[sampleorg.Account](ctx, c, id) // the first token

	org.ExpireSession()
	before := org.Stats().TokenRequests
	var wg sync.WaitGroup
	for range 100 {
		wg.Go(func() {
			if _, err := sobjects.Get[sampleorg.Account](ctx, c, id); err != nil {
				panic(err)
			}
		})
	}
	wg.Wait()
	fmt.Println("token refreshes:", org.Stats().TokenRequests-before)
	// Output:
	// token refreshes: 1
}

// Fail the next calls as Salesforce would under load.
func ExampleOrg_FailNext() {
	ctx := context.Background()
	org, _ := sftest.New()
	org.FailNext(1, sftest.Fault{StatusCode: 503, Code: sobjects.ErrServerUnavailable, Endpoint: sftest.EndpointQuery})

	_, err := sobjects.Count(ctx, org.Client(), "SELECT COUNT() FROM Account")
	fmt.Println(errors.Is(err, sobjects.ErrServerUnavailable))
	n, err := sobjects.Count(ctx, org.Client(), "SELECT COUNT() FROM Account")
	fmt.Println(n, err)
	// Output:
	// true
	// 0 <nil>
}

// What the fake does not support fails loudly, never with a wrong answer.
func ExampleOrg_unsupportedSOQL() {
	org, _ := sftest.New()
	_, err := sobjects.Count(context.Background(), org.Client(), "SELECT COUNT() FROM Contact WHERE CreatedDate = LAST_N_DAYS:7")
	var se *sobjects.Error
	errors.As(err, &se)
	fmt.Println(se.Code)
	fmt.Println(se.Message)
	// Output:
	// MALFORMED_QUERY
	//
	// SELECT COUNT() FROM Contact WHERE CreatedDate = LAST_N_DAYS:7
	//                                                 ^
	// ERROR at Row:1:Column:49
	// sftest: the fake org does not support relative date literals (LAST_N_DAYS)
}
