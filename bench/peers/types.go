package peers

import (
	"strconv"

	"github.com/typedforce/typedforce/internal/benchdata"
)

// HandAccount, HandOwner and HandPage are the hand-written structs the
// typed decode is held to (internal/benchdata, shared with the sobjects
// benchmarks).
type (
	HandAccount = benchdata.HandAccount
	HandOwner   = benchdata.HandOwner
	HandPage    = benchdata.HandPage
)

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
