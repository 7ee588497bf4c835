package bulk_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oapi-codegen/nullable"

	"github.com/typedforce/typedforce/bulk"
	"github.com/typedforce/typedforce/sampleorg"
	"github.com/typedforce/typedforce/sftest"
	"github.com/typedforce/typedforce/sobjects"
	"github.com/typedforce/typedforce/sobjects/sftype"
)

func accounts(n int) []sampleorg.AccountCreate {
	recs := make([]sampleorg.AccountCreate, n)
	for i := range recs {
		recs[i] = sampleorg.AccountCreate{Name: fmt.Sprintf("Account %03d", i), NumberOfEmployees: new(i)}
	}
	return recs
}

// TestInsertTiesResultsToInput: every record is created once, and each
// success names the input record it belongs to although the org returns
// results in reverse order.
func TestInsertTiesResultsToInput(t *testing.T) {
	org := newOrg(t)
	recs := accounts(50)
	var progress []bulk.Progress
	res := ingested(t)(bulk.Insert(testCtx(t), org.Client(), slices.Values(recs), fast,
		bulk.WithProgress(func(p bulk.Progress) { progress = append(progress, p) })))
	if len(res.Jobs) != 1 || res.Jobs[0].State != bulk.StateJobComplete || res.Processed() != 50 || res.Failed() != 0 {
		t.Fatalf("jobs %+v", res.Jobs[0])
	}
	if last := progress[len(progress)-1]; last != (bulk.Progress{Jobs: 1, Uploaded: 50, Processed: 50}) {
		t.Errorf("last progress %+v", last)
	}
	seen := map[int]bool{}
	for r, err := range res.Successes(testCtx(t)) {
		if err != nil {
			t.Fatal(err)
		}
		if r.Index < 0 || seen[r.Index] || !r.Created || r.Err != nil {
			t.Fatalf("result %+v", r)
		}
		seen[r.Index] = true
		got, err := sftest.Read[sampleorg.Account](org, r.ID)
		if err != nil || *got.Name != recs[r.Index].Name || *got.NumberOfEmployees != r.Index {
			t.Fatalf("record %s of input %d: %+v, %v", r.ID, r.Index, got, err)
		}
	}
	if len(seen) != 50 || org.Count("Account") != 50 {
		t.Fatalf("%d results, %d accounts", len(seen), org.Count("Account"))
	}
	if n := len(collect(t, res.Failures(testCtx(t)))) + len(collect(t, res.Unprocessed(testCtx(t)))); n != 0 {
		t.Errorf("%d failures or unprocessed", n)
	}
}

// TestUpdateClearsWithNA: unset fields stay, explicit nulls are cleared,
// values are set.
func TestUpdateClearsWithNA(t *testing.T) {
	org := newOrg(t)
	ids := sftest.Seed(t, org,
		sampleorg.AccountCreate{Name: "A", Phone: new("111"), Website: new("a.example.com")},
		sampleorg.AccountCreate{Name: "B", Phone: new("222"), Website: new("b.example.com")})
	patches := []sobjects.Patch[sampleorg.AccountUpdate]{
		{ID: ids[0], Record: sampleorg.AccountUpdate{Phone: nullable.NewNullNullable[string]()}},
		{ID: ids[1], Record: sampleorg.AccountUpdate{Name: new("B2"), Website: nullable.NewNullNullable[string]()}},
	}
	res := ingested(t)(bulk.Update(testCtx(t), org.Client(), slices.Values(patches), fast))
	a, _ := sftest.Read[sampleorg.Account](org, ids[0])
	b, _ := sftest.Read[sampleorg.Account](org, ids[1])
	if a.Phone != nil || *a.Website != "a.example.com" || *a.Name != "A" {
		t.Errorf("A = phone %v, website %v, name %v", a.Phone, a.Website, *a.Name)
	}
	if *b.Phone != "222" || b.Website != nil || *b.Name != "B2" {
		t.Errorf("B = phone %v, website %v, name %v", b.Phone, b.Website, *b.Name)
	}
	succ := collect(t, res.Successes(testCtx(t)))
	if len(succ) != 2 {
		t.Errorf("%d successes", len(succ))
	}
	for _, r := range succ {
		if r.Index < 0 || r.ID != ids[r.Index] || r.Created {
			t.Errorf("result %+v", r)
		}
	}
}

