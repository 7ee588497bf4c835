package sobjects

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/typedforce/typedforce/gen"
	"github.com/typedforce/typedforce/internal/sfapi"
	"github.com/typedforce/typedforce/sobjects/sftype"
)

// Limits of Composite that are checked before anything is sent.
const (
	maxCompositeSubrequests = 25 // subrequests of one composite request
	maxCompositeQueries     = 5  // of which queries and sObject Collections
	maxGraphNodes           = 500
	maxGraphs               = 75
	maxGraphDepth           = 15
	maxGraphTypes           = 15
)

// ErrProcessingHalted is the code of a composite subrequest that did not run
// or was rolled back because another one failed under allOrNone, or because
// it referenced the result of a subrequest that failed.
const ErrProcessingHalted ErrorCode = "PROCESSING_HALTED"

// Batch is what the Add functions ([AddCreate], [AddGet], [AddUpdate],
// [AddUpsert], [AddDelete], [AddQuery], [AddCall]) add subrequests to: a
// [*Composite] or a [*Graph].
type Batch interface {
	batch() *subrequests
}

// Composite is a composite request (POST /composite) being built: up to 25
// subrequests, of which at most 5 queries or sObject Collections, run in
// order in one API call. A subrequest can use an earlier one's result as a
// field value or in its URL through a reference, such as the id of a
// record created before it:
//
//	var batch sobjects.Composite
//	acct := sobjects.AddCreate(&batch, sfmodel.AccountCreate{Name: "Acme"})
//	con := sobjects.AddCreate(&batch, sfmodel.ContactCreate{LastName: "Doe", AccountId: new(acct.Ref("id"))})
//	if err := batch.Send(ctx, c, sobjects.AllOrNone(true)); err != nil {
//		return err
//	}
//	accountID, _ := acct.Result()
//
// The zero value is ready to use. A Composite is sent once and is not safe
// for concurrent use while it is built.
type Composite struct {
	reqs subrequests
}

func (b *Composite) batch() *subrequests { return &b.reqs }

// Len returns the number of subrequests added.
func (b *Composite) Len() int { return len(b.reqs.subs) }

// subrequests is the list both Composite and Graph build.
type subrequests struct {
	subs    []*subrequest
	refs    map[string]int // referenceId -> index
	queries int
	err     error
	sent    bool
}

// subrequest is one subrequest and how to deliver its outcome.
type subrequest struct {
	method, path, ref, obj, op string
	body                       json.RawMessage
	query                      bool
	deliver                    func(status int, body []byte) error // a 2xx answer
	fail                       func(error)
	deps                       []int // indexes of the subrequests it references
}

// Subrequest is one subrequest of a [Composite] or a [Graph]: after the
// batch is sent, [Subrequest.Result] returns its outcome decoded into T.
type Subrequest[T any] struct {
	ref  string
	val  T
	err  error
	done bool
}

// ReferenceID returns the subrequest's referenceId, such as "ref3".
func (s *Subrequest[T]) ReferenceID() string { return s.ref }

// Ref returns a reference to a value of the subrequest's result for a later
// subrequest of the same batch, "@{ref1.id}" for Ref("id"): the id of a
// created record (Ref("id")), a field of a record read (Ref("Name")), a
// record of a query (Ref("records[0].Id")). Put it where the later
// subrequest takes a value: a field of its record, or the id of [AddGet],
// [AddUpdate] and [AddDelete]. Salesforce substitutes it before running the
// later subrequest.
func (s *Subrequest[T]) Ref(path string) string { return "@{" + s.ref + "." + path + "}" }

// Result returns the subrequest's outcome once the batch is sent: the value
// and nil, or the zero T and an [*Error] with the subrequest's status and
// Salesforce error (code [ErrProcessingHalted] for a subrequest that was
// rolled back or not run because another failed).
func (s *Subrequest[T]) Result() (T, error) {
	if !s.done {
		var zero T
		if s.err != nil {
			return zero, s.err
		}
		return zero, fmt.Errorf("%w: composite subrequest %s: the batch was not sent", ErrInvalidArgument, s.ref)
	}
	return s.val, s.err
}

