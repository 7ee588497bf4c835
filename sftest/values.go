package sftest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/typedforce/typedforce/internal/describe"
)

// Stored values, by field type: string (text, picklists, ids, date as
// YYYY-MM-DD, time as HH:mm:ss.SSSZ), bool, int64 (int, long), float64
// (double, currency, percent), time.Time (datetime, UTC), []byte (base64),
// json.RawMessage (anyType and types the fake does not know). A field that
// is absent is null.

// dateTimeLayout is how Salesforce writes datetimes in JSON.
const dateTimeLayout = "2006-01-02T15:04:05.000-0700"

// member is one key of a JSON object body, with its raw value and the
// position of the value for error messages.
type member struct {
	key       string
	raw       json.RawMessage
	line, col int
}

// parseObject reads a JSON object body, keeping its keys in order.
func parseObject(body []byte, what string) ([]member, *apiError) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, jsonError(body, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		line, col := position(body, 0)
		return nil, errorf(http.StatusBadRequest, "JSON_PARSER_ERROR",
			"Cannot deserialize instance of %s from %s value %s or request may be missing a required field at [line:%d, column:%d]",
			what, tokenName(tok), tokenText(tok), line, col)
	}
	var ms []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, jsonError(body, err)
		}
		key, _ := tok.(string)
		start := int(dec.InputOffset())
		for start < len(body) && (body[start] == ':' || isJSONSpace(body[start])) {
			start++
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, jsonError(body, err)
		}
		line, col := position(body, start)
		ms = append(ms, member{key: key, raw: raw, line: line, col: col})
	}
	if _, err := dec.Token(); err != nil {
		return nil, jsonError(body, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		line, col := position(body, int(dec.InputOffset()))
		return nil, errorf(http.StatusBadRequest, "JSON_PARSER_ERROR",
			"Unexpected data after the JSON object at [line:%d, column:%d]", line, col)
	}
	return ms, nil
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func jsonError(body []byte, err error) *apiError {
	var syn *json.SyntaxError
	switch {
	case len(bytes.TrimSpace(body)) == 0:
		return errorf(http.StatusBadRequest, "JSON_PARSER_ERROR", "No content to map due to end-of-input at [line:1, column:0]")
	case errors.As(err, &syn):
		off := max(int(syn.Offset)-1, 0)
		line, col := position(body, off)
		c := byte(' ')
		if off < len(body) {
			c = body[off]
		}
		return errorf(http.StatusBadRequest, "JSON_PARSER_ERROR", "Unexpected character ('%c' (code %d)): %s at [line:%d, column:%d]",
			c, c, syn.Error(), line, col)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		line, col := position(body, len(body))
		return errorf(http.StatusBadRequest, "JSON_PARSER_ERROR", "Unexpected end-of-input: expected close marker for OBJECT at [line:%d, column:%d]", line, col)
	}
	return errorf(http.StatusBadRequest, "JSON_PARSER_ERROR", "%s", err.Error())
}

func position(data []byte, off int) (line, col int) {
	off = min(off, len(data))
	line = 1 + bytes.Count(data[:off], []byte("\n"))
	col = off - bytes.LastIndexByte(data[:off], '\n')
	return line, col
}

// tokenName names a JSON token the way Salesforce's parser does.
func tokenName(tok any) string {
	switch v := tok.(type) {
	case json.Delim:
		if v == '[' {
			return "START_ARRAY"
		}
		return "START_OBJECT"
	case string:
		return "VALUE_STRING"
	case json.Number:
		if strings.ContainsAny(string(v), ".eE") {
			return "VALUE_NUMBER_FLOAT"
		}
		return "VALUE_NUMBER_INT"
	case bool:
		if v {
			return "VALUE_TRUE"
		}
		return "VALUE_FALSE"
	}
	return "VALUE_NULL"
}

func tokenText(tok any) string {
	switch v := tok.(type) {
	case json.Delim:
		return string(v)
	case string:
		return v
	case json.Number:
		return string(v)
	case bool:
		return strconv.FormatBool(v)
	}
	return "null"
}

// typeNames are the names of field types in JSON_PARSER_ERROR messages.
var typeNames = map[string]string{
	"boolean": "boolean", "int": "int", "long": "long", "double": "double", "currency": "double",
	"percent": "double", "date": "date", "datetime": "datetime", "time": "time", "base64": "base64",
}

// convert reads the JSON value of field f of a write. m says where the
// value is, for errors.
func convert(f *describe.Field, m member) (any, *apiError) {
	dec := json.NewDecoder(bytes.NewReader(m.raw))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, jsonError(m.raw, err)
	}
	if tok == nil {
		return nil, nil
	}
	bad := func() *apiError {
		name := typeNames[f.Type]
		if name == "" {
			name = "string"
		}
		return errorf(http.StatusBadRequest, "JSON_PARSER_ERROR",
			"Cannot deserialize instance of %s from %s value %s or request may be missing a required field at [line:%d, column:%d]",
			name, tokenName(tok), tokenText(tok), m.line, m.col)
	}
	if _, isDelim := tok.(json.Delim); isDelim {
		switch f.Type {
		case "anyType", "address", "location", "complexvalue", "json":
			return json.RawMessage(bytes.Clone(m.raw)), nil
		}
		if typeNames[f.Type] == "" && !isTextType(f.Type) {
			return json.RawMessage(bytes.Clone(m.raw)), nil
		}
		return nil, bad()
	}
	switch f.Type {
	case "boolean":
		switch v := tok.(type) {
		case bool:
			return v, nil
		case string:
			if b, err := strconv.ParseBool(strings.ToLower(v)); err == nil && (strings.EqualFold(v, "true") || strings.EqualFold(v, "false")) {
				return b, nil
			}
		}
		return nil, bad()
	case "int", "long":
		s, ok := numberText(tok)
		if !ok {
			return nil, bad()
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || (f.Type == "int" && (n > math.MaxInt32 || n < math.MinInt32)) {
			return nil, bad()
		}
		return n, nil
	case "double", "currency", "percent":
		s, ok := numberText(tok)
		if !ok {
			return nil, bad()
		}
		x, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
			return nil, bad()
		}
		if f.Precision > 0 { // Salesforce rounds decimals beyond the scale, half up
			p := math.Pow10(f.Scale)
			x = math.Round(x*p) / p
		}
		return x, nil
	case "date", "datetime", "time", "base64":
		s, ok := tok.(string)
		if !ok {
			return nil, bad()
		}
		v, ok := stringParsers[f.Type](s)
		if !ok {
			return nil, bad()
		}
		return v, nil
	}
	if !isTextType(f.Type) {
		return json.RawMessage(bytes.Clone(m.raw)), nil
	}
	switch v := tok.(type) {
	case string:
		if v == "" {
			return nil, nil // Salesforce stores an empty text as null
		}
		return v, nil
	case json.Number:
		return string(v), nil
	case bool:
		return strconv.FormatBool(v), nil
	}
	return nil, bad()
}

