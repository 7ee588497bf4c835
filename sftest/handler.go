package sftest

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/typedforce/typedforce/internal/describe"
)

// response is what a handler answers.
type response struct {
	status int
	body   []byte
	header http.Header
}

func jsonResponse(status int, body []byte) response { return response{status: status, body: body} }

func errResponse(e *apiError) response { return response{status: e.status, body: e.body()} }

// route is a request the org understands: its endpoint, whether it needs a
// session, and what serves it.
type route struct {
	ep    Endpoint
	auth  bool
	serve func() response
}

// maxBody bounds request bodies.
const maxBody = 64 << 20

var versionRE = regexp.MustCompile(`^v([0-9]{2,3}\.[0-9])$`)

// ServeHTTP serves the token endpoint (/services/oauth2/token), the
// revocation endpoint and the REST API (/services/data).
func (o *Org) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt := o.route(r)
	o.mu.Lock()
	o.stats.Requests[rt.ep]++
	switch {
	case rt.ep == EndpointToken:
		o.stats.TokenRequests++
	case strings.HasPrefix(r.URL.Path, "/services/data"):
		o.stats.APIRequests++
	}
	latency := o.latency
	o.mu.Unlock()

	if latency > 0 {
		t := time.NewTimer(latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			http.Error(w, "request canceled", http.StatusServiceUnavailable)
			return
		}
	}

	// A composite, tree or graph request runs alone, so that its
	// rollback undoes its own writes only.
	if rt.ep == EndpointComposite || rt.ep == EndpointTree || rt.ep == EndpointGraph {
		o.txn.Lock()
		defer o.txn.Unlock()
	} else {
		o.txn.RLock()
		defer o.txn.RUnlock()
	}
	resp, usage, done := o.admit(r, rt)
	if !done {
		resp = rt.serve()
	}
	h := w.Header()
	for k, v := range resp.header {
		h[k] = v
	}
	if h.Get("Content-Type") == "" && len(resp.body) > 0 {
		h.Set("Content-Type", "application/json;charset=UTF-8")
	}
	if usage > 0 {
		h.Set("Sforce-Limit-Info", fmt.Sprintf("api-usage=%d/%d", usage, o.apiLimit))
	}
	w.WriteHeader(resp.status)
	_, _ = w.Write(resp.body)
}