// TestPerRecordFailures: records that break the describe's rules fail
// alone, with the REST API's error, tied to their input.
func TestPerRecordFailures(t *testing.T) {
	org := newOrg(t)
	recs := accounts(10)
	recs[3].Name = ""                            // required
	recs[7].Phone = new(strings.Repeat("9", 41)) // too long
	res := ingested(t)(bulk.Insert(testCtx(t), org.Client(), slices.Values(recs), fast))
	if res.Processed() != 10 || res.Failed() != 2 {
		t.Fatalf("processed %d failed %d", res.Processed(), res.Failed())
	}
	fails := collect(t, res.Failures(testCtx(t)))
	slices.SortFunc(fails, func(a, b bulk.RecordResult) int { return a.Index - b.Index })
	if len(fails) != 2 || fails[0].Index != 3 || fails[1].Index != 7 || fails[0].ID != "" {
		t.Fatalf("failures %+v", fails)
	}
	var e *sobjects.Error
	if !errors.As(fails[0].Err, &e) || !errors.Is(fails[0].Err, sobjects.ErrRequiredFieldMissing) ||
		!slices.Equal(e.Fields, []string{"Name"}) {
		t.Errorf("failure 3: %#v", fails[0].Err)
	}
	if !errors.Is(fails[1].Err, sobjects.ErrorCode("STRING_TOO_LONG")) {
		t.Errorf("failure 7: %v", fails[1].Err)
	}
	if n := len(collect(t, res.Successes(testCtx(t)))); n != 8 || org.Count("Account") != 8 {
		t.Errorf("%d successes, %d accounts", n, org.Count("Account"))
	}
}

// TestUpsertDeleteHardDelete runs the other operations end to end.
func TestUpsertDeleteHardDelete(t *testing.T) {
	org := newOrg(t)
	ctx, c := testCtx(t), org.Client()
	old := sftest.Seed(t, org, sampleorg.WidgetCCreate{Name: new("w1"), ExternalIdC: new("X-1")},
		sampleorg.WidgetCCreate{Name: new("w2"), ExternalIdC: new("X-2")})
	ups := []sampleorg.WidgetCUpdate{
		{ExternalIdC: nullable.NewNullableWithValue("X-1"), NotesC: nullable.NewNullableWithValue("updated")},
		{ExternalIdC: nullable.NewNullableWithValue("X-3"), Name: nullable.NewNullableWithValue("w3")},
	}
	res := ingested(t)(bulk.Upsert(ctx, c, "External_Id__c", slices.Values(ups), fast))
	created := map[int]bool{}
	var newID string
	for r := range res.Successes(ctx) {
		created[r.Index] = r.Created
		if r.Index == 1 {
			newID = r.ID
		}
	}
	if !maps.Equal(created, map[int]bool{0: false, 1: true}) || org.Count("Widget__c") != 3 {
		t.Fatalf("created %v, %d widgets", created, org.Count("Widget__c"))
	}
	if w, _ := sftest.Read[sampleorg.WidgetC](org, old[0]); w.NotesC == nil || *w.NotesC != "updated" {
		t.Errorf("upsert did not update: %+v", w.NotesC)
	}

	ingested(t)(bulk.Delete[sampleorg.WidgetC](ctx, c, slices.Values([]string{old[0], newID}), fast))
	ingested(t)(bulk.HardDelete[sampleorg.WidgetC](ctx, c, slices.Values([]string{old[1]}), fast))
	if org.Count("Widget__c") != 0 {
		t.Fatalf("%d widgets left", org.Count("Widget__c"))
	}
	// Deleted records stay in the recycle bin, which queryAll reads; hard
	// deleted ones do not.
	var binned []string
	for w, err := range bulk.QueryAll[sampleorg.WidgetC](ctx, c, "SELECT Id, IsDeleted FROM Widget__c", fast) {
		if err != nil {
			t.Fatal(err)
		}
		if !*w.IsDeleted {
			t.Errorf("%s not deleted", *w.Id)
		}
		binned = append(binned, *w.Id)
	}
	slices.Sort(binned)
	want := []string{old[0], newID}
	slices.Sort(want)
	if !slices.Equal(binned, want) {
		t.Errorf("queryAll = %v, want %v", binned, want)
	}
	// Deleting again fails per record.
	again := ingested(t)(bulk.Delete[sampleorg.WidgetC](ctx, c, slices.Values([]string{old[0]}), fast))
	if f := collect(t, again.Failures(ctx)); len(f) != 1 || f[0].Index != 0 || f[0].ID != old[0] || !errors.Is(f[0].Err, sobjects.ErrEntityIsDeleted) {
		t.Errorf("second delete: %+v", f)
	}
}

