package sobjects_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/oapi-codegen/nullable"

	"github.com/typedforce/typedforce/sampleorg"
	"github.com/typedforce/typedforce/sobjects"
)

// collectionBody is what sObject Collections receive.
type collectionBody struct {
	AllOrNone bool             `json:"allOrNone"`
	Records   []map[string]any `json:"records"`
}

func TestCreateManyChunksBy200(t *testing.T) {
	c, mock := newClient(t)
	var mu sync.Mutex
	var sizes []int
	next := 0
	mock.RegisterResponder("POST", base+"/composite/sobjects", func(req *http.Request) (*http.Response, error) {
		var body collectionBody
		if err := json.Unmarshal([]byte(readBody(t, req)), &body); err != nil {
			t.Fatal(err)
		}
		if !body.AllOrNone {
			t.Error("allOrNone not sent")
		}
		mu.Lock()
		defer mu.Unlock()
		sizes = append(sizes, len(body.Records))
		var results []string
		for _, r := range body.Records {
			if attrs, _ := r["attributes"].(map[string]any); attrs["type"] != "Contact" || len(attrs) != 1 {
				t.Errorf("attributes = %v", r["attributes"])
			}
			if r["LastName"] != fmt.Sprintf("L%d", next) {
				t.Errorf("record %d out of order: %v", next, r["LastName"])
			}
			if next%100 == 7 {
				results = append(results, `{"success":false,"errors":[{"statusCode":"DUPLICATES_DETECTED","message":"Use one of these records?","fields":[]}]}`)
			} else {
				results = append(results, fmt.Sprintf(`{"id":"003xx%013dAAA","success":true,"errors":[]}`, next))
			}
			next++
		}
		return sfResponse(200, "["+strings.Join(results, ",")+"]"), nil
	})
	recs := make([]sampleorg.ContactCreate, 450)
	for i := range recs {
		recs[i].LastName = fmt.Sprintf("L%d", i)
	}
	res, err := sobjects.CreateMany(testCtx(t), c, recs, sobjects.AllOrNone(true))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(sizes) != "[200 200 50]" || len(res) != 450 {
		t.Fatalf("chunks %v, %d results", sizes, len(res))
	}
	for i, r := range res {
		if i%100 == 7 {
			if r.Success || r.ID != "" || !errors.Is(r.Err(), sobjects.ErrDuplicatesDetected) {
				t.Errorf("result %d = %+v", i, r)
			}
			continue
		}
		if !r.Success || !r.Created || r.ID != fmt.Sprintf("003xx%013dAAA", i) || r.Err() != nil {
			t.Errorf("result %d = %+v", i, r)
		}
	}
	for i := range recs {
		if recs[i].Attributes != nil {
			t.Fatal("the caller's record was changed")
		}
	}
}

func TestUpdateManyAndAllOrNone(t *testing.T) {
	c, mock := newClient(t)
	mock.RegisterResponder("PATCH", base+"/composite/sobjects", func(req *http.Request) (*http.Response, error) {
		want := `{"allOrNone":false,"records":[` +
			`{"id":"` + acctID + `","Phone":null,"attributes":{"type":"Account"}},` +
			`{"id":"` + acctID2 + `","Name":"B","attributes":{"type":"Account"}}]}`
		if got := readBody(t, req); got != want {
			t.Errorf("body\n got %s\nwant %s", got, want)
		}
		return sfResponse(200, `[{"id":"`+acctID+`","success":true,"errors":[]},`+
			`{"id":"`+acctID2+`","success":false,"errors":[{"statusCode":"ALL_OR_NONE_OPERATION_ROLLED_BACK","message":"Record rolled back because not all records were valid and the request was using AllOrNone header","fields":[]}]}]`), nil
	})
	b := "B"
	res, err := sobjects.UpdateMany(testCtx(t), c, []sobjects.Patch[sampleorg.AccountUpdate]{
		{ID: acctID, Record: sampleorg.AccountUpdate{Phone: nullable.NewNullNullable[string]()}},
		{ID: acctID2, Record: sampleorg.AccountUpdate{Name: &b}},
	})
	if err != nil || len(res) != 2 || !res[0].Success || res[0].Created {
		t.Fatalf("UpdateMany = %+v, %v", res, err)
	}
	var e *sobjects.Error
	if err := res[1].Err(); !errors.Is(err, sobjects.ErrAllOrNoneRolledBack) || !errors.As(err, &e) || e.StatusCode != 0 {
		t.Fatalf("rolled back record: %v", err)
	}
}

