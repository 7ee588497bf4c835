package fakeorg

import "github.com/typedforce/typedforce/internal/benchdata"

// The records the org serves are internal/benchdata's, shared with the
// sobjects benchmarks.
const (
	// PageSize is the number of records of a full query page.
	PageSize = benchdata.PageSize
	// OwnerID is the id of the User that owns every Account of the fixture.
	OwnerID = benchdata.OwnerID
)

var (
	// RecordID returns the id of the i-th Account of the fixture.
	RecordID = benchdata.RecordID
	// Record returns the i-th Account as the REST API returns it.
	Record = benchdata.Record
	// Records returns the JSON array of records 0 to n-1.
	Records = benchdata.Records
)