// add appends a subrequest whose 2xx answer decode reads into the
// Subrequest's value.
func add[T any](b Batch, method, path, obj, verb string, body json.RawMessage, query bool, err error,
	decode func(status int, body []byte, v *T) error,
) *Subrequest[T] {
	rs := b.batch()
	s := &Subrequest[T]{ref: "ref" + strconv.Itoa(len(rs.subs)+1)}
	op := "composite " + verb
	if obj != "" {
		op += " " + obj
	}
	op += " (" + s.ref + ")"
	if err == nil && rs.sent {
		err = errors.New("the batch was sent already")
	}
	if err != nil {
		s.err = fmt.Errorf("%w: %s: %w", ErrInvalidArgument, op, err)
		if rs.err == nil {
			rs.err = s.err
		}
		return s
	}
	sub := &subrequest{method: method, path: path, ref: s.ref, obj: obj, op: op, body: body, query: query,
		deliver: func(status int, body []byte) error {
			if err := decode(status, body, &s.val); err != nil {
				var zero T
				s.val = zero
				return err
			}
			s.done = true
			return nil
		},
		fail: func(err error) { s.err, s.done = err, true },
	}
	if rs.refs == nil {
		rs.refs = map[string]int{}
	}
	rs.refs[s.ref] = len(rs.subs)
	rs.subs = append(rs.subs, sub)
	if query {
		rs.queries++
	}
	return s
}

// AddCreate adds the creation of rec, a generated create shape such as
// sfmodel.AccountCreate (POST sobjects/{sObject}); its result is the new id,
// which later subrequests reference as Ref("id").
func AddCreate[T any](b Batch, rec T) *Subrequest[string] {
	obj, body, err := objectBody(&rec)
	return add(b, http.MethodPost, "sobjects/"+obj, obj, "create", body, false, err,
		func(status int, body []byte, id *string) error {
			var res saveResponse
			if err := json.Unmarshal(body, &res); err != nil {
				return err
			}
			if res.ID == "" {
				return errors.New("no id in the response")
			}
			*id = res.ID
			return nil
		})
}

// AddGet adds the read of the record of type T with the given id (or a
// reference to one, such as acct.Ref("id")): GET sobjects/{sObject}/{id},
// with the given fields only when some are named.
func AddGet[T any](b Batch, id string, fields ...string) *Subrequest[T] {
	obj, err := objectOf[T]()
	if err == nil {
		err = checkIDOrRef(id)
	}
	path := "sobjects/" + obj + "/" + id
	for _, f := range fields {
		if err == nil && !validIdent(f) {
			err = fmt.Errorf("field name %q", sfapi.Truncate(f, 40))
		}
	}
	if len(fields) > 0 {
		path += "?fields=" + strings.Join(fields, ",") // identifiers: nothing to escape
	}
	return add(b, http.MethodGet, path, obj, "get", nil, false, err, decodeInto[T])
}

// AddUpdate adds the update of the record with the given id (or a
// reference) with the fields upd sets, a generated update shape such as
// sfmodel.AccountUpdate: PATCH sobjects/{sObject}/{id}.
func AddUpdate[T any](b Batch, id string, upd T) *Subrequest[struct{}] {
	obj, body, err := objectBody(&upd)
	if err == nil {
		err = checkIDOrRef(id)
	}
	return add(b, http.MethodPatch, "sobjects/"+obj+"/"+id, obj, "update", body, false, err, ignoreBody)
}

// AddUpsert adds the upsert of rec by the external id field's value: PATCH
// sobjects/{sObject}/{field}/{value}.
func AddUpsert[T any](b Batch, field, value string, rec T) *Subrequest[UpsertResult] {
	obj, body, err := objectBody(&rec)
	if err == nil {
		err = checkExternalID("upsert", field, value)
	}
	path := "sobjects/" + obj + "/" + field + "/" + url.PathEscape(value)
	return add(b, http.MethodPatch, path, obj, "upsert", body, false, err,
		func(status int, body []byte, r *UpsertResult) error {
			if status == http.StatusNoContent || len(bytes.TrimSpace(body)) == 0 || string(body) == "null" {
				return nil
			}
			var res saveResponse
			if err := json.Unmarshal(body, &res); err != nil {
				return err
			}
			*r = res.upserted(status)
			return nil
		})
}

// AddDelete adds the deletion of the record of type T with the given id
// (or a reference): DELETE sobjects/{sObject}/{id}.
func AddDelete[T any](b Batch, id string) *Subrequest[struct{}] {
	obj, err := objectOf[T]()
	if err == nil {
		err = checkIDOrRef(id)
	}
	return add(b, http.MethodDelete, "sobjects/"+obj+"/"+id, obj, "delete", nil, false, err, ignoreBody)
}

