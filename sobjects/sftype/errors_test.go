package sftype

import (
	"errors"
	"strings"
	"testing"
)

func TestParseErrorMessage(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{func() error { _, err := ParseDate("2024-13-01"); return err }(),
			`sftype: cannot parse "2024-13-01" as date: month out of range`},
		{func() error { _, err := ParseDateTime("2024-01-31 12:00:00"); return err }(),
			`sftype: cannot parse "2024-01-31 12:00:00" as datetime: want yyyy-MM-ddTHH:mm:ss[.SSS] then Z, ±hhmm or ±hh:mm`},
		{func() error { var m MultiPicklist; return m.UnmarshalJSON([]byte(`12`)) }(),
			`sftype: cannot parse "12" as multipicklist: want a JSON string`},
		{&ParseError{Type: "time", Value: "x"}, `sftype: cannot parse "x" as time`},
	} {
		if tc.err == nil || tc.err.Error() != tc.want {
			t.Errorf("error = %v; want %s", tc.err, tc.want)
		}
	}
}

// TestEmptyString: the Parse functions reject "", while the decoders of
// DateTime and Date read it as the zero value (their text form), and Time,
// whose zero value is midnight, rejects it.
func TestEmptyString(t *testing.T) {
	var (
		dt   = utc(2001, 2, 3, 4, 5, 6, 0)
		d    = Date{2001, 2, 3}
		tod  = Time{Hour: 4}
		errs = map[string]error{}
	)
	_, errs["ParseDateTime"] = ParseDateTime("")
	_, errs["ParseDate"] = ParseDate("")
	_, errs["ParseTime"] = ParseTime("")
	errs["Time.UnmarshalText"] = tod.UnmarshalText(nil)
	for name, err := range errs {
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Value != "" || !errors.Is(err, ErrSyntax) {
			t.Errorf("%s(\"\") error = %v; want a *ParseError wrapping ErrSyntax", name, err)
		}
	}
	if err := dt.UnmarshalText(nil); err != nil || !dt.IsZero() {
		t.Errorf("DateTime.UnmarshalText(\"\") = %v, %v; want the zero value", dt, err)
	}
	if err := d.UnmarshalText([]byte{}); err != nil || !d.IsZero() {
		t.Errorf("Date.UnmarshalText(\"\") = %v, %v; want the zero value", d, err)
	}
	if tod != (Time{Hour: 4}) {
		t.Errorf("Time.UnmarshalText changed the value on error: %v", tod)
	}
}

func TestParseErrorUnwrap(t *testing.T) {
	_, err := ParseTime("25:00")
	var pe *ParseError
	if !errors.As(err, &pe) || !errors.Is(err, ErrRange) || errors.Is(err, ErrSyntax) || errors.Unwrap(err) != pe.Err {
		t.Errorf("error %v: want a *ParseError wrapping ErrRange only", err)
	}
}

func TestParseErrorTruncatesValue(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     int // len(Value)
	}{
		{"short", "bad", 3},
		{"exactly 64", strings.Repeat("x", 64), 64},
		{"ascii", strings.Repeat("x", 200), 64},
		{"does not split a rune", strings.Repeat("x", 63) + "é" + strings.Repeat("x", 10), 63},
		{"invalid UTF-8", strings.Repeat("\x80", 100), 64 - 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseDateTime(tc.in)
			var pe *ParseError
			if !errors.As(err, &pe) || len(pe.Value) != tc.want || !strings.HasPrefix(tc.in, pe.Value) {
				t.Errorf("Value = %q (len %d); want the first %d bytes", pe.Value, len(pe.Value), tc.want)
			}
		})
	}
}
