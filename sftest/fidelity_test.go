package sftest_test

import (
	"net/url"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/typedforce/typedforce/sftest"
)

// part is a custom object whose describe exercises what Salesforce reads
// from it: picklist order, caseSensitive unique and external id fields,
// precision, scale and digits.
const part = `{"name":"Part__c","label":"Part","labelPlural":"Parts","keyPrefix":"a0P","custom":true,
"createable":true,"updateable":true,"deletable":true,"queryable":true,"fields":[
{"name":"Id","type":"id","createable":false,"updateable":false,"nillable":false,"defaultedOnCreate":true,"filterable":true,"sortable":true},
{"name":"Name","label":"Name","type":"string","length":80,"nameField":true,"createable":true,"updateable":true,"nillable":true,"filterable":true,"sortable":true},
{"name":"Stage__c","label":"Stage","type":"picklist","createable":true,"updateable":true,"nillable":true,"filterable":true,"sortable":true,
 "picklistValues":[{"active":true,"value":"Prospecting"},{"active":true,"value":"Qualification"},{"active":true,"value":"Closed Won"},{"active":true,"value":"Closed Lost"}]},
{"name":"Code__c","label":"Code","type":"string","length":20,"externalId":true,"unique":true,"caseSensitive":true,"idLookup":true,"createable":true,"updateable":true,"nillable":true,"filterable":true,"sortable":true},
{"name":"Alias__c","label":"Alias","type":"string","length":20,"externalId":true,"unique":true,"caseSensitive":false,"idLookup":true,"createable":true,"updateable":true,"nillable":true,"filterable":true,"sortable":true},
{"name":"Serial__c","label":"Serial","type":"double","precision":10,"scale":0,"externalId":true,"unique":true,"createable":true,"updateable":true,"nillable":true,"filterable":true,"sortable":true},
{"name":"Price__c","label":"Price","type":"currency","precision":5,"scale":2,"createable":true,"updateable":true,"nillable":true,"filterable":true,"sortable":true},
{"name":"Qty__c","label":"Quantity","type":"int","digits":3,"createable":true,"updateable":true,"nillable":true,"filterable":true,"sortable":true}
]}`

func partOrg(t *testing.T) (*sftest.Org, *rawClient) {
	org := sftest.NewOrg(t, sftest.WithDescribeFS(fstest.MapFS{"Part__c.json": {Data: []byte(part)}}))
	return org, newRaw(t, org)
}

// TestPicklistOrderByFollowsTheDescribe: ORDER BY on a picklist sorts by
// the order of the values in the describe, as Salesforce does, not
// alphabetically.
func TestPicklistOrderByFollowsTheDescribe(t *testing.T) {
	org, c := partOrg(t)
	for _, stage := range []string{"Qualification", "Closed Won", "Prospecting", "Closed Lost"} {
		insert(t, org, "Part__c", map[string]any{"Name": stage, "Stage__c": stage})
	}
	insert(t, org, "Part__c", map[string]any{"Name": "none"})
	for q, want := range map[string][]string{
		"SELECT Name FROM Part__c ORDER BY Stage__c":                 {"none", "Prospecting", "Qualification", "Closed Won", "Closed Lost"}, // ASC: nulls first
		"SELECT Name FROM Part__c ORDER BY Stage__c DESC NULLS LAST": {"Closed Lost", "Closed Won", "Qualification", "Prospecting", "none"},
	} {
		page := decode[struct{ Records []struct{ Name string } }](t, c.expect(200, "GET", v+"/query?q="+url.QueryEscape(q), ""))
		var got []string
		for _, r := range page.Records {
			got = append(got, r.Name)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", q, got, want)
		}
	}
}

// TestCaseSensitiveUniqueAndExternalIDs: a unique or external id field
// whose describe says caseSensitive tells "ABC" from "abc"; one that does
// not treats them as one value.
func TestCaseSensitiveUniqueAndExternalIDs(t *testing.T) {
	_, c := partOrg(t)
	c.expect(201, "POST", v+"/sobjects/Part__c", `{"Name":"upper","Code__c":"ABC","Alias__c":"x1","Serial__c":5}`)
	c.expect(201, "POST", v+"/sobjects/Part__c", `{"Name":"lower","Code__c":"abc"}`)
	c.expectError(400, "DUPLICATE_VALUE", "POST", v+"/sobjects/Part__c", `{"Name":"dup","Alias__c":"X1"}`)
	c.expectError(400, "DUPLICATE_VALUE", "POST", v+"/sobjects/Part__c", `{"Name":"dup","Serial__c":5.0}`)

	rec := decode[struct{ Name string }](t, c.expect(200, "GET", v+"/sobjects/Part__c/Code__c/abc", ""))
	if rec.Name != "lower" {
		t.Errorf("Code__c/abc read %q, want lower", rec.Name)
	}
	c.expectError(404, "NOT_FOUND", "GET", v+"/sobjects/Part__c/Code__c/Abc", "")
	c.expect(200, "PATCH", v+"/sobjects/Part__c/Code__c/ABC", `{"Name":"upper2"}`) // one match: updated
	rec = decode[struct{ Name string }](t, c.expect(200, "GET", v+"/sobjects/Part__c/Alias__c/X1", ""))
	if rec.Name != "upper2" {
		t.Errorf("Alias__c/X1 read %q, want upper2", rec.Name)
	}
}

// TestNumbersOutsidePrecisionAndScale: a number with more integer digits
// than its field holds fails with NUMBER_OUTSIDE_VALID_RANGE; extra
// decimals are rounded to the scale.
func TestNumbersOutsidePrecisionAndScale(t *testing.T) {
	org, c := partOrg(t)
	for _, body := range []string{`{"Price__c":1000}`, `{"Price__c":-1000.5}`, `{"Qty__c":1000}`, `{"Serial__c":1e10}`} {
		e := c.expectError(400, "NUMBER_OUTSIDE_VALID_RANGE", "POST", v+"/sobjects/Part__c", body)
		if len(e.Fields) != 1 {
			t.Errorf("%s: fields %v", body, e.Fields)
		}
	}
	res := decode[struct{ ID string }](t, c.expect(201, "POST", v+"/sobjects/Part__c", `{"Price__c":999.994,"Qty__c":-999,"Serial__c":9999999999}`))
	if rec, _ := org.Record("Part__c", res.ID); rec["Price__c"] != 999.99 {
		t.Errorf("Price__c stored as %v, want 999.99", rec["Price__c"])
	}
	res = decode[struct{ ID string }](t, c.expect(201, "POST", v+"/sobjects/Part__c", `{"Price__c":12.3456}`))
	if rec, _ := org.Record("Part__c", res.ID); rec["Price__c"] != 12.35 {
		t.Errorf("Price__c stored as %v, want 12.35", rec["Price__c"])
	}
}
