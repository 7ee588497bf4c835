package sftype

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// MultiPicklist is the value of a multi-select picklist. Its wire form is one
// string with the selected values joined by semicolons: "a;b;c". JSON null and
// "" decode to an empty (nil) value; an empty value marshals as "".
type MultiPicklist []string

// Contains reports whether v is one of the selected values.
func (m MultiPicklist) Contains(v string) bool { return slices.Contains(m, v) }

// String returns the values joined by semicolons, the wire form.
func (m MultiPicklist) String() string { return strings.Join(m, ";") }

// MarshalJSON writes the values as one JSON string joined by semicolons. A
// value that contains a semicolon cannot be written and is an error.
func (m MultiPicklist) MarshalJSON() ([]byte, error) {
	for _, v := range m {
		if strings.Contains(v, ";") {
			return nil, fmt.Errorf("sftype: multipicklist value %q contains a semicolon", v)
		}
	}
	return json.Marshal(m.String())
}

// UnmarshalJSON reads a JSON string "a;b;c". JSON null and "" are an empty
// (nil) value; any other JSON value is a *ParseError.
func (m *MultiPicklist) UnmarshalJSON(data []byte) error {
	s, null, err := jsonString("multipicklist", data)
	switch {
	case err != nil:
		return err
	case null || len(s) == 0:
		*m = nil
	default:
		*m = strings.Split(string(s), ";")
	}
	return nil
}
