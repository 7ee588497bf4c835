package sftest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/typedforce/typedforce/sftest"
)

var dateTimeRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$`)

// Tests of the org's responses against the shapes of the wire facts sheet.

func TestTokenResponse(t *testing.T) {
	org := sftest.NewOrg(t)
	cr := org.Credentials()
	form := url.Values{"grant_type": {"refresh_token"}, "client_id": {cr.ClientID}, "client_secret": {cr.ClientSecret}, "refresh_token": {cr.RefreshToken}}
	resp, err := org.HTTPClient().PostForm(org.URL()+"/services/oauth2/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, content type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, k := range []string{"access_token", "instance_url", "id", "token_type", "issued_at", "signature"} {
		if s, ok := tok[k].(string); !ok || s == "" {
			t.Errorf("%s = %v, want a string", k, tok[k])
		}
	}
	if _, ok := tok["expires_in"]; ok {
		t.Error("expires_in is present: Salesforce sends none")
	}
	if _, ok := tok["refresh_token"]; ok {
		t.Error("refresh_token without rotation")
	}
	if !regexp.MustCompile(`^\d{13}$`).MatchString(tok["issued_at"].(string)) {
		t.Errorf("issued_at %q is not epoch milliseconds", tok["issued_at"])
	}
	if tok["instance_url"] != sftest.DefaultInstanceURL {
		t.Errorf("instance_url %q", tok["instance_url"])
	}
	if at := tok["access_token"].(string); !strings.HasPrefix(at, "00D") || !strings.Contains(at, "!") {
		t.Errorf("access_token %q: want the org id, then !", at)
	}
}

func TestCRUDShapes(t *testing.T) {
	org := sftest.NewOrg(t)
	c := newRaw(t, org)

	type saveResult struct {
		ID      string   `json:"id"`
		Success bool     `json:"success"`
		Errors  []string `json:"errors"`
	}
	b := c.expect(http.StatusCreated, "POST", v+"/sobjects/Account", `{"Name":"Acme","AnnualRevenue":1500000,"Phone":"555"}`)
	created := decode[saveResult](t, b)
	if !created.Success || created.Errors == nil || len(created.Errors) != 0 || created.ID != "001xx0000000001AAA" {
		t.Fatalf("create body %s", b)
	}

	resp, b := c.do("GET", v+"/sobjects/Account/"+created.ID, "")
	if resp.StatusCode != 200 {
		t.Fatalf("get: %d %s", resp.StatusCode, b)
	}
	if !regexp.MustCompile(`^api-usage=\d+/15000$`).MatchString(resp.Header.Get("Sforce-Limit-Info")) {
		t.Errorf("Sforce-Limit-Info %q", resp.Header.Get("Sforce-Limit-Info"))
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json;charset=UTF-8" {
		t.Errorf("Content-Type %q", ct)
	}
	body := string(b)
	for _, want := range []string{
		`{"attributes":{"type":"Account","url":"/services/data/v67.0/sobjects/Account/001xx0000000001AAA"},"Id":"001xx0000000001AAA"`,
		`"AnnualRevenue":1500000.0`, `"Phone":"555"`, `"Fax":null`, `"IsDeleted":false`, `"BillingAddress":null`,
		`"OwnerId":"005xx0000000001AAA"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("record lacks %s: %s", want, body)
		}
	}
	rec := decode[map[string]any](t, b)
	for _, f := range []string{"CreatedDate", "LastModifiedDate", "SystemModstamp"} {
		if s, _ := rec[f].(string); !dateTimeRE.MatchString(s) {
			t.Errorf("%s = %v, want yyyy-MM-ddTHH:mm:ss.SSS+0000", f, rec[f])
		}
	}

	// Only the fields asked for.
	b = c.expect(200, "GET", v+"/sobjects/Account/"+created.ID+"?fields=Name,Owner.Name", "")
	if got, want := string(b), `{"attributes":{"type":"Account","url":"/services/data/v67.0/sobjects/Account/001xx0000000001AAA"},"Name":"Acme","Owner":{"attributes":{"type":"User","url":"/services/data/v67.0/sobjects/User/005xx0000000001AAA"},"Name":"Integration User"}}`; got != want {
		t.Errorf("get with fields:\n got %s\nwant %s", got, want)
	}

	// Update: 204 and an empty body; null clears.
	if b := c.expect(http.StatusNoContent, "PATCH", v+"/sobjects/Account/"+created.ID, `{"Phone":null,"BillingCity":"Paris"}`); len(b) != 0 {
		t.Errorf("update body %q", b)
	}
	rec, _ = org.Record("Account", created.ID)
	if rec["Phone"] != nil || rec["BillingAddress"].(map[string]any)["city"] != "Paris" {
		t.Errorf("after update: Phone %v, BillingAddress %v", rec["Phone"], rec["BillingAddress"])
	}

	// 15-character ids work too.
	c.expect(200, "GET", v+"/sobjects/Account/"+created.ID[:15], "")

	// Delete: 204; then the record is gone.
	c.expect(http.StatusNoContent, "DELETE", v+"/sobjects/Account/"+created.ID, "")
	c.expectError(404, "NOT_FOUND", "GET", v+"/sobjects/Account/"+created.ID, "")
	c.expectError(404, "ENTITY_IS_DELETED", "DELETE", v+"/sobjects/Account/"+created.ID, "")
	e := c.expectError(404, "NOT_FOUND", "GET", v+"/sobjects/Account/Namez", "")
	if e.Message != "Provided external ID field does not exist or is not accessible: Namez" {
		t.Errorf("message %q", e.Message)
	}
	c.expectError(404, "NOT_FOUND", "GET", v+"/sobjects/Nope__c/describe", "")
	c.expectError(405, "METHOD_NOT_ALLOWED", "PUT", v+"/sobjects/Account/"+created.ID, "{}")
}

