package sftest_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/typedforce/typedforce/sampleorg"
	"github.com/typedforce/typedforce/sftest"
	"github.com/typedforce/typedforce/sobjects"
)

// TestCreateTree creates accounts with nested contacts and cases in one
// call, and maps the ids back to the nodes; a failing record creates
// nothing.
func TestCreateTree(t *testing.T) {
	ctx := testCtx(t)
	org := sftest.NewOrg(t)
	c := org.Client()
	con := sobjects.Node(sampleorg.ContactCreate{LastName: "Doe"})
	acct := sobjects.Node(sampleorg.AccountCreate{Name: "Acme"},
		sobjects.Children("Contacts", con, sobjects.Node(sampleorg.ContactCreate{LastName: "Roe"})),
		sobjects.Children("ChildAccounts", sobjects.Node(sampleorg.AccountCreate{Name: "Acme EU"})))
	other := sobjects.Node(sampleorg.AccountCreate{Name: "Globex"})
	org.ResetStats()
	if err := sobjects.CreateTree(ctx, c, []*sobjects.TreeNode{acct, other}); err != nil {
		t.Fatal(err)
	}
	if n := org.Stats().APIRequests; n != 1 {
		t.Errorf("%d requests", n)
	}
	got, err := sftest.Read[sampleorg.Contact](org, con.ID())
	if err != nil || *got.LastName != "Doe" || *got.AccountId != acct.ID() {
		t.Fatalf("contact %+v, %v (account %s)", got, err, acct.ID())
	}
	if org.Count("Account") != 3 || org.Count("Contact") != 2 || other.ID() == "" {
		t.Errorf("accounts %d contacts %d", org.Count("Account"), org.Count("Contact"))
	}

	bad := sobjects.Node(sampleorg.AccountCreate{Name: "Initech"},
		sobjects.Children("Contacts", sobjects.Node(sampleorg.ContactCreate{FirstName: new("no last name")})))
	err = sobjects.CreateTree(ctx, c, []*sobjects.TreeNode{bad})
	var ce *sobjects.CompositeError
	if !errors.As(err, &ce) || !errors.Is(err, sobjects.ErrRequiredFieldMissing) || !strings.Contains(ce.Failed[0].Op, "Contact (ref2)") {
		t.Fatalf("failing tree: %v", err)
	}
	if org.Count("Account") != 3 || bad.ID() != "" {
		t.Errorf("the failing tree left records: %d accounts", org.Count("Account"))
	}
}

// TestCreateTreeLimits: 201 records, 6 levels, 6 types and mixed roots
// are refused before anything is sent.
func TestCreateTreeLimits(t *testing.T) {
	ctx := testCtx(t)
	org := sftest.NewOrg(t)
	many := make([]*sobjects.TreeNode, 201)
	for i := range many {
		many[i] = sobjects.Node(sampleorg.AccountCreate{Name: "x"})
	}
	deep := sobjects.Node(sampleorg.AccountCreate{Name: "x"})
	for range 5 {
		deep = sobjects.Node(sampleorg.AccountCreate{Name: "x"}, sobjects.Children("ChildAccounts", deep))
	}
	cases := map[string][]*sobjects.TreeNode{
		"201 records": many,
		"6 levels":    {deep},
		"mixed roots": {sobjects.Node(sampleorg.AccountCreate{Name: "x"}), sobjects.Node(sampleorg.ContactCreate{LastName: "y"})},
		"6 types": {sobjects.Node(sampleorg.AccountCreate{Name: "x"},
			sobjects.Children("A", sobjects.Node(sampleorg.ContactCreate{LastName: "y"})),
			sobjects.Children("B", sobjects.Node(sampleorg.CaseCreate{})),
			sobjects.Children("C", sobjects.Node(sampleorg.LeadCreate{})),
			sobjects.Children("D", sobjects.Node(sampleorg.OpportunityCreate{})),
			sobjects.Children("E", sobjects.Node(sampleorg.TaskCreate{})))},
		"none": nil,
	}
	for name, roots := range cases {
		org.ResetStats()
		if err := sobjects.CreateTree(ctx, org.Client(), roots); !errors.Is(err, sobjects.ErrInvalidArgument) {
			t.Errorf("%s: %v", name, err)
		}
		if n := org.Stats().APIRequests; n != 0 {
			t.Errorf("%s: %d requests sent", name, n)
		}
	}
}

