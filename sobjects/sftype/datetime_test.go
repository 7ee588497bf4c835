package sftype

import (
	"encoding/json"
	"testing"
	"time"
)

func utc(y int, mo time.Month, d, h, mi, s, ns int) DateTime {
	return DateTime{time.Date(y, mo, d, h, mi, s, ns, time.UTC)}
}

func TestParseDateTime(t *testing.T) {
	runParseCases(t, "datetime", ParseDateTime, []parseCase[DateTime]{
		// The form Salesforce writes, and the other forms it accepts.
		{in: "2013-05-20T20:49:32.000+0000", want: utc(2013, 5, 20, 20, 49, 32, 0)},
		{in: "2013-05-20T20:49:32.000Z", want: utc(2013, 5, 20, 20, 49, 32, 0)},
		{in: "2013-05-20T20:49:32Z", want: utc(2013, 5, 20, 20, 49, 32, 0)},
		{in: "2013-05-20T20:49:32+0000", want: utc(2013, 5, 20, 20, 49, 32, 0)},
		{in: "2024-01-31T12:00:00+02:00", want: utc(2024, 1, 31, 10, 0, 0, 0)},
		{in: "2024-01-31T12:00:00.123456789-05:30", want: utc(2024, 1, 31, 17, 30, 0, 123456789)},
		{in: "2024-01-31T12:00:00.123-0530", want: utc(2024, 1, 31, 17, 30, 0, 123e6)},
		{in: "2024-01-31T12:00:00.000-00:00", want: utc(2024, 1, 31, 12, 0, 0, 0)},
		{in: "2024-01-31T12:00:00.5Z", want: utc(2024, 1, 31, 12, 0, 0, 5e8)},
		{in: "2024-01-01T01:00:00+02:00", want: utc(2023, 12, 31, 23, 0, 0, 0)},
		{in: "2024-02-29T23:59:59.999+0000", want: utc(2024, 2, 29, 23, 59, 59, 999e6)},
		{in: "2000-02-29T00:00:00Z", want: utc(2000, 2, 29, 0, 0, 0, 0)},
		{in: "0000-01-01T00:00:00Z", want: utc(0, 1, 1, 0, 0, 0, 0)},
		{in: "9999-12-31T23:59:59.999Z", want: utc(9999, 12, 31, 23, 59, 59, 999e6)},
		{in: "1700-03-01T00:00:00+2359", want: utc(1700, 2, 28, 0, 1, 0, 0)},
		// Slow path: time.Parse takes more than nine fractional digits and a comma.
		{in: "2024-01-31T12:00:00.1234567891Z", want: utc(2024, 1, 31, 12, 0, 0, 123456789)},
		{in: "2024-01-31T12:00:00,5Z", want: utc(2024, 1, 31, 12, 0, 0, 5e8)},

		// Out of range: each field, leap days, leap seconds, offsets.
		{in: "2024-13-01T00:00:00.000+0000", kind: ErrRange, msg: "month out of range"},
		{in: "2024-00-01T00:00:00.000+0000", kind: ErrRange, msg: "month out of range"},
		{in: "2024-02-30T00:00:00.000+0000", kind: ErrRange, msg: "day out of range"},
		{in: "2023-02-29T00:00:00.000+0000", kind: ErrRange, msg: "day out of range"},
		{in: "1900-02-29T00:00:00Z", kind: ErrRange, msg: "day out of range"},
		{in: "2024-04-31T00:00:00Z", kind: ErrRange, msg: "day out of range"},
		{in: "2024-02-30T12:00:00+02:00", kind: ErrRange, msg: "day out of range"},
		{in: "2024-01-31T24:00:00.000+0000", kind: ErrRange, msg: "hour out of range"},
		{in: "2024-01-31T12:60:00.000+0000", kind: ErrRange, msg: "minute out of range"},
		{in: "2024-12-31T23:59:60.000+0000", kind: ErrRange, msg: "second out of range"},
		{in: "2024-01-31T12:00:00.000+2400", kind: ErrRange, msg: "time zone offset out of range"},
		{in: "2024-01-31T12:00:00.000+0060", kind: ErrRange, msg: "time zone offset out of range"},
		{in: "2024-01-31T12:00:00-23:60", kind: ErrRange, msg: "time zone offset out of range"},
		{in: "2024-01-31T12:00:00+2500", kind: ErrRange, msg: "time zone offset hour out of range"},

		// Not a datetime form: Salesforce answers JSON_PARSER_ERROR.
		{in: "2024-01-31 12:00:00", kind: ErrSyntax, msg: errDateTimeSyntax.msg},
		{in: "2024-01-31 12:00:00.000+0000", kind: ErrSyntax},
		{in: "2024-01-31T12:00:00", kind: ErrSyntax},
		{in: "2024-01-31T12:00:00.000", kind: ErrSyntax},
		{in: "2024-01-31", kind: ErrSyntax},
		{in: "2024-01-31t12:00:00z", kind: ErrSyntax},
		{in: "2024-01-31T12:00:00.Z", kind: ErrSyntax},
		{in: "2024-01-31T12:00:00+02", kind: ErrSyntax},
		{in: "2024-01-31T12:00:00*0200", kind: ErrSyntax},
		{in: "2024-01-31T12:00:00Z ", kind: ErrSyntax},
		{in: " 2024-01-31T12:00:00Z", kind: ErrSyntax},
		{in: "-024-01-31T12:00:00Z", kind: ErrSyntax},
		{in: "24-01-31T12:00:00Z", kind: ErrSyntax},
		{in: "1369082972000", kind: ErrSyntax},
		{in: "not a date", kind: ErrSyntax},
	})
}

