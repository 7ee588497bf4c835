// Package sobjects is typed CRUD, SOQL queries and sObject Collections for
// the Salesforce REST API, over the structs that typedforce generate writes
// from your org's describes (package sfmodel below): no maps, no hand-written
// JSON.
//
//	c, err := sobjects.NewFromEnv(ctx) // SF_* variables; or sobjects.New(session)
//
//	id, err := sobjects.Create(ctx, c, sfmodel.AccountCreate{Name: "Acme"})
//	acc, err := sobjects.Get[sfmodel.Account](ctx, c, id, sobjects.Fields("Id", "Name"))
//	err = sobjects.Update(ctx, c, id, sfmodel.AccountUpdate{Phone: nullable.NewNullNullable[string]()}) // clears Phone
//	res, err := sobjects.Upsert(ctx, c, "External_Id__c", "W-1", sfmodel.WidgetCCreate{…}) // res.Created
//	err = sobjects.Delete[sfmodel.Account](ctx, c, id)
//
//	q, err := sobjects.SOQL("SELECT Id, Name, Owner.Name FROM Account WHERE Name LIKE %s", sobjects.StartsWith(prefix))
//	for acc, err := range sobjects.Query[sfmodel.Account](ctx, c, q) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(*acc.Name, *acc.Owner.Name)
//	}
//
//	results, err := sobjects.CreateMany(ctx, c, contacts) // 200 per request, one SaveResult per record
//
// Go methods cannot have type parameters, so the operations are generic
// functions that take the [Client] second, after the context. The sObject
// comes from the type: every generated shape names its sObject in the
// sobject tag of its Attributes field (see sftype.ObjectName).
//
// # Queries
//
// [Query] and [QueryAll] return iter.Seq2 iterators that follow
// nextRecordsUrl with no cap, fetch a page only when the loop reaches it
// and stop when the loop breaks. Each page is decoded as it streams in,
// straight into T, into a buffer reused for the next page: memory is
// bounded by one page, whatever the size of the result. Parent relationships
// decode into nested records; child subqueries into *sftype.QueryResult
// fields, whose further pages [Records] reads; aggregate rows into
// [AggregateResult]. [Count] and [First] cover the one-value cases, and the
// [BatchSize] option sets the page size.
//
// A nextRecordsUrl is followed only when it is a relative path under
// /services/data/; anything else is an [*Error] wrapping [ErrUnsafeURL], and
// the token goes nowhere.
//
// # SOQL
//
// [SOQL] formats a statement with %s placeholders, escaping each value by
// its Go type (strings quoted and escaped, dates and datetimes as literals,
// slices as IN lists, [Ident] for names), so that no value can change the
// statement's structure.
//
// # Errors
//
// A failed call returns an [*Error] with the HTTP status, the errorCode,
// message and fields of every error of the body. [errors.Is] matches it
// against an [ErrorCode] such as [ErrNotFound], [ErrDuplicateValue] or
// [ErrUnableToLockRow]. A body that is not a Salesforce error (an HTML page,
// an empty or truncated body) is an *Error too, with the status and a short
// cleaned snippet of the body, wrapping [ErrMalformedResponse]. Per-record
// results of sObject Collections report their errors in [SaveResult];
// [SaveResult.Err] makes them an *Error.
//
// # Sessions, limits and retries
//
// Requests go through an [auth.Session]: when the token expires, one
// refresh serves every concurrent caller and each rejected request is sent
// once more, query pages included. [Client.LastLimits] and the [OnLimits]
// option read the API usage that Salesforce reports in Sforce-Limit-Info.
// [WithRetry] turns on a [RetryPolicy] for failures Salesforce documents as
// transient (UNABLE_TO_LOCK_ROW, concurrent request limits, 503), with
// backoff and Retry-After; 5xx and network errors are retried for
// idempotent requests only, never for a POST that creates records.
//
// # Other paths and middleware
//
// [Client.Raw] and [Call] send requests to paths this package does not wrap
// (Apex REST, other REST resources) through the same session, retries,
// limits and error parsing. [WithHTTPClient] takes any [auth.Doer], the one
// place for middleware such as tracing or metrics.
//
// # Concurrency
//
// A Client is safe for concurrent use. An iterator returned by Query may be
// ranged over more than once, each time running the query anew, but one
// range must not be shared between goroutines. Records yielded by an
// iterator belong to the caller.
package sobjects
