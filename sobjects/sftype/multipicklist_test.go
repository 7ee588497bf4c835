package sftype

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestMultiPicklistUnmarshal(t *testing.T) {
	for _, tc := range []struct {
		json string
		want MultiPicklist
		kind error // a *ParseError is wanted when not nil
	}{
		{json: `"four;six"`, want: MultiPicklist{"four", "six"}},
		{json: `"one"`, want: MultiPicklist{"one"}},
		{json: `"Café;Ünïcode ✓;R&D"`, want: MultiPicklist{"Café", "Ünïcode ✓", "R&D"}},
		{json: `"say \"hi\";back\\slash;\u00e9"`, want: MultiPicklist{`say "hi"`, `back\slash`, "é"}},
		{json: `"with space; lead"`, want: MultiPicklist{"with space", " lead"}},
		{json: `""`, want: nil},
		{json: `null`, want: nil},
		{json: `["a","b"]`, kind: ErrSyntax},
		{json: `42`, kind: ErrSyntax},
		{json: `false`, kind: ErrSyntax},
	} {
		t.Run(tc.json, func(t *testing.T) {
			v := struct{ F MultiPicklist }{MultiPicklist{"stale"}}
			err := json.Unmarshal([]byte(`{"F":`+tc.json+`}`), &v)
			if tc.kind != nil {
				checkParseError(t, err, "multipicklist", tc.json, tc.kind, "want a JSON string")
				return
			}
			if err != nil || !slices.Equal(v.F, tc.want) || (tc.want == nil) != (v.F == nil) {
				t.Errorf("decode %s = %#v, %v; want %#v", tc.json, v.F, err, tc.want)
			}
		})
	}
}

func TestMultiPicklistMarshal(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   MultiPicklist
		want string // "" when an error is wanted
	}{
		{"nil", nil, `""`},
		{"empty", MultiPicklist{}, `""`},
		{"one", MultiPicklist{"one"}, `"one"`},
		{"two", MultiPicklist{"four", "six"}, `"four;six"`},
		{"escapes", MultiPicklist{`say "hi"`, "é"}, `"say \"hi\";é"`},
		{"semicolon inside a value", MultiPicklist{"a;b"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := json.Marshal(tc.in)
			if tc.want == "" {
				if err == nil {
					t.Errorf("json.Marshal(%#v) = %s; want an error", tc.in, got)
				}
				return
			}
			if err != nil || string(got) != tc.want {
				t.Errorf("json.Marshal(%#v) = %s, %v; want %s", tc.in, got, err, tc.want)
			}
			var back MultiPicklist
			if err := json.Unmarshal(got, &back); err != nil || !slices.Equal(back, tc.in) {
				t.Errorf("round trip = %#v, %v", back, err)
			}
		})
	}
}

func TestMultiPicklistContainsString(t *testing.T) {
	m := MultiPicklist{"four", "six"}
	for v, want := range map[string]bool{"four": true, "six": true, "fo": false, "four;six": false, "": false} {
		if got := m.Contains(v); got != want {
			t.Errorf("Contains(%q) = %v; want %v", v, got, want)
		}
	}
	if got := m.String(); got != "four;six" {
		t.Errorf("String() = %q", got)
	}
	if MultiPicklist(nil).Contains("") || MultiPicklist(nil).String() != "" {
		t.Error("nil MultiPicklist: want no values and an empty string")
	}
}
