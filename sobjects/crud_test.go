package sobjects_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/oapi-codegen/nullable"

	"github.com/typedforce/typedforce/sampleorg"
	"github.com/typedforce/typedforce/sampleorg/picklists"
	"github.com/typedforce/typedforce/sobjects"
	"github.com/typedforce/typedforce/sobjects/sftype"
)

func TestGet(t *testing.T) {
	c, mock := newClient(t)
	mock.RegisterResponder("GET", base+"/sobjects/Account/"+acctID, func(req *http.Request) (*http.Response, error) {
		if got := req.URL.Query().Get("fields"); got != "Id,Name,Owner.Name" {
			t.Errorf("fields = %q", got)
		}
		if got := req.Header.Get("Authorization"); got != "Bearer "+token {
			t.Errorf("Authorization = %q", got)
		}
		if got := req.Header.Get("User-Agent"); got != "typedforce-go" {
			t.Errorf("User-Agent = %q", got)
		}
		return sfResponse(200, accountJSON(acctID, "Acme")), nil
	})
	acc, err := sobjects.Get[sampleorg.Account](testCtx(t), c, acctID,
		sobjects.Fields("Id", "Name", "Owner.Name"))
	if err != nil {
		t.Fatal(err)
	}
	if *acc.Name != "Acme" || *acc.Id != acctID || *acc.NumberOfEmployees != 120 || *acc.AnnualRevenue != 1.5e6 {
		t.Errorf("decoded %+v", acc)
	}
	if acc.Phone != nil {
		t.Errorf("null Phone decoded as %q", *acc.Phone)
	}
	if want := time.Date(2013, 5, 20, 20, 49, 32, 0, time.UTC); !acc.CreatedDate.Equal(want) {
		t.Errorf("CreatedDate = %v", acc.CreatedDate)
	}
	if *acc.LastActivityDate != (sftype.Date{Year: 2024, Month: 1, Day: 31}) {
		t.Errorf("LastActivityDate = %v", acc.LastActivityDate)
	}
	if acc.Owner == nil || *acc.Owner.Name != "Ada Admin" || acc.Owner.Attributes.Type != "User" {
		t.Errorf("Owner = %+v", acc.Owner)
	}
}

