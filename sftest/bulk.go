package sftest

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/typedforce/typedforce/internal/describe"
	"github.com/typedforce/typedforce/sftest/internal/soql"
)

// Bulk API 2.0: ingest jobs (…/jobs/ingest) and query jobs
// (…/jobs/query). A job is processed on the first request about it after
// its processing delay ([WithBulkDelay], [Org.SetBulkDelay]) has passed
// since UploadComplete (ingest) or its creation (query); before that it
// reads InProgress. Each record of an ingest job is validated and saved as
// the REST API does it, so a record fails with the error the REST API
// would give; the results list records in reverse input order, since
// Salesforce promises no order.

// maxUpload bounds the CSV of one ingest job: 150 MB, as Salesforce.
const maxUpload = 150_000_000

// defaultBulkPage is the number of records of a query result page when
// the request gives no maxRecords.
const defaultBulkPage = 50_000

// bulkJob is an ingest or query job.
type bulkJob struct {
	id        string
	query     bool
	obj       *object
	op        string
	extField  *describe.Field
	delim     rune
	crlf      bool
	state     string
	created   time.Time
	readyAt   time.Time
	version   string
	data      []byte
	processed int
	failed    int
	errMsg    string
	results   map[string][]byte // successfulResults, failedResults, unprocessedrecords

	// query jobs
	plan   *plan
	paths  [][]string
	header []string
	all    bool
	rows   []*record
}

var bulkDelimiters = map[string]rune{"COMMA": ',', "SEMICOLON": ';', "TAB": '\t', "PIPE": '|', "CARET": '^', "BACKQUOTE": '`'}

// WithBulkDelay sets how long a Bulk API 2.0 job stays InProgress before
// it is processed (default 0: on the first poll).
func WithBulkDelay(d time.Duration) Option { return func(c *config) { c.bulkDelay = d } }

// SetBulkDelay changes the processing delay of Bulk API 2.0 jobs
// submitted from now on.
func (o *Org) SetBulkDelay(d time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.bulkDelay = d
}

// BulkJobState returns the state of the Bulk API 2.0 job with the given
// id, and false when there is none.
func (o *Org) BulkJobState(id string) (string, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	j := o.bulkJobs[id]
	if j == nil {
		return "", false
	}
	return j.state, true
}

func bulkError(status int, code, msg string) response {
	return errResponse(errorf(status, code, "%s", msg))
}

func (o *Org) bulkRoute(r *http.Request, version string, seg []string) route {
	if len(seg) < 2 || (seg[1] != "ingest" && seg[1] != "query") {
		return notFound(EndpointOther, true)
	}
	query := seg[1] == "query"
	method := r.Method
	pick := func(ingest, q Endpoint) Endpoint {
		if query {
			return q
		}
		return ingest
	}
	switch {
	case len(seg) == 2 && method == http.MethodPost:
		ep := pick(EndpointBulkIngestCreate, EndpointBulkQueryCreate)
		return route{ep: ep, auth: true, serve: func() response { return o.bulkCreate(r, version, query) }}
	case len(seg) == 2:
		return methodNotAllowed(method, "POST")
	case len(seg) == 3 && (method == http.MethodGet || method == http.MethodHead):
		ep := pick(EndpointBulkIngestJob, EndpointBulkQueryJob)
		return route{ep: ep, auth: true, serve: func() response { return o.bulkInfo(seg[2], query) }}
	case len(seg) == 3 && method == http.MethodPatch:
		ep := pick(EndpointBulkIngestState, EndpointBulkQueryState)
		return route{ep: ep, auth: true, serve: func() response { return o.bulkState(r, seg[2], query) }}
	case len(seg) == 3 && method == http.MethodDelete:
		ep := pick(EndpointBulkIngestState, EndpointBulkQueryState)
		return route{ep: ep, auth: true, serve: func() response { return o.bulkDelete(seg[2], query) }}
	case len(seg) == 4 && !query && seg[3] == "batches" && method == http.MethodPut:
		return route{ep: EndpointBulkIngestUpload, auth: true, serve: func() response { return o.bulkUpload(r, seg[2]) }}
	case len(seg) == 4 && !query && method == http.MethodGet &&
		(seg[3] == "successfulResults" || seg[3] == "failedResults" || seg[3] == "unprocessedrecords"):
		return route{ep: EndpointBulkIngestResults, auth: true, serve: func() response { return o.bulkResults(r, seg[2], seg[3]) }}
	case len(seg) == 4 && query && seg[3] == "results" && method == http.MethodGet:
		return route{ep: EndpointBulkQueryResults, auth: true, serve: func() response { return o.bulkQueryResults(r, seg[2]) }}
	}
	return notFound(EndpointOther, true)
}