// TestJobSplitting: with a small job limit, the input goes to several
// jobs at record boundaries, and nothing is lost or loaded twice.
func TestJobSplitting(t *testing.T) {
	org := newOrg(t)
	recs := accounts(40)
	res := ingested(t)(bulk.Insert(testCtx(t), org.Client(), slices.Values(recs), fast, bulk.WithMaxJobBytes(200)))
	if len(res.Jobs) < 4 {
		t.Fatalf("%d jobs", len(res.Jobs))
	}
	next := 0
	for _, jb := range res.Jobs {
		if jb.First != next || jb.Records == 0 || jb.Processed != jb.Records {
			t.Fatalf("job %+v after %d records", jb, next)
		}
		next += jb.Records
	}
	if next != 40 || org.Count("Account") != 40 || org.Stats().Requests[sftest.EndpointBulkIngestUpload] != len(res.Jobs) {
		t.Fatalf("%d records in jobs, %d accounts", next, org.Count("Account"))
	}
	seen := map[int]string{}
	for r := range res.Successes(testCtx(t)) {
		if _, dup := seen[r.Index]; dup || r.Index < 0 {
			t.Fatalf("result %+v", r)
		}
		seen[r.Index] = r.Job
	}
	for i := range 40 {
		jb := res.Jobs[slices.IndexFunc(res.Jobs, func(j *bulk.Job) bool { return j.ID == seen[i] })]
		if i < jb.First || i >= jb.First+jb.Records {
			t.Errorf("record %d reported by job %+v", i, jb)
		}
	}
	// A record larger than a job is refused.
	big := []sampleorg.AccountCreate{{Name: strings.Repeat("x", 300)}}
	if _, err := bulk.Insert(testCtx(t), org.Client(), slices.Values(big), fast, bulk.WithMaxJobBytes(200)); !errors.Is(err, sobjects.ErrInvalidArgument) {
		t.Errorf("oversized record: %v", err)
	}
}

// TestExpiryDuringUpload: a session that expires under the upload costs
// one token request; the spooled CSV is sent again and loaded once.
func TestExpiryDuringUpload(t *testing.T) {
	org := newOrg(t)
	c := org.Client()
	warm(t, c)
	org.ResetStats()
	org.FailNext(1, sftest.Fault{StatusCode: 401, Code: sobjects.ErrInvalidSession, Endpoint: sftest.EndpointBulkIngestUpload})
	res := ingested(t)(bulk.Insert(testCtx(t), c, slices.Values(accounts(30)), fast))
	st := org.Stats()
	if st.TokenRequests != 1 || st.Requests[sftest.EndpointBulkIngestUpload] != 2 || org.Count("Account") != 30 || res.Processed() != 30 {
		t.Fatalf("token requests %d, uploads %d, accounts %d", st.TokenRequests, st.Requests[sftest.EndpointBulkIngestUpload], org.Count("Account"))
	}
}

