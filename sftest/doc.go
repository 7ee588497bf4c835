// Package sftest is a fake Salesforce org for testing integrations offline:
// the REST API and the OAuth token endpoint, served from memory, with the
// behaviour of a real org where it matters to application code.
//
//	func TestSync(t *testing.T) {
//		org := sftest.NewOrg(t, sftest.WithDescribeDir("schema/describe")) // your describes
//		ids := sftest.Seed(t, org, sfmodel.AccountCreate{Name: "Acme"})
//		c := org.Client() // a ready *sobjects.Client
//
//		err := mySync(ctx, c) // the code under test
//
//		acc, _ := sftest.Read[sfmodel.Account](org, ids[0])
//		…
//	}
//
// # Schema-aware
//
// The org loads describe JSON: your own with [WithDescribeDir], or by
// default the example org's (package sampleorg/describe, the schema of
// package sampleorg). Writes are validated as Salesforce validates
// them: an unknown field is 400 INVALID_FIELD; a field that is not
// createable (on create) or updateable (on update) INVALID_FIELD_FOR_INSERT_UPDATE;
// a required field left out or set to null REQUIRED_FIELD_MISSING; a value
// outside a restricted picklist INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST; a
// value of the wrong JSON type JSON_PARSER_ERROR; a text too long
// STRING_TOO_LONG; a reference to a missing record
// INVALID_CROSS_REFERENCE_KEY; a duplicate value of a unique field
// DUPLICATE_VALUE (text ignoring case unless the describe says
// caseSensitive); a number with more integer digits than the field holds
// NUMBER_OUTSIDE_VALID_RANGE. Ids are 18-character Salesforce ids with the object's
// key prefix and a valid case-safe suffix, handed out in order
// (001xx0000000001AAA is the first Account). The org fills in system
// fields (CreatedDate, OwnerId, …), defaults, auto-numbers and the Name of
// contacts, leads and users, and builds compound address and location
// values from their components. Formula fields read as null: the fake does
// not evaluate formulas (seed their values with [Org.Insert] if a test
// needs them).
//
// # Endpoints
//
// The token endpoint (refresh token, JWT bearer, client credentials and
// password flows, with optional refresh token rotation) and revocation;
// the global and per-object describe; sObject rows (create, get with
// fields, update, delete); get, upsert and delete by external id (300 with
// the records' URLs on several matches); base64 blobs, and multipart
// uploads into them; sObject Collections (create, update, upsert, delete,
// retrieve, with allOrNone); query and queryAll with paging (2,000 per
// page, Sforce-Query-Options batchSize, [WithBatchSize]); composite (up to
// 25 subrequests run through the same routes as one API call, @{ref.path}
// references, allOrNone rolling back every write, PROCESSING_HALTED for
// the others), sObject Tree and Composite Graph (each graph atomic);
// getUpdated and getDeleted from the org's own change log, with
// Salesforce's window rules; a SOSL subset (FIND {phrase} [IN ALL|NAME|
// EMAIL|PHONE FIELDS] RETURNING Object(fields), … [LIMIT n], anything else
// answered 400 MALFORMED_SEARCH naming the construct); Apex REST routes a
// test registers with [Org.HandleApex]; limits; Bulk API 2.0 ingest and
// query jobs (each CSV row validated as a REST write, failures in
// failedResults, a processing delay with [WithBulkDelay], result pages with
// Sforce-Locator and gzip). Every API response carries Sforce-Limit-Info:
// api-usage=N/LIMIT. A composite, tree or graph request runs alone, so that
// its rollback undoes its own writes only.
//
// # SOQL
//
// Queries support a subset of SOQL that covers typical application
// queries: SELECT lists of fields, parent relationship paths
// (Account.Owner.Name) and COUNT(); FROM one object; WHERE with = != <> <
// <= > >= LIKE IN NOT IN, AND, OR, NOT and parentheses, NULL, TRUE,
// FALSE, numbers, strings with SOQL escapes, date and dateTime literals;
// ORDER BY with ASC, DESC, NULLS FIRST and NULLS LAST (picklists in the
// describe's value order); LIMIT and OFFSET.
// Comparisons follow SOQL: text compares case-insensitively, != and NOT IN
// match null values, AND and OR cannot mix without parentheses. Anything
// else (GROUP BY, aggregates, subqueries, functions, relative dates such
// as TODAY, TYPEOF, bind variables, …) is 400 MALFORMED_QUERY naming what
// the fake does not support, never a wrong answer. Errors quote the
// statement with a caret, as Salesforce does.
//
// # Faults and counters
//
// [Org.ExpireSession] invalidates every access token: the next calls get
// 401 INVALID_SESSION_ID until the client refreshes. [Org.FailNext] fails
// the next calls with a status and errorCode (optionally of one
// endpoint, the token endpoint included). [Org.SetLatency] delays every
// response. [Org.Stats] counts token requests, API requests, 401s, and
// requests by [Endpoint], so a test can assert "exactly one refresh".
//
// # Without the typed client
//
// [NewServer] serves the same org on a loopback HTTP server for code that
// takes a URL rather than an http.Client ([Org.URL], [Org.Env] for the
// SF_* variables), and the typedforce fake-org command runs one by hand.
// [New] returns the bare [http.Handler].
package sftest