// TestGraphs sends two graphs in one call: the failing one saves nothing,
// the other is saved whole.
func TestGraphs(t *testing.T) {
	ctx := testCtx(t)
	org := sftest.NewOrg(t)
	good := &sobjects.Graph{ID: "good"}
	a := sobjects.AddCreate(good, sampleorg.AccountCreate{Name: "Acme"})
	con := sobjects.AddCreate(good, sampleorg.ContactCreate{LastName: "Doe", AccountId: new(a.Ref("id"))})
	bad := &sobjects.Graph{ID: "bad"}
	b := sobjects.AddCreate(bad, sampleorg.AccountCreate{Name: "Globex"})
	sobjects.AddCreate(bad, sampleorg.ContactCreate{AccountId: new(b.Ref("id"))})
	org.ResetStats()
	err := sobjects.SendGraphs(ctx, org.Client(), good, bad)
	if !errors.Is(err, sobjects.ErrRequiredFieldMissing) {
		t.Fatalf("SendGraphs: %v", err)
	}
	if _, err := b.Result(); !errors.Is(err, sobjects.ErrProcessingHalted) {
		t.Errorf("node of the failed graph: %v", err)
	}
	conID, err := con.Result()
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := sftest.Read[sampleorg.Contact](org, conID); got.AccountId == nil || *got.AccountId != resultOf(t, a) {
		t.Errorf("contact %+v", got)
	}
	if org.Count("Account") != 1 || org.Stats().APIRequests != 1 {
		t.Errorf("accounts %d, requests %d", org.Count("Account"), org.Stats().APIRequests)
	}

	big := &sobjects.Graph{}
	for range 501 {
		sobjects.AddCreate(big, sampleorg.AccountCreate{Name: "x"})
	}
	deep := &sobjects.Graph{}
	prev := sobjects.AddCreate(deep, sampleorg.AccountCreate{Name: "x"})
	for range 15 {
		prev = sobjects.AddCreate(deep, sampleorg.AccountCreate{Name: "x", ParentId: new(prev.Ref("id"))})
	}
	for name, g := range map[string]*sobjects.Graph{"501 nodes": big, "depth 16": deep, "empty": {}} {
		if err := sobjects.SendGraphs(ctx, org.Client(), g); !errors.Is(err, sobjects.ErrInvalidArgument) {
			t.Errorf("%s: %v", name, err)
		}
	}
	full := &sobjects.Graph{}
	for range 500 {
		sobjects.AddCreate(full, sampleorg.AccountCreate{Name: "x"})
	}
	if err := sobjects.SendGraphs(ctx, org.Client(), full); err != nil {
		t.Fatalf("500 nodes: %v", err)
	}
}

func resultOf[T any](t *testing.T, s *sobjects.Subrequest[T]) T {
	t.Helper()
	v, err := s.Result()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestApexREST calls routes a test registers on the fake org through
// sobjects.Call, and the errors of unknown routes and methods.
func TestApexREST(t *testing.T) {
	ctx := testCtx(t)
	org := sftest.NewOrg(t)
	org.HandleApex("POST", "/orders/*", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in struct{ SKU string }
		_ = json.NewDecoder(r.Body).Decode(&in)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(map[string]string{"id": strings.TrimPrefix(r.URL.Path, "/services/apexrest/orders/"), "sku": in.SKU})
	}))
	c := org.Client()
	type order struct{ ID, SKU string }
	if _, err := sobjects.Call[order](ctx, c, "POST", "/services/apexrest/orders/1", nil); err != nil {
		t.Fatal(err)
	}
	org.ExpireSession()
	org.ResetStats()
	o, err := sobjects.Call[order](ctx, c, "POST", "/services/apexrest/orders/42", map[string]string{"SKU": "A-1"})
	if err != nil || o.ID != "42" || o.SKU != "A-1" {
		t.Fatalf("%+v, %v", o, err)
	}
	if st := org.Stats(); st.Requests[sftest.EndpointApex] != 2 || st.TokenRequests != 1 {
		t.Errorf("stats %+v: want the call rejected once, one refresh, one retry", st)
	}
	_, err = sobjects.Call[order](ctx, c, "GET", "/services/apexrest/orders/42", nil)
	var se *sobjects.Error
	if !errors.As(err, &se) || se.StatusCode != 405 || se.Code != "METHOD_NOT_ALLOWED" {
		t.Errorf("GET: %v", err)
	}
	if _, err = sobjects.Call[order](ctx, c, "GET", "/services/apexrest/nothing", nil); !errors.Is(err, sobjects.ErrNotFound) {
		t.Errorf("unknown route: %v", err)
	}
}

