package sftype_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/typedforce/typedforce/sobjects/sftype"
)

func ExampleDateTime() {
	var rec struct {
		CreatedDate    sftype.DateTime
		LastViewedDate sftype.DateTime
	}
	// The form Salesforce writes, which time.Time rejects, and a null.
	body := `{"CreatedDate":"2013-05-20T20:49:32.000+0000","LastViewedDate":null}`
	if err := json.Unmarshal([]byte(body), &rec); err != nil {
		panic(err)
	}
	fmt.Println(rec.CreatedDate.Year(), rec.CreatedDate.Month(), rec.LastViewedDate.IsZero())

	// Written back in UTC with milliseconds; the zero value is null.
	out, _ := json.Marshal(rec)
	fmt.Println(string(out))
	// Output:
	// 2013 May true
	// {"CreatedDate":"2013-05-20T20:49:32.000Z","LastViewedDate":null}
}

func ExampleParseDateTime() {
	dt, err := sftype.ParseDateTime("2024-01-31T12:00:00.123+02:00")
	if err != nil {
		panic(err)
	}
	fmt.Println(dt)
	fmt.Println(dt.In(time.FixedZone("EST", -5*3600)).Format(time.Kitchen))
	// Output:
	// 2024-01-31T10:00:00.123Z
	// 5:00AM
}

func ExampleDate() {
	var rec struct{ CloseDate sftype.Date }
	if err := json.Unmarshal([]byte(`{"CloseDate":"2024-02-29"}`), &rec); err != nil {
		panic(err)
	}
	d := rec.CloseDate
	fmt.Println(d, d.Year, d.Month, d.Day)
	fmt.Println(d.In(time.UTC).Weekday())
	fmt.Println(sftype.DateOf(time.Date(2024, 3, 1, 23, 0, 0, 0, time.UTC)))
	// Output:
	// 2024-02-29 2024 February 29
	// Thursday
	// 2024-03-01
}

func ExampleTime() {
	var rec struct{ OpensAt, ClosesAt sftype.Time }
	if err := json.Unmarshal([]byte(`{"OpensAt":"08:30:00.000Z","ClosesAt":"17:45"}`), &rec); err != nil {
		panic(err)
	}
	fmt.Println(rec.OpensAt.Hour, rec.OpensAt.Minute, rec.ClosesAt)
	out, _ := json.Marshal(rec)
	fmt.Println(string(out))
	// Output:
	// 8 30 17:45:00.000Z
	// {"OpensAt":"08:30:00.000Z","ClosesAt":"17:45:00.000Z"}
}

func ExampleMultiPicklist() {
	var rec struct {
		Interests sftype.MultiPicklist `json:"Interests__c"`
	}
	if err := json.Unmarshal([]byte(`{"Interests__c":"Golf;Sailing"}`), &rec); err != nil {
		panic(err)
	}
	fmt.Println(len(rec.Interests), rec.Interests.Contains("Sailing"), rec.Interests.Contains("Chess"))

	rec.Interests = append(rec.Interests, "Chess")
	out, _ := json.Marshal(rec)
	fmt.Println(string(out))
	// Output:
	// 2 true false
	// {"Interests__c":"Golf;Sailing;Chess"}
}

func ExampleAddress() {
	var acc struct{ BillingAddress *sftype.Address }
	body := `{"BillingAddress":{"city":"San Francisco","country":"United States","countryCode":"US",
		"geocodeAccuracy":null,"latitude":null,"longitude":null,"postalCode":"94105",
		"state":"California","stateCode":"CA","street":"415 Mission Street"}}`
	if err := json.Unmarshal([]byte(body), &acc); err != nil {
		panic(err)
	}
	a := acc.BillingAddress
	fmt.Println(*a.Street, *a.City, *a.StateCode, *a.PostalCode, a.Latitude == nil)
	// Output:
	// 415 Mission Street San Francisco CA 94105 true
}

func ExampleRecord() {
	// Task.What is polymorphic: it may be an Account, an Opportunity, ...
	var task struct {
		Subject string
		What    sftype.Record
	}
	body := `{"Subject":"Call","What":{"attributes":{"type":"Account","url":"/services/data/v62.0/sobjects/Account/001xx000003DGb2AAG"},"Name":"Acme"}}`
	if err := json.Unmarshal([]byte(body), &task); err != nil {
		panic(err)
	}
	switch task.What.Type() {
	case "Account":
		var acc struct{ Name string } // a generated Account struct, in real code
		if err := task.What.Decode(&acc); err != nil {
			panic(err)
		}
		fmt.Println("account", acc.Name)
	default:
		fmt.Println("something else:", task.What.Type())
	}
	// Output:
	// account Acme
}

func ExampleParseError() {
	var rec struct{ CloseDate sftype.Date }
	err := json.Unmarshal([]byte(`{"CloseDate":"2024-13-01"}`), &rec)
	fmt.Println(err)

	var pe *sftype.ParseError
	if errors.As(err, &pe) {
		fmt.Println(pe.Type, pe.Value, errors.Is(err, sftype.ErrRange))
	}
	// Output:
	// sftype: cannot parse "2024-13-01" as date: month out of range
	// date 2024-13-01 true
}
