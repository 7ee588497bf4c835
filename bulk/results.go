package bulk

import (
	"bufio"
	"cmp"
	"compress/gzip"
	"context"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/typedforce/typedforce/internal/sfapi"
	"github.com/typedforce/typedforce/sobjects"
)

// Result is the outcome of an ingest: its jobs, and the records that
// succeeded, failed or were not processed, read from Salesforce when
// asked for. Close it to remove its temporary files.
type Result struct {
	// Jobs lists the jobs, in the order of the input they took.
	Jobs []*Job

	c     *sobjects.Client
	dir   string
	names []string
	delim Delimiter
}

// Job is one ingest job of a [Result].
type Job struct {
	ID      string
	State   JobState
	Message string // errorMessage of a failed job
	// First is the position in the input of the job's first record;
	// the job took Records records from there on.
	First   int
	Records int
	// Processed and Failed are numberRecordsProcessed and
	// numberRecordsFailed as last polled.
	Processed int
	Failed    int

	cols   []int  // columns of the job's CSV header
	hashes string // file of the rows' hashes, in input order
}

func (jb *Job) update(info jobInfo) {
	if info.State != "" {
		jb.State = info.State
	}
	jb.Message = info.ErrorMessage
	jb.Processed, jb.Failed = info.Processed, info.Failed
}

// err is the error of a job that ended otherwise than complete.
func (jb *Job) err(op string) error {
	switch jb.State {
	case StateFailed:
		return &JobError{Op: op, JobID: jb.ID, State: jb.State, Message: jb.Message, Err: ErrJobFailed}
	case StateAborted:
		return &JobError{Op: op, JobID: jb.ID, State: jb.State, Message: jb.Message, Err: ErrJobAborted}
	}
	return nil
}

// Processed returns the records Salesforce processed, over every job.
func (r *Result) Processed() int {
	n := 0
	for _, jb := range r.Jobs {
		n += jb.Processed
	}
	return n
}

// Failed returns the records that failed, over every job.
func (r *Result) Failed() int {
	n := 0
	for _, jb := range r.Jobs {
		n += jb.Failed
	}
	return n
}

// Close removes the temporary files of the result. It is safe on a nil
// Result and more than once.
func (r *Result) Close() error {
	if r == nil || r.dir == "" {
		return nil
	}
	err := os.RemoveAll(r.dir)
	r.dir = ""
	return err
}

// RecordResult is the outcome of one record of an ingest.
type RecordResult struct {
	// Job is the id of the record's job.
	Job string
	// Index is the position of the record in the input, or -1 when the
	// result could not be tied to it. Salesforce returns results in no
	// guaranteed order, followed by the columns of the record as
	// uploaded; the record is the one of its job whose uploaded cells
	// are those (the package keeps a 64-bit hash per uploaded record).
	// Identical records of one job are told apart in input order. A
	// result whose columns match no record of the job has Index -1.
	Index int
	// ID is sf__Id: the record's id; "" for a failed insert.
	ID string
	// Created is sf__Created: true when an insert or upsert created the
	// record.
	Created bool
	// Err is the sf__Error of a failed record as an [*sobjects.Error]
	// (StatusCode 0, Code such as "REQUIRED_FIELD_MISSING", Fields), which
	// errors.Is matches against a [sobjects.ErrorCode]; nil otherwise.
	Err error
}

// Successes returns the records that were saved, job after job (GET
// …/successfulResults/). Each job's results stream in: memory holds one
// record and the job's record hashes (17 bytes a record).
func (r *Result) Successes(ctx context.Context) iter.Seq2[RecordResult, error] {
	return r.results(ctx, "successfulResults")
}

// Failures returns the records that failed, with their error (GET
// …/failedResults/).
func (r *Result) Failures(ctx context.Context) iter.Seq2[RecordResult, error] {
	return r.results(ctx, "failedResults")
}

