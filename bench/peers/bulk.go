package peers

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strconv"

	salesforce "github.com/k-capehart/go-salesforce/v3"

	"github.com/typedforce/typedforce/bench/fakeorg"
	"github.com/typedforce/typedforce/bulk"
	"github.com/typedforce/typedforce/sampleorg"
	"github.com/typedforce/typedforce/sampleorg/picklists"
	"github.com/typedforce/typedforce/sobjects"
)

// The Bulk API 2.0 contestants: typedforce's bulk package and
// k-capehart's InsertBulk and QueryBulkIterator, on the loopback org.

// KCBulkAccount is the record k-capehart's InsertBulk takes: the fields
// of [BulkAccounts], by JSON name.
type KCBulkAccount struct {
	Name              string  `json:"Name"`
	AccountNumber     string  `json:"AccountNumber"`
	Type              string  `json:"Type"`
	Industry          string  `json:"Industry"`
	AnnualRevenue     float64 `json:"AnnualRevenue"`
	NumberOfEmployees int     `json:"NumberOfEmployees"`
	Phone             string  `json:"Phone"`
	Website           string  `json:"Website"`
	BillingCity       string  `json:"BillingCity"`
	BillingCountry    string  `json:"BillingCountry"`
	Description       string  `json:"Description"`
}

func kcBulkAccount(i int) KCBulkAccount {
	return KCBulkAccount{
		Name: "Account " + strconv.Itoa(i) + " Holdings", AccountNumber: "CD" + strconv.Itoa(100000+i),
		Type: "Customer - Direct", Industry: "Banking", AnnualRevenue: float64(1000 * i), NumberOfEmployees: i % 5000,
		Phone: fmt.Sprintf("(415) 555-%04d", i%10000), Website: "https://www.example.com/" + strconv.Itoa(i),
		BillingCity: "San Francisco", BillingCountry: "USA", Description: "A long-standing customer, \"quoted\".",
	}
}

// BulkAccounts yields n Account create shapes with the same values as
// k-capehart's records, generated as they are read: the input of an
// ingest of any size.
func BulkAccounts(n int) iter.Seq[sampleorg.AccountCreate] {
	return func(yield func(sampleorg.AccountCreate) bool) {
		for i := range n {
			k := kcBulkAccount(i)
			rec := sampleorg.AccountCreate{
				Name: k.Name, AccountNumber: &k.AccountNumber, Type: (*picklists.AccountTypeValue)(&k.Type),
				Industry: (*picklists.AccountIndustryValue)(&k.Industry), AnnualRevenue: &k.AnnualRevenue,
				NumberOfEmployees: &k.NumberOfEmployees, Phone: &k.Phone, Website: &k.Website,
				BillingCity: &k.BillingCity, BillingCountry: &k.BillingCountry, Description: &k.Description,
			}
			if !yield(rec) {
				return
			}
		}
	}
}

// TypedforceBulkInsert inserts n generated records with bulk.Insert and
// returns the records Salesforce processed.
func TypedforceBulkInsert(ctx context.Context, c *sobjects.Client, n int) (int, error) {
	res, err := bulk.Insert(ctx, c, BulkAccounts(n))
	defer res.Close()
	if err != nil {
		return 0, err
	}
	return res.Processed(), nil
}

// TypedforceBulkQuery reads soql with bulk.Query into the generated read
// shape and counts the records, each of which must have its Owner.
func TypedforceBulkQuery(ctx context.Context, c *sobjects.Client, soql string) (int, error) {
	n := 0
	for rec, err := range bulk.Query[sampleorg.Account](ctx, c, soql) {
		if err != nil {
			return n, err
		}
		if rec.Owner == nil || rec.Owner.Name == nil {
			return n, errors.New("record without its Owner")
		}
		n++
	}
	return n, nil
}

// newKCapehart returns a k-capehart client of org on the client
// credentials flow, with its own transport.
func newKCapehart(org *fakeorg.Org) (*salesforce.Salesforce, func(), error) {
	tr := Transport()
	sf, err := salesforce.Init(salesforce.Creds{
		Domain:         org.URL,
		ConsumerKey:    fakeorg.ClientID,
		ConsumerSecret: fakeorg.ClientSecret,
	}, salesforce.WithRoundTripper(tr))
	return sf, tr.CloseIdleConnections, err
}