// admit checks the session, the injected failures and the API limit
// before a request is served; done is true when resp answers it already.
// usage is the API usage to report, 0 for none.
func (o *Org) admit(r *http.Request, rt route) (resp response, usage int, done bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if rt.auth && !o.tokens[bearer(r)] {
		o.stats.Rejected++
		return errResponse(errSession()), 0, true
	}
	if rt.auth {
		o.apiCalls++
		usage = o.apiCalls
	}
	if f := o.takeFault(rt.ep); f != nil {
		if f.Body != "" {
			return response{status: f.StatusCode, body: []byte(f.Body), header: http.Header{"Content-Type": {f.ContentType}}}, usage, true
		}
		resp = errResponse(&apiError{status: f.StatusCode, code: string(f.Code), msg: f.Message})
		if rt.ep == EndpointToken || rt.ep == EndpointRevoke {
			resp = oauthError(f.StatusCode, string(f.Code), f.Message)
		}
		if f.RetryAfter != "" {
			resp.header = http.Header{"Retry-After": {f.RetryAfter}}
		}
		return resp, usage, true
	}
	if rt.auth && o.apiCalls > o.apiLimit {
		return errResponse(errorf(http.StatusForbidden, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")), usage, true
	}
	return response{}, usage, false
}

// bearer returns the access token of a request's Authorization header
// ("Bearer …" or the legacy "OAuth …").
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	for _, scheme := range []string{"Bearer ", "OAuth "} {
		if len(h) > len(scheme) && strings.EqualFold(h[:len(scheme)], scheme) {
			return strings.TrimSpace(h[len(scheme):])
		}
	}
	return ""
}

func methodNotAllowed(method string, allowed ...string) route {
	return route{ep: EndpointOther, serve: func() response {
		return errResponse(errorf(http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED",
			"HTTP Method '%s' not allowed. Allowed are %s", method, strings.Join(allowed, ",")))
	}}
}

func notFound(ep Endpoint, auth bool) route {
	return route{ep: ep, auth: auth, serve: func() response { return errResponse(errNotFound()) }}
}

// route finds what serves r.
func (o *Org) route(r *http.Request) route {
	path := r.URL.EscapedPath()
	switch {
	case path == "/services/oauth2/token":
		if r.Method != http.MethodPost {
			return methodNotAllowed(r.Method, "POST")
		}
		return route{ep: EndpointToken, serve: func() response { return o.token(r) }}
	case path == "/services/oauth2/revoke":
		return route{ep: EndpointRevoke, serve: func() response { return o.revoke(r) }}
	case strings.HasPrefix(path, "/services/apexrest/"):
		return o.apexRoute(r, strings.TrimPrefix(path, "/services/apexrest"))
	case path == "/services/data" || path == "/services/data/":
		return route{ep: EndpointVersions, serve: o.versions}
	case !strings.HasPrefix(path, "/services/data/"):
		return notFound(EndpointOther, false)
	}
	raw := strings.Split(strings.Trim(strings.TrimPrefix(path, "/services/data/"), "/"), "/")
	m := versionRE.FindStringSubmatch(raw[0])
	if m == nil {
		return notFound(EndpointOther, false)
	}
	version := m[1]
	seg := make([]string, 0, len(raw)-1)
	for _, s := range raw[1:] {
		u, err := url.PathUnescape(s)
		if err != nil {
			return notFound(EndpointOther, true)
		}
		seg = append(seg, u)
	}
	method := r.Method
	get := func(ep Endpoint, serve func() response) route {
		if method != http.MethodGet && method != http.MethodHead {
			return methodNotAllowed(method, "GET", "HEAD")
		}
		return route{ep: ep, auth: true, serve: serve}
	}
	post := func(ep Endpoint, serve func() response) route {
		if method != http.MethodPost {
			return methodNotAllowed(method, "POST")
		}
		return route{ep: ep, auth: true, serve: serve}
	}
	switch {
	case len(seg) == 0:
		return get(EndpointResources, func() response { return o.resources(version) })
	case seg[0] == "limits" && len(seg) == 1:
		return get(EndpointLimits, o.limits)
	case (seg[0] == "query" || seg[0] == "queryAll") && len(seg) == 1:
		ep := EndpointQuery
		if seg[0] == "queryAll" {
			ep = EndpointQueryAll
		}
		return get(ep, func() response { return o.query(r, version, ep == EndpointQueryAll) })
	case (seg[0] == "query" || seg[0] == "queryAll") && len(seg) == 2:
		return get(EndpointQueryMore, func() response { return o.queryMore(r, version, seg[1]) })
	case seg[0] == "sobjects":
		return o.sobjectsRoute(r, version, seg[1:])
	case seg[0] == "composite" && len(seg) >= 2 && seg[1] == "sobjects":
		return o.collectionsRoute(r, version, seg[2:])
	case seg[0] == "composite" && len(seg) == 1:
		return post(EndpointComposite, func() response { return o.composite(r) })
	case seg[0] == "composite" && len(seg) == 3 && seg[1] == "tree":
		return post(EndpointTree, func() response { return o.tree(r, seg[2]) })
	case seg[0] == "composite" && len(seg) == 2 && seg[1] == "graph":
		return post(EndpointGraph, func() response { return o.graph(r) })
	case seg[0] == "search" && len(seg) == 1:
		return get(EndpointSearch, func() response { return o.search(r, version) })
	case seg[0] == "jobs":
		return o.bulkRoute(r, version, seg)
	}
	return notFound(EndpointOther, true)
}

func (o *Org) sobjectsRoute(r *http.Request, version string, seg []string) route {
	method := r.Method
	if len(seg) == 0 {
		if method != http.MethodGet {
			return methodNotAllowed(method, "GET", "HEAD")
		}
		return route{ep: EndpointDescribeGlobal, auth: true, serve: func() response { return o.describeGlobal(version) }}
	}
	obj := o.schema.object(seg[0])
	switch {
	case obj == nil:
		return notFound(EndpointOther, true)
	case len(seg) == 1 && method == http.MethodGet:
		return route{ep: EndpointSObject, auth: true, serve: func() response { return o.sobjectInfo(obj, version) }}
	case len(seg) == 1 && method == http.MethodPost:
		return route{ep: EndpointCreate, auth: true, serve: func() response { return o.create(r, obj) }}
	case len(seg) == 1:
		return methodNotAllowed(method, "GET", "HEAD", "POST")
	case len(seg) == 2 && (seg[1] == "updated" || seg[1] == "deleted"):
		if method != http.MethodGet {
			return methodNotAllowed(method, "GET", "HEAD")
		}
		if seg[1] == "updated" {
			return route{ep: EndpointUpdated, auth: true, serve: func() response { return o.updated(r, obj) }}
		}
		return route{ep: EndpointDeleted, auth: true, serve: func() response { return o.deleted(r, obj) }}
	case len(seg) == 2 && seg[1] == "describe":
		if method != http.MethodGet {
			return methodNotAllowed(method, "GET", "HEAD")
		}
		return route{ep: EndpointDescribe, auth: true, serve: func() response { return jsonResponse(http.StatusOK, obj.raw) }}
	case len(seg) == 2:
		id := seg[1]
		switch method {
		case http.MethodGet, http.MethodHead:
			return route{ep: EndpointGet, auth: true, serve: func() response { return o.get(r, obj, id, version) }}
		case http.MethodPatch:
			return route{ep: EndpointUpdate, auth: true, serve: func() response { return o.patch(r, obj, id) }}
		case http.MethodDelete:
			return route{ep: EndpointDelete, auth: true, serve: func() response { return o.delete(obj, id) }}
		}
		return methodNotAllowed(method, "GET", "HEAD", "PATCH", "DELETE")
	case len(seg) == 3:
		if id, ok := normID(seg[1]); ok && id[:3] == obj.prefix {
			if method != http.MethodGet {
				return methodNotAllowed(method, "GET", "HEAD")
			}
			return route{ep: EndpointBlob, auth: true, serve: func() response { return o.blob(obj, id, seg[2]) }}
		}
		field, value := seg[1], seg[2]
		switch method {
		case http.MethodGet, http.MethodHead:
			return route{ep: EndpointGetByExternalID, auth: true, serve: func() response { return o.getByExternalID(r, obj, field, value, version) }}
		case http.MethodPatch:
			return route{ep: EndpointUpsert, auth: true, serve: func() response { return o.upsert(r, obj, field, value, version) }}
		case http.MethodDelete:
			return route{ep: EndpointDeleteByExternal, auth: true, serve: func() response { return o.deleteByExternalID(obj, field, value, version) }}
		}
		return methodNotAllowed(method, "GET", "HEAD", "PATCH", "DELETE")
	}
	return notFound(EndpointOther, true)
}

func readBody(r *http.Request) ([]byte, *apiError) {
	if r.Body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, errorf(http.StatusBadRequest, "JSON_PARSER_ERROR", "reading the request body: %v", err)
	}
	if len(b) > maxBody {
		return nil, errorf(http.StatusRequestEntityTooLarge, "REQUEST_ENTITY_TOO_LARGE", "the request body is too large")
	}
	return b, nil
}

