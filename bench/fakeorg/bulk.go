package fakeorg

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// Bulk API 2.0, as light as the server can be so that the heap the
// benchmark samples is the client's: an ingest job counts the lines of its
// upload and keeps nothing else; a query job of the benchmark's query
// serves CSV pages of the fixture's records, made from 2,000 rows rendered
// once and repeated, gzip-compressed when asked; each distinct compressed
// page is made once and kept (warm them with [Org.WarmBulkQuery] before
// measuring). Every job is complete as
// soon as it is closed (ingest) or created (query), so that the polling of
// the clients weighs as little as possible on their throughput.

// BulkPageSize is the number of records of a query result page when the
// request gives no maxRecords.
const BulkPageSize = 50_000

type bulkJob struct {
	id      string
	query   bool
	records int
	state   string
	op      string
	fields  string // select list of a query job
}

type bulkState struct {
	mu   sync.Mutex
	seq  int
	jobs map[string]*bulkJob

	pages    map[string]*csvRows // by select list
	ingested int64               // records uploaded to ingest jobs
}

// BulkRecords returns the number of records uploaded to ingest jobs so
// far.
func (o *Org) BulkRecords() int64 {
	o.bulkJobs.mu.Lock()
	defer o.bulkJobs.mu.Unlock()
	return o.bulkJobs.ingested
}

// csvRows are the CSV lines of the fixture's records for a select list,
// and the pages made of them so far.
type csvRows struct {
	header []byte
	rows   [][]byte

	mu    sync.Mutex
	pages map[pageKey][]byte
}

// pageKey names a compressed page body: the first row (modulo the
// fixture) and the number of rows.
type pageKey struct{ first, n int }

// gzipped returns the gzip body of the page of n rows from row pos, made
// once: every full page of a query starts at a multiple of the fixture's
// size, so the server compresses it once (about 1 MB for 50,000 rows),
// and its CPU weighs on no client's time. Uncompressed pages are written
// as they are sent, and kept nowhere.
func (p *csvRows) gzipped(pos, n int) []byte {
	k := pageKey{pos % len(p.rows), n}
	p.mu.Lock()
	defer p.mu.Unlock()
	if b, ok := p.pages[k]; ok {
		return b
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(p.header)
	for i := pos; i < pos+n; i++ {
		_, _ = zw.Write(p.rows[i%len(p.rows)])
	}
	_ = zw.Close()
	if p.pages == nil {
		p.pages = map[pageKey][]byte{}
	}
	p.pages[k] = buf.Bytes()
	return p.pages[k]
}

var (
	bulkJobPath = regexp.MustCompile(`^/jobs/(ingest|query)(?:/([A-Za-z0-9]{18}))?(/[A-Za-z]+)?/?$`)
	queryFields = regexp.MustCompile(`(?i)^SELECT\s+(.+?)\s+FROM\s+Account\b`)
)

// bulk serves /jobs/...; it reports false for other paths.
func (o *Org) bulk(w http.ResponseWriter, r *http.Request, rest string) bool {
	m := bulkJobPath.FindStringSubmatch(rest)
	if m == nil {
		return false
	}
	b := &o.bulkJobs
	query, id, sub := m[1] == "query", m[2], m[3]
	b.mu.Lock()
	if b.jobs == nil {
		b.jobs = map[string]*bulkJob{}
	}
	j := b.jobs[id]
	b.mu.Unlock()
	switch {
	case id == "" && r.Method == http.MethodPost:
		var req struct{ Operation, Query, Object string }
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			writeJSON(w, http.StatusBadRequest, `[{"errorCode":"JSON_PARSER_ERROR","message":"bad body"}]`)
			return true
		}
		j = &bulkJob{query: query, state: "Open", op: req.Operation}
		if query {
			j.state, j.records = "JobComplete", PageSize
			if lm := limit.FindStringSubmatch(req.Query); lm != nil {
				j.records, _ = strconv.Atoi(lm[1])
			}
			fm := queryFields.FindStringSubmatch(req.Query)
			if fm == nil {
				writeJSON(w, http.StatusBadRequest, `[{"errorCode":"MALFORMED_QUERY","message":"the benchmark org serves SELECT … FROM Account only"}]`)
				return true
			}
			j.fields = fm[1]
		}
		b.mu.Lock()
		b.seq++
		j.id = fmt.Sprintf("750xx%010dAAA", b.seq)
		b.jobs[j.id] = j
		b.mu.Unlock()
		writeJSON(w, http.StatusOK, jobJSON(j))
	case j == nil || j.query != query:
		writeJSON(w, http.StatusNotFound, `[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]`)
	case sub == "" && r.Method == http.MethodGet:
		b.mu.Lock()
		body := jobJSON(j)
		b.mu.Unlock()
		writeJSON(w, http.StatusOK, body)
	case sub == "" && r.Method == http.MethodPatch:
		var req struct{ State string }
		_ = json.NewDecoder(r.Body).Decode(&req)
		b.mu.Lock()
		switch req.State {
		case "UploadComplete":
			j.state = "JobComplete"
		case "Aborted":
			j.state = "Aborted"
		}
		body := jobJSON(j)
		b.mu.Unlock()
		writeJSON(w, http.StatusOK, body)
	case sub == "/batches" && r.Method == http.MethodPut:
		n, err := countLines(r.Body)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, `[{"errorCode":"INVALIDJOB","message":"bad upload"}]`)
			return true
		}
		b.mu.Lock()
		j.records = max(n-1, 0)
		b.ingested += int64(j.records)
		b.mu.Unlock()
		w.WriteHeader(http.StatusCreated)
	case sub == "/results" && r.Method == http.MethodGet:
		o.bulkPage(w, r, j)
	default:
		writeJSON(w, http.StatusNotFound, `[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]`)
	}
	return true
}