// KCapehartBulkInsert inserts n records with k-capehart's InsertBulk, which
// takes a slice (built here, as its users must) in jobs of at most its
// maximum of 10,000 records, and waits for the jobs.
func KCapehartBulkInsert(org *fakeorg.Org, n int) (int, error) {
	sf, closeIdle, err := newKCapehart(org)
	if err != nil {
		return 0, err
	}
	defer closeIdle()
	recs := make([]KCBulkAccount, n)
	for i := range recs {
		recs[i] = kcBulkAccount(i)
	}
	ids, err := sf.InsertBulk("Account", recs, sf.GetBulkBatchSizeMax(), true)
	if err != nil {
		return 0, err
	}
	if want := (n + sf.GetBulkBatchSizeMax() - 1) / sf.GetBulkBatchSizeMax(); len(ids) != want {
		return 0, fmt.Errorf("%d jobs, want %d", len(ids), want)
	}
	return n, nil // the org counts the records it received (fakeorg.Org.BulkRecords)
}

// KCBulkRow is a row of the benchmark query, for k-capehart's iterator,
// which decodes CSV pages with csvutil by csv tags.
type KCBulkRow struct {
	Id                string  `csv:"Id"`
	Name              string  `csv:"Name"`
	AccountNumber     string  `csv:"AccountNumber"`
	Type              string  `csv:"Type"`
	Industry          string  `csv:"Industry"`
	AnnualRevenue     float64 `csv:"AnnualRevenue"`
	NumberOfEmployees int     `csv:"NumberOfEmployees"`
	Phone             string  `csv:"Phone"`
	Fax               string  `csv:"Fax"`
	Website           string  `csv:"Website"`
	Description       string  `csv:"Description"`
	BillingStreet     string  `csv:"BillingStreet"`
	BillingCity       string  `csv:"BillingCity"`
	BillingState      string  `csv:"BillingState"`
	BillingPostalCode string  `csv:"BillingPostalCode"`
	BillingCountry    string  `csv:"BillingCountry"`
	BillingLatitude   float64 `csv:"BillingLatitude"`
	BillingLongitude  float64 `csv:"BillingLongitude"`
	ShippingCity      string  `csv:"ShippingCity"`
	ShippingCountry   string  `csv:"ShippingCountry"`
	Rating            string  `csv:"Rating"`
	Ownership         string  `csv:"Ownership"`
	Sic               string  `csv:"Sic"`
	TickerSymbol      string  `csv:"TickerSymbol"`
	Site              string  `csv:"Site"`
	CreatedDate       string  `csv:"CreatedDate"`
	LastModifiedDate  string  `csv:"LastModifiedDate"`
	SystemModstamp    string  `csv:"SystemModstamp"`
	LastActivityDate  string  `csv:"LastActivityDate"`
	IsDeleted         bool    `csv:"IsDeleted"`
	ParentId          string  `csv:"ParentId"`
	OwnerId           string  `csv:"OwnerId"`
	OwnerIdRel        string  `csv:"Owner.Id"`
	OwnerName         string  `csv:"Owner.Name"`
	OwnerEmail        string  `csv:"Owner.Email"`
}

// KCapehartBulkQuery reads soql with k-capehart's QueryBulkIterator, one
// page at a time into a slice, and counts the records.
func KCapehartBulkQuery(org *fakeorg.Org, soql string) (int, error) {
	sf, closeIdle, err := newKCapehart(org)
	if err != nil {
		return 0, err
	}
	defer closeIdle()
	it, err := sf.QueryBulkIterator(soql)
	if err != nil {
		return 0, err
	}
	n := 0
	for it.Next() {
		var page []KCBulkRow
		if err := it.Decode(&page); err != nil {
			return n, err
		}
		if len(page) > 0 && page[0].OwnerName == "" {
			return n, errors.New("record without its Owner")
		}
		n += len(page)
	}
	return n, it.Error()
}
