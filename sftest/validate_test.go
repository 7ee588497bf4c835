package sftest_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/typedforce/typedforce/sampleorg"
	"github.com/typedforce/typedforce/sftest"
)

// TestWriteValidation checks that writes fail the way Salesforce fails
// them, with the errorCode, the fields and a message of the same form.
func TestWriteValidation(t *testing.T) {
	org := sftest.NewOrg(t)
	c := newRaw(t, org)
	acct := insert(t, org, "Account", map[string]any{"Name": "Acme"})
	contact := insert(t, org, "Contact", map[string]any{"LastName": "Lovelace"})
	widget := insert(t, org, "Widget__c", map[string]any{"External_Id__c": "W-1"})

	tests := []struct {
		name, method, path, body string
		code                     string
		fields                   []string
		message                  string // a substring
	}{
		{"unknown field", "POST", "/sobjects/Account", `{"Name":"A","Bogus__c":1}`,
			"INVALID_FIELD", nil, "No such column 'Bogus__c' on sobject of type Account"},
		{"not createable", "POST", "/sobjects/Account", `{"Name":"A","CreatedDate":"2024-01-31T12:00:00.000+0000","IsDeleted":true}`,
			"INVALID_FIELD_FOR_INSERT_UPDATE", []string{"CreatedDate", "IsDeleted"}, "Unable to create/update fields: CreatedDate, IsDeleted. Please check"},
		{"compound field", "POST", "/sobjects/Account", `{"Name":"A","BillingAddress":{"city":"Paris"}}`,
			"INVALID_FIELD_FOR_INSERT_UPDATE", []string{"BillingAddress"}, "BillingAddress"},
		{"formula field", "PATCH", "/sobjects/Widget__c/" + widget, `{"Total_Weight__c":3}`,
			"INVALID_FIELD_FOR_INSERT_UPDATE", []string{"Total_Weight__c"}, "Total_Weight__c"},
		{"createable, not updateable", "PATCH", "/sobjects/Task/" + insert(t, org, "Task", nil), `{"TaskSubtype":"Call"}`,
			"INVALID_FIELD_FOR_INSERT_UPDATE", []string{"TaskSubtype"}, "TaskSubtype"},
		{"required missing", "POST", "/sobjects/Opportunity", `{"Amount":10}`,
			"REQUIRED_FIELD_MISSING", []string{"Name", "StageName", "CloseDate"}, "Required fields are missing: [Name, StageName, CloseDate]"},
		{"empty text is null", "POST", "/sobjects/Contact", `{"LastName":""}`,
			"REQUIRED_FIELD_MISSING", []string{"LastName"}, "[LastName]"},
		{"required nulled", "PATCH", "/sobjects/Account/" + acct, `{"Name":null}`,
			"REQUIRED_FIELD_MISSING", []string{"Name"}, "Required fields are missing: [Name]"},
		{"restricted picklist", "PATCH", "/sobjects/Widget__c/" + widget, `{"Status__c":"Bogus"}`,
			"INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", []string{"Status__c"}, "Status: bad value for restricted picklist field: Bogus"},
		{"string to boolean", "PATCH", "/sobjects/Contact/" + contact, "{\n  \"DoNotCall\": \"maybe\"}",
			"JSON_PARSER_ERROR", nil, "Cannot deserialize instance of boolean from VALUE_STRING value maybe or request may be missing a required field at [line:2, column:16]"},
		{"string to number", "PATCH", "/sobjects/Account/" + acct, `{"NumberOfEmployees":"many"}`,
			"JSON_PARSER_ERROR", nil, "Cannot deserialize instance of int from VALUE_STRING value many"},
		{"fraction to int", "PATCH", "/sobjects/Account/" + acct, `{"NumberOfEmployees":1.5}`,
			"JSON_PARSER_ERROR", nil, "int from VALUE_NUMBER_FLOAT value 1.5"},
		{"datetime to date", "PATCH", "/sobjects/Contact/" + contact, `{"Birthdate":"2020-04-30T13:19:18.000000+02:00"}`,
			"JSON_PARSER_ERROR", nil, "Cannot deserialize instance of date from VALUE_STRING value 2020-04-30T13:19:18.000000+02:00"},
		{"datetime without T", "PATCH", "/sobjects/Widget__c/" + widget, `{"Last_Inspected_At__c":"2024-01-31 12:00:00"}`,
			"JSON_PARSER_ERROR", nil, "datetime from VALUE_STRING"},
		{"object to text", "PATCH", "/sobjects/Account/" + acct, `{"Phone":{"n":1}}`,
			"JSON_PARSER_ERROR", nil, "string from START_OBJECT"},
		{"malformed JSON", "POST", "/sobjects/Account", `{"Name":}`,
			"JSON_PARSER_ERROR", nil, "Unexpected character"},
		{"not an object", "POST", "/sobjects/Account", `[{"Name":"A"}]`,
			"JSON_PARSER_ERROR", nil, "Cannot deserialize instance of Account from START_ARRAY"},
		{"empty body", "POST", "/sobjects/Account", ``,
			"JSON_PARSER_ERROR", nil, "No content to map due to end-of-input"},
		{"too long", "PATCH", "/sobjects/Account/" + acct, `{"Name":"` + strings.Repeat("x", 256) + `"}`,
			"STRING_TOO_LONG", []string{"Name"}, "Account Name: data value too large"},
		{"bad email", "PATCH", "/sobjects/Contact/" + contact, `{"Email":"not-an-email"}`,
			"INVALID_EMAIL_ADDRESS", []string{"Email"}, "Email: invalid email address: not-an-email"},
		{"malformed reference", "PATCH", "/sobjects/Contact/" + contact, `{"AccountId":"nope"}`,
			"MALFORMED_ID", []string{"AccountId"}, "Account ID: id value of incorrect type: nope"},
		{"reference of another type", "PATCH", "/sobjects/Contact/" + contact, `{"AccountId":"` + contact + `"}`,
			"FIELD_INTEGRITY_EXCEPTION", []string{"AccountId"}, "id value of incorrect type"},
		{"reference to a missing record", "PATCH", "/sobjects/Contact/" + contact, `{"AccountId":"001xx00000000ZZAAA"}`,
			"INVALID_CROSS_REFERENCE_KEY", []string{"AccountId"}, "insufficient access rights on cross-reference id: 001xx00000000ZZAAA"},
		{"duplicate unique value", "POST", "/sobjects/Widget__c", `{"External_Id__c":"w-1"}`,
			"DUPLICATE_VALUE", []string{"External_Id__c"}, "duplicate value found: External_Id__c duplicates value on record with id: " + widget},
		{"relationship by external id", "POST", "/sobjects/Contact", `{"LastName":"X","Account":{"Name":"Acme"}}`,
			"INVALID_FIELD", nil, "sftest: the fake org does not support setting a relationship by external id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := c.with(t).expectError(400, tt.code, tt.method, v+tt.path, tt.body)
			if !strings.Contains(e.Message, tt.message) {
				t.Errorf("message %q lacks %q", e.Message, tt.message)
			}
			if !slices.Equal(e.Fields, tt.fields) {
				t.Errorf("fields %q, want %q", e.Fields, tt.fields)
			}
		})
	}

	// What Salesforce accepts: numbers as text, numeric strings, "true",
	// datetimes with an offset (stored in UTC), 15-character references.
	c.expect(204, "PATCH", v+"/sobjects/Contact/"+contact, `{"Phone":5550100,"DoNotCall":"TRUE","AccountId":"`+acct[:15]+`"}`)
	c.expect(204, "PATCH", v+"/sobjects/Widget__c/"+widget,
		`{"Quantity__c":"12","Last_Inspected_At__c":"2024-01-31T14:00:00+02:00","Opening_Time__c":"09:30","Colors__c":"Red;Blue","Attachment_Data__c":"aGVsbG8="}`)
	got, _ := org.Record("Contact", contact)
	if got["Phone"] != "5550100" || got["DoNotCall"] != true || got["AccountId"] != acct {
		t.Errorf("contact: %v %v %v", got["Phone"], got["DoNotCall"], got["AccountId"])
	}
	w, _ := org.Record("Widget__c", widget)
	if w["Quantity__c"] != 12.0 || w["Last_Inspected_At__c"] != "2024-01-31T12:00:00.000+0000" || w["Opening_Time__c"] != "09:30:00.000Z" {
		t.Errorf("widget: %v %v %v", w["Quantity__c"], w["Last_Inspected_At__c"], w["Opening_Time__c"])
	}
	if typed, err := sftest.Read[sampleorg.WidgetC](org, widget); err != nil || typed.LastInspectedAtC == nil || typed.ColorsC == nil {
		t.Errorf("typed read of every field: %+v %v", typed, err)
	}
	if _, err := sftest.Read[sampleorg.WidgetC](org, contact); !errors.Is(err, sftest.ErrNoRecord) {
		t.Errorf("typed read of a contact as a widget: %v", err)
	}
	blobURL := v + "/sobjects/Widget__c/" + widget + "/Attachment_Data__c"
	if w["Attachment_Data__c"] != blobURL {
		t.Errorf("base64 field reads %v, want its URL", w["Attachment_Data__c"])
	}
	if b := c.expect(200, "GET", blobURL, ""); string(b) != "hello" {
		t.Errorf("blob %q", b)
	}
}

