package bulk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"reflect"
	"time"

	"github.com/typedforce/typedforce/internal/sfapi"
	"github.com/typedforce/typedforce/sobjects"
	"github.com/typedforce/typedforce/sobjects/sftype"
)

// operation is the operation of an ingest job.
type operation string

// The operations of ingest jobs.
const (
	opInsert     operation = "insert"
	opUpdate     operation = "update"
	opUpsert     operation = "upsert"
	opDelete     operation = "delete"
	opHardDelete operation = "hardDelete"
)

// Insert creates the records of recs, a create shape such as
// sfmodel.AccountCreate (slices.Values(s) for a slice), with Bulk API 2.0
// jobs. It returns when every job has ended; see [Result] for the records'
// outcomes and the package documentation for the CSV and the errors. The
// Result is non-nil when the error is nil (with no jobs for an empty
// input) and whenever a job was created, even with an error; Close it to
// remove its temporary files.
func Insert[T any](ctx context.Context, c *sobjects.Client, recs iter.Seq[T], opts ...Option) (*Result, error) {
	return ingestShape(ctx, c, opInsert, "", recs, opts)
}

// Upsert creates or updates the records of recs by the external id field
// (such as "External_Id__c"; "Id" too), which each record must set. T is
// a create or update shape; an update shape can clear fields with an
// explicit null.
func Upsert[T any](ctx context.Context, c *sobjects.Client, externalIDField string, recs iter.Seq[T], opts ...Option) (*Result, error) {
	if !validName(externalIDField) {
		return nil, fmt.Errorf("%w: bulk: external id field %q", sobjects.ErrInvalidArgument, externalIDField)
	}
	return ingestShape(ctx, c, opUpsert, externalIDField, recs, opts)
}

// Update updates records by id, each a [sobjects.Patch] of an update
// shape such as sfmodel.AccountUpdate: unset fields are left as they are,
// explicit nulls cleared (#N/A).
func Update[T any](ctx context.Context, c *sobjects.Client, patches iter.Seq[sobjects.Patch[T]], opts ...Option) (*Result, error) {
	obj, cols, err := shapeColumns[T]()
	if err != nil {
		return nil, err
	}
	names := []string{"Id"}
	for _, col := range cols {
		names = append(names, col.name)
	}
	var r row
	return ingest(ctx, c, job{op: opUpdate, object: obj}, names, func(yield func(*row, error) bool) {
		for p := range patches {
			r.reset()
			var err error
			if !sfapi.ValidID(p.ID) {
				err = fmt.Errorf("id %q is not a Salesforce id", sfapi.Truncate(p.ID, 40))
			} else {
				r.text(0, p.ID)
				err = writeFields(&r, cols, reflect.ValueOf(&p.Record).Elem(), 1)
			}
			if !yield(&r, err) {
				return
			}
		}
	}, opts)
}

// Delete moves the records with the given ids to the recycle bin. T names
// the sObject (any generated shape of it, such as sfmodel.Account).
func Delete[T any](ctx context.Context, c *sobjects.Client, ids iter.Seq[string], opts ...Option) (*Result, error) {
	return deleteIDs[T](ctx, c, opDelete, ids, opts)
}

// HardDelete deletes the records with the given ids for good, without
// the recycle bin; the user needs the "Bulk API Hard Delete" permission.
func HardDelete[T any](ctx context.Context, c *sobjects.Client, ids iter.Seq[string], opts ...Option) (*Result, error) {
	return deleteIDs[T](ctx, c, opHardDelete, ids, opts)
}

func deleteIDs[T any](ctx context.Context, c *sobjects.Client, op operation, ids iter.Seq[string], opts []Option) (*Result, error) {
	obj, err := objectName[T]()
	if err != nil {
		return nil, err
	}
	var r row
	return ingest(ctx, c, job{op: op, object: obj}, []string{"Id"}, func(yield func(*row, error) bool) {
		for id := range ids {
			r.reset()
			var err error
			if sfapi.ValidID(id) {
				r.text(0, id)
			} else {
				err = fmt.Errorf("id %q is not a Salesforce id", sfapi.Truncate(id, 40))
			}
			if !yield(&r, err) {
				return
			}
		}
	}, opts)
}

func ingestShape[T any](ctx context.Context, c *sobjects.Client, op operation, extID string, recs iter.Seq[T], opts []Option) (*Result, error) {
	obj, cols, err := shapeColumns[T]()
	if err != nil {
		return nil, err
	}
	names := make([]string, len(cols))
	for i, col := range cols {
		names[i] = col.name
	}
	var r row
	return ingest(ctx, c, job{op: op, object: obj, extID: extID}, names, func(yield func(*row, error) bool) {
		for rec := range recs {
			r.reset()
			err := writeFields(&r, cols, reflect.ValueOf(&rec).Elem(), 0)
			if !yield(&r, err) {
				return
			}
		}
	}, opts)
}