// TestExpiryDuringPollAndResults: a session that expires while a job is
// polled, then while its results are read, costs one token request each.
func TestExpiryDuringPollAndResults(t *testing.T) {
	org := newOrg(t)
	c := org.Client()
	warm(t, c)
	org.ResetStats()
	res := ingested(t)(bulk.Insert(testCtx(t), c, slices.Values(accounts(10)), fast,
		bulk.WithProgress(func(p bulk.Progress) {
			if p.Uploaded == 10 && p.Processed == 0 {
				org.ExpireSession() // before the first poll
			}
		})))
	if st := org.Stats(); st.TokenRequests != 1 || st.Rejected != 1 || st.Requests[sftest.EndpointBulkIngestJob] != 2 {
		t.Fatalf("poll: %d token requests, %d rejected, %d polls", st.TokenRequests, st.Rejected, st.Requests[sftest.EndpointBulkIngestJob])
	}
	org.ExpireSession()
	if n := len(collect(t, res.Successes(testCtx(t)))); n != 10 {
		t.Errorf("%d successes", n)
	}
	if st := org.Stats(); st.TokenRequests != 2 || st.Rejected != 2 {
		t.Errorf("results: %d token requests, %d rejected", st.TokenRequests, st.Rejected)
	}
}

// TestCancelAbortsJob: when the caller's context ends while the job runs,
// the job is aborted and the error says so, with the job's id.
func TestCancelAbortsJob(t *testing.T) {
	org := newOrg(t, sftest.WithBulkDelay(time.Hour))
	ctx, cancel := context.WithCancel(testCtx(t))
	defer cancel()
	res, err := bulk.Insert(ctx, org.Client(), slices.Values(accounts(5)), fast,
		bulk.WithProgress(func(p bulk.Progress) {
			if p.Uploaded > 0 {
				cancel()
			}
		}))
	closeResult(t, res)
	var je *bulk.JobError
	if !errors.As(err, &je) || !errors.Is(err, context.Canceled) || !errors.Is(err, bulk.ErrJobAborted) || je.JobID == "" {
		t.Fatalf("err = %v", err)
	}
	if st, _ := org.BulkJobState(je.JobID); st != "Aborted" || org.Count("Account") != 0 {
		t.Fatalf("job %s is %s; %d accounts", je.JobID, st, org.Count("Account"))
	}
	// The aborted job's records come back unprocessed, tied to the input.
	var idx []int
	for r, err := range res.Unprocessed(testCtx(t)) {
		if err != nil {
			t.Fatal(err)
		}
		idx = append(idx, r.Index)
	}
	slices.Sort(idx)
	if !slices.Equal(idx, []int{0, 1, 2, 3, 4}) {
		t.Errorf("unprocessed %v", idx)
	}
}

// TestFailedJob: a job Salesforce fails is a JobError with its message;
// its records are unprocessed.
func TestFailedJob(t *testing.T) {
	org := newOrg(t)
	// No record sets the external id: the CSV lacks its column.
	recs := []sampleorg.WidgetCCreate{{Name: new("a")}, {Name: new("b")}}
	res, err := bulk.Upsert(testCtx(t), org.Client(), "External_Id__c", slices.Values(recs), fast)
	closeResult(t, res)
	var je *bulk.JobError
	if !errors.As(err, &je) || !errors.Is(err, bulk.ErrJobFailed) || je.State != bulk.StateFailed ||
		!strings.Contains(je.Message, "External_Id__c") || je.JobID != res.Jobs[0].ID {
		t.Fatalf("err = %#v", err)
	}
	if u := collect(t, res.Unprocessed(testCtx(t))); len(u) != 2 {
		t.Errorf("unprocessed %+v", u)
	}
}

