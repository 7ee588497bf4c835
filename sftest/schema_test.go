package sftest_test

import (
	"net/url"
	"testing"
	"testing/fstest"
	"time"

	"github.com/typedforce/typedforce/sftest"
)

// gadget is a small custom object's describe, in the shape Salesforce
// serves.
const gadget = `{"name":"Gadget__c","label":"Gadget","labelPlural":"Gadgets","keyPrefix":"a0G","custom":true,
"createable":true,"updateable":true,"deletable":true,"queryable":true,"fields":[
{"name":"Id","type":"id","createable":false,"updateable":false,"nillable":false,"defaultedOnCreate":true,"filterable":true,"sortable":true},
{"name":"Name","type":"string","length":80,"nameField":true,"createable":true,"updateable":true,"nillable":false,"defaultedOnCreate":false,"filterable":true,"sortable":true},
{"name":"OwnerId","type":"reference","referenceTo":["User","Group"],"relationshipName":"Owner","createable":true,"updateable":true,"nillable":false,"defaultedOnCreate":true,"filterable":true,"sortable":true},
{"name":"CreatedDate","type":"datetime","createable":false,"updateable":false,"nillable":false,"defaultedOnCreate":true,"filterable":true,"sortable":true},
{"name":"Size__c","type":"picklist","restrictedPicklist":true,"createable":true,"updateable":true,"nillable":true,"filterable":true,"sortable":true,
 "picklistValues":[{"active":true,"defaultValue":false,"label":"S","value":"S","validFor":null},{"active":false,"defaultValue":false,"label":"XL","value":"XL","validFor":null}]}
]}`

// TestOwnSchema loads a schema of one's own from an fs.FS and runs the
// org on a fixed clock.
func TestOwnSchema(t *testing.T) {
	at := time.Date(2024, 1, 31, 12, 0, 0, 0, time.UTC)
	org := sftest.NewOrg(t, sftest.WithDescribeFS(fstest.MapFS{"Gadget__c.json": {Data: []byte(gadget)}}),
		sftest.WithClock(func() time.Time { return at }))
	c := newRaw(t, org)
	b := c.expect(201, "POST", v+"/sobjects/Gadget__c", `{"Name":"G1","Size__c":"S"}`)
	if want := `{"id":"a0Gxx0000000001EAA","success":true,"errors":[]}`; string(b) != want {
		t.Errorf("create: %s", b)
	}
	rec, _ := org.Record("Gadget__c", "a0Gxx0000000001EAA")
	if rec["CreatedDate"] != "2024-01-31T12:00:00.000+0000" || rec["OwnerId"] != "005xx0000000001AAA" {
		t.Errorf("record %v", rec)
	}
	c.expectError(400, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "POST", v+"/sobjects/Gadget__c", `{"Name":"G2","Size__c":"XL"}`) // inactive
	c.expectError(404, "NOT_FOUND", "GET", v+"/sobjects/Account/describe", "")
	// The owner's object is not described: its id is trusted, its fields
	// cannot be queried.
	c.expect(204, "PATCH", v+"/sobjects/Gadget__c/a0Gxx0000000001EAA", `{"OwnerId":"00Gxx0000000001AAA"}`)
	c.expectError(400, "INVALID_FIELD", "GET", v+"/query?q="+url.QueryEscape("SELECT Owner.Name FROM Gadget__c"), "")

	if _, err := sftest.New(sftest.WithDescribeFS(fstest.MapFS{"Bad.json": {Data: []byte(`{"name":"Bad"}`)}})); err == nil {
		t.Error("a describe without fields loads")
	}
	if _, err := sftest.New(sftest.WithInstanceURL("ftp://x")); err == nil {
		t.Error("an ftp instance URL is accepted")
	}
	if _, err := sftest.New(sftest.WithBatchSize(0)); err == nil {
		t.Error("batch size 0 is accepted")
	}
}

// TestGlobalDescribeSkipped: a global describe saved beside the object
// describes, under any name, is skipped as the generator skips it.
func TestGlobalDescribeSkipped(t *testing.T) {
	global := []byte(`{"encoding":"UTF-8","maxBatchSize":200,"sobjects":[{"name":"Gadget__c","queryable":true}]}`)
	org := sftest.NewOrg(t, sftest.WithDescribeFS(fstest.MapFS{
		"Gadget__c.json": {Data: []byte(gadget)},
		"sobjects.json":  {Data: global},
		"_global.json":   {Data: []byte("not even JSON")},
	}))
	c := newRaw(t, org)
	c.expect(201, "POST", v+"/sobjects/Gadget__c", `{"Name":"G1","Size__c":"S"}`)
	if _, err := sftest.New(sftest.WithDescribeFS(fstest.MapFS{"sobjects.json": {Data: global}})); err == nil {
		t.Error("a folder holding only a global describe loads")
	}
}