// writeFields writes the fields of the shape v as columns first, first+1, ….
func writeFields(r *row, cols []writeColumn, v reflect.Value, first int) error {
	for i, col := range cols {
		if err := r.field(first+i, col.enc, v.Field(col.index)); err != nil {
			return fmt.Errorf("field %s: %w", col.name, err)
		}
	}
	return nil
}

func objectName[T any]() (string, error) {
	obj, ok := sftype.ObjectName[T]()
	if !ok {
		return "", fmt.Errorf("%w: bulk: %s names no sObject (want a generated shape, whose Attributes field has an sobject tag)",
			sobjects.ErrInvalidArgument, reflect.TypeFor[T]())
	}
	return obj, nil
}

func shapeColumns[T any]() (string, []writeColumn, error) {
	obj, err := objectName[T]()
	if err != nil {
		return "", nil, err
	}
	cols, err := writeColumns(reflect.TypeFor[T]())
	if err != nil {
		return "", nil, fmt.Errorf("%w: bulk: %s: %w", sobjects.ErrInvalidArgument, reflect.TypeFor[T](), err)
	}
	return obj, cols, nil
}

// job describes the jobs of one ingest.
type job struct {
	op     operation
	object string
	extID  string
}

func (j job) opName() string { return string(j.op) + " " + j.object }

// ingest spools the rows into jobs of at most cfg.maxJobBytes of CSV,
// submits each job when it is full, then waits for them all.
func ingest(ctx context.Context, c *sobjects.Client, j job, names []string, rows iter.Seq2[*row, error], opts []Option) (*Result, error) {
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, fmt.Errorf("%w: bulk: nil client", sobjects.ErrInvalidArgument)
	}
	dir, err := os.MkdirTemp(cfg.tempDir, "typedforce-bulk-*")
	if err != nil {
		return nil, fmt.Errorf("bulk: %s: %w", j.opName(), err)
	}
	res := &Result{c: c, dir: dir, names: names, delim: cfg.delim}
	in := &ingestRun{ctx: ctx, c: c, cfg: cfg, j: j, res: res}
	sp := newSpool(dir, names, delimiterBytes[cfg.delim], cfg.eol, cfg.maxJobBytes)
	submit := func() error {
		if err := ctx.Err(); err != nil {
			return err
		}
		out, err := sp.finish()
		if err != nil {
			return fmt.Errorf("bulk: %s: spooling: %w", j.opName(), err)
		}
		if out == nil {
			return nil
		}
		return in.submit(out)
	}
	n := 0
	for r, rerr := range rows {
		if n%1024 == 0 && ctx.Err() != nil {
			err = ctx.Err()
			break
		}
		if rerr == nil && len(r.cells) == 0 {
			rerr = errors.New("it sets no field")
		}
		if rerr == nil {
			ok, alone := sp.fits(r)
			switch {
			case alone > cfg.maxJobBytes:
				rerr = fmt.Errorf("its CSV (%d bytes) exceeds the job limit of %d bytes", alone, cfg.maxJobBytes)
			case !ok:
				err = submit()
			}
		}
		if rerr != nil {
			err = fmt.Errorf("%w: bulk: %s: record %d: %w", sobjects.ErrInvalidArgument, j.opName(), n, rerr)
		}
		if err == nil {
			if err = sp.add(r); err != nil {
				err = fmt.Errorf("bulk: %s: spooling: %w", j.opName(), err)
			}
		}
		if err != nil {
			break
		}
		n++
	}
	if err == nil {
		err = submit()
	}
	sp.reset()
	if err == nil {
		err = in.wait()
	}
	if err != nil {
		err = in.fail(err)
	}
	if len(res.Jobs) == 0 {
		res.Close()
		if err != nil {
			return nil, err
		}
	}
	return res, err
}

// ingestRun is the state of one ingest.
type ingestRun struct {
	ctx      context.Context
	c        *sobjects.Client
	cfg      *config
	j        job
	res      *Result
	uploaded int
	last     Progress
}

