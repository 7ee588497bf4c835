package sobjects

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/typedforce/typedforce/gen"
	"github.com/typedforce/typedforce/sobjects/sftype"
)

// soslReserved are the characters SOSL reserves in a search term; a value
// escapes each with a backslash.
const soslReserved = `?&|!{}[]()^~*:\"'+-`

// SOSL formats a SOSL statement the way [SOQL] formats SOQL: each argument
// takes the place of a %s of format, escaped so that no value changes the
// statement's structure.
//
//	q, err := sobjects.SOSL("FIND {%s*} IN NAME FIELDS RETURNING Account(Id, Name WHERE Industry = %s)", term, industry)
//
// A placeholder inside the braces of FIND {…} takes a string (or a type
// whose kind is string): every character SOSL reserves (? & | ! { } [ ] ( )
// ^ ~ * : \ " ' + -) is escaped with a backslash, so it is searched for
// literally, and a value holding the words AND, OR or NOT is written as a
// quoted phrase, so they are searched for as words instead of operators.
// Wildcards and operators belong in format. Placeholders elsewhere take
// the values [SOQL] takes, written the same way. Errors wrap
// [ErrInvalidArgument].
func SOSL(format string, args ...any) (string, error) {
	return formatStatement("SOSL", format, args)
}

// appendSearchTerm appends a value of a search term, escaped.
func appendSearchTerm(b []byte, v any) ([]byte, error) {
	rv := reflect.ValueOf(v)
	if !rv.IsValid() || rv.Kind() != reflect.String {
		return b, fmt.Errorf("a search term takes a string")
	}
	s := rv.String()
	if !utf8.ValidString(s) {
		return b, fmt.Errorf("invalid UTF-8")
	}
	phrase := hasOperatorWord(s)
	if phrase {
		b = append(b, '"')
	}
	for _, r := range s {
		switch {
		case r < 0x20 || r == 0x7f:
			b = append(b, ' ') // a control character separates words; it may not split the statement
		case r < utf8.RuneSelf && strings.IndexByte(soslReserved, byte(r)) >= 0:
			b = append(b, '\\', byte(r))
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	if phrase {
		b = append(b, '"')
	}
	return b, nil
}

// hasOperatorWord reports whether s holds AND, OR or NOT as a word.
func hasOperatorWord(s string) bool {
	for w := range strings.FieldsFuncSeq(s, func(r rune) bool {
		return r == ' ' || r < 0x20 || r < utf8.RuneSelf && strings.IndexByte(soslReserved, byte(r)) >= 0
	}) {
		switch strings.ToUpper(w) {
		case "AND", "OR", "NOT":
			return true
		}
	}
	return false
}

// SearchResult is the result of [Search]: records of several sObjects.
// Read those of one sObject with [SearchRecords].
type SearchResult struct {
	records []searchRecord
}

type searchRecord struct {
	typ string
	raw json.RawMessage
}

// Len returns the number of records found.
func (r *SearchResult) Len() int { return len(r.records) }

// Types returns the sObjects of the records found, in order of first
// appearance.
func (r *SearchResult) Types() []string {
	var out []string
	seen := map[string]bool{}
	for _, rec := range r.records {
		if !seen[rec.typ] {
			seen[rec.typ] = true
			out = append(out, rec.typ)
		}
	}
	return out
}

// Search runs a SOSL search (GET /search?q=; build the statement with
// [SOSL]) and returns its records, to be read by type with
// [SearchRecords]. A record without attributes.type is an [*Error]
// wrapping [ErrMalformedResponse].
func Search(ctx context.Context, c *Client, sosl string, opts ...CallOption) (*SearchResult, error) {
	const op = "search"
	cfg, err := newCall(opts)
	if err != nil {
		return nil, fmt.Errorf("sobjects: %s: %w", op, err)
	}
	resp, err := c.send(op, cfg, func(eds []gen.RequestEditorFn) (*http.Response, error) {
		return c.gen.Search(ctx, &gen.SearchParams{Q: sosl}, eds...)
	})
	if err != nil {
		return nil, err
	}
	status := resp.StatusCode
	var out struct {
		SearchRecords []json.RawMessage `json:"searchRecords"`
	}
	if err := decodeJSON(ctx, op, resp, &out); err != nil {
		return nil, err
	}
	res := &SearchResult{records: make([]searchRecord, 0, len(out.SearchRecords))}
	for i, raw := range out.SearchRecords {
		var head struct {
			Attributes sftype.Attributes `json:"attributes"`
		}
		if json.Unmarshal(raw, &head) != nil || head.Attributes.Type == "" {
			return nil, &Error{Op: op, StatusCode: status, Err: ErrMalformedResponse,
				Message: fmt.Sprintf("record %d has no attributes.type", i), Snippet: snippet(raw)}
		}
		res.records = append(res.records, searchRecord{typ: head.Attributes.Type, raw: raw})
	}
	return res, nil
}

// SearchRecords decodes the records of r whose sObject is T's into T, a
// generated read shape such as sfmodel.Account, in the order found.
func SearchRecords[T any](r *SearchResult) ([]T, error) {
	obj, err := objectOf[T]()
	if err != nil {
		return nil, fmt.Errorf("%w: search: %w", ErrInvalidArgument, err)
	}
	var out []T
	for _, rec := range r.records {
		if !strings.EqualFold(rec.typ, obj) {
			continue
		}
		var v T
		if err := json.Unmarshal(rec.raw, &v); err != nil {
			return out, &Error{Op: "search " + obj, Err: fmt.Errorf("%w: %w", ErrMalformedResponse, err),
				Message: "cannot decode a record", Snippet: snippet(rec.raw)}
		}
		out = append(out, v)
	}
	return out, nil
}
