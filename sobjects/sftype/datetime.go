package sftype

import (
	"fmt"
	"time"
)

// DateTime is a Salesforce dateTime: an instant, held as a [time.Time].
//
// It reads "2024-01-31T12:00:00.000+0000" (the form Salesforce writes),
// "2024-01-31T12:00:00.000Z", "2024-01-31T12:00:00Z", and RFC 3339 with a colon
// offset ("2024-01-31T12:00:00+02:00"), with any fractional precision. Values
// it reads are in UTC. It writes "2006-01-02T15:04:05.000Z" in UTC, a form
// Salesforce accepts, dropping anything finer than a millisecond.
//
// JSON null and "" decode to the zero value, without error. The zero value
// marshals as JSON null and as empty text.
//
// The methods of time.Time are promoted, so dt.Before, dt.Equal, dt.Format and
// so on work as usual.
type DateTime struct{ time.Time }

// dateTimeLayout is the layout DateTime writes, in UTC.
const dateTimeLayout = "2006-01-02T15:04:05.000Z"

// dateTimeLayouts are the layouts of the slow path, most likely first.
var dateTimeLayouts = []string{
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999Z07:00",
}

var errDateTimeSyntax = &reason{msg: "want yyyy-MM-ddTHH:mm:ss[.SSS] then Z, ±hhmm or ±hh:mm", kind: ErrSyntax}

// DateTimeOf returns t as a DateTime in UTC, without its monotonic clock reading.
func DateTimeOf(t time.Time) DateTime { return DateTime{t.UTC()} }

var dateTimeCodec = &codec[DateTime]{"datetime", true, parseDateTimeFast[[]byte], parseDateTimeSlow}

// ParseDateTime parses s in any form DateTime reads. A bad value is a *ParseError.
func ParseDateTime(s string) (DateTime, error) {
	return parseWith(s, parseDateTimeFast[string], parseDateTimeSlow)
}

// parseDateTimeFast parses "yyyy-MM-ddTHH:mm:ss", an optional fraction of one to
// nine digits and a zone "Z", "±hhmm" or "±hh:mm", without allocating.
// It does not report errors: anything it does not accept goes to time.Parse.
func parseDateTimeFast[S text](s S) (DateTime, bool) {
	if len(s) < 20 || s[10] != 'T' {
		return DateTime{}, false
	}
	y, mo, d, ok := parseYMD(s)
	if !ok {
		return DateTime{}, false
	}
	h, mi, sec, ns, i, ok := parseClock(s, 11)
	if !ok {
		return DateTime{}, false
	}
	offset, ok := parseZone(s, i)
	if !ok {
		return DateTime{}, false
	}
	unix := unixDays(y, mo, d)*86400 + int64(h*3600+mi*60+sec-offset)
	return DateTime{time.Unix(unix, int64(ns)).UTC()}, true
}

func parseDateTimeSlow(s string) (DateTime, error) {
	t, err := parseLayouts(s, dateTimeLayouts, errDateTimeSyntax)
	if err == nil && !zoneSuffixInRange(s) {
		err = errZoneRange
	}
	if err != nil {
		return DateTime{}, newParseError("datetime", s, err)
	}
	return DateTime{t.UTC()}, nil
}

// String returns dt in the form DateTime writes, or "" for the zero value.
func (dt DateTime) String() string {
	b, err := dt.AppendText(nil)
	if err != nil {
		return dt.Time.String()
	}
	return string(b)
}

// AppendText implements encoding.TextAppender: it appends dt in UTC as
// "2006-01-02T15:04:05.000Z", or nothing for the zero value. A year outside
// 0 to 9999 in UTC is an error wrapping ErrRange.
func (dt DateTime) AppendText(b []byte) ([]byte, error) {
	if dt.IsZero() {
		return b, nil
	}
	t := dt.UTC()
	date, clock := DateOf(t), TimeOf(t)
	if date.Year < 0 || date.Year > 9999 {
		return b, fmt.Errorf("sftype: datetime year %d outside 0 to 9999: %w", date.Year, ErrRange)
	}
	return clock.appendTo(append(date.appendTo(b), 'T')), nil
}

// MarshalText implements encoding.TextMarshaler; see AppendText.
func (dt DateTime) MarshalText() ([]byte, error) { return dt.AppendText(nil) }

// UnmarshalText implements encoding.TextUnmarshaler. Empty text is the zero value.
func (dt *DateTime) UnmarshalText(text []byte) error {
	return dateTimeCodec.setFromText(dt, text)
}

// MarshalJSON writes dt as a JSON string "2006-01-02T15:04:05.000Z" in UTC, or
// null for the zero value.
func (dt DateTime) MarshalJSON() ([]byte, error) {
	if dt.IsZero() {
		return []byte("null"), nil
	}
	return marshalQuoted(dt, len(dateTimeLayout))
}

// UnmarshalJSON reads a JSON string in any form DateTime reads. JSON null and ""
// are the zero value; any other JSON value is a *ParseError.
func (dt *DateTime) UnmarshalJSON(data []byte) error {
	return dateTimeCodec.setFromJSON(dt, data)
}
