package sobjects_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/typedforce/typedforce/auth"
	"github.com/typedforce/typedforce/sampleorg"
	"github.com/typedforce/typedforce/sampleorg/picklists"
	"github.com/typedforce/typedforce/sobjects"
)

// exampleClient returns a client for a fake org on httpmock. In an
// application: sobjects.NewFromEnv(ctx), or sobjects.New(session).
func exampleClient() (*sobjects.Client, *httpmock.MockTransport) {
	mock := httpmock.NewMockTransport()
	session := auth.NewSession(auth.StaticToken("https://acme.my.salesforce.com", "00Dxx0000001gPF!example"))
	c, err := sobjects.New(session, sobjects.WithHTTPClient(&http.Client{Transport: mock}))
	if err != nil {
		log.Fatal(err)
	}
	return c, mock
}

const exampleBase = "https://acme.my.salesforce.com/services/data/v67.0"

func Example() {
	c, mock := exampleClient()
	mock.RegisterResponder("POST", exampleBase+"/sobjects/Account",
		httpmock.NewStringResponder(201, `{"id":"001xx000003DGb2AAG","success":true,"errors":[]}`))
	mock.RegisterResponder("GET", exampleBase+"/sobjects/Account/001xx000003DGb2AAG",
		httpmock.NewStringResponder(200, `{"attributes":{"type":"Account","url":"/services/data/v67.0/sobjects/Account/001xx000003DGb2AAG"},
			"Id":"001xx000003DGb2AAG","Name":"Acme","CreatedDate":"2024-01-31T12:00:00.000+0000"}`))
	mock.RegisterResponder("GET", exampleBase+"/query",
		httpmock.NewStringResponder(200, `{"totalSize":1,"done":true,"records":[{"attributes":{"type":"Account"},
			"Name":"Acme","Owner":{"attributes":{"type":"User"},"Name":"Ada Admin"}}]}`))
	ctx := context.Background()

	id, err := sobjects.Create(ctx, c, sampleorg.AccountCreate{Name: "Acme"})
	if err != nil {
		log.Fatal(err)
	}
	acc, err := sobjects.Get[sampleorg.Account](ctx, c, id, sobjects.Fields("Name", "CreatedDate"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(id, *acc.Name, acc.CreatedDate.Format("2006-01-02"))

	q, err := sobjects.SOQL("SELECT Name, Owner.Name FROM Account WHERE Name = %s", "Acme")
	if err != nil {
		log.Fatal(err)
	}
	for acc, err := range sobjects.Query[sampleorg.Account](ctx, c, q) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(*acc.Name, "is owned by", *acc.Owner.Name)
	}
	// Output:
	// 001xx000003DGb2AAG Acme 2024-01-31
	// Acme is owned by Ada Admin
}

func ExampleSOQL() {
	since := time.Date(2024, 1, 31, 12, 0, 0, 0, time.UTC)
	q, err := sobjects.SOQL("SELECT %s FROM Account WHERE Name = %s AND Industry IN %s AND CreatedDate > %s AND Description LIKE %s",
		sobjects.IdentList{"Id", "Name"},
		"O'Brien's \\ Sons",
		[]picklists.AccountIndustryValue{picklists.AccountIndustryValueBanking, picklists.AccountIndustryValueRetail},
		since,
		sobjects.Contains("100%"))
	fmt.Println(q, err)

	_, err = sobjects.SOQL("SELECT Id FROM Account WHERE Name = '%s'", "x")
	fmt.Println(err)
	// Output:
	// SELECT Id, Name FROM Account WHERE Name = 'O\'Brien\'s \\ Sons' AND Industry IN ('Banking','Retail') AND CreatedDate > 2024-01-31T12:00:00Z AND Description LIKE '%100\%%' <nil>
	// sobjects: invalid argument: SOQL: placeholder 1 stands inside quotes; write %s without quotes
}

func ExampleQuery() {
	c, mock := exampleClient()
	// Two pages of accounts; the first account has more contacts than
	// its subquery returned.
	mock.RegisterResponder("GET", exampleBase+"/query", httpmock.NewStringResponder(200, `{"totalSize":2,"done":false,
		"nextRecordsUrl":"/services/data/v67.0/query/01gxx000000MyIDAAA-1",
		"records":[{"attributes":{"type":"Account"},"Name":"Acme","Contacts":{"totalSize":2,"done":false,
			"nextRecordsUrl":"/services/data/v67.0/query/01gxx000000ChildAAA-1",
			"records":[{"attributes":{"type":"Contact"},"LastName":"Lovelace"}]}}]}`))
	mock.RegisterResponder("GET", "https://acme.my.salesforce.com/services/data/v67.0/query/01gxx000000ChildAAA-1",
		httpmock.NewStringResponder(200, `{"totalSize":2,"done":true,"records":[{"attributes":{"type":"Contact"},"LastName":"Hopper"}]}`))
	mock.RegisterResponder("GET", "https://acme.my.salesforce.com/services/data/v67.0/query/01gxx000000MyIDAAA-1",
		httpmock.NewStringResponder(200, `{"totalSize":2,"done":true,"records":[{"attributes":{"type":"Account"},"Name":"Globex","Contacts":null}]}`))
	ctx := context.Background()

	for acc, err := range sobjects.Query[sampleorg.Account](ctx, c, "SELECT Name, (SELECT LastName FROM Contacts) FROM Account") {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(*acc.Name)
		// Read the children before the loop moves to the next page of parents.
		for ct, err := range sobjects.Records(ctx, c, acc.Contacts) {
			if err != nil {
				log.Fatal(err)
			}
			fmt.Println("  ", *ct.LastName)
		}
	}
	// Output:
	// Acme
	//    Lovelace
	//    Hopper
	// Globex
}

func ExampleUpsert() {
	c, mock := exampleClient()
	mock.RegisterResponder("PATCH", exampleBase+"/sobjects/Widget__c/External_Id__c/W-1",
		httpmock.NewStringResponder(201, `{"id":"a01xx0000001AAAAA2","success":true,"errors":[],"created":true}`))
	mock.RegisterResponder("PATCH", exampleBase+"/sobjects/Widget__c/External_Id__c/W-2",
		httpmock.NewStringResponder(300, `["/services/data/v67.0/sobjects/Widget__c/a01xx0000001AAAAA3","/services/data/v67.0/sobjects/Widget__c/a01xx0000001AAAAA4"]`))
	ctx := context.Background()
	name := "Sprocket"

	res, err := sobjects.Upsert(ctx, c, "External_Id__c", "W-1", sampleorg.WidgetCCreate{Name: &name})
	fmt.Println(res.ID, res.Created, err)

	_, err = sobjects.Upsert(ctx, c, "External_Id__c", "W-2", sampleorg.WidgetCCreate{Name: &name})
	var multi *sobjects.MultipleMatchesError
	if errors.As(err, &multi) {
		fmt.Println(err)
		fmt.Println(multi.URLs[0])
	}
	// Output:
	// a01xx0000001AAAAA2 true <nil>
	// sobjects: upsert Widget__c: external id matches 2 records
	// /services/data/v67.0/sobjects/Widget__c/a01xx0000001AAAAA3
}

func ExampleCreateMany() {
	c, mock := exampleClient()
	mock.RegisterResponder("POST", exampleBase+"/composite/sobjects", httpmock.NewStringResponder(200, `[
		{"id":"003xx000004TmiQAAS","success":true,"errors":[]},
		{"success":false,"errors":[{"statusCode":"DUPLICATES_DETECTED","message":"Use one of these records?","fields":[]}]}]`))

	results, err := sobjects.CreateMany(context.Background(), c, []sampleorg.ContactCreate{{LastName: "Lovelace"}, {LastName: "Lovelace"}})
	if err != nil {
		log.Fatal(err) // the request as a whole failed
	}
	for i, r := range results {
		if err := r.Err(); errors.Is(err, sobjects.ErrDuplicatesDetected) {
			fmt.Println(i, "duplicate:", err)
			continue
		}
		fmt.Println(i, "created", r.ID)
	}
	// Output:
	// 0 created 003xx000004TmiQAAS
	// 1 duplicate: sobjects: save: DUPLICATES_DETECTED: Use one of these records?
}

func ExampleError() {
	c, mock := exampleClient()
	mock.RegisterResponder("POST", exampleBase+"/sobjects/Contact", httpmock.NewStringResponder(400,
		`[{"message":"Required fields are missing: [LastName]","errorCode":"REQUIRED_FIELD_MISSING","fields":["LastName"]}]`))

	_, err := sobjects.Create(context.Background(), c, sampleorg.ContactCreate{})
	fmt.Println(errors.Is(err, sobjects.ErrRequiredFieldMissing))
	var e *sobjects.Error
	if errors.As(err, &e) {
		fmt.Println(e.StatusCode, e.Code, e.Fields)
	}
	fmt.Println(err)
	// Output:
	// true
	// 400 REQUIRED_FIELD_MISSING [LastName]
	// sobjects: create Contact: 400 REQUIRED_FIELD_MISSING: Required fields are missing: [LastName] (fields: LastName)
}