// countingOpen counts how often a blob is opened.
func countingOpen(data []byte, opens *atomic.Int32) sobjects.BlobContent {
	b := sobjects.BlobFromReaderAt("data.bin", bytes.NewReader(data), int64(len(data)))
	open := b.Open
	b.Open = func() (io.ReadCloser, error) { opens.Add(1); return open() }
	return b
}

// TestBlobUploadDownload uploads a blob as multipart and streams it back;
// an expiry under the upload refreshes once and sends it again, once.
func TestBlobUploadDownload(t *testing.T) {
	ctx := testCtx(t)
	org := sftest.NewOrg(t)
	c := org.Client()
	data := bytes.Repeat([]byte("typedforce\x00\xff"), 100_000)
	var opens atomic.Int32
	if _, err := sobjects.Create(ctx, c, sampleorg.AccountCreate{Name: "warm-up"}); err != nil {
		t.Fatal(err)
	}
	org.ExpireSession()
	org.ResetStats()
	id, err := sobjects.UploadBlob(ctx, c, sampleorg.WidgetCCreate{Name: new("w")}, "Attachment_Data__c", countingOpen(data, &opens))
	if err != nil {
		t.Fatal(err)
	}
	if st := org.Stats(); st.TokenRequests != 1 || st.Requests[sftest.EndpointCreate] != 2 || opens.Load() != 2 || org.Count("Widget__c") != 1 {
		t.Errorf("stats %+v, opens %d, widgets %d: want one refresh and one replay", st, opens.Load(), org.Count("Widget__c"))
	}
	var got bytes.Buffer
	n, err := sobjects.DownloadBlob[sampleorg.WidgetC](ctx, c, id, "Attachment_Data__c", &got)
	if err != nil || n != int64(len(data)) || !bytes.Equal(got.Bytes(), data) {
		t.Fatalf("download: %d bytes, %v", n, err)
	}

	short := sobjects.BlobFromReaderAt("x", bytes.NewReader(data[:10]), 20)
	if _, err := sobjects.UploadBlob(ctx, c, sampleorg.WidgetCCreate{Name: new("w")}, "Attachment_Data__c", short); err == nil {
		t.Error("a blob shorter than its Size was uploaded")
	}
	org.ResetStats()
	huge := sobjects.BlobContent{Size: sobjects.MaxBlob + 1, Open: func() (io.ReadCloser, error) { panic("opened") }}
	if _, err := sobjects.UploadBlob(ctx, c, sampleorg.WidgetCCreate{}, "Attachment_Data__c", huge); !errors.Is(err, sobjects.ErrInvalidArgument) {
		t.Errorf("over the limit: %v", err)
	}
	if _, err := sobjects.UploadBlob(ctx, c, sampleorg.WidgetCCreate{}, "Attachment_Data__c", sobjects.BlobContent{Size: 1}); !errors.Is(err, sobjects.ErrInvalidArgument) {
		t.Errorf("no Open: %v", err)
	}
	if org.Stats().APIRequests != 0 {
		t.Error("a refused upload was sent")
	}
}

