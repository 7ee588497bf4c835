package sftype

import (
	"bytes"
	"encoding/json"
	"errors"
)

// Record is a record whose type is known only at run time: the target of a
// polymorphic relationship such as Task.What, or a record of an sObject that
// was not generated. It keeps the record's JSON as it came, and its attributes.
//
// The zero value, which JSON null decodes to, is no record.
type Record struct {
	Attributes Attributes
	Raw        json.RawMessage
}

var (
	errNotObject   = &reason{msg: "want a JSON object", kind: ErrSyntax}
	errEmptyRecord = errors.New("sftype: Record.Decode: no record (JSON null or never decoded)")
)

// UnmarshalJSON keeps a copy of data and decodes its attributes. JSON null is
// the zero value; any JSON value but an object is a *ParseError.
func (r *Record) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if string(data) == "null" {
		*r = Record{}
		return nil
	}
	if len(data) == 0 || data[0] != '{' {
		return newParseError("record", data, errNotObject)
	}
	var head struct {
		Attributes Attributes `json:"attributes"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return newParseError("record", data, &reason{msg: err.Error(), kind: ErrSyntax, cause: err})
	}
	*r = Record{Attributes: head.Attributes, Raw: bytes.Clone(data)}
	return nil
}

// MarshalJSON returns the record's JSON as it came, or null for no record.
func (r Record) MarshalJSON() ([]byte, error) {
	if len(r.Raw) == 0 {
		return []byte("null"), nil
	}
	return r.Raw, nil
}

// Type returns the record's sObject type, such as "Account", from its attributes.
func (r Record) Type() string { return r.Attributes.Type }

// Decode decodes the record's JSON into v, typically a pointer to a generated
// struct of the type r.Type() names. A record that is empty (decoded from JSON
// null, or never decoded) is an error.
func (r Record) Decode(v any) error {
	if len(r.Raw) == 0 {
		return errEmptyRecord
	}
	return json.Unmarshal(r.Raw, v)
}