// AddQuery adds a SOQL query (build it with [SOQL]; it may hold
// references) whose first page, up to 2,000 records, is decoded into T;
// read further pages with [Records]. It counts toward the 5 queries of a
// composite request.
func AddQuery[T any](b Batch, soql string) *Subrequest[sftype.QueryResult[T]] {
	var err error
	if strings.TrimSpace(soql) == "" {
		err = errors.New("empty query")
	}
	return add(b, http.MethodGet, "query?q="+queryEscapeRefs(soql), "", "query", nil, true, err,
		decodeInto[sftype.QueryResult[T]])
}

// AddCall adds a subrequest to a REST resource that the other Add
// functions do not cover, with in (nil for none) as its JSON body and its
// answer decoded into Out. path is relative to the versioned REST root
// ("sobjects/Account/describe", "composite/sobjects"); Composite runs only
// REST API resources, not Apex REST. A path to sObject Collections or a
// query counts toward the 5 queries of a composite request.
func AddCall[Out any](b Batch, method, path string, in any) *Subrequest[Out] {
	var body json.RawMessage
	var err error
	if in != nil {
		body, err = json.Marshal(in)
	}
	if err == nil {
		err = checkCallPath(path)
	}
	p, _, _ := strings.Cut(path, "?")
	query := strings.HasPrefix(p, "query") || strings.HasPrefix(p, "composite/sobjects")
	return add(b, strings.ToUpper(method), path, "", "call "+method+" "+p, body, query, err, decodeInto[Out])
}

func decodeInto[T any](_ int, body []byte, v *T) error {
	if len(bytes.TrimSpace(body)) == 0 || string(body) == "null" {
		return nil
	}
	return json.Unmarshal(body, v)
}

func ignoreBody(int, []byte, *struct{}) error { return nil }

// objectOf returns T's sObject name.
func objectOf[T any]() (string, error) {
	if obj, ok := sftype.ObjectName[T](); ok {
		return obj, nil
	}
	var t T
	return "", fmt.Errorf("%T names no sObject (want a generated shape, whose Attributes field has an sobject tag)", t)
}

// objectBody returns the sObject of *rec's type and its JSON.
func objectBody[T any](rec *T) (string, json.RawMessage, error) {
	obj, err := objectOf[T]()
	if err != nil {
		return "", nil, err
	}
	b, err := marshalRecord(rec)
	if err != nil {
		return obj, nil, fmt.Errorf("encoding the record: %w", err)
	}
	return obj, b, nil
}

// refRE matches one reference, @{ref.path}, and refPathRE its path.
var (
	refRE     = regexp.MustCompile(`@\{([^}]*)\}`)
	refNameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	refPathRE = regexp.MustCompile(`^[A-Za-z0-9_]+(\[[0-9]+\])?(\.[A-Za-z0-9_]+(\[[0-9]+\])?)*$`)
)

// queryEscapeRefs escapes s for a query string, leaving its references
// as they are: Salesforce substitutes them in the URL before decoding it.
func queryEscapeRefs(s string) string {
	var b strings.Builder
	last := 0
	for _, m := range refRE.FindAllStringIndex(s, -1) {
		b.WriteString(url.QueryEscape(s[last:m[0]]))
		b.WriteString(s[m[0]:m[1]])
		last = m[1]
	}
	b.WriteString(url.QueryEscape(s[last:]))
	return b.String()
}

// checkIDOrRef accepts a Salesforce id or one reference: either keeps the
// path of the subrequest what it is.
func checkIDOrRef(id string) error {
	if sfapi.ValidID(id) {
		return nil
	}
	if m := refRE.FindStringSubmatch(id); m != nil && m[0] == id {
		if name, path, ok := strings.Cut(m[1], "."); ok && refNameRE.MatchString(name) && refPathRE.MatchString(path) {
			return nil
		}
	}
	return fmt.Errorf("id %q is neither a Salesforce id nor a reference such as @{ref1.id}", sfapi.Truncate(id, 40))
}

// checkCallPath checks a path of AddCall: relative, under the REST root.
func checkCallPath(path string) error {
	if strings.HasPrefix(path, "/") {
		return fmt.Errorf("path %q: want a path relative to the versioned REST root, such as sobjects/Account/describe", sfapi.Truncate(path, 80))
	}
	_, err := parsePath(path)
	return err
}