// stringParsers read the field types whose JSON values are strings of a
// given form.
var stringParsers = map[string]func(string) (any, bool){
	"date": func(s string) (any, bool) {
		_, err := time.Parse("2006-01-02", s)
		return s, err == nil
	},
	"datetime": func(s string) (any, bool) { return parseDateTime(s) },
	"time":     func(s string) (any, bool) { return parseTimeOfDay(s) },
	"base64": func(s string) (any, bool) {
		b, err := base64.StdEncoding.DecodeString(s)
		return b, err == nil
	},
}

// isTextType reports whether values of a field type are strings.
func isTextType(t string) bool {
	switch t {
	case "string", "textarea", "email", "phone", "url", "picklist", "multipicklist", "combobox",
		"encryptedstring", "id", "reference", "datacategorygroupreference":
		return true
	}
	return false
}

func numberText(tok any) (string, bool) {
	switch v := tok.(type) {
	case json.Number:
		return string(v), true
	case string:
		if _, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
			return strings.TrimSpace(v), true
		}
	}
	return "", false
}

// parseDateTime reads the datetimes Salesforce accepts:
// yyyy-MM-ddTHH:mm:ss[.SSS](Z|±HH:mm|±HHmm).
func parseDateTime(s string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02T15:04:05.999999999Z07:00", "2006-01-02T15:04:05.999999999Z0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC().Truncate(time.Millisecond), true
		}
	}
	return time.Time{}, false
}

// parseTimeOfDay reads HH:mm[:ss[.SSS]][Z] and returns HH:mm:ss.SSSZ.
func parseTimeOfDay(s string) (string, bool) {
	s = strings.TrimSuffix(s, "Z")
	for _, layout := range []string{"15:04:05.999999999", "15:04:05", "15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("15:04:05.000") + "Z", true
		}
	}
	return "", false
}

// formatDateTime writes a datetime as Salesforce does.
func formatDateTime(t time.Time) string { return t.UTC().Format(dateTimeLayout) }

// appendValue appends the JSON of a stored value. blobURL is the URL a
// base64 field reads as.
func appendValue(b []byte, v any, blobURL string) []byte {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...)
	case string:
		return append(b, mustJSON(v)...)
	case bool:
		return strconv.AppendBool(b, v)
	case int64:
		return strconv.AppendInt(b, v, 10)
	case float64:
		return appendDouble(b, v)
	case time.Time:
		return append(append(append(b, '"'), formatDateTime(v)...), '"')
	case []byte:
		return append(b, mustJSON(blobURL)...)
	case json.RawMessage:
		return append(b, v...)
	case map[string]any:
		return append(b, mustJSON(v)...)
	}
	return append(b, mustJSON(fmt.Sprint(v))...)
}

// appendDouble writes a double as Salesforce does: always with a
// fraction, as in 1500000.0.
func appendDouble(b []byte, x float64) []byte {
	n := len(b)
	b = strconv.AppendFloat(b, x, 'f', -1, 64)
	if !bytes.ContainsAny(b[n:], ".") {
		b = append(b, ".0"...)
	}
	return b
}
