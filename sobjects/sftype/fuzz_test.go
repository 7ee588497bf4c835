package sftype

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// The fuzz targets check, for any input:
//   - the hand-written fast path agrees with time.Parse (the reference) on
//     every input it accepts, and the full parser never accepts what time.Parse
//     rejects, nor rejects what it accepts but for a documented extra rule;
//   - a value read, written and read again is the same (at millisecond precision);
//   - UnmarshalJSON agrees with encoding/json's reading of the JSON string and
//     fails only with a *ParseError, never a panic.
//
// Run one for a while with, for example:
//
//	go test -run '^$' -fuzz '^FuzzParseDateTime$' -fuzztime 20s ./sobjects/sftype/

// seedValues are the seed corpus of the string fuzz targets.
var seedValues = []string{
	"2013-05-20T20:49:32.000+0000", "2013-05-20T20:49:32.000Z", "2013-05-20T20:49:32Z",
	"2024-01-31T12:00:00+02:00", "2024-01-31T12:00:00.123456789-05:30", "2024-02-29T23:59:59.999-2359",
	"0000-01-01T00:00:00+0100", "0001-01-01T0:00:00Z", "9999-12-31T23:59:59.999-01:00", "2024-01-31T12:00:00,5Z",
	"2024-02-30T00:00:00Z", "2024-01-31 12:00:00", "2024-01-31T24:00:00Z", "2024-01-31T12:00:00+2460",
	"2010-01-01", "2024-02-29", "2024-13-01", "2023-02-29", "2024-1-1",
	"12:00:00.000Z", "12:00:00Z", "12:00:00", "12:00:00.5", "12:00", "24:00:00", "12:00:00+0100", "1:2",
	"", "Z", "-", "T", "\x80", "four;six",
}

// refSpec ties a type's parsers to its time.Parse reference.
type refSpec[T comparable] struct {
	typ     string
	layouts []string
	fast    func(string) (T, bool)
	fastB   func([]byte) (T, bool)
	parse   func(string) (T, error)
	fromRef func(time.Time) T
	// extra is the one rejection the type adds to time.Parse's.
	extra func(ref time.Time, s string) error
	// written is what a value becomes once written (Salesforce keeps milliseconds).
	written func(T) T
	text    func(T) ([]byte, error)
}

func (c refSpec[T]) check(t *testing.T, s string) {
	var ref time.Time
	refErr := errors.New("no layout")
	for _, layout := range c.layouts {
		if ref, refErr = time.Parse(layout, s); refErr == nil {
			break
		}
	}

	fast, fastOK := c.fast(s)
	if fastB, ok := c.fastB([]byte(s)); ok != fastOK || fastB != fast {
		t.Fatalf("fast path on %q: string gives %v, %v; bytes give %v, %v", s, fast, fastOK, fastB, ok)
	}
	if fastOK && (refErr != nil || fast != c.fromRef(ref)) {
		t.Fatalf("fast path accepts %q as %v; time.Parse gives %v, %v", s, fast, ref, refErr)
	}

	got, err := c.parse(s)
	var pe *ParseError
	switch {
	case err == nil && (refErr != nil || got != c.fromRef(ref)):
		t.Fatalf("%s parse accepts %q as %v; time.Parse gives %v, %v", c.typ, s, got, ref, refErr)
	case err != nil && (!errors.As(err, &pe) || pe.Type != c.typ || len(pe.Value) > maxErrValue || !strings.HasPrefix(s, pe.Value)):
		t.Fatalf("%s parse of %q: error %v (%T); want a *ParseError", c.typ, s, err, err)
	case err != nil && refErr == nil && (c.extra == nil || c.extra(ref, s) == nil || pe.Err != c.extra(ref, s)):
		t.Fatalf("%s parse rejects %q (%v); time.Parse accepts it as %v", c.typ, s, err, ref)
	case err != nil:
		return
	}

	// Written and read back, the value is the same at millisecond precision.
	b, err := c.text(got)
	if errors.Is(err, ErrRange) {
		return // a datetime near year 0 or 9999 that its offset takes out of range
	}
	if err != nil {
		t.Fatalf("text of %v: %v", got, err)
	}
	var back T // the zero DateTime (0001-01-01T00:00:00Z) is written as no value
	if len(b) > 0 {
		back, err = c.parse(string(b))
	}
	if err != nil || back != c.written(got) {
		t.Fatalf("%q -> %v -> %q -> %v, %v; want %v", s, got, b, back, err, c.written(got))
	}
}