// readObject reads a request body that holds one JSON object.
func readObject(r *http.Request, what string) ([]member, *apiError) {
	body, apiErr := readBody(r)
	if apiErr != nil {
		return nil, apiErr
	}
	return parseObject(body, what)
}

func (o *Org) versions() response {
	type version struct {
		Label   string `json:"label"`
		URL     string `json:"url"`
		Version string `json:"version"`
	}
	vs := []version{
		{"Winter '25", "/services/data/v62.0", "62.0"}, {"Spring '25", "/services/data/v63.0", "63.0"},
		{"Summer '25", "/services/data/v64.0", "64.0"}, {"Winter '26", "/services/data/v65.0", "65.0"},
		{"Spring '26", "/services/data/v66.0", "66.0"}, {"Summer '26", "/services/data/v67.0", "67.0"},
	}
	return jsonResponse(http.StatusOK, mustJSON(vs))
}

func (o *Org) resources(version string) response {
	base := "/services/data/v" + version
	return jsonResponse(http.StatusOK, mustJSON(map[string]string{
		"sobjects": base + "/sobjects", "query": base + "/query", "queryAll": base + "/queryAll",
		"limits": base + "/limits", "composite": base + "/composite",
	}))
}

func (o *Org) limits() response {
	o.mu.Lock()
	used := o.apiCalls
	o.mu.Unlock()
	type limit struct {
		Max       int `json:"Max"`
		Remaining int `json:"Remaining"`
	}
	return jsonResponse(http.StatusOK, mustJSON(map[string]limit{
		"DailyApiRequests": {o.apiLimit, max(o.apiLimit-used, 0)},
	}))
}

