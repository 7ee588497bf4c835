package main

import (
	"context"
	"fmt"
	"net/http/httptest"
	"time"

	salesforce "github.com/k-capehart/go-salesforce/v3"

	"github.com/typedforce/typedforce/sampleorg"
	"github.com/typedforce/typedforce/sftest"
	"github.com/typedforce/typedforce/sobjects"
)

// compositeBench measures 25 related creates (an account and 24 contacts
// that reference it) as 25 single creates and as one Composite request,
// against the fake org of package sftest on loopback, every answer delayed
// by latency; k-capehart's InsertComposite, which has no references,
// creates the account first and then the 24 contacts.
func (b *bench) composite(rounds int, latency time.Duration) error {
	srv := httptest.NewUnstartedServer(nil)
	org, err := sftest.New(sftest.WithInstanceURL("http://" + srv.Listener.Addr().String()))
	if err != nil {
		return err
	}
	srv.Config.Handler = org
	srv.Start()
	defer srv.Close()
	c, err := org.NewClient(sobjects.WithHTTPClient(srv.Client()))
	if err != nil {
		return err
	}
	creds := org.Credentials()
	kc, err := salesforce.Init(salesforce.Creds{Domain: org.URL(), ConsumerKey: creds.ClientID, ConsumerSecret: creds.ClientSecret},
		salesforce.WithRoundTripper(srv.Client().Transport))
	if err != nil {
		return fmt.Errorf("k-capehart: %w", err)
	}
	ctx := b.ctx
	singles := func(ctx context.Context) error {
		acct, err := sobjects.Create(ctx, c, sampleorg.AccountCreate{Name: "Acme"})
		if err != nil {
			return err
		}
		for range 24 {
			if _, err := sobjects.Create(ctx, c, sampleorg.ContactCreate{LastName: "Doe", AccountId: &acct}); err != nil {
				return err
			}
		}
		return nil
	}
	composite := func(ctx context.Context) error {
		var batch sobjects.Composite
		acct := sobjects.AddCreate(&batch, sampleorg.AccountCreate{Name: "Acme"})
		ref := acct.Ref("id")
		for range 24 {
			sobjects.AddCreate(&batch, sampleorg.ContactCreate{LastName: "Doe", AccountId: &ref})
		}
		return batch.Send(ctx, c, sobjects.AllOrNone(true))
	}
	type kcContact struct {
		LastName  string
		AccountId string
	}
	kcapehart := func(context.Context) error {
		res, err := kc.InsertOne("Account", struct{ Name string }{"Acme"})
		if err != nil {
			return err
		}
		recs := make([]kcContact, 24)
		for i := range recs {
			recs[i] = kcContact{LastName: "Doe", AccountId: res.Id}
		}
		out, err := kc.InsertComposite("Contact", recs, 200, true)
		if err != nil {
			return err
		}
		if out.HasSalesforceErrors {
			return fmt.Errorf("k-capehart: %+v", out.Results)
		}
		return nil
	}
	type contestant struct {
		name  string
		run   func(context.Context) error
		reqs  int
		times []float64
	}
	cs := []*contestant{{name: "singles", run: singles}, {name: "composite", run: composite}, {name: "k-capehart", run: kcapehart}}
	// Warm up (tokens, connections), then count one run's API requests.
	for _, ct := range cs {
		if err := ct.run(ctx); err != nil {
			return fmt.Errorf("%s: %w", ct.name, err)
		}
		org.ResetStats()
		if err := ct.run(ctx); err != nil {
			return fmt.Errorf("%s: %w", ct.name, err)
		}
		ct.reqs = org.Stats().APIRequests
	}
	org.SetLatency(latency)
	for r := range rounds {
		for _, ct := range rotated(cs, r) {
			start := time.Now()
			if err := ct.run(ctx); err != nil {
				return fmt.Errorf("%s: %w", ct.name, err)
			}
			ct.times = append(ct.times, time.Since(start).Seconds())
		}
	}
	s, co, k := cs[0], cs[1], cs[2]
	figure("composite_requests_ratio", "%.2f", float64(co.reqs)/float64(s.reqs),
		"%d request(s) through Composite for 25 related creates vs %d single creates", co.reqs, s.reqs)
	figure("composite_wall_ratio", "%.3f", median(co.times)/median(s.times),
		"median %.1f ms vs %.1f ms, %v latency per answer, %d rounds", median(co.times)*1e3, median(s.times)*1e3, latency, rounds)
	figure("composite_vs_kcapehart_requests", "%d", co.reqs,
		"typedforce Composite; k-capehart needs %d: InsertOne, then InsertComposite, which has no references", k.reqs)
	figure("composite_vs_kcapehart_wall_ratio", "%.3f", median(co.times)/median(k.times),
		"median %.1f ms vs %.1f ms", median(co.times)*1e3, median(k.times)*1e3)
	return nil
}