// TestAPILimitExhausted: an exhausted allowance is a JobError with the
// job's id that matches sobjects.ErrRequestLimitExceeded.
func TestAPILimitExhausted(t *testing.T) {
	org := newOrg(t)
	org.FailNext(1, sftest.Fault{StatusCode: 403, Code: sobjects.ErrRequestLimitExceeded, Endpoint: sftest.EndpointBulkIngestJob})
	res, err := bulk.Insert(testCtx(t), org.Client(), slices.Values(accounts(3)), fast)
	closeResult(t, res)
	var je *bulk.JobError
	var se *sobjects.Error
	if !errors.As(err, &je) || je.JobID == "" || !errors.Is(err, sobjects.ErrRequestLimitExceeded) || !errors.As(err, &se) || se.StatusCode != 403 {
		t.Fatalf("err = %v", err)
	}
	if org.Stats().Requests[sftest.EndpointBulkIngestUpload] != 1 {
		t.Error("the upload was sent again")
	}
}

// TestMalformedIngestResults: a result that is not the CSV Salesforce
// sends is a typed error, not a silent zero.
func TestMalformedIngestResults(t *testing.T) {
	org := newOrg(t)
	res := ingested(t)(bulk.Insert(testCtx(t), org.Client(), slices.Values(accounts(2)), fast))
	for _, body := range []string{"<html>maintenance</html>\n", "\"sf__Id\",\"sf__Created\",Name\n\"001,true\n"} {
		org.FailNext(1, sftest.Fault{Body: body, Endpoint: sftest.EndpointBulkIngestResults})
		var got error
		for _, err := range res.Successes(testCtx(t)) {
			got = err
		}
		var je *bulk.JobError
		if !errors.As(got, &je) || je.JobID != res.Jobs[0].ID || !errors.Is(got, sobjects.ErrMalformedResponse) {
			t.Errorf("%q: %v", body, got)
		}
	}
}

// TestDelimiterAndLineEnding: the CSV options reach the job and the org
// reads the data with them.
func TestDelimiterAndLineEnding(t *testing.T) {
	for _, d := range []bulk.Delimiter{bulk.Semicolon, bulk.Tab, bulk.Pipe, bulk.Caret, bulk.Backquote} {
		t.Run(string(d), func(t *testing.T) {
			org := newOrg(t)
			recs := []sampleorg.AccountCreate{{Name: "a;b|c^d`e\tf, \"g\"\nh"}, {Name: " padded "}}
			res := ingested(t)(bulk.Insert(testCtx(t), org.Client(), slices.Values(recs), fast,
				bulk.WithColumnDelimiter(d), bulk.WithLineEnding(bulk.CRLF)))
			succ := collect(t, res.Successes(testCtx(t)))
			if len(succ) != 2 {
				t.Fatalf("%d successes", len(succ))
			}
			for _, r := range succ {
				got, err := sftest.Read[sampleorg.Account](org, r.ID)
				if err != nil || r.Index < 0 || *got.Name != recs[r.Index].Name {
					t.Errorf("result %+v: %+v, %v", r, got, err)
				}
			}
			names := collect(t, bulk.Query[sampleorg.Account](testCtx(t), org.Client(), "SELECT Name FROM Account ORDER BY Name", fast,
				bulk.WithColumnDelimiter(d), bulk.WithLineEnding(bulk.CRLF)))
			if len(names) != 2 || *names[0].Name != " padded " || *names[1].Name != recs[0].Name {
				t.Errorf("query: %+v", names)
			}
		})
	}
}