var dateTimeSpec = refSpec[DateTime]{
	typ:     "datetime",
	layouts: []string{"2006-01-02T15:04:05.999999999Z0700", "2006-01-02T15:04:05.999999999Z07:00"},
	fast:    parseDateTimeFast[string],
	fastB:   parseDateTimeFast[[]byte],
	parse:   ParseDateTime,
	fromRef: DateTimeOf,
	extra: func(time.Time, string) error {
		return errZoneRange
	},
	written: func(dt DateTime) DateTime { return DateTimeOf(dt.Truncate(time.Millisecond)) },
	text:    DateTime.MarshalText,
}

var dateSpec = refSpec[Date]{
	typ:     "date",
	layouts: []string{time.DateOnly},
	fast:    parseDateFast[string],
	fastB:   parseDateFast[[]byte],
	parse:   ParseDate,
	fromRef: DateOf,
	written: func(d Date) Date { return d },
	text:    Date.MarshalText,
}

var timeSpec = refSpec[Time]{
	typ: "time",
	layouts: []string{
		"15:04:05.999999999Z07:00", "15:04:05.999999999Z0700", "15:04:05.999999999",
		"15:04Z07:00", "15:04Z0700", "15:04",
	},
	fast:    parseTimeFast[string],
	fastB:   parseTimeFast[[]byte],
	parse:   ParseTime,
	fromRef: TimeOf,
	extra: func(ref time.Time, _ string) error {
		if _, offset := ref.Zone(); offset != 0 {
			return errZoneNotUTC
		}
		return nil
	},
	written: func(t Time) Time { t.Nanosecond -= t.Nanosecond % 1e6; return t },
	text:    Time.MarshalText,
}

func addSeeds[T string | []byte](f *testing.F, conv func(string) T) {
	for _, s := range seedValues {
		f.Add(conv(s))
	}
}

func FuzzParseDateTime(f *testing.F) { fuzzParse(f, dateTimeSpec) }
func FuzzParseDate(f *testing.F)     { fuzzParse(f, dateSpec) }
func FuzzParseTime(f *testing.F)     { fuzzParse(f, timeSpec) }

func fuzzParse[T comparable](f *testing.F, spec refSpec[T]) {
	addSeeds(f, func(s string) string { return s })
	f.Fuzz(spec.check)
}

// jsonSeeds are seeds for the UnmarshalJSON targets: each seed value as a JSON
// string, and JSON of other kinds.
func addJSONSeeds(f *testing.F) {
	addSeeds(f, func(s string) []byte { b, _ := json.Marshal(s); return b })
	for _, s := range []string{
		`null`, `""`, `12`, `true`, `{}`, `[]`, `"\u0032013-05-20T20:49:32.000Z"`, `"a\"b"`, `"a\\;b"`, `"\ud800"`,
		`"x`, `"`, `"a" "b"`, ` "12:00:00"`, `{"attributes":{"type":"Account","url":"/x"},"Id":"001"}`,
		`{"attributes":{"type":5}}`, `{"a":1} `, `{`, "\"\x80\"",
	} {
		f.Add([]byte(s))
	}
}