func TestGetNotFound(t *testing.T) {
	c, mock := newClient(t)
	mock.RegisterResponder("GET", base+"/sobjects/Account/"+acctID,
		respond(404, `[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]`))
	_, err := sobjects.Get[sampleorg.Account](testCtx(t), c, acctID)
	if !errors.Is(err, sobjects.ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	var e *sobjects.Error
	if !errors.As(err, &e) || e.StatusCode != 404 || e.Code != "NOT_FOUND" || e.Message != "The requested resource does not exist" || e.Op != "get Account" {
		t.Fatalf("error = %#v", e)
	}
	if got, want := err.Error(), "sobjects: get Account: 404 NOT_FOUND: The requested resource does not exist"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if errors.Is(err, sobjects.ErrInvalidField) {
		t.Error("NOT_FOUND matches ErrInvalidField")
	}
}

func TestInvalidArguments(t *testing.T) {
	c, mock := newClient(t)
	ctx := testCtx(t)
	type noTag struct{ Name string }
	for name, call := range map[string]func() error{
		"short id":      func() error { _, err := sobjects.Get[sampleorg.Account](ctx, c, "001"); return err },
		"traversal id":  func() error { _, err := sobjects.Get[sampleorg.Account](ctx, c, "../../../limits/"); return err },
		"delete id":     func() error { return sobjects.Delete[sampleorg.Account](ctx, c, "001xx000003DGb2AA/") },
		"update id":     func() error { return sobjects.Update(ctx, c, "", sampleorg.AccountUpdate{}) },
		"untagged type": func() error { _, err := sobjects.Get[noTag](ctx, c, acctID); return err },
		"map type":      func() error { _, err := sobjects.Create(ctx, c, map[string]any{"Name": "x"}); return err },
		"bad field": func() error {
			_, err := sobjects.Get[sampleorg.Account](ctx, c, acctID, sobjects.Fields("Name,Id"))
			return err
		},
		"ext id dotdot": func() error {
			_, err := sobjects.GetByExternalID[sampleorg.WidgetC](ctx, c, "External_Id__c", "..")
			return err
		},
		"ext field": func() error {
			_, err := sobjects.GetByExternalID[sampleorg.WidgetC](ctx, c, "External_Id__c/x", "1")
			return err
		},
		"batch size": func() error {
			_, err := sobjects.Count(ctx, c, "SELECT COUNT() FROM Account", sobjects.BatchSize(10))
			return err
		},
		"auth header": func() error {
			return sobjects.Delete[sampleorg.Account](ctx, c, acctID, sobjects.Header("authorization", "x"))
		},
		"update many ids": func() error {
			_, err := sobjects.UpdateMany(ctx, c, []sobjects.Patch[sampleorg.AccountUpdate]{{ID: "x"}})
			return err
		},
	} {
		if err := call(); !errors.Is(err, sobjects.ErrInvalidArgument) {
			t.Errorf("%s: err = %v, want ErrInvalidArgument", name, err)
		}
	}
	if n := mock.GetTotalCallCount(); n != 0 {
		t.Errorf("%d requests sent for invalid arguments", n)
	}
}

func TestGetByExternalID(t *testing.T) {
	c, mock := newClient(t)
	mock.RegisterResponder("GET", base+"/sobjects/Widget__c/External_Id__c/W%2F1%20x",
		respond(200, `{"attributes":{"type":"Widget__c","url":"/services/data/v67.0/sobjects/Widget__c/a01xx0000001AAAAA2"},"Id":"a01xx0000001AAAAA2","External_Id__c":"W/1 x","Colors__c":"four;six"}`))
	mock.RegisterResponder("GET", base+"/sobjects/Widget__c/External_Id__c/dup",
		respond(300, `["/services/data/v67.0/sobjects/Widget__c/a01xx0000001AAAAA2","/services/data/v67.0/sobjects/Widget__c/a01xx0000001AAAAA3"]`))
	w, err := sobjects.GetByExternalID[sampleorg.WidgetC](testCtx(t), c, "External_Id__c", "W/1 x")
	if err != nil {
		t.Fatal(err)
	}
	if *w.ExternalIdC != "W/1 x" || !w.ColorsC.Contains("six") {
		t.Errorf("decoded %+v", w)
	}
	_, err = sobjects.GetByExternalID[sampleorg.WidgetC](testCtx(t), c, "External_Id__c", "dup")
	var mm *sobjects.MultipleMatchesError
	if !errors.As(err, &mm) || len(mm.URLs) != 2 || !errors.Is(err, sobjects.ErrMultipleMatches) {
		t.Fatalf("err = %v, want 2 matches", err)
	}
}

func TestCreate(t *testing.T) {
	c, mock := newClient(t)
	mock.RegisterResponder("POST", base+"/sobjects/Account", func(req *http.Request) (*http.Response, error) {
		if ct := req.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type = %q", ct)
		}
		var body map[string]any
		if err := json.Unmarshal([]byte(readBody(t, req)), &body); err != nil {
			t.Error(err)
		}
		if len(body) != 2 || body["Name"] != "Acme" || body["Industry"] != "Banking" {
			t.Errorf("body = %v", body)
		}
		return sfResponse(201, `{"id":"`+acctID+`","success":true,"errors":[]}`), nil
	})
	industry := picklists.AccountIndustryValueBanking
	id, err := sobjects.Create(testCtx(t), c, sampleorg.AccountCreate{Name: "Acme", Industry: &industry})
	if err != nil || id != acctID {
		t.Fatalf("Create = %q, %v", id, err)
	}
}

func TestCreateRequiredFieldMissing(t *testing.T) {
	c, mock := newClient(t)
	mock.RegisterResponder("POST", base+"/sobjects/Contact",
		respond(400, `[{"message":"Required fields are missing: [LastName]","errorCode":"REQUIRED_FIELD_MISSING","fields":["LastName"]}]`))
	_, err := sobjects.Create(testCtx(t), c, &sampleorg.ContactCreate{})
	var e *sobjects.Error
	if !errors.Is(err, sobjects.ErrRequiredFieldMissing) || !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0] != "LastName" {
		t.Fatalf("err = %v", err)
	}
}

