package bulk

import (
	"encoding"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/typedforce/typedforce/sobjects/sftype"
)

// cellState is what a field of a write shape holds.
type cellState uint8

const (
	unset cellState = iota // nil pointer, unspecified nullable: empty cell
	null                   // explicit null, empty text: #N/A
	value                  // a value: its text
)

// nullCell is the cell that sets a field to null.
const nullCell = "#N/A"

// fieldEncoder appends the text of the field v to b.
type fieldEncoder func(b []byte, v reflect.Value) ([]byte, cellState, error)

// writeColumn is one column of a write shape.
type writeColumn struct {
	name  string
	index int
	enc   fieldEncoder
}

var writePlans sync.Map // reflect.Type -> writePlan

type writePlan struct {
	cols []writeColumn
	err  error
}

// writeColumns returns the columns of the write shape t: each exported
// field with a json tag but the attributes, in field order.
func writeColumns(t reflect.Type) ([]writeColumn, error) {
	if p, ok := writePlans.Load(t); ok {
		wp := p.(writePlan)
		return wp.cols, wp.err
	}
	var wp writePlan
	if t.Kind() != reflect.Struct {
		wp.err = fmt.Errorf("%s is not a struct", t)
	}
	for i := 0; wp.err == nil && i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "" || name == "-" || name == "attributes" {
			continue
		}
		enc, err := encoderFor(f.Type)
		if err != nil {
			wp.err = fmt.Errorf("field %s (%s): %w", f.Name, name, err)
			break
		}
		wp.cols = append(wp.cols, writeColumn{name: name, index: i, enc: enc})
	}
	writePlans.Store(t, wp)
	return wp.cols, wp.err
}

var (
	multiPicklistType = reflect.TypeFor[sftype.MultiPicklist]()
	rawMessageType    = reflect.TypeFor[json.RawMessage]()
	textAppenderType  = reflect.TypeFor[encoding.TextAppender]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// encoderFor returns how a field of type t is written.
func encoderFor(t reflect.Type) (fieldEncoder, error) {
	switch {
	case t.Kind() == reflect.Map && t.Key().Kind() == reflect.Bool: // nullable.Nullable[T]
		inner, err := encoderFor(t.Elem())
		if err != nil {
			return nil, err
		}
		return func(b []byte, v reflect.Value) ([]byte, cellState, error) {
			if v.Len() == 0 {
				return b, unset, nil
			}
			if x := v.MapIndex(reflect.ValueOf(true)); x.IsValid() {
				return inner(b, x)
			}
			return b, null, nil
		}, nil
	case t.Kind() == reflect.Pointer:
		inner, err := encoderFor(t.Elem())
		if err != nil {
			return nil, err
		}
		return func(b []byte, v reflect.Value) ([]byte, cellState, error) {
			if v.IsNil() {
				return b, unset, nil
			}
			return inner(b, v.Elem())
		}, nil
	case t == multiPicklistType:
		return encodeMultiPicklist, nil
	case t == rawMessageType:
		return encodeRaw, nil
	case t.Implements(textAppenderType):
		return func(b []byte, v reflect.Value) ([]byte, cellState, error) {
			out, err := v.Interface().(encoding.TextAppender).AppendText(b)
			return textCell(out, len(b), err)
		}, nil
	case t.Implements(textMarshalerType):
		return func(b []byte, v reflect.Value) ([]byte, cellState, error) {
			text, err := v.Interface().(encoding.TextMarshaler).MarshalText()
			return textCell(append(b, text...), len(b), err)
		}, nil
	}
	switch t.Kind() {
	case reflect.String:
		return func(b []byte, v reflect.Value) ([]byte, cellState, error) {
			if v.Len() == 0 {
				return b, null, nil
			}
			return append(b, v.String()...), value, nil
		}, nil
	case reflect.Bool:
		return func(b []byte, v reflect.Value) ([]byte, cellState, error) {
			return strconv.AppendBool(b, v.Bool()), value, nil
		}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return func(b []byte, v reflect.Value) ([]byte, cellState, error) {
			return strconv.AppendInt(b, v.Int(), 10), value, nil
		}, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return func(b []byte, v reflect.Value) ([]byte, cellState, error) {
			return strconv.AppendUint(b, v.Uint(), 10), value, nil
		}, nil
	case reflect.Float32, reflect.Float64:
		bits := t.Bits()
		return func(b []byte, v reflect.Value) ([]byte, cellState, error) {
			x := v.Float()
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return b, unset, fmt.Errorf("number %v has no CSV form", x)
			}
			return strconv.AppendFloat(b, x, 'f', -1, bits), value, nil
		}, nil
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 { // base64 fields
			return func(b []byte, v reflect.Value) ([]byte, cellState, error) {
				if v.IsNil() {
					return b, unset, nil
				}
				return b, unset, fmt.Errorf("Bulk API 2.0 cannot load base64 (binary) fields")
			}, nil
		}
	}
	return nil, fmt.Errorf("type %s has no CSV form", t)
}

