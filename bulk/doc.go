// Package bulk loads and reads millions of records with Salesforce's Bulk
// API 2.0, typed by the generated shapes, on the same [*sobjects.Client]
// (and so the same session: one token refresh for every caller, each
// request retried once after it) as the rest of typedforce.
//
// Ingest ([Insert], [Update], [Upsert], [Delete], [HardDelete]) takes an
// iter.Seq of any length (slices.Values for a slice), writes it as CSV by
// Salesforce's rules into a temporary file per job, and manages the jobs:
// create, upload, UploadComplete, poll with backoff until the job ends,
// abort when the caller's context ends. Input larger than one job's upload
// limit ([DefaultMaxJobBytes], about 100 MB of CSV, or [WithMaxJobBytes])
// is split into several jobs at record boundaries. The [Result] tells the
// records that succeeded, failed and were not processed, each tied to the
// position of its input record (see [RecordResult.Index] for the rule).
//
// Query ([Query], [QueryAll]) runs a Bulk API 2.0 query job and returns its
// records as an iter.Seq2[T, error] over a generated read shape, decoding
// the CSV result pages as they stream in: memory holds one record, not one
// page, whatever the size of the result. Breaking the loop stops fetching.
//
// # CSV
//
// The header holds the API names of the json tags of the shape's fields,
// only those that some record of the job sets. Cells are written as
// Salesforce reads them: datetimes as 2006-01-02T15:04:05.000Z (UTC),
// dates as 2006-01-02, times as 15:04:05.000Z, numbers in plain decimal
// (never with an exponent), booleans as true and false, multi-select
// picklists joined by ";". A field that is unset (a nil pointer, an
// unspecified nullable.Nullable) is an empty cell, which leaves the field
// unchanged on update; an explicit null (nullable.NewNullNullable) is
// #N/A, which clears it. A text whose value is "#N/A" therefore clears the
// field too: Salesforce cannot tell the two apart. A cell is quoted when it
// holds the column delimiter, a double quote, a line break, or starts or
// ends with white space; quotes inside are doubled.
//
// # Errors
//
// Every failure of a job is a [*JobError] with the job's id: a job that
// Salesforce failed ([ErrJobFailed]) or aborted ([ErrJobAborted]), an
// error response (its cause is the [*sobjects.Error], so errors.Is(err,
// sobjects.ErrRequestLimitExceeded) holds), a result that is not valid CSV
// ([sobjects.ErrMalformedResponse]), the caller's context ending
// (context.Canceled or context.DeadlineExceeded, after the job was
// aborted). Nothing that could load a record twice is retried: a job's
// data is uploaded once, and only the session's retry after a token
// refresh (which Salesforce answered 401 without doing anything) sends a
// request again.
package bulk
