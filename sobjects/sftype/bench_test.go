package sftype

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Each benchmark compares sftype with the standard library doing the same job.
// Run: go test -run '^$' -bench . -benchmem ./sobjects/sftype/

// benchJSON runs unmarshal on each JSON input.
func benchJSON(b *testing.B, inputs map[string]string, unmarshal func([]byte) error) {
	for name, in := range inputs {
		data := []byte(in)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := unmarshal(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchParse runs parse on each string input.
func benchParse[T any](b *testing.B, inputs map[string]string, parse func(string) (T, error)) {
	for name, in := range inputs {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := parse(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func timeParser(layout string) func(string) (time.Time, error) {
	return func(s string) (time.Time, error) { return time.Parse(layout, s) }
}

func BenchmarkDateTimeUnmarshal(b *testing.B) {
	var dt DateTime
	b.Run("sftype", func(b *testing.B) {
		benchJSON(b, map[string]string{
			"canonical": `"2013-05-20T20:49:32.000+0000"`,
			"Z":         `"2013-05-20T20:49:32.000Z"`,
			"colon":     `"2024-01-31T12:00:00.123456789-05:30"`,
			"slow":      `"2024-01-31T12:00:00,5Z"`,
		}, dt.UnmarshalJSON)
	})
	b.Run("time.Parse", func(b *testing.B) {
		benchParse(b, map[string]string{"canonical": "2013-05-20T20:49:32.000+0000"},
			timeParser("2006-01-02T15:04:05.999999999Z0700"))
	})
	var t time.Time
	b.Run("time.Time", func(b *testing.B) {
		// What a struct of time.Time pays, on the RFC 3339 form it can read.
		benchJSON(b, map[string]string{"RFC3339": `"2013-05-20T20:49:32.000Z"`}, t.UnmarshalJSON)
	})
}

func BenchmarkDateTimeMarshal(b *testing.B) {
	dt := utc(2013, 5, 20, 20, 49, 32, 0)
	for name, marshal := range map[string]func() ([]byte, error){
		"sftype":    dt.MarshalJSON,
		"time.Time": dt.Time.MarshalJSON,
	} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := marshal(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDateUnmarshal(b *testing.B) {
	var d Date
	b.Run("sftype", func(b *testing.B) { benchJSON(b, map[string]string{"date": `"2010-01-01"`}, d.UnmarshalJSON) })
	b.Run("time.Parse", func(b *testing.B) {
		benchParse(b, map[string]string{"date": "2010-01-01"}, timeParser(time.DateOnly))
	})
}

func BenchmarkTimeUnmarshal(b *testing.B) {
	var t Time
	b.Run("sftype", func(b *testing.B) {
		benchJSON(b, map[string]string{"canonical": `"12:00:00.000Z"`, "short": `"12:00"`}, t.UnmarshalJSON)
	})
	b.Run("time.Parse", func(b *testing.B) {
		benchParse(b, map[string]string{"canonical": "12:00:00.000Z"}, timeParser("15:04:05.999999999Z07:00"))
	})
}

func BenchmarkMultiPicklistUnmarshal(b *testing.B) {
	var m MultiPicklist
	benchJSON(b, map[string]string{"three": `"Apparel;Banking;Energy"`}, m.UnmarshalJSON)
}

// benchAccount is a query record with datetime fields of type DT and a date
// field of type D.
type benchAccount[DT, D any] struct {
	Attributes       Attributes `json:"attributes"`
	ID               string     `json:"Id"`
	Name             string
	Industry         *string
	AnnualRevenue    *float64
	NumberOfEmployee *int
	CreatedDate      *DT
	LastModifiedDate *DT
	SystemModstamp   *DT
	LastActivityDate *D
}

// BenchmarkRecordDecode decodes a page of 200 query records with encoding/json
// into a struct of sftype fields, and into the same struct hand-written with
// strings (no date parsing at all: the limit) and with time.Time (on RFC 3339
// data, which is all time.Time can read).
func BenchmarkRecordDecode(b *testing.B) {
	page := func(zone string) []byte {
		var sb strings.Builder
		sb.WriteString(`{"totalSize":200,"done":true,"records":[`)
		for i := range 200 {
			if i > 0 {
				sb.WriteByte(',')
			}
			id := "001xx0000" + strconv.Itoa(100000000+i)
			sb.WriteString(`{"attributes":{"type":"Account","url":"/services/data/v62.0/sobjects/Account/` + id +
				`"},"Id":"` + id + `","Name":"Account ` + strconv.Itoa(i) + `","Industry":"Energy",` +
				`"AnnualRevenue":1250000.0,"NumberOfEmployee":42,` +
				`"CreatedDate":"2013-05-20T20:49:32.000` + zone + `","LastModifiedDate":"2024-01-31T12:00:00.000` + zone +
				`","SystemModstamp":"2024-01-31T12:00:01.000` + zone + `","LastActivityDate":"2024-01-30"}`)
		}
		sb.WriteString(`]}`)
		return []byte(sb.String())
	}
	salesforce, rfc3339 := page("+0000"), page("Z")
	run := func(name string, data []byte, decode func([]byte) error) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if err := decode(data); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(200*b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
	run("sftype", salesforce, func(d []byte) error {
		var p struct {
			Records []benchAccount[DateTime, Date]
		}
		return json.Unmarshal(d, &p)
	})
	run("strings", salesforce, func(d []byte) error {
		var p struct {
			Records []benchAccount[string, string]
		}
		return json.Unmarshal(d, &p)
	})
	run("time.Time", rfc3339, func(d []byte) error {
		var p struct {
			Records []benchAccount[time.Time, string]
		}
		return json.Unmarshal(d, &p)
	})
}
