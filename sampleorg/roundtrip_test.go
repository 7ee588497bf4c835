package sampleorg_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/oapi-codegen/nullable"

	"github.com/typedforce/typedforce/sampleorg"
	"github.com/typedforce/typedforce/sampleorg/picklists"
	"github.com/typedforce/typedforce/sobjects/sftype"
)

// widgetWire is a Widget__c record as the REST API returns it: attributes,
// datetimes with +0000, a date, a time, a multi-select picklist, compound
// address and location, nulls, a nested parent, a polymorphic owner and a
// child subquery.
const widgetWire = `{
  "attributes": {"type": "Widget__c", "url": "/services/data/v62.0/sobjects/Widget__c/a01xx000003DGb2AAG"},
  "Id": "a01xx000003DGb2AAG",
  "Name": "Sprocket",
  "CreatedDate": "2024-01-31T12:00:00.000+0000",
  "LastModifiedDate": "2024-02-01T08:30:15.250Z",
  "Due_Date__c": "2024-03-15",
  "Opening_Time__c": "09:30:00.000Z",
  "Colors__c": "Red;Blue",
  "Price__c": 1234.5,
  "Big_Count__c": 9007199254740993,
  "Is_Active__c": true,
  "IsActive__c": false,
  "Notes__c": null,
  "Status__c": "Active",
  "Any_Value__c": {"nested": [1, 2]},
  "Embedding__c": "0.1,0.2",
  "Attachment_Data__c": "/services/data/v62.0/sobjects/Widget__c/a01xx000003DGb2AAG/Attachment_Data__c",
  "Ship_To__c": {"city": "Paris", "country": null, "countryCode": "FR", "geocodeAccuracy": null,
                 "latitude": 48.8566, "longitude": 2.3522, "postalCode": "75001", "state": null, "stateCode": null, "street": "1 Rue de Rivoli"},
  "Site__c": {"latitude": 37.7749, "longitude": -122.4194},
  "Account__r": {"attributes": {"type": "Account", "url": "/services/data/v62.0/sobjects/Account/001xx000003DGb1AAG"}, "Name": "Acme"},
  "Parent_Widget__r": null,
  "Owner": {"attributes": {"type": "User", "url": "/services/data/v62.0/sobjects/User/005xx000001Sv6eAAC"}, "Name": "Ada", "Username": "ada@example.com"},
  "Child_Widgets__r": {"totalSize": 3, "done": false, "nextRecordsUrl": "/services/data/v62.0/query/01gxx0000000001-2000",
                       "records": [{"attributes": {"type": "Widget__c"}, "Name": "Child"}]}
}`