func TestUpdateSendsExplicitNulls(t *testing.T) {
	c, mock := newClient(t)
	mock.RegisterResponder("PATCH", base+"/sobjects/Account/"+acctID, func(req *http.Request) (*http.Response, error) {
		if got, want := readBody(t, req), `{"Name":"Acme 2","Phone":null}`; got != want {
			t.Errorf("body = %s, want %s", got, want)
		}
		return sfResponse(204, ""), nil
	})
	name := "Acme 2"
	upd := sampleorg.AccountUpdate{Name: &name, Phone: nullable.NewNullNullable[string]()}
	if err := sobjects.Update(testCtx(t), c, acctID, upd); err != nil {
		t.Fatal(err)
	}
}

func TestUpsert(t *testing.T) {
	c, mock := newClient(t)
	path := base + "/sobjects/Widget__c/External_Id__c/"
	mock.RegisterResponder("PATCH", path+"new", respond(201, `{"id":"a01xx0000001AAAAA2","success":true,"errors":[],"created":true}`))
	mock.RegisterResponder("PATCH", path+"old", respond(200, `{"id":"a01xx0000001AAAAA3","success":true,"errors":[],"created":false}`))
	mock.RegisterResponder("PATCH", path+"v45", respond(204, ``))
	mock.RegisterResponder("PATCH", path+"dup",
		respond(300, `["/services/data/v67.0/sobjects/Widget__c/a01xx0000001AAAAA2","/services/data/v67.0/sobjects/Widget__c/a01xx0000001AAAAA3"]`))
	mock.RegisterResponder("PATCH", path+"only", func(req *http.Request) (*http.Response, error) {
		if req.URL.Query().Get("updateOnly") != "true" {
			t.Error("updateOnly not sent")
		}
		return sfResponse(404, `[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]`), nil
	})
	ctx := testCtx(t)
	name := "Sprocket"
	rec := sampleorg.WidgetCCreate{Name: &name}
	for value, want := range map[string]sobjects.UpsertResult{
		"new": {ID: "a01xx0000001AAAAA2", Created: true},
		"old": {ID: "a01xx0000001AAAAA3", Created: false},
		"v45": {},
	} {
		got, err := sobjects.Upsert(ctx, c, "External_Id__c", value, rec)
		if err != nil || got != want {
			t.Errorf("Upsert(%s) = %+v, %v; want %+v", value, got, err, want)
		}
	}
	_, err := sobjects.Upsert(ctx, c, "External_Id__c", "dup", rec)
	var mm *sobjects.MultipleMatchesError
	if !errors.As(err, &mm) || len(mm.URLs) != 2 || mm.URLs[1] != "/services/data/v67.0/sobjects/Widget__c/a01xx0000001AAAAA3" {
		t.Fatalf("err = %v, want MultipleMatchesError", err)
	}
	if _, err := sobjects.Upsert(ctx, c, "External_Id__c", "only", rec, sobjects.UpdateOnly()); !errors.Is(err, sobjects.ErrNotFound) {
		t.Fatalf("update only: err = %v", err)
	}
}

func TestDelete(t *testing.T) {
	c, mock := newClient(t)
	mock.RegisterResponder("DELETE", base+"/sobjects/Account/"+acctID, respond(204, ""))
	mock.RegisterResponder("DELETE", base+"/sobjects/Account/"+acctID2,
		respond(404, `[{"errorCode":"ENTITY_IS_DELETED","message":"entity is deleted","fields":[]}]`))
	if err := sobjects.Delete[sampleorg.Account](testCtx(t), c, acctID); err != nil {
		t.Fatal(err)
	}
	err := sobjects.Delete[sampleorg.Account](testCtx(t), c, acctID2)
	if !errors.Is(err, sobjects.ErrEntityIsDeleted) || errors.Is(err, sobjects.ErrNotFound) {
		t.Fatalf("err = %v, want ENTITY_IS_DELETED only", err)
	}
}