// Unprocessed returns the records that Salesforce did not process, in a
// job that failed or was aborted (GET …/unprocessedrecords/).
func (r *Result) Unprocessed(ctx context.Context) iter.Seq2[RecordResult, error] {
	return r.results(ctx, "unprocessedrecords")
}

func (r *Result) results(ctx context.Context, kind string) iter.Seq2[RecordResult, error] {
	return func(yield func(RecordResult, error) bool) {
		if r == nil {
			return
		}
		for _, jb := range r.Jobs {
			if !r.jobResults(ctx, jb, kind, yield) {
				return
			}
		}
	}
}

// jobResults yields the results of kind of one job; false means stop.
func (r *Result) jobResults(ctx context.Context, jb *Job, kind string, yield func(RecordResult, error) bool) bool {
	op := "results of job " + jb.ID
	fail := func(err error) bool {
		yield(RecordResult{Index: -1}, &JobError{Op: op, JobID: jb.ID, State: jb.State, Err: err})
		return false
	}
	idx, err := r.loadIndex(jb)
	if err != nil {
		return fail(err)
	}
	body, _, err := getCSV(ctx, r.c, "jobs/ingest/"+jb.ID+"/"+kind+"/")
	if err != nil {
		return fail(err)
	}
	defer body.Close()
	cr := newCSVReader(body, r.delim)
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return true // no results
	}
	if err != nil {
		return fail(csvError(kind, err))
	}
	header = slices.Clone(header)
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	// The result's columns: sf__Id, sf__Created or sf__Error, then the
	// uploaded ones, which hash as in the upload, in column order.
	colOf := map[string]int{}
	for _, col := range jb.cols {
		colOf[r.names[col]] = col
	}
	iID, iCreated, iError := -1, -1, -1
	type dataCol struct{ pos, col int }
	var data []dataCol
	for pos, name := range header {
		switch name {
		case "sf__Id":
			iID = pos
		case "sf__Created":
			iCreated = pos
		case "sf__Error":
			iError = pos
		default:
			if col, ok := colOf[name]; ok {
				data = append(data, dataCol{pos, col})
			}
		}
	}
	slices.SortFunc(data, func(a, b dataCol) int { return cmp.Compare(a.col, b.col) })
	if kind != "unprocessedrecords" && iID < 0 || kind == "failedResults" && iError < 0 {
		return fail(malformedf(kind, http.StatusOK, "no sf__Id or sf__Error column in the header %q", sfapi.Truncate(strings.Join(header, ","), 120)))
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return true
		}
		if err != nil {
			return fail(csvError(kind, err))
		}
		h := newRowHash()
		for _, d := range data {
			if d.pos < len(rec) && rec[d.pos] != "" {
				h = h.add(d.col, []byte(rec[d.pos]))
			}
		}
		res := RecordResult{Job: jb.ID, Index: idx.take(uint64(h), jb.First)}
		if iID >= 0 && iID < len(rec) {
			res.ID = rec[iID]
		}
		if iCreated >= 0 && iCreated < len(rec) {
			res.Created, _ = strconv.ParseBool(rec[iCreated])
		}
		if iError >= 0 && iError < len(rec) {
			res.Err = ParseRecordError(rec[iError])
		}
		if !yield(res, nil) {
			return false
		}
	}
}

// ParseRecordError reads the sf__Error of a failed record,
// "CODE:message:Field1,Field2 --", into an [*sobjects.Error]; a text
// that does not start with a code is kept whole as the Message.
func ParseRecordError(s string) *sobjects.Error {
	e := &sobjects.Error{Op: "bulk record"}
	rest := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "--"))
	if code, msg, ok := strings.Cut(rest, ":"); ok && isCode(code) {
		e.Code = sobjects.ErrorCode(code)
		rest = msg
		if i := strings.LastIndexByte(rest, ':'); i >= 0 {
			if fields, ok := fieldList(rest[i+1:]); ok {
				e.Fields = fields
				rest = rest[:i]
			}
		}
	}
	e.Message = strings.TrimSpace(rest)
	if e.Message == "" && e.Code == "" {
		e.Message = "record failed"
	}
	e.Errors = []sobjects.APIError{{Code: e.Code, Message: e.Message, Fields: e.Fields}}
	return e
}

