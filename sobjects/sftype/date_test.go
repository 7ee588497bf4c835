package sftype

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	runParseCases(t, "date", ParseDate, []parseCase[Date]{
		{in: "2010-01-01", want: Date{2010, time.January, 1}},
		{in: "2024-02-29", want: Date{2024, time.February, 29}},
		{in: "2000-02-29", want: Date{2000, time.February, 29}},
		{in: "1700-01-01", want: Date{1700, time.January, 1}},
		{in: "4000-12-31", want: Date{4000, time.December, 31}},
		{in: "0000-01-01", want: Date{0, time.January, 1}},

		{in: "2024-13-01", kind: ErrRange, msg: "month out of range"},
		{in: "2024-00-10", kind: ErrRange, msg: "month out of range"},
		{in: "2024-02-30", kind: ErrRange, msg: "day out of range"},
		{in: "2023-02-29", kind: ErrRange, msg: "day out of range"},
		{in: "2100-02-29", kind: ErrRange, msg: "day out of range"},
		{in: "2024-06-31", kind: ErrRange, msg: "day out of range"},
		{in: "2024-01-00", kind: ErrRange, msg: "day out of range"},

		// A datetime sent for a date is JSON_PARSER_ERROR at Salesforce.
		{in: "2024-01-31T00:00:00.000+0000", kind: ErrSyntax, msg: errDateSyntax.msg},
		{in: "2024-1-31", kind: ErrSyntax},
		{in: "2024/01/31", kind: ErrSyntax},
		{in: "31-01-2024", kind: ErrSyntax},
		{in: "+024-01-31", kind: ErrSyntax},
		{in: "2024-01-3a", kind: ErrSyntax},
	})
}

func TestDateJSON(t *testing.T) {
	runJSONCases(t, "date", Date{2001, 2, 3}, []jsonCase[Date]{
		{name: "date", json: `"2010-01-01"`, want: Date{2010, time.January, 1}},
		{name: "null", json: `null`, want: Date{}},
		{name: "empty string", json: `""`, want: Date{}},
		{name: "number", json: `20100101`, value: "20100101", kind: ErrSyntax},
		{name: "datetime", json: `"2010-01-01T00:00:00Z"`, value: "2010-01-01T00:00:00Z", kind: ErrSyntax},
		{name: "range", json: `"2024-02-30"`, value: "2024-02-30", kind: ErrRange},
	})
}

func TestDateMarshal(t *testing.T) {
	runMarshalCases(t, []marshalCase[Date]{
		{name: "zero", in: Date{}, json: `null`},
		{name: "date", in: Date{2010, time.January, 1}, json: `"2010-01-01"`},
		{name: "year 0", in: Date{0, time.March, 1}, json: `"0000-03-01"`},
		{name: "year 4000", in: Date{4000, time.December, 31}, json: `"4000-12-31"`},
		{name: "february 30", in: Date{2024, time.February, 30}, json: ""},
		{name: "month 13", in: Date{2024, 13, 1}, json: ""},
		{name: "year 10000", in: Date{10000, 1, 1}, json: ""},
		{name: "negative year", in: Date{-1, 1, 1}, json: ""},
	})
}

func TestDateString(t *testing.T) {
	// String never fails: an invalid date is printed as it is.
	for _, tc := range []struct {
		in   Date
		want string
	}{
		{Date{}, ""},
		{Date{2024, 2, 30}, "2024-02-30"},
		{Date{-5, 1, 1}, "-0005-01-01"},
		{Date{12345, 0, 100}, "12345-00-100"},
	} {
		if got := tc.in.String(); got != tc.want {
			t.Errorf("%#v.String() = %q; want %q", tc.in, got, tc.want)
		}
	}
}

func TestDateOfAndIn(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	instant := time.Date(2024, 1, 31, 20, 0, 0, 0, time.UTC) // already Feb 1 in Tokyo
	for _, tc := range []struct {
		loc  *time.Location
		want Date
	}{
		{time.UTC, Date{2024, time.January, 31}},
		{tokyo, Date{2024, time.February, 1}},
	} {
		d := DateOf(instant.In(tc.loc))
		if d != tc.want {
			t.Errorf("DateOf(%v) = %v; want %v", instant.In(tc.loc), d, tc.want)
		}
		if start := d.In(tc.loc); DateOf(start) != d || start.Hour() != 0 || start.Location() != tc.loc {
			t.Errorf("%v.In(%v) = %v; want midnight of that day", d, tc.loc, start)
		}
	}
}

func TestDateRoundTrip(t *testing.T) {
	for _, d := range []Date{{2010, 1, 1}, {2024, 2, 29}, {1700, 12, 31}} {
		b, err := json.Marshal(d)
		var back Date
		if err == nil {
			err = json.Unmarshal(b, &back)
		}
		if err != nil || back != d {
			t.Errorf("%v -> %s -> %v, %v", d, b, back, err)
		}
	}
}
