package peers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oapi-codegen/nullable"

	"github.com/typedforce/typedforce/auth"
	"github.com/typedforce/typedforce/bench/fakeorg"
	"github.com/typedforce/typedforce/bench/peers"
	"github.com/typedforce/typedforce/gen"
	"github.com/typedforce/typedforce/sampleorg"
	"github.com/typedforce/typedforce/sampleorg/picklists"
	"github.com/typedforce/typedforce/sobjects"
)

// canned answers every request at once, with no network: what is left is
// the client's own CPU.
type canned struct {
	status int
	body   string
}

func (c canned) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	h := http.Header{"Content-Type": {"application/json;charset=UTF-8"}, "Sforce-Limit-Info": {"api-usage=18/5000"}}
	var body io.ReadCloser = http.NoBody
	if c.body != "" {
		body = io.NopCloser(strings.NewReader(c.body))
	}
	return &http.Response{StatusCode: c.status, Header: h, Body: body, ContentLength: int64(len(c.body)), Request: req}, nil
}

// BenchmarkClientCPU: each layer's CPU per request, with a transport that
// answers at once (no network, no server), the layers taking turns call by
// call; it reports each layer's median time per call:
//
//	go test -run XXX -bench ClientCPU -benchtime 20000x ./peers
func BenchmarkClientCPU(b *testing.B) {
	ctx := context.Background()
	id := fakeorg.RecordID(42)
	body := []byte(`{"Phone":"(415) 555-0100","Rating":"Warm"}`)
	const instance = "https://na1.example.test"
	for _, op := range []struct {
		name string
		rt   canned
	}{{"patch", canned{status: 204}}, {"get", canned{status: 200, body: fakeorg.Record(42)}}} {
		hc := &http.Client{Transport: op.rt}
		plain := func() error {
			var req *http.Request
			if op.name == "patch" {
				req, _ = http.NewRequestWithContext(ctx, http.MethodPatch, instance+"/services/data/v67.0/sobjects/Account/"+id, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
			} else {
				req, _ = http.NewRequestWithContext(ctx, http.MethodGet, instance+"/services/data/v67.0/sobjects/Account/"+id, nil)
			}
			req.Header.Set("Authorization", "Bearer tok")
			resp, err := hc.Do(req)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			if op.name == "get" {
				var a peers.HandAccount
				return decode(resp.Body, &a)
			}
			return nil
		}
		s := auth.NewSession(auth.StaticToken(instance, "00Dxx!tok"))
		g, _ := gen.NewClient("https://instance.invalid/services/data/v67.0", gen.WithHTTPClient(s.Wrap(hc)), gen.WithRequestEditorFn(s.RequestEditor))
		viaGen := func() error {
			var resp *http.Response
			var err error
			if op.name == "patch" {
				resp, err = g.UpdateRecordWithBody(ctx, "Account", id, "application/json", bytes.NewReader(body))
			} else {
				resp, err = g.GetRecord(ctx, "Account", id, nil)
			}
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			if op.name == "get" {
				var a sampleorg.Account
				return decode(resp.Body, &a)
			}
			return nil
		}
		c, err := sobjects.New(auth.NewSession(auth.StaticToken(instance, "00Dxx!tok")), sobjects.WithHTTPClient(hc))
		if err != nil {
			b.Fatal(err)
		}
		upd := sampleorg.AccountUpdate{Phone: nullable.NewNullableWithValue(peers.NewPhone), Rating: nullable.NewNullableWithValue(picklists.AccountRatingValue(peers.NewRating))}
		full := func() error {
			if op.name == "patch" {
				return sobjects.Update(ctx, c, id, upd)
			}
			_, err := sobjects.Get[sampleorg.Account](ctx, c, id)
			return err
		}
		b.Run(op.name, func(b *testing.B) {
			names := []string{"net-http", "gen+auth", "sobjects"}
			fs := []func() error{plain, viaGen, full}
			ds := make([][]time.Duration, len(fs))
			for i := 0; b.Loop(); i++ {
				for j := range fs {
					k := (i + j) % len(fs)
					t0 := time.Now()
					if err := fs[k](); err != nil {
						b.Fatal(names[k], err)
					}
					ds[k] = append(ds[k], time.Since(t0))
				}
			}
			for k, d := range ds {
				slices.Sort(d)
				b.ReportMetric(float64(d[len(d)/2].Nanoseconds()), names[k]+"-p50-ns")
			}
			b.ReportMetric(0, "ns/op")
		})
	}
}

func decode(r io.Reader, v any) error { return json.NewDecoder(r).Decode(v) }
