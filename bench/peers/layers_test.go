package peers_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
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

// BenchmarkLayers times a PATCH through each layer of typedforce added on
// plain net/http, taking turns request by request, and reports each
// layer's median latency:
//
//	go test -run XXX -bench Layers -benchtime 3000x ./peers
func BenchmarkLayers(b *testing.B) {
	ctx := context.Background()
	org := fakeorg.New()
	defer org.Close()
	rt := org.Reset(fakeorg.Tolerant)
	hc := &http.Client{Transport: peers.Transport(), Timeout: time.Minute}
	tok, err := peers.MintToken(ctx, org, hc)
	if err != nil {
		b.Fatal(err)
	}
	body := []byte(`{"Phone":"(415) 555-0100","Rating":"Warm"}`)
	base := org.URL + "/services/data/v67.0"
	send := func(d interface {
		Do(*http.Request) (*http.Response, error)
	}, req *http.Request) error {
		resp, err := d.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != 204 {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		return nil
	}
	// plain
	hc1 := &http.Client{Transport: peers.Transport(), Timeout: time.Minute}
	plain := func(id string) error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPatch, base+"/sobjects/Account/"+id, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		return send(hc1, req)
	}
	// auth: RequestEditor + Wrap around plain requests
	hc2 := &http.Client{Transport: peers.Transport(), Timeout: time.Minute}
	s := auth.NewSession(auth.ClientCredentialsConfig{MyDomainURL: org.URL, ClientID: fakeorg.ClientID, ClientSecret: fakeorg.ClientSecret}.TokenSource(ctx))
	wrapped := s.Wrap(hc2)
	withAuth := func(id string) error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPatch, "https://instance.invalid/services/data/v67.0/sobjects/Account/"+id, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if err := s.RequestEditor(ctx, req); err != nil {
			return err
		}
		return send(wrapped, req)
	}
	// gen: the generated client over the same session
	hc3 := &http.Client{Transport: peers.Transport(), Timeout: time.Minute}
	s3 := auth.NewSession(auth.ClientCredentialsConfig{MyDomainURL: org.URL, ClientID: fakeorg.ClientID, ClientSecret: fakeorg.ClientSecret}.TokenSource(ctx))
	g, err := gen.NewClient("https://instance.invalid/services/data/v67.0", gen.WithHTTPClient(s3.Wrap(hc3)), gen.WithRequestEditorFn(s3.RequestEditor))
	if err != nil {
		b.Fatal(err)
	}
	withGen := func(id string) error {
		resp, err := g.UpdateRecordWithBody(ctx, "Account", id, "application/json", bytes.NewReader(body))
		if err != nil {
			return err
		}
		resp.Body.Close()
		return nil
	}
	// full
	c, hc4, err := peers.NewTypedforce(org, rt)
	if err != nil {
		b.Fatal(err)
	}
	upd := sampleorg.AccountUpdate{Phone: nullable.NewNullableWithValue(peers.NewPhone), Rating: nullable.NewNullableWithValue(picklists.AccountRatingValue(peers.NewRating))}
	full := func(id string) error { return sobjects.Update(ctx, c, id, upd) }
	defer func() {
		for _, h := range []*http.Client{hc, hc1, hc2, hc3, hc4} {
			h.CloseIdleConnections()
		}
	}()

	names := []string{"net/http", "+auth", "+gen", "sobjects.Update"}
	fs := []func(string) error{plain, withAuth, withGen, full}
	ds := make([][]time.Duration, len(fs))
	for i := 0; b.Loop(); i++ {
		id := fakeorg.RecordID(i % 1000)
		for j := range fs {
			k := (i + j) % len(fs)
			t0 := time.Now()
			if err := fs[k](id); err != nil {
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
}
