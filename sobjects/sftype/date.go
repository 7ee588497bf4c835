package sftype

import (
	"fmt"
	"time"
)

// Date is a Salesforce date: a calendar day "2024-01-31" with no time zone.
//
// The zero value, Date{}, means no date: it marshals as JSON null and as empty
// text, and JSON null and "" decode to it. Date is comparable with ==.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

var (
	dateLayouts    = []string{time.DateOnly}
	errDateSyntax  = &reason{msg: "want yyyy-MM-dd", kind: ErrSyntax}
	errDateInvalid = fmt.Errorf("sftype: invalid date: %w", ErrRange)
)

// DateOf returns the date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

var dateCodec = &codec[Date]{"date", true, parseDateFast[[]byte], parseDateSlow}

// ParseDate parses "yyyy-MM-dd". A bad value is a *ParseError.
func ParseDate(s string) (Date, error) { return parseWith(s, parseDateFast[string], parseDateSlow) }

// parseDateFast parses "yyyy-MM-dd" without allocating. It does not report
// errors: anything it does not accept goes to time.Parse.
func parseDateFast[S text](s S) (Date, bool) {
	y, m, d, ok := parseYMD(s)
	return Date{Year: y, Month: m, Day: d}, ok && len(s) == len(time.DateOnly)
}

// parseDateSlow lets time.Parse judge what the fast path did not accept, for
// its error message.
func parseDateSlow(s string) (Date, error) {
	t, err := parseLayouts(s, dateLayouts, errDateSyntax)
	if err != nil {
		return Date{}, newParseError("date", s, err)
	}
	return DateOf(t), nil
}

// In returns midnight at the start of d in loc. Like time.Date, it panics if
// loc is nil.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// IsZero reports whether d is the zero value, Date{}.
func (d Date) IsZero() bool { return d == Date{} }

// IsValid reports whether d is a real calendar day with a year from 0 to 9999.
func (d Date) IsValid() bool { return validDate(d.Year, d.Month, d.Day) }

// String returns d as "yyyy-MM-dd" (fields out of range are printed as they
// are), or "" for the zero value.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return string(d.appendTo(nil))
}

func (d Date) appendTo(b []byte) []byte {
	b = appendPadded(b, d.Year, 4)
	b = appendPadded(append(b, '-'), int(d.Month), 2)
	return appendPadded(append(b, '-'), d.Day, 2)
}

// AppendText implements encoding.TextAppender: it appends "yyyy-MM-dd", or
// nothing for the zero value. An invalid date is an error wrapping ErrRange.
func (d Date) AppendText(b []byte) ([]byte, error) {
	switch {
	case d.IsZero():
		return b, nil
	case !d.IsValid():
		return b, errDateInvalid
	}
	return d.appendTo(b), nil
}

// MarshalText implements encoding.TextMarshaler; see AppendText.
func (d Date) MarshalText() ([]byte, error) { return d.AppendText(nil) }

// UnmarshalText implements encoding.TextUnmarshaler. Empty text is the zero value.
func (d *Date) UnmarshalText(text []byte) error {
	return dateCodec.setFromText(d, text)
}

// MarshalJSON writes d as a JSON string "yyyy-MM-dd", or null for the zero value.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return marshalQuoted(d, len(time.DateOnly))
}

// UnmarshalJSON reads a JSON string "yyyy-MM-dd". JSON null and "" are the zero
// value; any other JSON value is a *ParseError.
func (d *Date) UnmarshalJSON(data []byte) error {
	return dateCodec.setFromJSON(d, data)
}
