package sftype

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	noon := Time{Hour: 12}
	runParseCases(t, "time", ParseTime, []parseCase[Time]{
		{in: "12:00:00.000Z", want: noon},
		{in: "12:00:00Z", want: noon},
		{in: "12:00:00", want: noon},
		{in: "12:00", want: noon},
		{in: "12:00Z", want: noon},
		{in: "12:00:00.000+0000", want: noon},
		{in: "12:00:00.000-00:00", want: noon},
		{in: "12:00:00.5", want: Time{12, 0, 0, 5e8}},
		{in: "23:59:59.999Z", want: Time{23, 59, 59, 999e6}},
		{in: "08:30:15.123456789Z", want: Time{8, 30, 15, 123456789}},
		{in: "00:00:00.000Z", want: Time{}},
		// Slow path.
		{in: "12:00:00.1234567891Z", want: Time{12, 0, 0, 123456789}},
		{in: "8:05", want: Time{Hour: 8, Minute: 5}},

		{in: "24:00:00", kind: ErrRange, msg: "hour out of range"},
		{in: "24:00:00.000Z", kind: ErrRange, msg: "hour out of range"},
		{in: "12:60:00Z", kind: ErrRange, msg: "minute out of range"},
		{in: "12:60", kind: ErrRange, msg: "minute out of range"},
		{in: "23:59:60Z", kind: ErrRange, msg: "second out of range"},
		{in: "12:00:00.000+0100", kind: ErrRange, msg: errZoneNotUTC.msg},
		{in: "12:00:00-05:30", kind: ErrRange, msg: errZoneNotUTC.msg},

		{in: "12:00:00 ", kind: ErrSyntax, msg: errTimeSyntax.msg},
		{in: "12", kind: ErrSyntax},
		{in: "12:00:00z", kind: ErrSyntax},
		{in: "12:00:00.Z", kind: ErrSyntax},
		{in: "12.00.00", kind: ErrSyntax},
		{in: "2024-01-31T12:00:00Z", kind: ErrSyntax},
		{in: "noon", kind: ErrSyntax},
	})
}

func TestTimeJSON(t *testing.T) {
	runJSONCases(t, "time", Time{1, 2, 3, 4}, []jsonCase[Time]{
		{name: "time", json: `"12:00:00.000Z"`, want: Time{Hour: 12}},
		{name: "null is midnight", json: `null`, want: Time{}},
		{name: "empty string", json: `""`, value: "", kind: ErrSyntax},
		{name: "number", json: `43200000`, value: "43200000", kind: ErrSyntax},
		{name: "range", json: `"24:00:00"`, value: "24:00:00", kind: ErrRange},
	})
}

func TestTimeMarshal(t *testing.T) {
	runMarshalCases(t, []marshalCase[Time]{
		{name: "midnight", in: Time{}, json: `"00:00:00.000Z"`},
		{name: "noon", in: Time{Hour: 12}, json: `"12:00:00.000Z"`},
		{name: "millis", in: Time{23, 59, 59, 999999999}, json: `"23:59:59.999Z"`},
		{name: "small", in: Time{1, 2, 3, 4e6}, json: `"01:02:03.004Z"`},
		{name: "hour 24", in: Time{Hour: 24}, json: ""},
		{name: "second 60", in: Time{Second: 60}, json: ""},
		{name: "nanosecond 1e9", in: Time{Nanosecond: 1e9}, json: ""},
		{name: "negative", in: Time{Minute: -1}, json: ""},
	})
}

func TestTimeOf(t *testing.T) {
	at := time.Date(2024, 1, 31, 17, 4, 5, 6e8, time.FixedZone("X", -7*3600))
	if got, want := TimeOf(at), (Time{17, 4, 5, 6e8}); got != want {
		t.Errorf("TimeOf(%v) = %v; want %v (the clock in t's own zone)", at, got, want)
	}
}

func TestTimeRoundTrip(t *testing.T) {
	for _, in := range []Time{{}, {12, 0, 0, 0}, {23, 59, 59, 999e6}, {7, 8, 9, 10e6}} {
		b, err := json.Marshal(in)
		var back Time
		if err == nil {
			err = json.Unmarshal(b, &back)
		}
		if err != nil || back != in {
			t.Errorf("%v -> %s -> %v, %v", in, b, back, err)
		}
	}
}
