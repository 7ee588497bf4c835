package sftype

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestAddressDecode(t *testing.T) {
	for _, tc := range []struct {
		name string
		json string
		want *Address
	}{{
		name: "full, with state and country picklists",
		json: `{"city":"San Francisco","country":"United States","countryCode":"US","geocodeAccuracy":"Address",
			"latitude":37.79378,"longitude":-122.39492,"postalCode":"94105","state":"California","stateCode":"CA",
			"street":"415 Mission Street\nFloor 3"}`,
		want: &Address{
			City: new("San Francisco"), Country: new("United States"), CountryCode: new("US"),
			GeocodeAccuracy: new("Address"), Latitude: new(37.79378), Longitude: new(-122.39492),
			PostalCode: new("94105"), State: new("California"), StateCode: new("CA"),
			Street: new("415 Mission Street\nFloor 3"),
		},
	}, {
		name: "text only, nulls, no codes",
		json: `{"city":"Paris","country":"France","geocodeAccuracy":null,"latitude":null,"longitude":null,
			"postalCode":"75001","state":null,"street":"1 Rue de Rivoli"}`,
		want: &Address{City: new("Paris"), Country: new("France"), PostalCode: new("75001"), Street: new("1 Rue de Rivoli")},
	}, {
		name: "null address",
		json: `null`,
		want: nil,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			var rec struct {
				BillingAddress *Address
			}
			if err := json.Unmarshal([]byte(`{"BillingAddress":`+tc.json+`}`), &rec); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(rec.BillingAddress, tc.want) {
				t.Errorf("got %+v; want %+v", rec.BillingAddress, tc.want)
			}
		})
	}
}

func TestAddressEncodeOmitsAbsent(t *testing.T) {
	b, err := json.Marshal(Address{City: new("Paris"), Latitude: new(0.0)})
	if want := `{"city":"Paris","latitude":0}`; err != nil || string(b) != want {
		t.Errorf("json.Marshal = %s, %v; want %s", b, err, want)
	}
}

func TestLocationDecode(t *testing.T) {
	for _, tc := range []struct {
		json string
		want Location
	}{
		{`{"latitude":37.7749,"longitude":-122.4194}`, Location{new(37.7749), new(-122.4194)}},
		{`{"latitude":0,"longitude":0}`, Location{new(0.0), new(0.0)}},
		{`{"latitude":null,"longitude":null}`, Location{}},
		{`{}`, Location{}},
	} {
		var got Location
		if err := json.Unmarshal([]byte(tc.json), &got); err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("decode %s = %+v, %v; want %+v", tc.json, got, err, tc.want)
		}
	}
}

func TestAttributes(t *testing.T) {
	for _, tc := range []struct {
		json string
		want Attributes
		out  string
	}{
		{`{"type":"Account","url":"/services/data/v62.0/sobjects/Account/001xx000003DGb2AAG"}`,
			Attributes{"Account", "/services/data/v62.0/sobjects/Account/001xx000003DGb2AAG"},
			`{"type":"Account","url":"/services/data/v62.0/sobjects/Account/001xx000003DGb2AAG"}`},
		{`{"type":"AggregateResult"}`, Attributes{Type: "AggregateResult"}, `{"type":"AggregateResult"}`},
	} {
		var got Attributes
		err := json.Unmarshal([]byte(tc.json), &got)
		out, _ := json.Marshal(got)
		if err != nil || got != tc.want || string(out) != tc.out {
			t.Errorf("decode %s = %+v, %v, encodes as %s; want %+v, %s", tc.json, got, err, out, tc.want, tc.out)
		}
	}
}