func TestUpsertMany(t *testing.T) {
	c, mock := newClient(t)
	mock.RegisterResponder("PATCH", base+"/composite/sobjects/Widget__c/External_Id__c", func(req *http.Request) (*http.Response, error) {
		var body collectionBody
		if err := json.Unmarshal([]byte(readBody(t, req)), &body); err != nil || len(body.Records) != 2 || body.Records[1]["External_Id__c"] != "W-2" {
			t.Errorf("body %+v, %v", body, err)
		}
		return sfResponse(200, `[{"id":"a01xx0000001AAAAA2","success":true,"errors":[],"created":true},{"id":"a01xx0000001AAAAA3","success":true,"errors":[],"created":false}]`), nil
	})
	w1, w2 := "W-1", "W-2"
	res, err := sobjects.UpsertMany(testCtx(t), c, "External_Id__c", []*sampleorg.WidgetCCreate{{ExternalIdC: &w1}, {ExternalIdC: &w2}})
	if err != nil || len(res) != 2 || !res[0].Created || res[1].Created {
		t.Fatalf("UpsertMany = %+v, %v", res, err)
	}
}

func TestDeleteMany(t *testing.T) {
	c, mock := newClient(t)
	var requests []string
	mock.RegisterResponder("DELETE", base+"/composite/sobjects", func(req *http.Request) (*http.Response, error) {
		q := req.URL.Query()
		ids := strings.Split(q.Get("ids"), ",")
		requests = append(requests, fmt.Sprintf("%d/%s", len(ids), q.Get("allOrNone")))
		var results []string
		for _, id := range ids {
			results = append(results, `{"id":"`+id+`","success":true,"errors":[]}`)
		}
		return sfResponse(200, "["+strings.Join(results, ",")+"]"), nil
	})
	ids := make([]string, 201)
	for i := range ids {
		ids[i] = fmt.Sprintf("001xx%010dAAA", i)
	}
	res, err := sobjects.DeleteMany(testCtx(t), c, ids)
	if err != nil || len(res) != 201 || res[200].ID != ids[200] || fmt.Sprint(requests) != "[200/false 1/false]" {
		t.Fatalf("DeleteMany: %d results, %v, requests %v", len(res), err, requests)
	}
}

func TestCollectionsFailures(t *testing.T) {
	c, mock := newClient(t)
	n := 0
	mock.RegisterResponder("POST", base+"/composite/sobjects", func(req *http.Request) (*http.Response, error) {
		if n++; n == 2 {
			return sfResponse(400, `[{"message":"Json Deserialization failed on token 'attributes'","errorCode":"JSON_PARSER_ERROR"}]`), nil
		}
		return sfResponse(200, "["+strings.TrimSuffix(strings.Repeat(`{"id":"003xx000004TmiQAAS","success":true,"errors":[]},`, 200), ",")+"]"), nil
	})
	recs := make([]sampleorg.ContactCreate, 300)
	res, err := sobjects.CreateMany(testCtx(t), c, recs)
	if len(res) != 200 || !errors.Is(err, sobjects.ErrJSONParser) {
		t.Fatalf("%d results, %v; want the first chunk's 200 and the second's error", len(res), err)
	}

	// A response with fewer results than records is an error, not a short slice.
	mock.RegisterResponder("POST", base+"/composite/sobjects", respond(200, `[{"id":"003xx000004TmiQAAS","success":true,"errors":[]}]`))
	if _, err := sobjects.CreateMany(testCtx(t), c, recs[:2]); !errors.Is(err, sobjects.ErrMalformedResponse) {
		t.Fatalf("short results: %v", err)
	}
	if res, err := sobjects.CreateMany(testCtx(t), c, []sampleorg.ContactCreate{}); len(res) != 0 || err != nil {
		t.Fatalf("no records: %v, %v", res, err)
	}
	if _, err := sobjects.CreateMany(testCtx(t), c, []*sampleorg.ContactCreate{nil}); err == nil {
		t.Fatal("nil record accepted")
	}
}
