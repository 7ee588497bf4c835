package peers

import (
	"strconv"

	"github.com/typedforce/typedforce/sobjects/sftype"
)

// HandAccount is what a careful hand-written client declares for the
// fields the fixture's records carry (fakeorg.Record), no more and no
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

// HandUpdate is the body of the PATCH every contestant sends.
type HandUpdate struct {
	Phone  string `json:"Phone"`
	Rating string `json:"Rating"`
}

// Values of the PATCH.
const (
	NewPhone  = "(415) 555-0100"
	NewRating = "Warm"
)

// KCAccount is the same record as k-capehart/go-salesforce's README
// declares structs for its Query: plain field types, matched to the map
// keys by mapstructure (case-insensitively, by field name). mapstructure
// has no way to read "2013-05-20T20:49:32.000+0000" into time.Time without
// a decode hook the library does not set, so datetimes and dates stay
// strings, and nulls become zero values.
type KCAccount struct {
	Attributes        KCAttributes
	Id                string
	Name              string
	AccountNumber     string
	Type              string
	Industry          string
	AnnualRevenue     float64
	NumberOfEmployees int
	Phone             string
	Fax               string
	Website           string
	Description       string
	BillingStreet     string
	BillingCity       string
	BillingState      string
	BillingPostalCode string
	BillingCountry    string
	BillingLatitude   float64
	BillingLongitude  float64
	ShippingCity      string
	ShippingCountry   string
	Rating            string
	Ownership         string
	Sic               string
	TickerSymbol      string
	Site              string
	CreatedDate       string
	LastModifiedDate  string
	SystemModstamp    string
	LastActivityDate  string
	IsDeleted         bool
	ParentId          string
	OwnerId           string
	Owner             KCOwner
}

// KCAttributes is the attributes object of a record.
type KCAttributes struct {
	Type string
	Url  string
}

// KCOwner is the Owner of [KCAccount].
type KCOwner struct {
	Attributes KCAttributes
	Id         string
	Name       string
	Email      string
}

// KCUpdate is the record k-capehart's UpdateOne takes: the id and the
// fields to change.
type KCUpdate struct {
	Id     string
	Phone  string
	Rating string
}

// SOQL selects the fields of the fixture's records; LIMIT n sets how many
// records the loopback org returns.
const soqlFields = "SELECT Id, Name, AccountNumber, Type, Industry, AnnualRevenue, NumberOfEmployees, Phone, Fax, Website, " +
	"Description, BillingStreet, BillingCity, BillingState, BillingPostalCode, BillingCountry, BillingLatitude, BillingLongitude, " +
	"ShippingCity, ShippingCountry, Rating, Ownership, Sic, TickerSymbol, Site, CreatedDate, LastModifiedDate, SystemModstamp, " +
	"LastActivityDate, IsDeleted, ParentId, OwnerId, Owner.Id, Owner.Name, Owner.Email FROM Account"

// SOQL returns the benchmark query for n records.
func SOQL(n int) string { return soqlFields + " LIMIT " + strconv.Itoa(n) }