// check validates the batch before it is sent: the errors of its Add
// calls, and its references, each to an earlier subrequest. It records
// each subrequest's dependencies.
func (rs *subrequests) check(what string) error {
	if rs.err != nil {
		return rs.err
	}
	if rs.sent {
		return fmt.Errorf("%w: %s: the batch was sent already; build a new one", ErrInvalidArgument, what)
	}
	if len(rs.subs) == 0 {
		return fmt.Errorf("%w: %s: no subrequests", ErrInvalidArgument, what)
	}
	for i, s := range rs.subs {
		s.deps = s.deps[:0]
		for _, text := range []string{s.path, string(s.body)} {
			for _, m := range refRE.FindAllStringSubmatch(text, -1) {
				name, path, ok := strings.Cut(m[1], ".")
				j, known := rs.refs[name]
				switch {
				case !ok || !refPathRE.MatchString(path):
					return fmt.Errorf("%w: %s: %s: reference %s: want @{referenceId.path}", ErrInvalidArgument, what, s.op, sfapi.Truncate(m[0], 60))
				case !known:
					return fmt.Errorf("%w: %s: %s: reference %s names no subrequest of this batch", ErrInvalidArgument, what, s.op, sfapi.Truncate(m[0], 60))
				case j >= i:
					return fmt.Errorf("%w: %s: %s: reference %s names a later subrequest", ErrInvalidArgument, what, s.op, sfapi.Truncate(m[0], 60))
				}
				s.deps = append(s.deps, j)
			}
		}
	}
	return nil
}