// checkUnmarshalJSON checks UnmarshalJSON of T against encoding/json's reading
// of data as a string and the type's own parse.
func checkUnmarshalJSON[T comparable, PT interface {
	*T
	json.Unmarshaler
}](t *testing.T, data []byte, typ string, emptyIsZero bool, parse func(string) (T, error)) {
	var got T
	err := PT(&got).UnmarshalJSON(data)
	var zero, want T
	var wantErr error
	s, isString := jsonStringRef(data)
	switch {
	case string(data) == "null", isString && s == "" && emptyIsZero:
		want = zero
	case isString:
		want, wantErr = parse(s)
	default:
		wantErr = errNotString
	}
	var pe *ParseError
	if err != nil && (!errors.As(err, &pe) || pe.Type != typ) {
		t.Fatalf("UnmarshalJSON(%q) error %v (%T); want a *ParseError", data, err, err)
	}
	if (err == nil) != (wantErr == nil) || got != want {
		t.Fatalf("UnmarshalJSON(%q) = %v, %v; want %v, %v", data, got, err, want, wantErr)
	}
}

// jsonStringRef reads data as a JSON string, exactly (no surrounding space).
func jsonStringRef(data []byte) (string, bool) {
	var s string
	ok := len(data) >= 2 && data[0] == '"' && data[len(data)-1] == '"' && json.Unmarshal(data, &s) == nil
	return s, ok
}

func FuzzDateTimeUnmarshalJSON(f *testing.F) {
	fuzzUnmarshalJSON[DateTime](f, "datetime", true, ParseDateTime)
}
func FuzzDateUnmarshalJSON(f *testing.F) { fuzzUnmarshalJSON[Date](f, "date", true, ParseDate) }
func FuzzTimeUnmarshalJSON(f *testing.F) { fuzzUnmarshalJSON[Time](f, "time", false, ParseTime) }

func fuzzUnmarshalJSON[T comparable, PT interface {
	*T
	json.Unmarshaler
}](f *testing.F, typ string, emptyIsZero bool, parse func(string) (T, error)) {
	addJSONSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		checkUnmarshalJSON[T, PT](t, data, typ, emptyIsZero, parse)
	})
}

func FuzzMultiPicklistUnmarshalJSON(f *testing.F) {
	addJSONSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		var got MultiPicklist
		err := got.UnmarshalJSON(data)
		s, isString := jsonStringRef(data)
		var want MultiPicklist
		switch {
		case isString && s != "":
			want = strings.Split(s, ";")
		case !isString && string(data) != "null":
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Type != "multipicklist" {
				t.Fatalf("UnmarshalJSON(%q) = %q, %v; want a *ParseError", data, got, err)
			}
			return
		}
		if err != nil || !slices.Equal(got, want) || (want == nil) != (got == nil) {
			t.Fatalf("UnmarshalJSON(%q) = %#v, %v; want %#v", data, got, err, want)
		}
		b, err := json.Marshal(got)
		var back MultiPicklist
		if err == nil {
			err = json.Unmarshal(b, &back)
		}
		if err != nil || !slices.Equal(back, got) {
			t.Fatalf("%#v -> %s -> %#v, %v", got, b, back, err)
		}
	})
}

func FuzzRecordUnmarshalJSON(f *testing.F) {
	addJSONSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		var r Record
		err := r.UnmarshalJSON(data)
		trimmed := bytes.TrimSpace(data)
		var head struct {
			Attributes Attributes `json:"attributes"`
		}
		wantOK := string(trimmed) == "null" ||
			len(trimmed) > 0 && trimmed[0] == '{' && json.Unmarshal(trimmed, &head) == nil
		var pe *ParseError
		switch {
		case err != nil && (!errors.As(err, &pe) || pe.Type != "record"):
			t.Fatalf("UnmarshalJSON(%q) error %v (%T); want a *ParseError", data, err, err)
		case (err == nil) != wantOK:
			t.Fatalf("UnmarshalJSON(%q) error %v; want success %v", data, err, wantOK)
		case err != nil || string(trimmed) == "null":
			return
		}
		out, _ := r.MarshalJSON()
		var m map[string]any
		if r.Attributes != head.Attributes || !bytes.Equal(out, trimmed) || r.Decode(&m) != nil {
			t.Fatalf("UnmarshalJSON(%q) = %+v; want attributes %+v and the raw JSON back", data, r, head.Attributes)
		}
	})
}
