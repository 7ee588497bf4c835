package sftype

import (
	"encoding/json"
	"errors"
	"strings"
	"time"
	"unicode/utf8"
)

// codec reads one of the value types DateTime, Date and Time from text and JSON.
type codec[T any] struct {
	typ         string                 // for ParseError.Type
	emptyIsZero bool                   // "" is the zero value, not an error
	fast        func([]byte) (T, bool) // the hand-written parser: no allocation, no error
	slow        func(string) (T, error)
}

// parseWith reads s with fast or, failing that, with slow, which goes through
// time.Parse and makes the error.
func parseWith[T any, S text](s S, fast func(S) (T, bool), slow func(string) (T, error)) (T, error) {
	if v, ok := fast(s); ok {
		return v, nil
	}
	return slow(string(s))
}

// setFromText sets *dst to the value read from s. On error *dst is left as it was.
func (c *codec[T]) setFromText(dst *T, s []byte) error {
	var v T
	if len(s) > 0 || !c.emptyIsZero {
		var err error
		if v, err = parseWith(s, c.fast, c.slow); err != nil {
			return err
		}
	}
	*dst = v
	return nil
}

// setFromJSON is setFromText for a JSON string; JSON null is the zero value.
// It first tries fast on the string's bytes before looking for escapes, as
// what fast accepts has none.
func (c *codec[T]) setFromJSON(dst *T, data []byte) error {
	if n := len(data); n > 2 && data[0] == '"' && data[n-1] == '"' {
		if v, ok := c.fast(data[1 : n-1]); ok {
			*dst = v
			return nil
		}
	}
	s, null, err := jsonString(c.typ, data)
	if err != nil {
		return err
	}
	if null {
		var zero T
		*dst = zero
		return nil
	}
	return c.setFromText(dst, s)
}

// jsonString returns the contents of the JSON string data. A JSON null gives
// null == true. Any other JSON value is a *ParseError for typ. For a string
// without escapes, s aliases data and nothing is allocated.
func jsonString(typ string, data []byte) (s []byte, null bool, err error) {
	if len(data) < 2 || data[0] != '"' || data[len(data)-1] != '"' {
		if string(data) == "null" {
			return nil, true, nil
		}
		return nil, false, newParseError(typ, data, errNotString)
	}
	s = data[1 : len(data)-1]
	for _, c := range s {
		if c < ' ' || c == '"' || c == '\\' {
			return unquoteSlow(typ, data)
		}
	}
	if !utf8.Valid(s) {
		return unquoteSlow(typ, data)
	}
	return s, false, nil
}

// unquoteSlow decodes a JSON string with escapes (or invalid UTF-8, replaced as
// encoding/json does).
func unquoteSlow(typ string, data []byte) ([]byte, bool, error) {
	var str string
	if err := json.Unmarshal(data, &str); err != nil {
		return nil, false, newParseError(typ, data, errBadString)
	}
	return []byte(str), false, nil
}

// marshalQuoted returns v's text as a JSON string. The text forms of DateTime,
// Date and Time need no escaping.
func marshalQuoted[T interface {
	AppendText([]byte) ([]byte, error)
}](v T, size int) ([]byte, error) {
	b, err := v.AppendText(append(make([]byte, 0, size+2), '"'))
	if err != nil {
		return nil, err
	}
	return append(b, '"'), nil
}

// parseLayouts parses s with each layout in turn (the slow path). On failure it
// returns the reason: a range error if any layout got as far as one, otherwise
// syntax.
func parseLayouts(s string, layouts []string, syntax *reason) (time.Time, error) {
	var rangeErr error
	for _, layout := range layouts {
		t, err := time.Parse(layout, s)
		if err == nil {
			return t, nil
		}
		var pe *time.ParseError
		if rangeErr == nil && errors.As(err, &pe) && strings.HasSuffix(pe.Message, " out of range") {
			rangeErr = &reason{msg: strings.TrimPrefix(pe.Message, ": "), kind: ErrRange}
		}
	}
	if rangeErr != nil {
		return time.Time{}, rangeErr
	}
	return time.Time{}, syntax
}
