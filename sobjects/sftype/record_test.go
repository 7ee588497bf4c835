package sftype

import (
	"encoding/json"
	"errors"
	"testing"
)

// account is a stand-in for a generated read shape.
type account struct {
	Attributes  Attributes `json:"attributes"`
	ID          string     `json:"Id"`
	Name        string
	CreatedDate DateTime
}

const accountJSON = `{"attributes":{"type":"Account","url":"/services/data/v62.0/sobjects/Account/001xx000003DGb2AAG"},` +
	`"Id":"001xx000003DGb2AAG","Name":"Acme","CreatedDate":"2013-05-20T20:49:32.000+0000"}`

func TestRecordPolymorphic(t *testing.T) {
	body := `{"attributes":{"type":"Task"},"Subject":"Call","What":` + accountJSON + `}`
	var task struct {
		Subject string
		What    Record
	}
	if err := json.Unmarshal([]byte(body), &task); err != nil {
		t.Fatal(err)
	}
	if task.What.Type() != "Account" || task.What.Attributes.URL == "" {
		t.Fatalf("What.Attributes = %+v", task.What.Attributes)
	}
	var acc account
	if err := task.What.Decode(&acc); err != nil {
		t.Fatal(err)
	}
	if acc.Name != "Acme" || acc.ID != "001xx000003DGb2AAG" || !acc.CreatedDate.Equal(utc(2013, 5, 20, 20, 49, 32, 0).Time) {
		t.Errorf("decoded %+v", acc)
	}
	out, err := json.Marshal(task.What)
	if err != nil || string(out) != accountJSON {
		t.Errorf("json.Marshal(What) = %s, %v; want the raw JSON back", out, err)
	}
}

func TestRecordCopiesInput(t *testing.T) {
	data := []byte(accountJSON)
	var r Record
	if err := r.UnmarshalJSON(data); err != nil {
		t.Fatal(err)
	}
	copy(data, "XXXXXXXXXX")
	if string(r.Raw) != accountJSON {
		t.Error("Record.Raw aliases the decoder's buffer")
	}
}

func TestRecordNullAndErrors(t *testing.T) {
	r := Record{Attributes: Attributes{Type: "Stale"}, Raw: json.RawMessage(`{}`)}
	if err := json.Unmarshal([]byte(`null`), &r); err != nil || r.Raw != nil || r.Type() != "" {
		t.Errorf("null: %+v, %v; want the zero Record", r, err)
	}
	if out, err := json.Marshal(r); err != nil || string(out) != "null" {
		t.Errorf("json.Marshal(zero Record) = %s, %v; want null", out, err)
	}
	var acc account
	if err := r.Decode(&acc); err == nil {
		t.Error("Decode of an empty Record: want an error")
	}

	for _, tc := range []struct{ json, value string }{
		{`"001xx000003DGb2AAG"`, `"001xx000003DGb2AAG"`},
		{`[{"attributes":{"type":"Account"}}]`, `[{"attributes":{"type":"Account"}}]`},
		{`{"attributes":"Account"}`, `{"attributes":"Account"}`},
		{`{"attributes":{"type":7}}`, `{"attributes":{"type":7}}`},
	} {
		var got Record
		err := got.UnmarshalJSON([]byte(tc.json))
		checkParseError(t, err, "record", tc.value, ErrSyntax, "")
		var typeErr *json.UnmarshalTypeError
		if tc.json[0] == '{' && !errors.As(err, &typeErr) {
			t.Errorf("%s: error %v does not wrap the *json.UnmarshalTypeError", tc.json, err)
		}
	}
}

func TestRecordWithoutAttributes(t *testing.T) {
	var r Record
	if err := json.Unmarshal([]byte(` {"Id":"001"} `), &r); err != nil || r.Type() != "" || string(r.Raw) != `{"Id":"001"}` {
		t.Errorf("got %+v, %v", r, err)
	}
}