func jobJSON(j *bulkJob) string {
	kind := "V2Ingest"
	if j.query {
		kind = "V2Query"
	}
	return fmt.Sprintf(`{"id":"%s","operation":"%s","object":"Account","state":"%s","jobType":"%s","contentType":"CSV",`+
		`"columnDelimiter":"COMMA","lineEnding":"LF","numberRecordsProcessed":%d,"numberRecordsFailed":0,"retries":0}`,
		j.id, j.op, j.state, kind, j.records)
}

// WarmBulkQuery makes the compressed page bodies of a query of records
// records for the select list of soql, so that making them weighs on no
// measured run.
func (o *Org) WarmBulkQuery(soql string, records int) {
	fm := queryFields.FindStringSubmatch(soql)
	if fm == nil {
		return
	}
	p := o.bulkRows(fm[1])
	for pos := 0; pos < records; pos += BulkPageSize {
		n := min(BulkPageSize, records-pos)
		p.gzipped(pos, n)
	}
}

// countLines counts the lines of an upload (its cells hold no line
// breaks in the benchmark).
func countLines(r io.Reader) (int, error) {
	buf := make([]byte, 64<<10)
	n := 0
	for {
		k, err := r.Read(buf)
		n += bytes.Count(buf[:k], []byte{'\n'})
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

// bulkRows renders the CSV lines of the fixture's records for the
// columns of a select list, once per list.
func (o *Org) bulkRows(fields string) *csvRows {
	b := &o.bulkJobs
	b.mu.Lock()
	defer b.mu.Unlock()
	if p := b.pages[fields]; p != nil {
		return p
	}
	var cols []string
	for f := range strings.SplitSeq(fields, ",") {
		cols = append(cols, strings.TrimSpace(f))
	}
	p := &csvRows{}
	var hb bytes.Buffer
	hw := csv.NewWriter(&hb)
	_ = hw.Write(cols)
	hw.Flush()
	p.header = hb.Bytes()
	row := make([]string, len(cols))
	for i := range PageSize {
		var rec map[string]any
		if err := json.Unmarshal([]byte(Record(i)), &rec); err != nil {
			panic(err)
		}
		for k, c := range cols {
			row[k] = cell(rec, strings.Split(c, "."))
		}
		var lb bytes.Buffer
		lw := csv.NewWriter(&lb)
		_ = lw.Write(row)
		lw.Flush()
		p.rows = append(p.rows, lb.Bytes())
	}
	if b.pages == nil {
		b.pages = map[string]*csvRows{}
	}
	b.pages[fields] = p
	return p
}

func cell(rec map[string]any, path []string) string {
	var v any = rec
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = m[p]
	}
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		if len(v) == 28 && v[10] == 'T' && strings.HasSuffix(v, "+0000") { // datetimes as Bulk API writes them
			return v[:23] + "Z"
		}
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	}
	return fmt.Sprint(v)
}

// bulkPage writes one page of a query job's results.
func (o *Org) bulkPage(w http.ResponseWriter, r *http.Request, j *bulkJob) {
	q := r.URL.Query()
	pos, _ := strconv.Atoi(q.Get("locator"))
	size := BulkPageSize
	if m, err := strconv.Atoi(q.Get("maxRecords")); err == nil && m > 0 {
		size = m
	}
	end := min(pos+size, j.records)
	next := "null"
	if end < j.records {
		next = strconv.Itoa(end)
	}
	p := o.bulkRows(j.fields)
	w.Header().Set("Content-Type", "text/csv")
	w.Header().Set("Sforce-Locator", next)
	w.Header().Set("Sforce-NumberOfRecords", strconv.Itoa(end-pos))
	if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(p.header)
		for i := pos; i < end; i++ {
			if _, err := w.Write(p.rows[i%len(p.rows)]); err != nil {
				return
			}
		}
		return
	}
	body := p.gzipped(pos, end-pos)
	w.Header().Set("Content-Encoding", "gzip")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}