func TestDateTimeJSON(t *testing.T) {
	before := utc(2001, 2, 3, 4, 5, 6, 0)
	runJSONCases(t, "datetime", before, []jsonCase[DateTime]{
		{name: "canonical", json: `"2013-05-20T20:49:32.000+0000"`, want: utc(2013, 5, 20, 20, 49, 32, 0)},
		{name: "escaped", json: `"\u0032013-05-20T20:49:32.000\u002b0000"`, want: utc(2013, 5, 20, 20, 49, 32, 0)},
		{name: "null", json: `null`, want: DateTime{}},
		{name: "empty string", json: `""`, want: DateTime{}},
		{name: "number", json: `1369082972000`, value: "1369082972000", kind: ErrSyntax},
		{name: "bool", json: `true`, value: "true", kind: ErrSyntax},
		{name: "object", json: `{"t":1}`, value: `{"t":1}`, kind: ErrSyntax},
		{name: "array", json: `["2013-05-20T20:49:32.000+0000"]`, value: `["2013-05-20T20:49:32.000+0000"]`, kind: ErrSyntax},
		{name: "space", json: `"2024-01-31 12:00:00"`, value: "2024-01-31 12:00:00", kind: ErrSyntax},
		{name: "range", json: `"2024-02-30T00:00:00Z"`, value: "2024-02-30T00:00:00Z", kind: ErrRange},
	})
}

func TestDateTimeMarshal(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		paris = time.FixedZone("CET", 3600)
	}
	runMarshalCases(t, []marshalCase[DateTime]{
		{name: "zero", in: DateTime{}, json: `null`},
		{name: "utc", in: utc(2013, 5, 20, 20, 49, 32, 0), json: `"2013-05-20T20:49:32.000Z"`},
		{name: "millis", in: utc(2013, 5, 20, 20, 49, 32, 7e6), json: `"2013-05-20T20:49:32.007Z"`},
		{name: "truncates below a millisecond", in: utc(2013, 5, 20, 20, 49, 32, 999999999), json: `"2013-05-20T20:49:32.999Z"`},
		{name: "other zone is written in UTC", in: DateTime{time.Date(2024, 1, 1, 0, 30, 0, 0, paris)}, json: `"2023-12-31T23:30:00.000Z"`},
		{name: "year 0", in: utc(0, 1, 1, 0, 0, 0, 0), json: `"0000-01-01T00:00:00.000Z"`},
		{name: "year 10000", in: utc(10000, 1, 1, 0, 0, 0, 0), json: ""},
		{name: "year -1", in: utc(-1, 12, 31, 0, 0, 0, 0), json: ""},
	})
}

func TestDateTimeRoundTrip(t *testing.T) {
	for _, in := range []string{
		"2013-05-20T20:49:32.000+0000",
		"2013-05-20T20:49:32.000Z",
		"2024-01-31T12:00:00+02:00",
		"2024-01-31T12:00:00.123456789-05:30",
		"1700-01-01T00:00:00.001+0000",
		"4000-12-31T23:59:59.999-1200",
	} {
		t.Run(in, func(t *testing.T) {
			var first DateTime
			if err := json.Unmarshal([]byte(`"`+in+`"`), &first); err != nil {
				t.Fatal(err)
			}
			wire, err := json.Marshal(first)
			if err != nil {
				t.Fatal(err)
			}
			var second DateTime
			if err := json.Unmarshal(wire, &second); err != nil {
				t.Fatal(err)
			}
			// Salesforce keeps milliseconds; the same instant comes back at that precision.
			if want := first.Truncate(time.Millisecond); second != DateTimeOf(want) {
				t.Errorf("%s -> %s -> %v; want %v", in, wire, second, want)
			}
		})
	}
}

func TestDateTimeOf(t *testing.T) {
	now := time.Now() // carries a monotonic clock reading and the local zone
	dt := DateTimeOf(now)
	if !dt.Equal(now) || dt.Location() != time.UTC {
		t.Errorf("DateTimeOf(%v) = %v; want the same instant in UTC", now, dt)
	}
	if dt != DateTimeOf(dt.Time) {
		t.Error("DateTimeOf kept the monotonic clock reading; values are not comparable with ==")
	}
}

func TestDateTimeTextKeys(t *testing.T) {
	in := map[DateTime]int{utc(2024, 1, 31, 12, 0, 0, 0): 1, {}: 0}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"":0,"2024-01-31T12:00:00.000Z":1}`; string(b) != want {
		t.Errorf("json.Marshal(map) = %s; want %s", b, want)
	}
	var out map[DateTime]int
	if err := json.Unmarshal(b, &out); err != nil || len(out) != 2 || out[utc(2024, 1, 31, 12, 0, 0, 0)] != 1 {
		t.Errorf("round trip of map keys = %v, %v", out, err)
	}
}