func isCode(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// fieldList reads the field list at the end of an sf__Error: API names
// separated by commas, or nothing.
func fieldList(s string) ([]string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, true
	}
	var out []string
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if !validName(f) {
			return nil, false
		}
		out = append(out, f)
	}
	return out, true
}

// hashIndex ties results to input records: the hashes of a job's rows,
// sorted, with the rows already handed out.
type hashIndex struct {
	keys  []hashRow
	taken []bool
}

type hashRow struct {
	hash uint64
	row  uint32
}

func (r *Result) loadIndex(jb *Job) (*hashIndex, error) {
	if r.dir == "" {
		return nil, errors.New("the result was closed")
	}
	f, err := os.Open(jb.hashes)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ix := &hashIndex{keys: make([]hashRow, jb.Records), taken: make([]bool, jb.Records)}
	br := bufio.NewReader(f)
	var b [8]byte
	for i := range ix.keys {
		if _, err := io.ReadFull(br, b[:]); err != nil {
			return nil, fmt.Errorf("reading the record hashes: %w", err)
		}
		ix.keys[i] = hashRow{binary.LittleEndian.Uint64(b[:]), uint32(i)}
	}
	slices.SortFunc(ix.keys, func(a, b hashRow) int {
		return cmp.Or(cmp.Compare(a.hash, b.hash), cmp.Compare(a.row, b.row))
	})
	return ix, nil
}

// take returns the input position of the first row not yet handed out
// whose hash is h, or -1.
func (ix *hashIndex) take(h uint64, first int) int {
	i, _ := slices.BinarySearchFunc(ix.keys, h, func(k hashRow, h uint64) int { return cmp.Compare(k.hash, h) })
	for ; i < len(ix.keys) && ix.keys[i].hash == h; i++ {
		if !ix.taken[i] {
			ix.taken[i] = true
			return first + int(ix.keys[i].row)
		}
	}
	return -1
}

// getCSV GETs a CSV resource, compressed with gzip on the wire, and
// returns its body, decompressed, and the response's header.
func getCSV(ctx context.Context, c *sobjects.Client, path string) (io.ReadCloser, http.Header, error) {
	resp, err := c.Raw(ctx, "GET", path, nil, sobjects.Header("Accept-Encoding", "gzip"), sobjects.Header("Accept", "text/csv"))
	if err != nil {
		return nil, nil, err
	}
	if !strings.EqualFold(resp.Header.Get("Content-Encoding"), "gzip") {
		return resp.Body, resp.Header, nil
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		sfapi.CloseBody(resp.Body)
		return nil, nil, malformedf("gzip", resp.StatusCode, "%v", err)
	}
	return struct {
		io.Reader
		io.Closer
	}{zr, resp.Body}, resp.Header, nil
}

func newCSVReader(r io.Reader, d Delimiter) *csv.Reader {
	cr := csv.NewReader(r)
	cr.Comma = rune(delimiterBytes[d])
	cr.ReuseRecord = true
	return cr
}

// csvError describes a result that is not valid CSV, or that was cut
// short.
func csvError(what string, err error) error {
	var pe *csv.ParseError
	switch {
	case errors.As(err, &pe):
		return malformedf(what, http.StatusOK, "malformed CSV: %v", err)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, gzip.ErrChecksum), errors.Is(err, gzip.ErrHeader):
		return malformedf(what, http.StatusOK, "truncated: %v", err)
	}
	return err
}

// malformedf is the error of a response that could not be read.
func malformedf(op string, status int, format string, args ...any) error {
	return &sobjects.Error{Op: op, StatusCode: status, Message: fmt.Sprintf(format, args...), Err: sobjects.ErrMalformedResponse}
}