// TestConcurrentIngestOneRefresh: many ingests on one client across a
// session expiry cost one token request and lose nothing.
func TestConcurrentIngestOneRefresh(t *testing.T) {
	org := newOrg(t)
	c := org.Client()
	warm(t, c)
	org.ResetStats()
	org.ExpireSession()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 16 {
		wg.Go(func() {
			recs := make([]sampleorg.AccountCreate, 20)
			for i := range recs {
				recs[i].Name = fmt.Sprintf("g%d-%d", g, i)
			}
			res, err := bulk.Insert(testCtx(t), c, slices.Values(recs), fast)
			if err == nil && res.Processed() != 20 {
				err = fmt.Errorf("processed %d", res.Processed())
			}
			errs <- err
			_ = res.Close()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if st := org.Stats(); st.TokenRequests != 1 || org.Count("Account") != 320 {
		t.Errorf("token requests %d, accounts %d", st.TokenRequests, org.Count("Account"))
	}
}

// TestInvalidInput: bad arguments are refused before anything is sent.
func TestInvalidInput(t *testing.T) {
	org := newOrg(t)
	ctx, c := testCtx(t), org.Client()
	checks := map[string]error{}
	_, checks["no sobject"] = bulk.Insert(ctx, c, slices.Values([]struct{ Name string }{{"x"}}), fast)
	_, checks["bad id"] = bulk.Delete[sampleorg.Account](ctx, c, slices.Values([]string{"../x"}), fast)
	_, checks["bad field"] = bulk.Upsert(ctx, c, "a,b", slices.Values(accounts(1)), fast)
	_, checks["bad delimiter"] = bulk.Insert(ctx, c, slices.Values(accounts(1)), bulk.WithColumnDelimiter("x"))
	_, checks["NaN"] = bulk.Insert(ctx, c, slices.Values([]sampleorg.WidgetCCreate{{PriceC: new(math.NaN())}}), fast)
	_, checks["no field"] = bulk.Insert(ctx, c, slices.Values([]sampleorg.WidgetCCreate{{}}), fast)
	_, checks["semicolon"] = bulk.Insert(ctx, c, slices.Values([]sampleorg.WidgetCCreate{{ColorsC: &sftype.MultiPicklist{"a;b"}}}), fast)
	for name, err := range checks {
		if !errors.Is(err, sobjects.ErrInvalidArgument) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if n := org.Stats().Requests[sftest.EndpointBulkIngestCreate]; n != 0 {
		t.Errorf("%d jobs created", n)
	}
}

// TestEmptyInputAndUploadFailure: no records make no job; a failed upload
// aborts its job, which was never closed, and sends the data once.
func TestEmptyInputAndUploadFailure(t *testing.T) {
	org := newOrg(t)
	res, err := bulk.Insert(testCtx(t), org.Client(), slices.Values([]sampleorg.AccountCreate{}), fast)
	if err != nil || res == nil || len(res.Jobs) != 0 || res.Processed() != 0 {
		t.Fatalf("empty input: %+v, %v", res, err)
	}
	if n := len(collect(t, res.Successes(testCtx(t)))); n != 0 || org.Stats().Requests[sftest.EndpointBulkIngestCreate] != 0 {
		t.Errorf("%d results", n)
	}
	closeResult(t, res)

	org.FailNext(1, sftest.Fault{StatusCode: 500, Endpoint: sftest.EndpointBulkIngestUpload})
	res, err = bulk.Insert(testCtx(t), org.Client(), slices.Values(accounts(3)), fast)
	closeResult(t, res)
	var je *bulk.JobError
	if !errors.As(err, &je) || !errors.Is(err, sobjects.ErrUnknownException) || je.State != bulk.StateAborted {
		t.Fatalf("err = %v", err)
	}
	if st, _ := org.BulkJobState(je.JobID); st != "Aborted" || org.Stats().Requests[sftest.EndpointBulkIngestUpload] != 1 || org.Count("Account") != 0 {
		t.Errorf("job %s, %d uploads, %d accounts", st, org.Stats().Requests[sftest.EndpointBulkIngestUpload], org.Count("Account"))
	}
}