// globalEntry is an object's entry in the global describe.
type globalEntry struct {
	Activateable bool              `json:"activateable"`
	Createable   bool              `json:"createable"`
	Custom       bool              `json:"custom"`
	Deletable    bool              `json:"deletable"`
	KeyPrefix    *string           `json:"keyPrefix"`
	Label        string            `json:"label"`
	LabelPlural  string            `json:"labelPlural"`
	Name         string            `json:"name"`
	Queryable    bool              `json:"queryable"`
	Updateable   bool              `json:"updateable"`
	URLs         map[string]string `json:"urls"`
}

func (o *Org) entry(obj *object, version string) globalEntry {
	base := "/services/data/v" + version + "/sobjects/" + obj.name
	d := obj.d
	return globalEntry{Createable: d.Createable, Custom: d.Custom, Deletable: d.Deletable, KeyPrefix: d.KeyPrefix,
		Label: d.Label, LabelPlural: d.LabelPlural, Name: d.Name, Queryable: d.Queryable, Updateable: d.Updateable,
		URLs: map[string]string{"sobject": base, "describe": base + "/describe", "rowTemplate": base + "/{ID}"}}
}

func (o *Org) describeGlobal(version string) response {
	entries := make([]globalEntry, 0, len(o.schema.names))
	for _, n := range o.schema.names {
		entries = append(entries, o.entry(o.schema.object(n), version))
	}
	return jsonResponse(http.StatusOK, mustJSON(map[string]any{"encoding": "UTF-8", "maxBatchSize": 200, "sobjects": entries}))
}

func (o *Org) sobjectInfo(obj *object, version string) response {
	return jsonResponse(http.StatusOK, mustJSON(map[string]any{"objectDescribe": o.entry(obj, version), "recentItems": []any{}}))
}

// saveResult is the body of a single-record create or upsert.
type saveResult struct {
	ID      string   `json:"id"`
	Success bool     `json:"success"`
	Errors  []string `json:"errors"`
	Created *bool    `json:"created,omitempty"`
}