func TestSessionErrorShape(t *testing.T) {
	org := sftest.NewOrg(t)
	c := newRaw(t, org)
	org.ExpireSession()
	resp, b := c.do("GET", v+"/sobjects", "")
	if resp.StatusCode != 401 || string(b) != `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]` {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	if resp.Header.Get("WWW-Authenticate") != "" || resp.Header.Get("Sforce-Limit-Info") != "" {
		t.Errorf("headers %v", resp.Header)
	}
	if s := org.Stats(); s.Rejected != 1 {
		t.Errorf("Rejected = %d", s.Rejected)
	}
}

func TestUpsertShapes(t *testing.T) {
	org := sftest.NewOrg(t)
	c := newRaw(t, org)
	type result struct {
		ID      string   `json:"id"`
		Success bool     `json:"success"`
		Errors  []string `json:"errors"`
		Created *bool    `json:"created"`
	}
	path := v + "/sobjects/Widget__c/External_Id__c/W-1"
	r := decode[result](t, c.expect(201, "PATCH", path, `{"Name":"Sprocket"}`))
	if r.ID == "" || !r.Success || r.Created == nil || !*r.Created {
		t.Fatalf("create: %+v", r)
	}
	r2 := decode[result](t, c.expect(200, "PATCH", path, `{"Name":"Sprocket 2"}`))
	if r2.ID != r.ID || r2.Created == nil || *r2.Created {
		t.Fatalf("update: %+v", r2)
	}
	// API versions before 46.0 answer an update with 204.
	c.expect(204, "PATCH", "/services/data/v45.0/sobjects/Widget__c/External_Id__c/W-1", `{"Name":"Sprocket 3"}`)
	// External ids match case-insensitively; updateOnly does not create.
	c.expect(200, "GET", v+"/sobjects/Widget__c/External_Id__c/w-1", "")
	c.expectError(404, "NOT_FOUND", "PATCH", path+"-missing?updateOnly=true", `{"Name":"x"}`)
	c.expectError(404, "NOT_FOUND", "PATCH", v+"/sobjects/Widget__c/Model_Number__c/X", `{}`)

	// Several matches: 300 with the records' URLs, nothing saved.
	insert(t, org, "Widget__c", map[string]any{"External_Id__c": "DUP"})
	insert(t, org, "Widget__c", map[string]any{"External_Id__c": "dup"})
	b := c.expect(300, "PATCH", v+"/sobjects/Widget__c/External_Id__c/DUP", `{"Name":"x"}`)
	urls := decode[[]string](t, b)
	if len(urls) != 2 || !strings.HasPrefix(urls[0], v+"/sobjects/Widget__c/a01") {
		t.Fatalf("300 body %s", b)
	}
	c.expect(300, "GET", v+"/sobjects/Widget__c/External_Id__c/DUP", "")
	c.expect(300, "DELETE", v+"/sobjects/Widget__c/External_Id__c/DUP", "")
	c.expect(204, "DELETE", v+"/sobjects/Widget__c/External_Id__c/W-1", "")
}

func TestCollectionsShapes(t *testing.T) {
	org := sftest.NewOrg(t)
	c := newRaw(t, org)
	type result struct {
		ID      *string `json:"id"`
		Success bool    `json:"success"`
		Errors  []struct {
			StatusCode string   `json:"statusCode"`
			Message    string   `json:"message"`
			Fields     []string `json:"fields"`
		} `json:"errors"`
		Created *bool `json:"created"`
	}
	b := c.expect(200, "POST", v+"/composite/sobjects", `{"allOrNone":false,"records":[
		{"attributes":{"type":"Contact"},"FirstName":"No","Email":"no@example.com"},
		{"attributes":{"type":"Contact"},"LastName":"Lovelace"}]}`)
	rs := decode[[]result](t, b)
	if len(rs) != 2 || rs[0].Success || rs[0].ID != nil || rs[0].Errors[0].StatusCode != "REQUIRED_FIELD_MISSING" ||
		rs[0].Errors[0].Fields[0] != "LastName" || !rs[1].Success || rs[1].ID == nil || rs[1].Errors == nil {
		t.Fatalf("partial create: %s", b)
	}
	if strings.Contains(string(b), "errorCode") {
		t.Error("collections results spell the code statusCode")
	}
	id := *rs[1].ID

	// allOrNone: the valid siblings roll back.
	b = c.expect(200, "POST", v+"/composite/sobjects", `{"allOrNone":true,"records":[
		{"attributes":{"type":"Contact"},"LastName":"Ok"},
		{"attributes":{"type":"Contact"},"Bogus__c":1}]}`)
	rs = decode[[]result](t, b)
	if rs[0].Success || rs[0].Errors[0].StatusCode != "ALL_OR_NONE_OPERATION_ROLLED_BACK" || rs[1].Errors[0].StatusCode != "INVALID_FIELD" {
		t.Fatalf("allOrNone: %s", b)
	}
	if n := org.Count("Contact"); n != 1 {
		t.Errorf("%d contacts after the rollback, want 1", n)
	}

	b = c.expect(200, "PATCH", v+"/composite/sobjects", `{"records":[{"attributes":{"type":"Contact"},"id":"`+id+`","Title":"Countess"}]}`)
	if rs = decode[[]result](t, b); !rs[0].Success || *rs[0].ID != id {
		t.Fatalf("update: %s", b)
	}
	b = c.expect(200, "PATCH", v+"/composite/sobjects/Widget__c/External_Id__c", `{"records":[
		{"attributes":{"type":"Widget__c"},"External_Id__c":"A"},{"attributes":{"type":"Widget__c"},"External_Id__c":"A"}]}`)
	if rs = decode[[]result](t, b); !*rs[0].Created || *rs[1].Created || *rs[0].ID != *rs[1].ID {
		t.Fatalf("upsert: %s", b)
	}
	b = c.expect(200, "GET", v+"/composite/sobjects/Contact?ids="+id+",003xx00000000ZZAAA&fields=LastName,Title", "")
	if !strings.HasSuffix(string(b), `"LastName":"Lovelace","Title":"Countess"},null]`) {
		t.Errorf("retrieve: %s", b)
	}
	b = c.expect(200, "DELETE", v+"/composite/sobjects?ids="+id+","+id+"&allOrNone=false", "")
	if rs = decode[[]result](t, b); !rs[0].Success || rs[1].Success || rs[1].Errors[0].StatusCode != "ENTITY_IS_DELETED" {
		t.Fatalf("delete: %s", b)
	}
}

func TestQueryShapes(t *testing.T) {
	org := sftest.NewOrg(t, sftest.WithBatchSize(2))
	c := newRaw(t, org)
	for _, n := range []string{"A", "B", "C"} {
		insert(t, org, "Account", map[string]any{"Name": n})
	}
	type page struct {
		TotalSize      int               `json:"totalSize"`
		Done           bool              `json:"done"`
		NextRecordsURL *string           `json:"nextRecordsUrl"`
		Records        []json.RawMessage `json:"records"`
	}
	b := c.expect(200, "GET", v+"/query?q="+url.QueryEscape("SELECT Name FROM Account ORDER BY Name"), "")
	p := decode[page](t, b)
	if p.TotalSize != 3 || p.Done || p.NextRecordsURL == nil || len(p.Records) != 2 ||
		!regexp.MustCompile(`^/services/data/v67\.0/query/01gxx[0-9A-Za-z]{13}-2$`).MatchString(*p.NextRecordsURL) {
		t.Fatalf("first page: %s", b)
	}
	if !strings.HasPrefix(string(b), `{"totalSize":3,"done":false,"nextRecordsUrl":`) {
		t.Errorf("key order: %s", b)
	}
	b = c.expect(200, "GET", *p.NextRecordsURL, "")
	if p2 := decode[page](t, b); p2.TotalSize != 3 || !p2.Done || p2.NextRecordsURL != nil || len(p2.Records) != 1 {
		t.Fatalf("second page: %s", b)
	}
	c.expectError(400, "INVALID_QUERY_LOCATOR", "GET", v+"/query/01gxx0000000099AAA-2", "")

	b = c.expect(200, "GET", v+"/query?q="+url.QueryEscape("SELECT COUNT() FROM Account"), "")
	if string(b) != `{"totalSize":3,"done":true,"records":[]}` {
		t.Errorf("count: %s", b)
	}
	// The batch size header: at least 200 unless the org allows less.
	big := sftest.NewOrg(t)
	for range 450 {
		insert(t, big, "Account", map[string]any{"Name": "x"})
	}
	cb := newRaw(t, big)
	b = cb.expect(200, "GET", v+"/query?q="+url.QueryEscape("SELECT Id FROM Account"), "", "Sforce-Query-Options", "batchSize=50")
	if p := decode[page](t, b); len(p.Records) != 200 || !strings.HasSuffix(*p.NextRecordsURL, "-200") {
		t.Errorf("batchSize=50 gave %d records, next %v", len(p.Records), p.NextRecordsURL)
	}
	b = cb.expect(200, "GET", v+"/query?q="+url.QueryEscape("SELECT Id FROM Account"), "")
	if p := decode[page](t, b); len(p.Records) != 450 || !p.Done {
		t.Errorf("default batch gave %d records", len(p.Records))
	}

	e := c.expectError(400, "MALFORMED_QUERY", "GET", v+"/query?q="+url.QueryEscape("SELECT Name FROM Account GROUP BY Name"), "")
	if want := "\nSELECT Name FROM Account GROUP BY Name\n                         ^\nERROR at Row:1:Column:26\nsftest: the fake org does not support GROUP BY"; e.Message != want {
		t.Errorf("message:\n%q\nwant\n%q", e.Message, want)
	}
	e = c.expectError(400, "INVALID_TYPE", "GET", v+"/query?q="+url.QueryEscape("select count() from XYZZY"), "")
	if !strings.HasPrefix(e.Message, "\nselect count() from XYZZY\n                    ^\nERROR at Row:1:Column:21\nsObject type 'XYZZY' is not supported.") {
		t.Errorf("message %q", e.Message)
	}
}

func TestDescribeShapes(t *testing.T) {
	org := sftest.NewOrg(t)
	c := newRaw(t, org)
	type globalDescribe struct {
		Encoding     string `json:"encoding"`
		MaxBatchSize int    `json:"maxBatchSize"`
		SObjects     []struct {
			Name      string `json:"name"`
			KeyPrefix string `json:"keyPrefix"`
			URLs      map[string]string
		} `json:"sobjects"`
	}
	global := decode[globalDescribe](t, c.expect(200, "GET", v+"/sobjects", ""))
	if global.Encoding != "UTF-8" || global.MaxBatchSize != 200 || len(global.SObjects) != 8 || global.SObjects[0].Name != "Account" ||
		global.SObjects[0].URLs["describe"] != v+"/sobjects/Account/describe" {
		t.Fatalf("global describe: %+v", global)
	}
	type sobjectDescribe struct {
		Name   string            `json:"name"`
		Fields []json.RawMessage `json:"fields"`
	}
	d := decode[sobjectDescribe](t, c.expect(200, "GET", v+"/sobjects/widget__c/describe", ""))
	if d.Name != "Widget__c" || len(d.Fields) != 60 {
		t.Errorf("describe: %s, %d fields", d.Name, len(d.Fields))
	}
	b := c.expect(200, "GET", v+"/limits", "")
	if !strings.Contains(string(b), `"DailyApiRequests":{"Max":15000,"Remaining":`) {
		t.Errorf("limits: %s", b)
	}
	// The versions resource needs no session and reports no usage.
	resp, err := org.HTTPClient().Get(org.URL() + "/services/data/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Sforce-Limit-Info") != "" {
		t.Errorf("versions: %d %v", resp.StatusCode, resp.Header)
	}
}

// TestTreeShapes: the tree endpoint's own checks, which sobjects.CreateTree
// never lets through, and its answers: ids per referenceId, each child
// referencing its parent, and a failed record that creates nothing.
func TestTreeShapes(t *testing.T) {
	org := sftest.NewOrg(t)
	c := newRaw(t, org)
	path := v + "/composite/tree/Account"
	for body, code := range map[string]string{
		`{"records":[{"attributes":{"type":"Contact","referenceId":"r1"},"LastName":"x"}]}`:                                                             "INVALID_INPUT",
		`{"records":[{"attributes":{"type":"Account","referenceId":"r1"},"Name":"a"},{"attributes":{"type":"Account","referenceId":"r1"},"Name":"b"}]}`: "INVALID_INPUT",
		`{"records":[{"attributes":{"type":"Account","referenceId":"r1"},"Name":"a","Contacts":[]}]}`:                                                   "JSON_PARSER_ERROR",
	} {
		c.expectError(http.StatusBadRequest, code, "POST", path, body)
	}
	if n := org.Count("Account") + org.Count("Contact"); n != 0 {
		t.Fatalf("%d records after refused trees", n)
	}

	type result struct {
		ReferenceID string `json:"referenceId"`
		ID          string `json:"id"`
		Errors      []struct {
			StatusCode string `json:"statusCode"`
		} `json:"errors"`
	}
	type answer struct {
		HasErrors bool     `json:"hasErrors"`
		Results   []result `json:"results"`
	}
	b := c.expect(http.StatusCreated, "POST", path, `{"records":[{"attributes":{"type":"Account","referenceId":"a1"},"Name":"Acme",
		"Contacts":{"records":[{"attributes":{"type":"Contact","referenceId":"c1"},"LastName":"Doe"}]}}]}`)
	ok := decode[answer](t, b)
	if ok.HasErrors || len(ok.Results) != 2 || ok.Results[0].ReferenceID != "a1" || ok.Results[1].ReferenceID != "c1" {
		t.Fatalf("tree answer %s", b)
	}
	if b := c.expect(http.StatusOK, "GET", v+"/sobjects/Contact/"+ok.Results[1].ID, ""); decode[struct{ AccountId string }](t, b) != (struct{ AccountId string }{ok.Results[0].ID}) {
		t.Errorf("contact %s, want AccountId %s", b, ok.Results[0].ID)
	}

	b = c.expect(http.StatusBadRequest, "POST", path, `{"records":[{"attributes":{"type":"Account","referenceId":"a1"},"Name":"Initech",
		"Contacts":{"records":[{"attributes":{"type":"Contact","referenceId":"c1"},"FirstName":"no last name"}]}}]}`)
	failed := decode[answer](t, b)
	if !failed.HasErrors || len(failed.Results) != 1 || failed.Results[0].ReferenceID != "c1" || len(failed.Results[0].Errors) != 1 ||
		failed.Results[0].Errors[0].StatusCode != "REQUIRED_FIELD_MISSING" {
		t.Fatalf("failed tree answer %s", b)
	}
	if org.Count("Account") != 1 || org.Count("Contact") != 1 {
		t.Errorf("a failed tree left records: %d accounts, %d contacts", org.Count("Account"), org.Count("Contact"))
	}
}
