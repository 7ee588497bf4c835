package sftype

import (
	"fmt"
	"time"
)

// Time is a Salesforce time: a time of day with no date and no time zone
// (Salesforce does not adjust it to any zone).
//
// It reads "12:00:00.000Z" (the documented form), and liberally also
// "12:00:00Z", "12:00:00", "12:00:00.5", "12:00" and a zero offset such as
// "+00:00" in place of "Z". A non-zero offset is an error. It writes
// "15:04:05.000Z", dropping anything finer than a millisecond.
//
// Unlike DateTime and Date, the zero value is a real value, midnight: it
// marshals as "00:00:00.000Z", and IsZero reports true for it. A field that may
// be absent or null should be a *Time. JSON null decodes to midnight; "" is an
// error.
type Time struct {
	Hour, Minute, Second, Nanosecond int
}

// timeLayouts are the layouts of the slow path.
var timeLayouts = []string{
	"15:04:05.999999999Z07:00", "15:04:05.999999999Z0700", "15:04:05.999999999",
	"15:04Z07:00", "15:04Z0700", "15:04",
}

var (
	errTimeSyntax  = &reason{msg: "want HH:mm[:ss[.SSS]] then an optional Z", kind: ErrSyntax}
	errTimeInvalid = fmt.Errorf("sftype: invalid time of day: %w", ErrRange)
)

// TimeOf returns the time of day of t in t's location.
func TimeOf(t time.Time) Time {
	h, m, s := t.Clock()
	return Time{Hour: h, Minute: m, Second: s, Nanosecond: t.Nanosecond()}
}

var timeCodec = &codec[Time]{"time", false, parseTimeFast[[]byte], parseTimeSlow}

// ParseTime parses a time of day in any form Time reads. A bad value is a
// *ParseError.
func ParseTime(s string) (Time, error) { return parseWith(s, parseTimeFast[string], parseTimeSlow) }

// parseTimeFast parses "HH:mm:ss" with an optional fraction of one to nine
// digits, or "HH:mm", then an optional "Z", without allocating. It does not
// report errors: anything it does not accept goes to time.Parse.
func parseTimeFast[S text](s S) (Time, bool) {
	h, m, sec, ns, i, ok := parseClock(s, 0)
	if !ok && (len(s) == 5 || len(s) == 6 && s[5] == 'Z') && s[2] == ':' {
		h, m, i = num2(s, 0), num2(s, 3), 5
		ok = validClock(h, m, 0, 0)
	}
	ok = ok && (i == len(s) || (i == len(s)-1 && s[i] == 'Z'))
	return Time{Hour: h, Minute: m, Second: sec, Nanosecond: ns}, ok
}

func parseTimeSlow(s string) (Time, error) {
	t, err := parseLayouts(s, timeLayouts, errTimeSyntax)
	if _, offset := t.Zone(); err == nil && offset != 0 {
		err = errZoneNotUTC
	}
	if err != nil {
		return Time{}, newParseError("time", s, err)
	}
	return TimeOf(t), nil
}

// IsZero reports whether t is the zero value, midnight.
func (t Time) IsZero() bool { return t == Time{} }

// IsValid reports whether every field of t is in range (no leap second).
func (t Time) IsValid() bool { return validClock(t.Hour, t.Minute, t.Second, t.Nanosecond) }

// String returns t as "15:04:05.000Z" (fields out of range are printed as they are).
func (t Time) String() string { return string(t.appendTo(nil)) }

func (t Time) appendTo(b []byte) []byte {
	b = appendPadded(b, t.Hour, 2)
	b = appendPadded(append(b, ':'), t.Minute, 2)
	b = appendPadded(append(b, ':'), t.Second, 2)
	b = appendPadded(append(b, '.'), t.Nanosecond/1e6, 3)
	return append(b, 'Z')
}

// AppendText implements encoding.TextAppender: it appends "15:04:05.000Z".
// A field out of range is an error wrapping ErrRange.
func (t Time) AppendText(b []byte) ([]byte, error) {
	if !t.IsValid() {
		return b, errTimeInvalid
	}
	return t.appendTo(b), nil
}

// MarshalText implements encoding.TextMarshaler; see AppendText.
func (t Time) MarshalText() ([]byte, error) { return t.AppendText(nil) }

// UnmarshalText implements encoding.TextUnmarshaler.
func (t *Time) UnmarshalText(text []byte) error {
	return timeCodec.setFromText(t, text)
}

// MarshalJSON writes t as a JSON string "15:04:05.000Z".
func (t Time) MarshalJSON() ([]byte, error) {
	return marshalQuoted(t, len("15:04:05.000Z"))
}

// UnmarshalJSON reads a JSON string in any form Time reads. JSON null is
// midnight (the zero value); any other JSON value is a *ParseError.
func (t *Time) UnmarshalJSON(data []byte) error {
	return timeCodec.setFromJSON(t, data)
}