// submit creates a job for a spooled CSV, uploads it and closes it.
func (in *ingestRun) submit(out *spooled) error {
	defer os.Remove(out.csv)
	req := map[string]string{"object": in.j.object, "operation": string(in.j.op),
		"contentType": "CSV", "columnDelimiter": string(in.cfg.delim), "lineEnding": string(in.cfg.eol)}
	if in.j.extID != "" {
		req["externalIdFieldName"] = in.j.extID
	}
	info, err := sobjects.Call[jobInfo](in.ctx, in.c, "POST", "jobs/ingest", req)
	if err != nil {
		return &JobError{Op: in.j.opName(), Err: err}
	}
	if !sfapi.ValidID(info.ID) {
		return &JobError{Op: in.j.opName(), Err: malformedf("create job", 0, "job id %q", sfapi.Truncate(info.ID, 40))}
	}
	jb := &Job{ID: info.ID, State: StateOpen, First: in.uploaded, Records: out.rows, cols: out.cols, hashes: out.hashes}
	in.res.Jobs = append(in.res.Jobs, jb)
	f, err := os.Open(out.csv)
	if err != nil {
		return &JobError{Op: in.j.opName(), JobID: jb.ID, Err: err}
	}
	defer f.Close()
	resp, err := in.c.Raw(in.ctx, "PUT", "jobs/ingest/"+jb.ID+"/batches", io.NewSectionReader(f, 0, out.size),
		sobjects.Header("Content-Type", "text/csv"))
	if err != nil {
		// The job is still open, so nothing of it was processed: abort
		// it rather than leave it open (best effort).
		if in.abort(jb) == nil {
			jb.State = StateAborted
		}
		return &JobError{Op: in.j.opName(), JobID: jb.ID, State: jb.State, Err: err}
	}
	sfapi.CloseBody(resp.Body)
	info, err = sobjects.Call[jobInfo](in.ctx, in.c, "PATCH", "jobs/ingest/"+jb.ID, map[string]string{"state": string(StateUploadComplete)})
	if err != nil {
		return &JobError{Op: in.j.opName(), JobID: jb.ID, State: jb.State, Err: err}
	}
	jb.State = StateUploadComplete
	in.uploaded += out.rows
	in.report()
	return nil
}

// wait polls the jobs until each has ended.
func (in *ingestRun) wait() error {
	delay := in.cfg.pollMin
	for {
		open := 0
		for _, jb := range in.res.Jobs {
			if jb.State.terminal() {
				continue
			}
			info, err := sobjects.Call[jobInfo](in.ctx, in.c, "GET", "jobs/ingest/"+jb.ID, nil)
			if err != nil {
				return &JobError{Op: in.j.opName(), JobID: jb.ID, State: jb.State, Err: err}
			}
			jb.update(info)
			if !jb.State.terminal() {
				open++
			}
		}
		in.report()
		if open == 0 {
			break
		}
		if err := sfapi.Sleep(in.ctx, delay); err != nil {
			return err
		}
		delay = min(2*delay, in.cfg.pollMax)
	}
	for _, jb := range in.res.Jobs {
		if err := jb.err(in.j.opName()); err != nil {
			return err
		}
	}
	return nil
}

// fail aborts the jobs that have not ended when the caller's context
// ended, and returns the error to report.
func (in *ingestRun) fail(err error) error {
	cerr := in.ctx.Err()
	if cerr == nil {
		return err
	}
	actx, cancel := context.WithTimeout(context.WithoutCancel(in.ctx), abortTimeout)
	defer cancel()
	var first *Job
	for _, jb := range in.res.Jobs {
		if jb.State.terminal() {
			continue
		}
		if first == nil {
			first = jb
		}
		if abortJob(actx, in.c, "ingest", jb.ID) == nil {
			jb.State = StateAborted
		}
	}
	je := &JobError{Op: in.j.opName(), Err: fmt.Errorf("%w (%w)", cerr, ErrJobAborted)}
	if first != nil {
		je.JobID, je.State = first.ID, first.State
	} else if !errors.As(err, new(*JobError)) {
		je.Err = cerr
	}
	return je
}

// abort aborts an open job, with a context of its own.
func (in *ingestRun) abort(jb *Job) error {
	actx, cancel := context.WithTimeout(context.WithoutCancel(in.ctx), abortTimeout)
	defer cancel()
	return abortJob(actx, in.c, "ingest", jb.ID)
}

// abortJob sets the state of the job of kind (ingest, query) to Aborted.
func abortJob(ctx context.Context, c *sobjects.Client, kind, id string) error {
	_, err := sobjects.Call[jobInfo](ctx, c, "PATCH", "jobs/"+kind+"/"+id, map[string]string{"state": string(StateAborted)})
	return err
}

// abortTimeout bounds the requests that abort jobs after the caller's
// context ended.
const abortTimeout = 30 * time.Second

func (in *ingestRun) report() {
	if in.cfg.progress == nil {
		return
	}
	p := Progress{Jobs: len(in.res.Jobs), Uploaded: in.uploaded}
	for _, jb := range in.res.Jobs {
		p.Processed += jb.Processed
		p.Failed += jb.Failed
	}
	if p != in.last {
		in.last = p
		in.cfg.progress(p)
	}
}

// jobInfo is a job as Salesforce describes it.
type jobInfo struct {
	ID           string   `json:"id"`
	State        JobState `json:"state"`
	ErrorMessage string   `json:"errorMessage"`
	Processed    int      `json:"numberRecordsProcessed"`
	Failed       int      `json:"numberRecordsFailed"`
}

// validName accepts field API names: letters, digits and underscores.
func validName(s string) bool {
	if s == "" || len(s) > 255 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_') {
			return false
		}
	}
	return true
}
