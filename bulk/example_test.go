package bulk_test

import (
	"context"
	"fmt"
	"log"
	"slices"
	"time"

	"github.com/oapi-codegen/nullable"

	"github.com/typedforce/typedforce/bulk"
	"github.com/typedforce/typedforce/sampleorg"
	"github.com/typedforce/typedforce/sftest"
	"github.com/typedforce/typedforce/sobjects"
)

// exampleOrg returns the client of a fake org. In an application:
// sobjects.NewFromEnv(ctx).
func exampleOrg() (*sftest.Org, *sobjects.Client) {
	org, err := sftest.New()
	if err != nil {
		log.Fatal(err)
	}
	return org, org.Client()
}

func Example() {
	_, c := exampleOrg()
	ctx := context.Background()
	poll := bulk.WithPollInterval(10*time.Millisecond, time.Second) // default: 1s to 15s

	// Any iter.Seq: a generator reading a file, a channel, a database cursor.
	accounts := func(yield func(sampleorg.AccountCreate) bool) {
		for i := range 3 {
			if !yield(sampleorg.AccountCreate{Name: fmt.Sprintf("Account %d", i), Phone: new("555-0100")}) {
				return
			}
		}
	}
	res, err := bulk.Insert(ctx, c, accounts, poll)
	if err != nil {
		log.Fatal(err)
	}
	defer res.Close()
	fmt.Println("inserted:", res.Processed(), "failed:", res.Failed())

	// Clear the phone of every account (#N/A), rename the first.
	var patches []sobjects.Patch[sampleorg.AccountUpdate]
	for r, err := range res.Successes(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		upd := sampleorg.AccountUpdate{Phone: nullable.NewNullNullable[string]()}
		if r.Index == 0 {
			upd.Name = new("First account")
		}
		patches = append(patches, sobjects.Patch[sampleorg.AccountUpdate]{ID: r.ID, Record: upd})
	}
	upd, err := bulk.Update(ctx, c, slices.Values(patches), poll)
	if err != nil {
		log.Fatal(err)
	}
	defer upd.Close()

	for a, err := range bulk.Query[sampleorg.Account](ctx, c, "SELECT Name, Phone, Owner.Name FROM Account ORDER BY Name", poll) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(*a.Name, a.Phone == nil, *a.Owner.Name)
	}
	// Output:
	// inserted: 3 failed: 0
	// Account 1 true Integration User
	// Account 2 true Integration User
	// First account true Integration User
}

func ExampleResult_Failures() {
	_, c := exampleOrg()
	ctx := context.Background()
	recs := []sampleorg.AccountCreate{{Name: "Good"}, {Name: ""}, {Name: "Also good"}}
	res, err := bulk.Insert(ctx, c, slices.Values(recs), bulk.WithPollInterval(10*time.Millisecond, time.Second))
	if err != nil {
		log.Fatal(err)
	}
	defer res.Close()
	for r, err := range res.Failures(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("record %d: %v\n", r.Index, r.Err)
	}
	// Output:
	// record 1: sobjects: bulk record: REQUIRED_FIELD_MISSING: Required fields are missing: [Name] (fields: Name)
}
