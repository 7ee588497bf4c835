package sftest_test

import (
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/typedforce/typedforce/sftest"
)

type jobInfo struct {
	ID        string `json:"id"`
	State     string `json:"state"`
	Processed int    `json:"numberRecordsProcessed"`
	Failed    int    `json:"numberRecordsFailed"`
	Error     string `json:"errorMessage"`
}

func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
	if err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	return rows
}

// TestBulkIngestWire: an ingest job on the wire, each row validated as a
// REST write.
func TestBulkIngestWire(t *testing.T) {
	org := sftest.NewOrg(t)
	c := newRaw(t, org)
	job := decode[jobInfo](t, c.expect(200, "POST", v+"/jobs/ingest", `{"object":"Account","operation":"insert","contentType":"CSV","lineEnding":"LF"}`))
	if job.State != "Open" || !strings.HasPrefix(job.ID, "750") {
		t.Fatalf("job %+v", job)
	}
	c.expect(201, "PUT", v+"/jobs/ingest/"+job.ID+"/batches", "Name,Phone\nAcme,555\n,556\n", "Content-Type", "text/csv")
	c.expectError(409, "INVALIDJOBSTATE", "PUT", v+"/jobs/ingest/"+job.ID+"/batches", "Name\nX\n", "Content-Type", "text/csv")
	c.expect(200, "PATCH", v+"/jobs/ingest/"+job.ID, `{"state":"UploadComplete"}`)
	done := decode[jobInfo](t, c.expect(200, "GET", v+"/jobs/ingest/"+job.ID, ""))
	if done.State != "JobComplete" || done.Processed != 2 || done.Failed != 1 {
		t.Fatalf("job %+v", done)
	}
	ok := readCSV(t, c.expect(200, "GET", v+"/jobs/ingest/"+job.ID+"/successfulResults/", ""))
	if len(ok) != 2 || strings.Join(ok[0], ",") != "sf__Id,sf__Created,Name,Phone" || ok[1][1] != "true" || ok[1][2] != "Acme" {
		t.Errorf("successes %q", ok)
	}
	bad := readCSV(t, c.expect(200, "GET", v+"/jobs/ingest/"+job.ID+"/failedResults/", ""))
	if len(bad) != 2 || bad[1][1] != "REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --" || bad[1][3] != "556" {
		t.Errorf("failures %q", bad)
	}
	c.expectError(400, "INVALIDJOBSTATE", "PATCH", v+"/jobs/ingest/"+job.ID, `{"state":"Aborted"}`)

	// An unknown column fails the whole job.
	job = decode[jobInfo](t, c.expect(200, "POST", v+"/jobs/ingest", `{"object":"Account","operation":"insert"}`))
	c.expect(201, "PUT", v+"/jobs/ingest/"+job.ID+"/batches", "Name,Nope__c\nA,1\n", "Content-Type", "text/csv")
	c.expect(200, "PATCH", v+"/jobs/ingest/"+job.ID, `{"state":"UploadComplete"}`)
	failed := decode[jobInfo](t, c.expect(200, "GET", v+"/jobs/ingest/"+job.ID, ""))
	if failed.State != "Failed" || failed.Error != "InvalidBatch : Field name not found : Nope__c" || org.Count("Account") != 1 {
		t.Errorf("job %+v", failed)
	}
	c.expectError(400, "INVALIDJOB", "POST", v+"/jobs/ingest", `{"object":"Account","operation":"merge"}`)
}

// TestBulkDelayAndAbort: a job reads InProgress during its delay; an
// aborted one processes nothing and returns its records unprocessed.
func TestBulkDelayAndAbort(t *testing.T) {
	org := sftest.NewOrg(t, sftest.WithBulkDelay(time.Hour))
	c := newRaw(t, org)
	job := decode[jobInfo](t, c.expect(200, "POST", v+"/jobs/ingest", `{"object":"Account","operation":"insert","columnDelimiter":"PIPE"}`))
	c.expect(201, "PUT", v+"/jobs/ingest/"+job.ID+"/batches", "Name|Phone\nA|1\n", "Content-Type", "text/csv")
	c.expect(200, "PATCH", v+"/jobs/ingest/"+job.ID, `{"state":"UploadComplete"}`)
	if st := decode[jobInfo](t, c.expect(200, "GET", v+"/jobs/ingest/"+job.ID, "")).State; st != "InProgress" {
		t.Fatalf("state %s", st)
	}
	c.expect(200, "PATCH", v+"/jobs/ingest/"+job.ID, `{"state":"Aborted"}`)
	if st, _ := org.BulkJobState(job.ID); st != "Aborted" || org.Count("Account") != 0 {
		t.Fatalf("state %s, %d accounts", st, org.Count("Account"))
	}
	if b := c.expect(200, "GET", v+"/jobs/ingest/"+job.ID+"/unprocessedrecords/", ""); string(b) != "Name|Phone\nA|1\n" {
		t.Errorf("unprocessed %q", b)
	}
}

// TestBulkQueryWire: result pages with maxRecords and Sforce-Locator,
// "null" after the last.
func TestBulkQueryWire(t *testing.T) {
	org := sftest.NewOrg(t)
	for _, n := range []string{"B", "A", "C"} {
		if _, err := org.Insert("Account", map[string]any{"Name": n, "NumberOfEmployees": 5}); err != nil {
			t.Fatal(err)
		}
	}
	c := newRaw(t, org)
	c.expectError(400, "API_ERROR", "POST", v+"/jobs/query", `{"operation":"query","query":"SELECT COUNT() FROM Account"}`)
	job := decode[jobInfo](t, c.expect(200, "POST", v+"/jobs/query", `{"operation":"query","query":"SELECT Name, NumberOfEmployees, Owner.Name FROM Account ORDER BY Name"}`))
	c.expect(200, "GET", v+"/jobs/query/"+job.ID, "")
	var rows [][]string
	locator := ""
	for pages := 0; ; pages++ {
		path := v + "/jobs/query/" + job.ID + "/results?maxRecords=2"
		if locator != "" {
			path += "&locator=" + locator
		}
		resp, b := c.do("GET", path, "")
		page := readCSV(t, b)
		if strings.Join(page[0], ",") != "Name,NumberOfEmployees,Owner.Name" {
			t.Fatalf("header %q", page[0])
		}
		rows = append(rows, page[1:]...)
		locator = resp.Header.Get("Sforce-Locator")
		if locator == "null" {
			break
		}
		if pages > 2 {
			t.Fatal("no last page")
		}
	}
	if len(rows) != 3 || rows[0][0] != "A" || rows[2][0] != "C" || rows[0][1] != "5" || rows[0][2] != "Integration User" {
		t.Errorf("rows %q", rows)
	}
	c.expectError(400, "INVALID_LOCATOR", "GET", v+"/jobs/query/"+job.ID+"/results?locator=zz", "")
}
