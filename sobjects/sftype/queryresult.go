package sftype

// QueryResult is one page of a SOQL query result: the top-level response of
// the query resource, and the value of a child relationship subquery inside
// a parent record (such as Account.Contacts). A child page with Done false
// has a NextRecordsURL that reads its remaining records.
type QueryResult[T any] struct {
	TotalSize      int    `json:"totalSize"`
	Done           bool   `json:"done"`
	NextRecordsURL string `json:"nextRecordsUrl,omitempty"`
	Records        []T    `json:"records"`
}
