package sobjects_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"strings"

	"github.com/typedforce/typedforce/sampleorg"
	"github.com/typedforce/typedforce/sftest"
	"github.com/typedforce/typedforce/sobjects"
)

// fakeOrg returns a fake org for the examples (in an application:
// sobjects.NewFromEnv).
func fakeOrg() *sftest.Org {
	org, err := sftest.New()
	if err != nil {
		log.Fatal(err)
	}
	return org
}

// An account, a contact that references it, and a query for them, in one
// API call that saves all or nothing.
func ExampleComposite_Send() {
	org := fakeOrg()
	c, ctx := org.Client(), context.Background()

	var batch sobjects.Composite
	acct := sobjects.AddCreate(&batch, sampleorg.AccountCreate{Name: "Acme"})
	con := sobjects.AddCreate(&batch, sampleorg.ContactCreate{LastName: "Doe", AccountId: new(acct.Ref("id"))})
	contacts := sobjects.AddQuery[sampleorg.Contact](&batch,
		"SELECT Id, Name FROM Contact WHERE AccountId = '"+acct.Ref("id")+"'")
	if err := batch.Send(ctx, c, sobjects.AllOrNone(true)); err != nil {
		log.Fatal(err)
	}
	acctID, _ := acct.Result()
	conID, _ := con.Result()
	page, _ := contacts.Result()
	fmt.Println("account", acctID)
	fmt.Println("contact", conID, "found by the query:", *page.Records[0].Id == conID)
	fmt.Println("API calls:", org.Stats().APIRequests)
	// Output:
	// account 001xx0000000001AAA
	// contact 003xx0000000001AAA found by the query: true
	// API calls: 1
}

// An Apex REST endpoint called with typed JSON in and out, through the
// client's session (a test registers the route on the fake org).
func ExampleCall_apexREST() {
	org := fakeOrg()
	org.HandleApex("POST", "/orders/*", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in struct{ SKU string }
		_ = json.NewDecoder(r.Body).Decode(&in)
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"Number":%q,"Status":"Booked","SKU":%q}`, strings.TrimPrefix(r.URL.Path, "/services/apexrest/orders/"), in.SKU)
	}))
	type order struct{ Number, Status, SKU string }

	o, err := sobjects.Call[order](context.Background(), org.Client(), "POST", "/services/apexrest/orders/42",
		map[string]string{"SKU": "A-1"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%+v\n", o)
	// Output:
	// {Number:42 Status:Booked SKU:A-1}
}

// A file uploaded as multipart from an io.ReaderAt (an *os.File in an
// application), streamed and replayable after a token refresh, then
// streamed back to an io.Writer.
func ExampleUploadBlob() {
	org := fakeOrg()
	c, ctx := org.Client(), context.Background()
	file := bytes.NewReader([]byte("%PDF-1.7 a small report"))

	id, err := sobjects.UploadBlob(ctx, c, sampleorg.WidgetCCreate{Name: new("report")}, "Attachment_Data__c",
		sobjects.BlobFromReaderAt("report.pdf", file, file.Size()))
	if err != nil {
		log.Fatal(err)
	}
	var out bytes.Buffer
	n, err := sobjects.DownloadBlob[sampleorg.WidgetC](ctx, c, id, "Attachment_Data__c", &out)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(id, n, out.String())
	// Output:
	// a01xx0000000001AAA 23 %PDF-1.7 a small report
}