func (o *Org) create(r *http.Request, obj *object) response {
	if !obj.d.Createable {
		return errResponse(errorf(http.StatusBadRequest, "INVALID_TYPE_FOR_OPERATION", "entity type %s does not support insert", obj.name))
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		return o.createMultipart(r, obj)
	}
	ms, apiErr := readObject(r, obj.name)
	if apiErr != nil {
		return errResponse(apiErr)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	rec, _, apiErr := o.write(obj, ms, modeCreate, nil)
	if apiErr != nil {
		return errResponse(apiErr)
	}
	return jsonResponse(http.StatusCreated, mustJSON(saveResult{ID: rec.id, Success: true, Errors: []string{}}))
}

// live returns the live record of obj with the id from a URL, or the
// error to answer. o.mu is held.
func (o *Org) live(obj *object, rawID string) (*record, *apiError) {
	id, ok := normID(rawID)
	if !ok || id[:3] != obj.prefix {
		if !ok {
			return nil, errorf(http.StatusNotFound, "NOT_FOUND", "Provided external ID field does not exist or is not accessible: %s", rawID)
		}
		return nil, errNotFound()
	}
	rec := o.table(obj).byID[id]
	if rec == nil || rec.deleted {
		return nil, errNotFound()
	}
	return rec, nil
}

// fieldsParam reads the fields query parameter of a read.
func (o *Org) fieldsParam(r *http.Request, obj *object) ([]*sel, *apiError) {
	p := r.URL.Query().Get("fields")
	if p == "" {
		return nil, nil
	}
	var paths [][]string
	for f := range strings.SplitSeq(p, ",") {
		f = strings.TrimSpace(f)
		parts := strings.Split(f, ".")
		if _, err := o.resolve(obj, parts); err != nil {
			return nil, errorf(http.StatusBadRequest, "INVALID_FIELD", "%s", err.msg)
		}
		paths = append(paths, parts)
	}
	return buildSel(paths), nil
}

func (o *Org) get(r *http.Request, obj *object, rawID, version string) response {
	s, apiErr := o.fieldsParam(r, obj)
	if apiErr != nil {
		return errResponse(apiErr)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	rec, apiErr := o.live(obj, rawID)
	if apiErr != nil {
		return errResponse(apiErr)
	}
	return jsonResponse(http.StatusOK, o.appendRecord(nil, rec, version, s))
}

func (o *Org) patch(r *http.Request, obj *object, rawID string) response {
	ms, apiErr := readObject(r, obj.name)
	if apiErr != nil {
		return errResponse(apiErr)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	rec, apiErr := o.live(obj, rawID)
	if apiErr == nil {
		_, _, apiErr = o.write(obj, ms, modeUpdate, rec)
	}
	if apiErr != nil {
		return errResponse(apiErr)
	}
	return response{status: http.StatusNoContent}
}

func (o *Org) delete(obj *object, rawID string) response {
	o.mu.Lock()
	defer o.mu.Unlock()
	if id, ok := normID(rawID); ok {
		if rec := o.table(obj).byID[id]; rec != nil && rec.deleted {
			return errResponse(errorf(http.StatusNotFound, "ENTITY_IS_DELETED", "entity is deleted"))
		}
	}
	rec, apiErr := o.live(obj, rawID)
	if apiErr != nil {
		return errResponse(apiErr)
	}
	if !obj.d.Deletable {
		return errResponse(errorf(http.StatusBadRequest, "INVALID_TYPE_FOR_OPERATION", "entity type %s does not support delete", obj.name))
	}
	o.remove(rec)
	return response{status: http.StatusNoContent}
}

func (o *Org) blob(obj *object, id, field string) response {
	f := obj.field(field)
	if f == nil || f.Type != "base64" {
		return errResponse(errorf(http.StatusNotFound, "NOT_FOUND",
			"sftest: the fake org serves only base64 fields below a record, not %s", field))
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	rec, apiErr := o.live(obj, id)
	if apiErr != nil {
		return errResponse(apiErr)
	}
	b, _ := rec.vals[f.Name].([]byte)
	if b == nil {
		return errResponse(errNotFound())
	}
	return response{status: http.StatusOK, body: b, header: http.Header{"Content-Type": {"application/octetstream"}}}
}

// externalField returns the external id field of a URL.
func externalField(obj *object, name string) (*describe.Field, *apiError) {
	f := obj.field(name)
	if f == nil || (!f.ExternalID && f.Name != "Id") {
		return nil, errorf(http.StatusNotFound, "NOT_FOUND", "Provided external ID field does not exist or is not accessible: %s", name)
	}
	return f, nil
}

// matches returns the live records of obj whose field f has value. o.mu
// is held.
func (o *Org) matches(obj *object, f *describe.Field, value string) []*record {
	if f.Name == "Id" {
		if rec, err := o.live(obj, value); err == nil {
			return []*record{rec}
		}
		return nil
	}
	var out []*record
	for _, rec := range o.table(obj).recs {
		if !rec.deleted && sameExternal(f, rec.vals[f.Name], value) {
			out = append(out, rec)
		}
	}
	return out
}

// sameExternal reports whether the stored value v of field f is value, a
// text compared ignoring case unless the describe says caseSensitive.
func sameExternal(f *describe.Field, v any, value string) bool {
	switch v := v.(type) {
	case string:
		if f.CaseSensitive {
			return v == value
		}
		return strings.EqualFold(v, value)
	case float64:
		x, err := strconv.ParseFloat(value, 64)
		return err == nil && x == v
	case int64:
		x, err := strconv.ParseInt(value, 10, 64)
		return err == nil && x == v
	}
	return false
}

// multiple is the 300 answer to an external id that matches several
// records: a JSON array of their URLs.
func (o *Org) multiple(recs []*record, version string) response {
	urls := make([]string, len(recs))
	for i, rec := range recs {
		urls[i] = o.recordURL(version, rec)
	}
	return jsonResponse(http.StatusMultipleChoices, mustJSON(urls))
}

func (o *Org) getByExternalID(r *http.Request, obj *object, field, value, version string) response {
	s, apiErr := o.fieldsParam(r, obj)
	if apiErr != nil {
		return errResponse(apiErr)
	}
	return o.byExternalID(obj, field, value, version, func(rec *record) response {
		return jsonResponse(http.StatusOK, o.appendRecord(nil, rec, version, s))
	})
}

func (o *Org) deleteByExternalID(obj *object, field, value, version string) response {
	return o.byExternalID(obj, field, value, version, func(rec *record) response {
		o.remove(rec)
		return response{status: http.StatusNoContent}
	})
}

// byExternalID answers with one(rec) when exactly one live record of obj
// has value in its external id field; 404 when none does, 300 when
// several do. one runs with o.mu held.
func (o *Org) byExternalID(obj *object, field, value, version string, one func(*record) response) response {
	f, apiErr := externalField(obj, field)
	if apiErr != nil {
		return errResponse(apiErr)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	switch recs := o.matches(obj, f, value); len(recs) {
	case 0:
		return errResponse(errNotFound())
	case 1:
		return one(recs[0])
	default:
		return o.multiple(recs, version)
	}
}

func (o *Org) upsert(r *http.Request, obj *object, field, value, version string) response {
	f, apiErr := externalField(obj, field)
	if apiErr != nil {
		return errResponse(apiErr)
	}
	ms, apiErr := readObject(r, obj.name)
	if apiErr != nil {
		return errResponse(apiErr)
	}
	updateOnly := strings.EqualFold(r.URL.Query().Get("updateOnly"), "true")
	o.mu.Lock()
	defer o.mu.Unlock()
	res, apiErr := o.upsertOne(obj, f, value, ms, updateOnly)
	if apiErr != nil {
		return errResponse(apiErr)
	}
	if len(res.recs) > 1 {
		return o.multiple(res.recs, version)
	}
	status := http.StatusOK
	if res.created {
		status = http.StatusCreated
	} else if v, _ := strconv.ParseFloat(version, 64); v < 46 {
		return response{status: http.StatusNoContent}
	}
	return jsonResponse(status, mustJSON(saveResult{ID: res.recs[0].id, Success: true, Errors: []string{}, Created: &res.created}))
}

type upserted struct {
	recs    []*record // the record saved, or the several that matched
	created bool
	undo    func()
}

// upsertOne creates or updates the record of obj whose external id field f
// has value, from the members of a body. Several matches are returned
// unsaved. o.mu is held.
func (o *Org) upsertOne(obj *object, f *describe.Field, value string, ms []member, updateOnly bool) (upserted, *apiError) {
	kept := ms[:0:0]
	for _, m := range ms {
		if !strings.EqualFold(m.key, f.Name) {
			kept = append(kept, m)
			continue
		}
		var v any
		if json.Unmarshal(m.raw, &v) != nil || !sameExternal(f, v, value) && fmt.Sprint(v) != value {
			return upserted{}, errorf(http.StatusBadRequest, "INVALID_FIELD",
				"The value of the external ID field %s in the body does not match the URL", f.Name).withFields(f.Name)
		}
	}
	recs := o.matches(obj, f, value)
	switch {
	case len(recs) > 1:
		return upserted{recs: recs}, nil
	case len(recs) == 1:
		rec, undo, err := o.write(obj, kept, modeUpdate, recs[0])
		if err != nil {
			return upserted{}, err
		}
		return upserted{recs: []*record{rec}, undo: undo}, nil
	case updateOnly || f.Name == "Id":
		return upserted{}, errNotFound()
	}
	raw := mustJSON(value)
	if !isTextType(f.Type) {
		raw = []byte(value)
	}
	kept = append(kept, member{key: f.Name, raw: raw, line: 1, col: 1})
	rec, undo, err := o.write(obj, kept, modeCreate, nil)
	if err != nil {
		return upserted{}, err
	}
	return upserted{recs: []*record{rec}, created: true, undo: undo}, nil
}