func TestDefaultsAndSystemFields(t *testing.T) {
	org := sftest.NewOrg(t)
	c := newRaw(t, org)
	b := c.expect(201, "POST", v+"/sobjects/Case", `{"Subject":"Broken"}`)
	id := decode[struct {
		ID string `json:"id"`
	}](t, b).ID
	got, _ := org.Record("Case", id)
	for k, want := range map[string]any{"Status": "New", "Priority": "Medium", "IsEscalated": false, "CaseNumber": "00000001",
		"OwnerId": "005xx0000000001AAA", "CreatedById": "005xx0000000001AAA", "IsDeleted": false, "Id": "500xx0000000001AAA"} {
		if got[k] != want {
			t.Errorf("%s = %v, want %v", k, got[k], want)
		}
	}
	w := insert(t, org, "Widget__c", nil)
	got, _ = org.Record("Widget__c", w)
	if got["Name"] != w || got["Status__c"] != "Draft" || got["IsActive__c"] != true || got["Serial__c"] != "00000001" || got["Display_Label__c"] != nil {
		t.Errorf("widget defaults: Name %v Status %v IsActive %v Serial %v", got["Name"], got["Status__c"], got["IsActive__c"], got["Serial__c"])
	}
	ct := insert(t, org, "Contact", map[string]any{"FirstName": "Ada", "LastName": "Lovelace"})
	c.expect(204, "PATCH", v+"/sobjects/Contact/"+ct, `{"FirstName":"Augusta Ada"}`)
	got, _ = org.Record("Contact", ct)
	if got["Name"] != "Augusta Ada Lovelace" {
		t.Errorf("Name %v", got["Name"])
	}
	// Fixtures may set read-only fields and keep a given id.
	id = insert(t, org, "Account", map[string]any{"Id": "001xx000003DGb2", "Name": "Old", "CreatedDate": "2013-05-20T20:49:32.000+0000"})
	got, _ = org.Record("Account", id)
	if id != "001xx000003DGb2AAG" || got["CreatedDate"] != "2013-05-20T20:49:32.000+0000" {
		t.Errorf("seeded %s, CreatedDate %v", id, got["CreatedDate"])
	}
	if _, err := org.Insert("Account", map[string]any{"Nope": 1}); err == nil || !strings.Contains(err.Error(), "INVALID_FIELD") {
		t.Errorf("insert of an unknown field: %v", err)
	}
	if _, err := org.Insert("Nope", nil); err == nil {
		t.Error("insert of an unknown object")
	}
}
