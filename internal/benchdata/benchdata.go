// Package benchdata is the wire payload the benchmarks decode (Account
// records as a query returns them) and the hand-written structs they are
// held to. The sobjects benchmarks and the separate bench module share it,
// so that both measure the same bytes against the same limit.
package benchdata

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/typedforce/typedforce/sobjects/sftype"
)

// PageSize is the number of records of a full query page (the most a
// Salesforce query page holds, with Sforce-Query-Options batchSize=2000).
const PageSize = 2000

// RecordID returns the id of the i-th Account of the fixture.
func RecordID(i int) string { return fmt.Sprintf("001xx%010dAAA", i) }

// OwnerID is the id of the User that owns every Account of the fixture.
const OwnerID = "005xx000001Sv6eAAC"

// Record returns the i-th Account as the REST API returns it in a query or
// a GET: 31 fields besides attributes, datetimes in Salesforce's
// "+0000" form, nulls, a date, numbers, a multi-line text with escapes, and
// the parent Owner with three fields and its own attributes.
func Record(i int) string {
	id := RecordID(i)
	return `{"attributes":{"type":"Account","url":"/services/data/v67.0/sobjects/Account/` + id + `"},` +
		`"Id":"` + id + `","Name":"Account ` + strconv.Itoa(i) + ` Holdings","AccountNumber":"CD` + strconv.Itoa(100000+i) + `",` +
		`"Type":"Customer - Direct","Industry":"Banking","AnnualRevenue":` + strconv.Itoa(1000*i) + `.0,"NumberOfEmployees":` + strconv.Itoa(i%5000) + `,` +
		`"Phone":"(415) 555-` + fmt.Sprintf("%04d", i%10000) + `","Fax":null,"Website":"https://www.example.com/` + strconv.Itoa(i) + `",` +
		`"Description":"A long-standing customer with several subsidiaries and a \"quoted\" nickname.\nSecond line.",` +
		`"BillingStreet":"1 Market St\nSuite 300","BillingCity":"San Francisco","BillingState":"CA","BillingPostalCode":"94105",` +
		`"BillingCountry":"USA","BillingLatitude":37.7936,"BillingLongitude":-122.3951,"ShippingCity":null,"ShippingCountry":null,` +
		`"Rating":"Hot","Ownership":"Public","Sic":"6021","TickerSymbol":null,"Site":null,` +
		`"CreatedDate":"2013-05-20T20:49:32.000+0000","LastModifiedDate":"2024-01-31T12:00:00.000+0000","SystemModstamp":"2024-01-31T12:00:01.000+0000",` +
		`"LastActivityDate":"2024-01-30","IsDeleted":false,"ParentId":null,"OwnerId":"` + OwnerID + `",` +
		`"Owner":{"attributes":{"type":"User","url":"/services/data/v67.0/sobjects/User/` + OwnerID + `"},"Id":"` + OwnerID + `","Name":"Ada Admin","Email":"ada@example.com"}}`
}

// Records returns the JSON array of records 0 to n-1.
func Records(n int) []byte {
	var b bytes.Buffer
	b.WriteByte('[')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(Record(i))
	}
	b.WriteByte(']')
	return b.Bytes()
}

// Page returns a whole query page ({"totalSize","done","records"}) of
// records 0 to n-1.
func Page(n int) []byte {
	return append(append([]byte(`{"totalSize":`+strconv.Itoa(n)+`,"done":true,"records":`), Records(n)...), '}')
}

// HandAccount is what a careful hand-written client declares for the
// fields the fixture's records carry ([Record]), no more and no
// less: every field a pointer (so that null stays apart from a zero), the
// datetimes and the date in Salesforce value types (time.Time rejects
// "+0000"), and the parent Owner with exactly the fields the payload has.
// Decoded with encoding/json it is the limit the typed decode is held to.
type HandAccount struct {
	Attributes        *sftype.Attributes `json:"attributes"`
	Id                *string            `json:"Id"`
	Name              *string            `json:"Name"`
	AccountNumber     *string            `json:"AccountNumber"`
	Type              *string            `json:"Type"`
	Industry          *string            `json:"Industry"`
	AnnualRevenue     *float64           `json:"AnnualRevenue"`
	NumberOfEmployees *int               `json:"NumberOfEmployees"`
	Phone             *string            `json:"Phone"`
	Fax               *string            `json:"Fax"`
	Website           *string            `json:"Website"`
	Description       *string            `json:"Description"`
	BillingStreet     *string            `json:"BillingStreet"`
	BillingCity       *string            `json:"BillingCity"`
	BillingState      *string            `json:"BillingState"`
	BillingPostalCode *string            `json:"BillingPostalCode"`
	BillingCountry    *string            `json:"BillingCountry"`
	BillingLatitude   *float64           `json:"BillingLatitude"`
	BillingLongitude  *float64           `json:"BillingLongitude"`
	ShippingCity      *string            `json:"ShippingCity"`
	ShippingCountry   *string            `json:"ShippingCountry"`
	Rating            *string            `json:"Rating"`
	Ownership         *string            `json:"Ownership"`
	Sic               *string            `json:"Sic"`
	TickerSymbol      *string            `json:"TickerSymbol"`
	Site              *string            `json:"Site"`
	CreatedDate       *sftype.DateTime   `json:"CreatedDate"`
	LastModifiedDate  *sftype.DateTime   `json:"LastModifiedDate"`
	SystemModstamp    *sftype.DateTime   `json:"SystemModstamp"`
	LastActivityDate  *sftype.Date       `json:"LastActivityDate"`
	IsDeleted         *bool              `json:"IsDeleted"`
	ParentId          *string            `json:"ParentId"`
	OwnerId           *string            `json:"OwnerId"`
	Owner             *HandOwner         `json:"Owner"`
}

// HandOwner is the Owner of [HandAccount]: the fields the payload has.
type HandOwner struct {
	Attributes *sftype.Attributes `json:"attributes"`
	Id         *string            `json:"Id"`
	Name       *string            `json:"Name"`
	Email      *string            `json:"Email"`
}

// HandPage is a query page of [HandAccount] records.
type HandPage struct {
	TotalSize      int           `json:"totalSize"`
	Done           bool          `json:"done"`
	NextRecordsURL string        `json:"nextRecordsUrl"`
	Records        []HandAccount `json:"records"`
}