// textCell is the state of the text a TextAppender wrote after b[:start]:
// empty text (a zero DateTime, a zero Date) is null.
func textCell(b []byte, start int, err error) ([]byte, cellState, error) {
	switch {
	case err != nil:
		return b[:start], unset, err
	case len(b) == start:
		return b, null, nil
	}
	return b, value, nil
}

func encodeMultiPicklist(b []byte, v reflect.Value) ([]byte, cellState, error) {
	m := v.Interface().(sftype.MultiPicklist)
	if len(m) == 0 {
		return b, null, nil
	}
	for i, s := range m {
		if strings.Contains(s, ";") {
			return b, unset, fmt.Errorf("multipicklist value %q contains a semicolon", s)
		}
		if i > 0 {
			b = append(b, ';')
		}
		b = append(b, s...)
	}
	return b, value, nil
}

// encodeRaw writes an anyType value: a JSON string as its text, null as
// null, any other JSON value as it is.
func encodeRaw(b []byte, v reflect.Value) ([]byte, cellState, error) {
	raw := v.Interface().(json.RawMessage)
	switch s := strings.TrimSpace(string(raw)); {
	case s == "" || s == "null":
		return b, null, nil
	case s[0] == '"':
		var text string
		if err := json.Unmarshal(raw, &text); err != nil {
			return b, unset, err
		}
		if text == "" {
			return b, null, nil
		}
		return append(b, text...), value, nil
	default:
		return append(b, s...), value, nil
	}
}

// Delimiter is the column delimiter of a job's CSV.
type Delimiter string

// The column delimiters Bulk API 2.0 offers.
const (
	Comma     Delimiter = "COMMA"
	Semicolon Delimiter = "SEMICOLON"
	Tab       Delimiter = "TAB"
	Pipe      Delimiter = "PIPE"
	Caret     Delimiter = "CARET"
	Backquote Delimiter = "BACKQUOTE"
)

var delimiterBytes = map[Delimiter]byte{Comma: ',', Semicolon: ';', Tab: '\t', Pipe: '|', Caret: '^', Backquote: '`'}

// LineEnding is the line ending of a job's CSV.
type LineEnding string

// The line endings Bulk API 2.0 offers.
const (
	LF   LineEnding = "LF"
	CRLF LineEnding = "CRLF"
)

// appendCell appends text as one CSV cell: quoted when it holds the
// delimiter, a quote or a line break, or starts or ends with white space.
func appendCell(b []byte, text []byte, delim byte) []byte {
	if !needsQuotes(text, delim) {
		return append(b, text...)
	}
	return appendQuoted(b, text)
}

// appendQuoted appends text as a quoted CSV cell, its quotes doubled.
func appendQuoted(b []byte, text []byte) []byte {
	b = append(b, '"')
	for _, c := range text {
		if c == '"' {
			b = append(b, '"')
		}
		b = append(b, c)
	}
	return append(b, '"')
}

func needsQuotes(text []byte, delim byte) bool {
	if len(text) == 0 {
		return false
	}
	if isSpace(text[0]) || isSpace(text[len(text)-1]) {
		return true
	}
	for _, c := range text {
		if c == delim || c == '"' || c == '\n' || c == '\r' {
			return true
		}
	}
	return false
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
