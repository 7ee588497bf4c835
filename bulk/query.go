package bulk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unsafe"

	"github.com/typedforce/typedforce/internal/sfapi"
	"github.com/typedforce/typedforce/sobjects"
)

// Query runs soql as a Bulk API 2.0 query job and returns its records
// decoded into T, a generated read shape such as sfmodel.Account. The job
// is created when the loop starts and polled with backoff until complete;
// its results are then read page after page (maxRecords, Sforce-Locator),
// compressed with gzip on the wire, each page decoded as it streams in.
// Breaking the loop stops fetching; an error ends it.
//
// Columns map to T's fields by their json names, relationship columns such
// as Owner.Name into the nested record (a polymorphic one, *sftype.Record,
// gets a JSON object of the columns below it); empty cells are absent
// (nil); columns that name no field are ignored. Bulk query results hold
// neither subqueries nor compound (address, location) fields.
//
// When ctx ends before the job completes, the job is aborted.
func Query[T any](ctx context.Context, c *sobjects.Client, soql string, opts ...Option) iter.Seq2[T, error] {
	return queryJob[T](ctx, c, "query", soql, opts)
}

// QueryAll is [Query] with deleted and archived records included
// (operation queryAll).
func QueryAll[T any](ctx context.Context, c *sobjects.Client, soql string, opts ...Option) iter.Seq2[T, error] {
	return queryJob[T](ctx, c, "queryAll", soql, opts)
}

func queryJob[T any](ctx context.Context, c *sobjects.Client, op, soql string, opts []Option) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		cfg, err := newConfig(opts)
		if err == nil && strings.TrimSpace(soql) == "" {
			err = fmt.Errorf("%w: bulk: empty query", sobjects.ErrInvalidArgument)
		}
		if err == nil && c == nil {
			err = fmt.Errorf("%w: bulk: nil client", sobjects.ErrInvalidArgument)
		}
		t := reflect.TypeFor[T]()
		if err == nil && t.Kind() != reflect.Struct {
			err = fmt.Errorf("%w: bulk: %s is not a struct", sobjects.ErrInvalidArgument, t)
		}
		if err != nil {
			yield(zero, err)
			return
		}
		q := &queryRun{ctx: ctx, c: c, cfg: cfg, op: op}
		if err := q.run(soql); err != nil {
			yield(zero, err)
			return
		}
		var plan *readPlan
		var header []string
		// Rows are decoded into one T on the heap, copied out to the
		// loop: a T of its own per row cost an allocation of the whole
		// shape (hundreds of bytes of pointers) per record.
		buf := new(T)
		locator := ""
		for {
			body, next, err := q.page(locator)
			if err != nil {
				yield(zero, err)
				return
			}
			cr := newCSVReader(body, cfg.delim)
			first := true
			for {
				rec, err := cr.Read()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					body.Close()
					yield(zero, q.fail(csvError("query results", err)))
					return
				}
				if first {
					first = false
					rec[0] = strings.TrimPrefix(rec[0], "\ufeff")
					if plan == nil || !slices.Equal(header, rec) {
						header = slices.Clone(rec)
						if plan, err = newReadPlan(t, header); err != nil {
							body.Close()
							yield(zero, fmt.Errorf("%w: bulk: %s: %w", sobjects.ErrInvalidArgument, t, err))
							return
						}
					}
					continue
				}
				*buf = zero
				if err := plan.decode(unsafe.Pointer(buf), rec); err != nil {
					body.Close()
					yield(zero, q.fail(malformedf("query results", 200, "%v", err)))
					return
				}
				if !yield(*buf, nil) {
					body.Close()
					return
				}
			}
			body.Close()
			if next == "" || next == "null" {
				return
			}
			locator = next
		}
	}
}

// queryRun is the state of one query job.
type queryRun struct {
	ctx context.Context
	c   *sobjects.Client
	cfg *config
	op  string
	id  string
}

func (q *queryRun) fail(err error) error {
	return &JobError{Op: q.op, JobID: q.id, Err: err}
}

// run creates the job and waits for it to complete.
func (q *queryRun) run(soql string) error {
	req := map[string]string{"operation": q.op, "query": soql,
		"columnDelimiter": string(q.cfg.delim), "lineEnding": string(q.cfg.eol)}
	info, err := sobjects.Call[jobInfo](q.ctx, q.c, "POST", "jobs/query", req)
	if err != nil {
		return q.fail(err)
	}
	if !sfapi.ValidID(info.ID) {
		return q.fail(malformedf("create query job", 200, "job id %q", sfapi.Truncate(info.ID, 40)))
	}
	q.id = info.ID
	delay := q.cfg.pollMin
	for !info.State.terminal() {
		if err := sfapi.Sleep(q.ctx, delay); err != nil {
			return q.abort(err)
		}
		delay = min(2*delay, q.cfg.pollMax)
		if info, err = sobjects.Call[jobInfo](q.ctx, q.c, "GET", "jobs/query/"+q.id, nil); err != nil {
			if q.ctx.Err() != nil {
				return q.abort(q.ctx.Err())
			}
			return q.fail(err)
		}
	}
	jb := &Job{ID: q.id, State: info.State, Message: info.ErrorMessage}
	return jb.err(q.op)
}

// abort aborts the job after the caller's context ended.
func (q *queryRun) abort(cerr error) error {
	actx, cancel := context.WithTimeout(context.WithoutCancel(q.ctx), abortTimeout)
	defer cancel()
	state := JobState("")
	if abortJob(actx, q.c, "query", q.id) == nil {
		state = StateAborted
	}
	return &JobError{Op: q.op, JobID: q.id, State: state, Err: fmt.Errorf("%w (%w)", cerr, ErrJobAborted)}
}

// page GETs one page of results, from the start or from locator, and
// returns its body and the next locator.
func (q *queryRun) page(locator string) (io.ReadCloser, string, error) {
	v := url.Values{}
	if locator != "" {
		v.Set("locator", locator)
	}
	if q.cfg.pageSize > 0 {
		v.Set("maxRecords", strconv.Itoa(q.cfg.pageSize))
	}
	path := "jobs/query/" + q.id + "/results"
	if len(v) > 0 {
		path += "?" + v.Encode()
	}
	body, h, err := getCSV(q.ctx, q.c, path)
	if err != nil {
		return nil, "", q.fail(err)
	}
	return body, strings.TrimSpace(h.Get("Sforce-Locator")), nil
}