// job returns the job with the given id of the right kind. o.mu is held.
func (o *Org) job(id string, query bool) (*bulkJob, *apiError) {
	j := o.bulkJobs[id]
	if j == nil || j.query != query {
		return nil, errorf(http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
	}
	return j, nil
}

func (o *Org) bulkCreate(r *http.Request, version string, query bool) response {
	body, apiErr := readBody(r)
	if apiErr != nil {
		return errResponse(apiErr)
	}
	var req struct {
		Object, Operation, ExternalIDFieldName, ContentType, ColumnDelimiter, LineEnding, Query string
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return bulkError(http.StatusBadRequest, "JSON_PARSER_ERROR", err.Error())
	}
	j := &bulkJob{query: query, op: req.Operation, delim: ',', version: version, state: "Open"}
	if req.ContentType != "" && req.ContentType != "CSV" {
		return bulkError(http.StatusBadRequest, "INVALIDJOB", "Unsupported content type: "+req.ContentType)
	}
	if req.ColumnDelimiter != "" {
		d, ok := bulkDelimiters[req.ColumnDelimiter]
		if !ok {
			return bulkError(http.StatusBadRequest, "INVALIDJOB", "Invalid column delimiter: "+req.ColumnDelimiter)
		}
		j.delim = d
	}
	switch req.LineEnding {
	case "", "LF":
	case "CRLF":
		j.crlf = true
	default:
		return bulkError(http.StatusBadRequest, "INVALIDJOB", "Invalid line ending: "+req.LineEnding)
	}
	if query {
		if apiErr := o.bindBulkQuery(j, req.Query); apiErr != nil {
			return errResponse(apiErr)
		}
	} else {
		switch req.Operation {
		case "insert", "update", "upsert", "delete", "hardDelete":
		default:
			return bulkError(http.StatusBadRequest, "INVALIDJOB", "Invalid operation: "+req.Operation)
		}
		j.obj = o.schema.object(req.Object)
		if j.obj == nil {
			return bulkError(http.StatusNotFound, "NOT_FOUND", "sObject type '"+req.Object+"' is not supported.")
		}
		if req.Operation == "upsert" {
			f, apiErr := externalField(j.obj, req.ExternalIDFieldName)
			if apiErr != nil {
				return bulkError(http.StatusBadRequest, "INVALIDJOB", "External ID field does not exist or is not accessible: "+req.ExternalIDFieldName)
			}
			j.extField = f
		}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.bulkSeq++
	j.id = newID("750", o.bulkSeq)
	j.created = o.now()
	if query {
		j.state = "UploadComplete"
		j.readyAt = time.Now().Add(o.bulkDelay)
	}
	o.bulkJobs[j.id] = j
	return jsonResponse(http.StatusOK, o.jobJSON(j))
}

// bindBulkQuery parses and binds the query of a query job, refusing what
// Bulk API 2.0 queries do not support.
func (o *Org) bindBulkQuery(j *bulkJob, stmt string) *apiError {
	if j.op != "query" && j.op != "queryAll" {
		return errorf(http.StatusBadRequest, "INVALIDJOB", "Invalid operation: %s", j.op)
	}
	j.all = j.op == "queryAll"
	q, err := soql.Parse(stmt)
	if err != nil {
		var se *soql.Error
		if errors.As(err, &se) {
			return queryError(stmt, "MALFORMED_QUERY", se.Pos, se.Msg)
		}
		return errorf(http.StatusBadRequest, "MALFORMED_QUERY", "%v", err)
	}
	if q.Count || q.Offset > 0 {
		return errorf(http.StatusBadRequest, "API_ERROR", "Bulk API queries support neither COUNT() nor OFFSET")
	}
	p, be := o.bind(q)
	if be != nil {
		return queryError(stmt, be.code, be.pos, be.msg)
	}
	for _, fp := range q.Fields {
		f, _ := o.resolve(p.obj, fp.Parts)
		if f != nil && (f.Type == "address" || f.Type == "location" || f.Type == "base64") {
			return errorf(http.StatusBadRequest, "API_ERROR", "Bulk API queries do not support %s fields: %s", f.Type, fp.String())
		}
		j.paths = append(j.paths, fp.Parts)
		j.header = append(j.header, fp.String())
	}
	j.plan, j.obj = p, p.obj
	return nil
}

// jobJSON describes a job. o.mu is held.
func (o *Org) jobJSON(j *bulkJob) []byte {
	delim := "COMMA"
	for k, v := range bulkDelimiters {
		if v == j.delim {
			delim = k
		}
	}
	eol := "LF"
	if j.crlf {
		eol = "CRLF"
	}
	m := map[string]any{
		"id": j.id, "operation": j.op, "state": j.state, "createdById": o.userID,
		"createdDate": formatDateTime(j.created), "systemModstamp": formatDateTime(o.now()),
		"concurrencyMode": "Parallel", "contentType": "CSV", "apiVersion": json.Number(j.version),
		"columnDelimiter": delim, "lineEnding": eol, "numberRecordsProcessed": j.processed, "retries": 0,
		"totalProcessingTime": 0,
	}
	if j.obj != nil {
		m["object"] = j.obj.name
	}
	if j.query {
		m["jobType"] = "V2Query"
	} else {
		m["jobType"] = "V2Ingest"
		m["numberRecordsFailed"] = j.failed
		m["contentUrl"] = "services/data/v" + j.version + "/jobs/ingest/" + j.id + "/batches"
		if j.extField != nil {
			m["externalIdFieldName"] = j.extField.Name
		}
	}
	if j.errMsg != "" {
		m["errorMessage"] = j.errMsg
	}
	return mustJSON(m)
}

// withJob answers with serve(j) for the job with the given id, moved on
// first (see advance), with o.mu held.
func (o *Org) withJob(id string, query bool, serve func(*bulkJob) response) response {
	o.mu.Lock()
	defer o.mu.Unlock()
	j, apiErr := o.job(id, query)
	if apiErr != nil {
		return errResponse(apiErr)
	}
	o.advance(j)
	return serve(j)
}

func (o *Org) bulkInfo(id string, query bool) response {
	return o.withJob(id, query, func(j *bulkJob) response { return jsonResponse(http.StatusOK, o.jobJSON(j)) })
}

// advance moves a submitted job on: InProgress until its delay has
// passed, then processed. o.mu is held.
func (o *Org) advance(j *bulkJob) {
	if j.state != "UploadComplete" && j.state != "InProgress" {
		return
	}
	if time.Now().Before(j.readyAt) {
		j.state = "InProgress"
		return
	}
	if j.query {
		j.rows = o.run(j.plan, j.all)
		j.processed = len(j.rows)
		j.state = "JobComplete"
		return
	}
	o.processIngest(j)
}

func (o *Org) bulkState(r *http.Request, id string, query bool) response {
	body, apiErr := readBody(r)
	if apiErr != nil {
		return errResponse(apiErr)
	}
	var req struct{ State string }
	if err := json.Unmarshal(body, &req); err != nil {
		return bulkError(http.StatusBadRequest, "JSON_PARSER_ERROR", err.Error())
	}
	return o.withJob(id, query, func(j *bulkJob) response {
		switch {
		case req.State == "Aborted" && (j.state == "Open" || j.state == "UploadComplete" || j.state == "InProgress"):
			j.state = "Aborted"
			if !j.query {
				j.results = map[string][]byte{"unprocessedrecords": j.data}
			}
		case req.State == "UploadComplete" && !query && j.state == "Open":
			j.state = "UploadComplete"
			j.readyAt = time.Now().Add(o.bulkDelay)
		default:
			return bulkError(http.StatusBadRequest, "INVALIDJOBSTATE", "Job state "+j.state+" cannot change to "+req.State)
		}
		return jsonResponse(http.StatusOK, o.jobJSON(j))
	})
}

func (o *Org) bulkDelete(id string, query bool) response {
	return o.withJob(id, query, func(j *bulkJob) response {
		if j.state != "JobComplete" && j.state != "Failed" && j.state != "Aborted" {
			return bulkError(http.StatusBadRequest, "INVALIDJOBSTATE", "Job "+j.id+" is "+j.state+" and cannot be deleted")
		}
		delete(o.bulkJobs, id)
		return response{status: http.StatusNoContent}
	})
}

func (o *Org) bulkUpload(r *http.Request, id string) response {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		return bulkError(http.StatusUnsupportedMediaType, "INVALIDJOB", "Unsupported content type: "+ct)
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, maxUpload+1))
	if err != nil {
		return bulkError(http.StatusBadRequest, "INVALIDJOB", "reading the upload: "+err.Error())
	}
	if len(data) > maxUpload {
		return bulkError(http.StatusRequestEntityTooLarge, "INVALIDJOB", "The upload exceeds 150 MB")
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	j, apiErr := o.job(id, false)
	if apiErr != nil {
		return errResponse(apiErr)
	}
	if j.state != "Open" || j.data != nil {
		return bulkError(http.StatusConflict, "INVALIDJOBSTATE", "Job "+j.id+" is "+j.state+": data was uploaded already or the job is closed")
	}
	j.data = data
	return response{status: http.StatusCreated}
}

// processIngest validates and saves the records of an ingest job. o.mu
// is held.
func (o *Org) processIngest(j *bulkJob) {
	fail := func(msg string) {
		j.state, j.errMsg = "Failed", msg
		j.results = map[string][]byte{"unprocessedrecords": j.data}
	}
	if len(bytes.TrimSpace(j.data)) == 0 {
		fail("InvalidBatch : Failed to process query: no data uploaded")
		return
	}
	cr := csv.NewReader(bytes.NewReader(j.data))
	cr.Comma = j.delim
	rows, err := cr.ReadAll()
	if err != nil {
		fail("InvalidBatch : Failed to parse CSV: " + err.Error())
		return
	}
	header := rows[0]
	fields := make([]*describe.Field, len(header))
	idCol, extCol := -1, -1
	for i, name := range header {
		f := j.obj.field(name)
		if f == nil {
			fail("InvalidBatch : Field name not found : " + name)
			return
		}
		fields[i] = f
		if f.Name == "Id" {
			idCol = i
		}
		if j.extField != nil && f.Name == j.extField.Name {
			extCol = i
		}
	}
	switch {
	case j.op == "upsert" && extCol < 0:
		fail("InvalidBatch : Field name not found : " + j.extField.Name)
		return
	case (j.op == "update" || j.op == "delete" || j.op == "hardDelete") && idCol < 0:
		fail("InvalidBatch : Field name not found : Id")
		return
	}
	var okRows, badRows [][]string
	for n, rec := range rows[1:] {
		var ms []member
		for i, cell := range rec {
			switch cell {
			case "":
				continue
			case "#N/A":
				ms = append(ms, member{key: fields[i].Name, raw: json.RawMessage("null"), line: n + 2, col: 1})
			default:
				ms = append(ms, member{key: fields[i].Name, raw: mustJSON(cell), line: n + 2, col: 1})
			}
		}
		id, created, apiErr := o.ingestRecord(j, ms, rec, idCol, extCol)
		j.processed++
		if apiErr != nil {
			j.failed++
			msg := apiErr.code + ":" + apiErr.msg + ":" + strings.Join(apiErr.fields, ",") + " --"
			badRows = append(badRows, append([]string{id, msg}, rec...))
			continue
		}
		okRows = append(okRows, append([]string{id, strconv.FormatBool(created)}, rec...))
	}
	slices.Reverse(okRows) // Salesforce promises no order
	slices.Reverse(badRows)
	j.results = map[string][]byte{
		"successfulResults":  j.csv(append([]string{"sf__Id", "sf__Created"}, header...), okRows),
		"failedResults":      j.csv(append([]string{"sf__Id", "sf__Error"}, header...), badRows),
		"unprocessedrecords": j.csv(header, nil),
	}
	j.state = "JobComplete"
}

// ingestRecord saves one record of an ingest job. o.mu is held.
func (o *Org) ingestRecord(j *bulkJob, ms []member, rec []string, idCol, extCol int) (id string, created bool, _ *apiError) {
	if idCol >= 0 {
		id = rec[idCol]
	}
	obj := j.obj
	switch j.op {
	case "insert":
		if !obj.d.Createable {
			return "", false, errorf(http.StatusBadRequest, "INVALID_TYPE_FOR_OPERATION", "entity type %s does not support insert", obj.name)
		}
		r, _, err := o.write(obj, ms, modeCreate, nil)
		if err != nil {
			return "", false, err
		}
		return r.id, true, nil
	case "update":
		r, err := o.live(obj, id)
		if err == nil {
			_, _, err = o.write(obj, ms, modeUpdate, r)
		}
		if err != nil {
			return id, false, err
		}
		return r.id, false, nil
	case "upsert":
		res, err := o.upsertOne(obj, j.extField, rec[extCol], ms, false)
		if err != nil {
			return "", false, err
		}
		if len(res.recs) > 1 {
			return "", false, errorf(http.StatusBadRequest, "DUPLICATE_EXTERNAL_ID",
				"%s: more than one record found for external id field", j.extField.Name)
		}
		return res.recs[0].id, res.created, nil
	default: // delete, hardDelete
		if n, ok := normID(id); ok {
			if r := o.table(obj).byID[n]; r != nil && r.deleted {
				return id, false, errorf(http.StatusBadRequest, "ENTITY_IS_DELETED", "entity is deleted")
			}
		}
		r, err := o.live(obj, id)
		if err != nil {
			return id, false, errorf(http.StatusBadRequest, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id")
		}
		if !obj.d.Deletable {
			return id, false, errorf(http.StatusBadRequest, "INVALID_TYPE_FOR_OPERATION", "entity type %s does not support delete", obj.name)
		}
		o.remove(r)
		r.purged = j.op == "hardDelete"
		return r.id, false, nil
	}
}

// csv writes a result file in the job's delimiter and line ending.
func (j *bulkJob) csv(header []string, rows [][]string) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Comma, w.UseCRLF = j.delim, j.crlf
	_ = w.Write(header)
	_ = w.WriteAll(rows)
	return b.Bytes()
}

func (o *Org) bulkResults(r *http.Request, id, kind string) response {
	return o.withJob(id, false, func(j *bulkJob) response {
		data, ok := j.results[kind]
		if !ok {
			return bulkError(http.StatusBadRequest, "INVALIDJOBSTATE", "Job "+j.id+" is "+j.state+": its results are not ready")
		}
		return csvResponse(r, data, nil)
	})
}

func (o *Org) bulkQueryResults(r *http.Request, id string) response {
	params := r.URL.Query()
	return o.withJob(id, true, func(j *bulkJob) response { return o.queryPage(r, params, j) })
}

// queryPage answers a page of a query job's results. o.mu is held.
func (o *Org) queryPage(r *http.Request, params url.Values, j *bulkJob) response {
	if j.state != "JobComplete" {
		return bulkError(http.StatusBadRequest, "INVALIDJOBSTATE", "Job "+j.id+" is "+j.state+": its results are not ready")
	}
	pos := 0
	if l := params.Get("locator"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 0 || n > len(j.rows) {
			return bulkError(http.StatusBadRequest, "INVALID_LOCATOR", "Invalid locator: "+l)
		}
		pos = n
	}
	size := defaultBulkPage
	if m := params.Get("maxRecords"); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil || n < 1 {
			return bulkError(http.StatusBadRequest, "INVALIDJOB", "Invalid maxRecords: "+m)
		}
		size = n
	}
	end := min(pos+size, len(j.rows))
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Comma, w.UseCRLF = j.delim, j.crlf
	_ = w.Write(j.header)
	row := make([]string, len(j.paths))
	for _, rec := range j.rows[pos:end] {
		for i, p := range j.paths {
			row[i] = csvValue(o.pathValue(rec, p))
		}
		_ = w.Write(row)
	}
	w.Flush()
	next := "null"
	if end < len(j.rows) {
		next = strconv.Itoa(end)
	}
	h := http.Header{"Sforce-Locator": {next}, "Sforce-Numberofrecords": {strconv.Itoa(end - pos)}}
	return csvResponse(r, b.Bytes(), h)
}

// csvValue writes a stored value as a cell of a query result: null is
// an empty cell.
func csvValue(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case time.Time:
		return v.UTC().Format("2006-01-02T15:04:05.000Z")
	case json.RawMessage:
		var s string
		if json.Unmarshal(v, &s) == nil {
			return s
		}
		return string(v)
	}
	return string(mustJSON(v))
}

// csvResponse answers CSV, compressed with gzip when the request accepts
// it.
func csvResponse(r *http.Request, data []byte, h http.Header) response {
	if h == nil {
		h = http.Header{}
	}
	h.Set("Content-Type", "text/csv")
	if strings.Contains(strings.ToLower(r.Header.Get("Accept-Encoding")), "gzip") {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		_, _ = zw.Write(data)
		_ = zw.Close()
		data = b.Bytes()
		h.Set("Content-Encoding", "gzip")
	}
	return response{status: http.StatusOK, body: data, header: h}
}
