package sftype

import (
	"errors"
	"strconv"
	"unicode/utf8"
)

// ErrSyntax is wrapped by a [*ParseError] whose input is not in an accepted form,
// including a JSON value of the wrong JSON type.
var ErrSyntax = errors.New("invalid syntax")

// ErrRange is wrapped by a [*ParseError] whose input has the right form but a
// field out of range (month 13, February 30, hour 24, ...), and by the error of
// a Marshal method given a value Salesforce cannot represent.
var ErrRange = errors.New("value out of range")

// maxErrValue is how much of the offending input a ParseError keeps.
const maxErrValue = 64

// ParseError reports a value that could not be read as a Salesforce type.
type ParseError struct {
	// Type is the Salesforce type: "datetime", "date", "time", "multipicklist" or "record".
	Type string
	// Value is the offending input, truncated to 64 bytes. For a JSON string it
	// is the decoded string; for any other JSON value, the JSON text.
	Value string
	// Err is the reason; it wraps ErrSyntax or ErrRange.
	Err error
}

// Error returns a message such as
// `sftype: cannot parse "2024-13-01" as date: month out of range`.
func (e *ParseError) Error() string {
	msg := "sftype: cannot parse " + strconv.Quote(e.Value) + " as " + e.Type
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns e.Err.
func (e *ParseError) Unwrap() error { return e.Err }

// reason is the Err of a ParseError: a short message that wraps ErrSyntax or
// ErrRange, and the underlying error if there is one.
type reason struct {
	msg   string
	kind  error
	cause error
}

func (r *reason) Error() string { return r.msg }

func (r *reason) Unwrap() []error {
	if r.cause == nil {
		return []error{r.kind}
	}
	return []error{r.kind, r.cause}
}

var (
	errNotString  = &reason{msg: "want a JSON string", kind: ErrSyntax}
	errBadString  = &reason{msg: "malformed JSON string", kind: ErrSyntax}
	errZoneRange  = &reason{msg: "time zone offset out of range", kind: ErrRange}
	errZoneNotUTC = &reason{msg: "time of day with a non-zero time zone offset", kind: ErrRange}
)

// newParseError returns a *ParseError for value, keeping at most maxErrValue bytes
// of it and not splitting a UTF-8 sequence.
func newParseError[S text](typ string, value S, err error) *ParseError {
	n := len(value)
	if n > maxErrValue {
		n = maxErrValue
		for i := 0; i < utf8.UTFMax-1 && n > 0 && !utf8.RuneStart(value[n]); i++ {
			n--
		}
	}
	return &ParseError{Type: typ, Value: string(value[:n]), Err: err}
}
