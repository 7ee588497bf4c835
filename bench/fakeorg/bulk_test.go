package fakeorg_test

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/typedforce/typedforce/bench/fakeorg"
)

// send sends a request with token and returns the response, its body
// read (and decompressed by the transport when gzip).
func send(t *testing.T, org *fakeorg.Org, method, path, tok, contentType, body string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, org.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func TestBulkIngestAndQuery(t *testing.T) {
	org := fakeorg.New()
	defer org.Close()
	tok := clientCredentials(t, org).AccessToken
	const v = "/services/data/v67.0"
	var job struct{ ID, State string }
	_, body := send(t, org, "POST", v+"/jobs/ingest", tok, "application/json", `{"object":"Account","operation":"insert"}`)
	if err := json.Unmarshal([]byte(body), &job); err != nil || job.State != "Open" {
		t.Fatalf("create: %s", body)
	}
	if resp, _ := send(t, org, "PUT", v+"/jobs/ingest/"+job.ID+"/batches", tok, "text/csv", "Name\na\nb\nc\n"); resp.StatusCode != 201 {
		t.Fatalf("upload: %d", resp.StatusCode)
	}
	_, body = send(t, org, "PATCH", v+"/jobs/ingest/"+job.ID, tok, "application/json", `{"state":"UploadComplete"}`)
	if !strings.Contains(body, `"state":"JobComplete"`) || !strings.Contains(body, `"numberRecordsProcessed":3`) || org.BulkRecords() != 3 {
		t.Fatalf("close: %s, %d records", body, org.BulkRecords())
	}

	soql := "SELECT Id, Name, Owner.Name, CreatedDate FROM Account LIMIT 120000"
	org.WarmBulkQuery(soql, 120000)
	_, body = send(t, org, "POST", v+"/jobs/query", tok, "application/json", `{"operation":"query","query":"`+soql+`"}`)
	if err := json.Unmarshal([]byte(body), &job); err != nil || job.State != "JobComplete" {
		t.Fatalf("query: %s", body)
	}
	locator, n, pages := "", 0, 0
	for {
		path := v + "/jobs/query/" + job.ID + "/results"
		if locator != "" {
			path += "?locator=" + locator
		}
		resp, body := send(t, org, "GET", path, tok, "", "")
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil || strings.Join(rows[0], ",") != "Id,Name,Owner.Name,CreatedDate" {
			t.Fatalf("page %d: %v %q", pages, err, rows[0])
		}
		if rows[1][2] != "Ada Admin" || rows[1][3] != "2013-05-20T20:49:32.000Z" {
			t.Errorf("row %q", rows[1])
		}
		n += len(rows) - 1
		pages++
		if locator = resp.Header.Get("Sforce-Locator"); locator == "null" {
			break
		}
	}
	if n != 120000 || pages != 3 {
		t.Errorf("%d records in %d pages", n, pages)
	}
}
