package sftype

import (
	"encoding/json"
	"errors"
	"testing"
)

// parseCase is one row of a parse table: either want, or an error of kind
// (ErrSyntax or ErrRange) whose reason is msg.
type parseCase[T any] struct {
	in   string
	want T
	kind error
	msg  string
}

// runParseCases checks parse, UnmarshalText and, through encoding/json,
// UnmarshalJSON against the table.
func runParseCases[T comparable, PT interface {
	*T
	json.Unmarshaler
	UnmarshalText([]byte) error
}](t *testing.T, typ string, parse func(string) (T, error), cases []parseCase[T]) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := parse(tc.in)
			checkResult(t, "parse", typ, tc, got, err)

			var fromText T
			err = PT(&fromText).UnmarshalText([]byte(tc.in))
			checkResult(t, "UnmarshalText", typ, tc, fromText, err)

			quoted, _ := json.Marshal(tc.in)
			var fromJSON T
			err = json.Unmarshal(quoted, &fromJSON)
			checkResult(t, "json.Unmarshal", typ, tc, fromJSON, err)
		})
	}
}

func checkResult[T comparable](t *testing.T, via, typ string, tc parseCase[T], got T, err error) {
	t.Helper()
	if tc.kind == nil {
		if err != nil || got != tc.want {
			t.Errorf("%s(%q) = %v, %v; want %v", via, tc.in, got, err, tc.want)
		}
		return
	}
	checkParseError(t, err, typ, tc.in, tc.kind, tc.msg)
	var zero T
	if got != zero {
		t.Errorf("%s(%q) set %v on error; want the value left as it was", via, tc.in, got)
	}
}

// checkParseError checks that err is a *ParseError for typ and value, wrapping
// kind, with reason msg (unless msg is empty).
func checkParseError(t *testing.T, err error, typ, value string, kind error, msg string) {
	t.Helper()
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error = %v (%T); want a *ParseError", err, err)
	}
	if pe.Type != typ || pe.Value != value {
		t.Errorf("ParseError{Type: %q, Value: %q}; want {%q, %q}", pe.Type, pe.Value, typ, value)
	}
	if !errors.Is(err, kind) {
		t.Errorf("error %q does not wrap %v", err, kind)
	}
	if msg != "" && pe.Err.Error() != msg {
		t.Errorf("reason = %q; want %q", pe.Err.Error(), msg)
	}
}

// jsonCase is one row of a table that feeds JSON to UnmarshalJSON.
type jsonCase[T any] struct {
	name string
	json string
	want T
	// value and kind describe the *ParseError wanted, when kind is not nil.
	value string
	kind  error
}

// runJSONCases decodes each case, through encoding/json, into a field that
// held a non-zero value before, and checks the result.
func runJSONCases[T comparable](t *testing.T, typ string, before T, cases []jsonCase[T]) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := struct{ F T }{before}
			err := json.Unmarshal([]byte(`{"F":`+tc.json+`}`), &v)
			if tc.kind != nil {
				checkParseError(t, err, typ, tc.value, tc.kind, "")
				if v.F != before {
					t.Errorf("value changed to %v on error", v.F)
				}
				return
			}
			if err != nil || v.F != tc.want {
				t.Errorf("decode %s = %v, %v; want %v", tc.json, v.F, err, tc.want)
			}
		})
	}
}

// marshalCase is one row of a table that marshals a value.
type marshalCase[T any] struct {
	name string
	in   T
	json string // the JSON wanted, or "" when an error wrapping ErrRange is wanted
}

// runMarshalCases checks MarshalJSON through encoding/json, and that text
// marshals as the JSON string's contents.
func runMarshalCases[T interface {
	MarshalText() ([]byte, error)
	String() string
}](t *testing.T, cases []marshalCase[T]) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := json.Marshal(tc.in)
			if tc.json == "" {
				if !errors.Is(err, ErrRange) {
					t.Errorf("json.Marshal(%#v) = %s, %v; want an error wrapping ErrRange", tc.in, got, err)
				}
				if _, err := tc.in.MarshalText(); !errors.Is(err, ErrRange) {
					t.Errorf("MarshalText(%#v) error = %v; want ErrRange", tc.in, err)
				}
				return
			}
			if err != nil || string(got) != tc.json {
				t.Errorf("json.Marshal(%#v) = %s, %v; want %s", tc.in, got, err, tc.json)
			}
			wantText := ""
			if tc.json != "null" {
				wantText = tc.json[1 : len(tc.json)-1]
			}
			text, err := tc.in.MarshalText()
			if err != nil || string(text) != wantText || tc.in.String() != wantText {
				t.Errorf("MarshalText = %q, %v, String = %q; want %q", text, err, tc.in.String(), wantText)
			}
		})
	}
}