// appendRequests appends the compositeRequest array of the batch.
func (rs *subrequests) appendRequests(b []byte, version string) []byte {
	b = append(b, '[')
	for i, s := range rs.subs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"method":`...)
		b = appendString(b, s.method)
		b = append(b, `,"url":`...)
		b = appendString(b, "/services/data/v"+version+"/"+s.path)
		b = append(b, `,"referenceId":`...)
		b = appendString(b, s.ref)
		if s.body != nil {
			b = append(b, `,"body":`...)
			b = append(b, s.body...)
		}
		b = append(b, '}')
	}
	return append(b, ']')
}

// subresponse is one entry of compositeResponse.
type subresponse struct {
	Body           json.RawMessage `json:"body"`
	HTTPStatusCode int             `json:"httpStatusCode"`
	ReferenceID    string          `json:"referenceId"`
}

// deliver hands each subresponse to its subrequest and returns the
// errors of those that failed. A missing or unreadable subresponse fails
// its subrequest with ErrMalformedResponse.
func (rs *subrequests) deliver(status int, resps []subresponse) []*Error {
	var failed []*Error
	byRef := make(map[string]*subresponse, len(resps))
	for i := range resps {
		byRef[resps[i].ReferenceID] = &resps[i]
	}
	for i, s := range rs.subs {
		r := byRef[s.ref]
		if r == nil && i < len(resps) && resps[i].ReferenceID == "" {
			r = &resps[i]
		}
		var e *Error
		switch {
		case r == nil:
			e = &Error{Op: s.op, StatusCode: status, Message: "no subresponse for " + s.ref, Err: ErrMalformedResponse}
		case r.HTTPStatusCode >= 200 && r.HTTPStatusCode < 300:
			if err := s.deliver(r.HTTPStatusCode, r.Body); err != nil {
				e = &Error{Op: s.op, StatusCode: r.HTTPStatusCode, Message: "cannot decode the body",
					Snippet: snippet(r.Body), Err: fmt.Errorf("%w: %w", ErrMalformedResponse, err)}
			}
		default:
			e = parseErrorBody(s.op, r.HTTPStatusCode, r.Body, false)
		}
		if e != nil {
			s.fail(e)
			failed = append(failed, e)
		}
	}
	return failed
}

// failAll fails every subrequest with err: the request as a whole failed.
func (rs *subrequests) failAll(err error) {
	for _, s := range rs.subs {
		s.fail(err)
	}
}

// CompositeError reports the subrequests of a [Composite] (or the nodes of
// [Graph]s) that failed, each an [*Error] whose Op names its referenceId.
// errors.Is and errors.As see each of them: errors.Is(err,
// sobjects.ErrDuplicateValue) holds when one failed on a duplicate.
type CompositeError struct {
	// Failed lists the failed subrequests in order; under allOrNone, those
	// that did not fail themselves carry [ErrProcessingHalted].
	Failed []*Error
}

// Error names how many subrequests failed and the first that failed for a
// reason of its own.
func (e *CompositeError) Error() string {
	first := e.cause()
	if first == nil {
		return "sobjects: composite: no failed subrequests"
	}
	return fmt.Sprintf("sobjects: composite: %d subrequests failed; first: %s", len(e.Failed),
		strings.TrimPrefix(first.Error(), "sobjects: "))
}

// cause returns the first failure that is not PROCESSING_HALTED, else the
// first failure.
func (e *CompositeError) cause() *Error {
	for _, f := range e.Failed {
		if f.Code != ErrProcessingHalted {
			return f
		}
	}
	if len(e.Failed) > 0 {
		return e.Failed[0]
	}
	return nil
}

// Unwrap returns the failed subrequests' errors, the first real cause first.
func (e *CompositeError) Unwrap() []error {
	out := make([]error, 0, len(e.Failed))
	c := e.cause()
	if c != nil {
		out = append(out, c)
	}
	for _, f := range e.Failed {
		if f != c {
			out = append(out, f)
		}
	}
	return out
}

// Send sends the composite request through c (POST /composite) and
// delivers each subrequest's result to its [Subrequest]. [AllOrNone] rolls
// back every subrequest when one fails; [CollateSubrequests] is sent as
// collateSubrequests when given (Salesforce's default is true since API
// 49.0). More than 25 subrequests, more than 5 queries or sObject
// Collections, a reference to no earlier subrequest, or an error of an Add
// call fail with [ErrInvalidArgument] before anything is sent.
//
// Send returns nil when every subrequest succeeded; a [*CompositeError]
// when some failed (read each outcome from its Subrequest); any other
// error when the request as a whole failed, which then fails every
// subrequest with it. The request is sent once (one API call); after a
// token refresh the session sends the same body again, once.
func (b *Composite) Send(ctx context.Context, c *Client, opts ...CallOption) error {
	const op = "composite"
	rs := &b.reqs
	if err := rs.check(op); err != nil {
		return err
	}
	switch {
	case len(rs.subs) > maxCompositeSubrequests:
		return fmt.Errorf("%w: %s: %d subrequests, at most %d", ErrInvalidArgument, op, len(rs.subs), maxCompositeSubrequests)
	case rs.queries > maxCompositeQueries:
		return fmt.Errorf("%w: %s: %d queries or sObject Collections, at most %d", ErrInvalidArgument, op, rs.queries, maxCompositeQueries)
	}
	cfg, err := newCall(opts)
	if err != nil {
		return fmt.Errorf("sobjects: %s: %w", op, err)
	}
	body := []byte(`{"allOrNone":`)
	body = strconv.AppendBool(body, cfg.allOrNone)
	if cfg.collate != nil {
		body = append(body, `,"collateSubrequests":`...)
		body = strconv.AppendBool(body, *cfg.collate)
	}
	body = append(body, `,"compositeRequest":`...)
	body = append(rs.appendRequests(body, c.version), '}')
	rs.sent = true
	resp, err := c.send(op, cfg, func(eds []gen.RequestEditorFn) (*http.Response, error) {
		return c.gen.CompositeWithBody(ctx, jsonType, bytes.NewReader(body), eds...)
	})
	var out struct {
		CompositeResponse []subresponse `json:"compositeResponse"`
	}
	if err == nil {
		err = decodeJSON(ctx, op, resp, &out)
	}
	if err == nil && len(out.CompositeResponse) != len(rs.subs) {
		err = &Error{Op: op, StatusCode: resp.StatusCode, Err: ErrMalformedResponse,
			Message: fmt.Sprintf("%d subresponses for %d subrequests", len(out.CompositeResponse), len(rs.subs))}
	}
	if err != nil {
		rs.failAll(err)
		return err
	}
	if failed := rs.deliver(resp.StatusCode, out.CompositeResponse); len(failed) > 0 {
		return &CompositeError{Failed: failed}
	}
	return nil
}

// CollateSubrequests sets collateSubrequests of a [Composite] request:
// whether Salesforce may group independent subrequests to run them faster.
// Without it the field is not sent and Salesforce's default applies (true
// since API 49.0).
func CollateSubrequests(b bool) CallOption { return func(c *callConfig) { c.collate = &b } }