// TestGetUpdatedDeleted reads the fake org's change log through
// getUpdated and getDeleted, and refuses windows Salesforce refuses.
func TestGetUpdatedDeleted(t *testing.T) {
	ctx := testCtx(t)
	var now atomic.Pointer[time.Time]
	t0 := time.Now().UTC().Truncate(time.Minute)
	now.Store(&t0)
	org := sftest.NewOrg(t, sftest.WithClock(func() time.Time { return *now.Load() }))
	c := org.Client()
	kept, err := sobjects.Create(ctx, c, sampleorg.AccountCreate{Name: "kept"})
	if err != nil {
		t.Fatal(err)
	}
	gone, err := sobjects.Create(ctx, c, sampleorg.AccountCreate{Name: "gone"})
	if err != nil {
		t.Fatal(err)
	}
	t1 := t0.Add(2 * time.Minute)
	now.Store(&t1)
	if err := sobjects.Delete[sampleorg.Account](ctx, c, gone); err != nil {
		t.Fatal(err)
	}
	up, err := sobjects.GetUpdated[sampleorg.Account](ctx, c, t0.Add(-time.Hour), t0.Add(time.Hour))
	if err != nil || len(up.IDs) != 1 || up.IDs[0] != kept || up.LatestDateCovered.IsZero() {
		t.Fatalf("updated %+v, %v", up, err)
	}
	del, err := sobjects.GetDeleted[sampleorg.Account](ctx, c, t0.Add(time.Minute), t0.Add(time.Hour))
	if err != nil || len(del.Records) != 1 || del.Records[0].ID != gone || !del.Records[0].DeletedDate.Equal(t1) {
		t.Fatalf("deleted %+v, %v", del, err)
	}
	org.ResetStats()
	bad := map[string][2]time.Time{
		"end before start":    {t0, t0.Add(-time.Hour)},
		"same minute":         {t0.Add(5 * time.Second), t0.Add(40 * time.Second)},
		"31 days back":        {t0.AddDate(0, 0, -32), t0},
		"zero":                {{}, t0},
		"deleted 16 days ago": {t0.AddDate(0, 0, -17), t0},
	}
	for name, w := range bad {
		var err error
		if strings.HasPrefix(name, "deleted") {
			_, err = sobjects.GetDeleted[sampleorg.Account](ctx, c, w[0], w[1])
		} else {
			_, err = sobjects.GetUpdated[sampleorg.Account](ctx, c, w[0], w[1])
		}
		if !errors.Is(err, sobjects.ErrInvalidArgument) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := sobjects.GetUpdated[sampleorg.Account](ctx, c, t0.AddDate(0, 0, -20), t0); err != nil {
		t.Errorf("20 days back: %v", err)
	}
	if n := org.Stats().APIRequests; n != 1 {
		t.Errorf("%d requests: refused windows were sent", n)
	}
}

// TestSearch runs SOSL built with sobjects.SOSL against the fake org's
// subset and decodes the records by type; constructs outside the subset
// are answered with MALFORMED_SEARCH naming them.
func TestSearch(t *testing.T) {
	ctx := testCtx(t)
	org := sftest.NewOrg(t)
	c := org.Client()
	for _, name := range []string{"Acme (EU) Ltd.", "Acme Inc", "Globex"} {
		if _, err := sobjects.Create(ctx, c, sampleorg.AccountCreate{Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := sobjects.Create(ctx, c, sampleorg.ContactCreate{LastName: "Acme-Smith", Email: new("a@acme.example")}); err != nil {
		t.Fatal(err)
	}
	q, err := sobjects.SOSL("FIND {%s} IN ALL FIELDS RETURNING Account(Id, Name), Contact(Id, LastName)", "Acme (EU)")
	if err != nil {
		t.Fatal(err)
	}
	res, err := sobjects.Search(ctx, c, q)
	if err != nil {
		t.Fatal(err)
	}
	accts, err := sobjects.SearchRecords[sampleorg.Account](res)
	if err != nil || len(accts) != 1 || *accts[0].Name != "Acme (EU) Ltd." {
		t.Fatalf("%q: %+v, %v", q, accts, err)
	}
	q, _ = sobjects.SOSL("FIND {%s*} RETURNING Account(Name), Contact(LastName, Email)", "acme")
	res, err = sobjects.Search(ctx, c, q)
	if err != nil {
		t.Fatal(err)
	}
	cons, _ := sobjects.SearchRecords[sampleorg.Contact](res)
	accts, _ = sobjects.SearchRecords[sampleorg.Account](res)
	if len(accts) != 2 || len(cons) != 1 || *cons[0].Email != "a@acme.example" || res.Len() != 3 {
		t.Errorf("accounts %d, contacts %d, types %v", len(accts), len(cons), res.Types())
	}
	// LIMIT caps the records of all RETURNING objects together.
	res, err = sobjects.Search(ctx, c, "FIND {acme*} RETURNING Account(Name), Contact(LastName) LIMIT 2")
	if err != nil {
		t.Fatal(err)
	}
	if res.Len() != 2 || len(res.Types()) != 1 {
		t.Errorf("LIMIT 2: %d records, types %v", res.Len(), res.Types())
	}
	for construct, sosl := range map[string]string{
		"WHERE":      "FIND {acme} RETURNING Account(Name WHERE Name = 'x')",
		"OR":         "FIND {acme OR globex} RETURNING Account(Name)",
		"WITH":       "FIND {acme} RETURNING Account(Name) WITH SNIPPET",
		"IN SIDEBAR": "FIND {acme} IN SIDEBAR FIELDS RETURNING Account",
	} {
		_, err := sobjects.Search(ctx, c, sosl)
		var se *sobjects.Error
		if !errors.As(err, &se) || se.Code != "MALFORMED_SEARCH" || !strings.Contains(se.Message, strings.Fields(construct)[len(strings.Fields(construct))-1]) {
			t.Errorf("%s: %v", construct, err)
		}
	}
}