func TestReadShapeDecodesWireJSON(t *testing.T) {
	var w sampleorg.WidgetC
	if err := json.Unmarshal([]byte(widgetWire), &w); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if w.Attributes == nil || w.Attributes.Type != "Widget__c" {
		t.Errorf("attributes = %+v", w.Attributes)
	}
	if got := w.CreatedDate.UTC(); !got.Equal(time.Date(2024, 1, 31, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("CreatedDate = %v", got)
	}
	if got := w.LastModifiedDate.UTC(); !got.Equal(time.Date(2024, 2, 1, 8, 30, 15, 250e6, time.UTC)) {
		t.Errorf("LastModifiedDate = %v", got)
	}
	if *w.DueDateC != (sftype.Date{Year: 2024, Month: time.March, Day: 15}) {
		t.Errorf("Due_Date__c = %v", *w.DueDateC)
	}
	if *w.OpeningTimeC != (sftype.Time{Hour: 9, Minute: 30}) {
		t.Errorf("Opening_Time__c = %v", *w.OpeningTimeC)
	}
	if !w.ColorsC.Contains("Blue") || len(*w.ColorsC) != 2 {
		t.Errorf("Colors__c = %v", *w.ColorsC)
	}
	if *w.BigCountC != 9007199254740993 { // beyond float64's exact integers
		t.Errorf("Big_Count__c = %d", *w.BigCountC)
	}
	if *w.Is_Active__c != true || *w.IsActiveC != false {
		t.Errorf("Is_Active__c = %v, IsActive__c = %v: the colliding names swapped", *w.Is_Active__c, *w.IsActiveC)
	}
	if w.NotesC != nil {
		t.Errorf("null Notes__c decoded to %q", *w.NotesC)
	}
	if w.SummaryC != nil {
		t.Errorf("absent Summary__c decoded to %q", *w.SummaryC)
	}
	if *w.StatusC != picklists.WidgetCStatusCValueActive {
		t.Errorf("Status__c = %q", *w.StatusC)
	}
	if string(*w.AnyValueC) != `{"nested": [1, 2]}` {
		t.Errorf("Any_Value__c = %s", *w.AnyValueC)
	}
	if !strings.HasSuffix(*w.AttachmentDataC, "/Attachment_Data__c") {
		t.Errorf("base64 field should hold the blob URL, got %q", *w.AttachmentDataC)
	}
	if w.ShipToC == nil || *w.ShipToC.City != "Paris" || w.ShipToC.Country != nil || *w.ShipToC.Latitude != 48.8566 {
		t.Errorf("Ship_To__c = %+v", w.ShipToC)
	}
	if w.SiteC == nil || *w.SiteC.Longitude != -122.4194 {
		t.Errorf("Site__c = %+v", w.SiteC)
	}
	if w.AccountR == nil || *w.AccountR.Name != "Acme" || w.AccountR.Attributes.Type != "Account" {
		t.Errorf("Account__r = %+v", w.AccountR)
	}
	if w.ParentWidgetR != nil {
		t.Errorf("null parent decoded to %+v", w.ParentWidgetR)
	}
	if w.Owner.Type() != "User" {
		t.Errorf("Owner type = %q", w.Owner.Type())
	}
	var owner sampleorg.User
	if err := w.Owner.Decode(&owner); err != nil || *owner.Username != "ada@example.com" {
		t.Errorf("Owner.Decode = %+v, %v", owner, err)
	}
	kids := w.ChildWidgetsR
	if kids == nil || kids.Done || kids.TotalSize != 3 || len(kids.Records) != 1 || *kids.Records[0].Name != "Child" || kids.NextRecordsURL == "" {
		t.Errorf("Child_Widgets__r = %+v", kids)
	}
}

func TestReadShapeReencodesForSalesforce(t *testing.T) {
	var w sampleorg.WidgetC
	if err := json.Unmarshal([]byte(widgetWire), &w); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"CreatedDate":"2024-01-31T12:00:00.000Z"`,
		`"Due_Date__c":"2024-03-15"`,
		`"Opening_Time__c":"09:30:00.000Z"`,
		`"Colors__c":"Red;Blue"`,
		`"Big_Count__c":9007199254740993`,
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("re-encoded record lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), `"Notes__c"`) || strings.Contains(string(out), `"Summary__c"`) {
		t.Errorf("null and absent fields must not be re-sent:\n%s", out)
	}
	var back sampleorg.WidgetC
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatalf("re-encoded record does not decode: %v", err)
	}
	if !back.CreatedDate.Equal(w.CreatedDate.Time) || *back.DueDateC != *w.DueDateC {
		t.Error("round trip changed a value")
	}
}

func TestUpdateShapeSendsOnlyWhatIsSet(t *testing.T) {
	upd := sampleorg.WidgetCUpdate{
		Is_Active__c:     new(false), // not nillable: a plain optional pointer
		NotesC:           nullable.NewNullNullable[string](),
		DueDateC:         nullable.NewNullableWithValue(sftype.Date{Year: 2025, Month: time.July, Day: 4}),
		PriceC:           nullable.NewNullableWithValue(0.0), // a zero that must be sent
		ColorsC:          nullable.NewNullNullable[sftype.MultiPicklist](),
		StatusC:          nullable.NewNullableWithValue(picklists.WidgetCStatusCValueRetired),
		LastInspectedAtC: nullable.NewNullableWithValue(sftype.DateTimeOf(time.Date(2024, 5, 6, 7, 8, 9, 0, time.FixedZone("CEST", 2*3600)))),
	}
	out, err := json.Marshal(upd)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"Is_Active__c":         false,
		"Notes__c":             nil,
		"Due_Date__c":          "2025-07-04",
		"Price__c":             0.0,
		"Colors__c":            nil,
		"Status__c":            "Retired",
		"Last_Inspected_At__c": "2024-05-06T05:08:09.000Z",
	}
	if len(got) != len(want) {
		t.Errorf("update sent %d fields, want %d: %s", len(got), len(want), out)
	}
	for k, v := range want {
		if gv, ok := got[k]; !ok || gv != v {
			t.Errorf("%s = %#v (present %v), want %#v", k, gv, ok, v)
		}
	}
}

func TestCreateShapeHoldsOnlyCreateableFields(t *testing.T) {
	out, err := json.Marshal(sampleorg.AccountCreate{Name: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != `{"Name":"Acme"}` {
		t.Errorf("AccountCreate{Name} = %s, want only the name", out)
	}
	name, ok := sftype.ObjectName[sampleorg.AccountCreate]()
	if !ok || name != "Account" {
		t.Errorf("ObjectName[AccountCreate] = %q, %v", name, ok)
	}
}

// TestPicklistValues: an update shape takes picklist values typed and
// three-state.
func TestPicklistValues(t *testing.T) {
	for _, upd := range []struct {
		shape sampleorg.AccountUpdate
		json  string
	}{
		{sampleorg.AccountUpdate{Industry: nullable.NewNullableWithValue(picklists.AccountIndustryValueBanking)}, `{"Industry":"Banking"}`},
		{sampleorg.AccountUpdate{Industry: nullable.NewNullNullable[picklists.AccountIndustryValue]()}, `{"Industry":null}`},
		{sampleorg.AccountUpdate{}, `{}`},
	} {
		b, err := json.Marshal(upd.shape)
		if err != nil || string(b) != upd.json {
			t.Errorf("json.Marshal = %s, %v; want %s", b, err, upd.json)
		}
	}
}
