// Package sftype holds the Salesforce value types used by generated sObject
// structs: [DateTime], [Date], [Time], [MultiPicklist], the read-only compound
// fields [Address] and [Location], the [Attributes] every record carries, and
// [Record] for records whose type is only known at run time.
//
// The package is a leaf: it imports only the standard library, so generated
// code can import it without an import cycle.
//
// # Wire forms
//
// Salesforce writes datetimes as "2024-01-31T12:00:00.000+0000", a form that
// [time.Time] rejects. [DateTime] reads that form and the other common ISO 8601
// forms, and writes "2024-01-31T12:00:00.000Z" in UTC. [Date] reads and writes
// "2024-01-31"; [Time] reads "12:00:00.000Z" and looser forms and writes
// "12:00:00.000Z". Salesforce keeps milliseconds: on write, DateTime and Time
// drop anything finer (they truncate, as [time.Time.Format] does).
//
// # Errors
//
// A value that cannot be read is a [*ParseError] naming the Salesforce type and
// the offending input; it wraps [ErrSyntax] or [ErrRange] so that both
// [errors.As] and [errors.Is] work. A JSON value of the wrong JSON type, such as
// a number where a datetime string is expected, is a [*ParseError] too.
// JSON null decodes to the zero value without error.
package sftype
