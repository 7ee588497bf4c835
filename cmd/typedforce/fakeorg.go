package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"syscall"
	"time"

	"github.com/typedforce/typedforce/sftest"
)

// fakeOrgCmd runs `typedforce fake-org`: the fake org of package sftest on
// a loopback HTTP server, until interrupted.
func fakeOrgCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("typedforce fake-org", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		addr     = fs.String("addr", "127.0.0.1:8642", "loopback `address` to listen on (port 0 picks a free one)")
		describe = fs.String("describe", "", "`folder` of describe JSON to serve (default: the bundled example org)")
		seed     = fs.Bool("seed", false, "start with a few sample accounts, contacts and widgets (bundled org only)")
		batch    = fs.Int("batch-size", 2000, "query page size when the client asks for none")
		rotate   = fs.Bool("rotate", false, "rotate refresh tokens on each refresh")
	)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: typedforce fake-org [flags]\n\n"+
			"Serves a fake Salesforce org (token endpoint and REST API, in memory) on a loopback\n"+
			"address, and prints the SF_* variables that point a client at it.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "typedforce fake-org: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	host, _, err := net.SplitHostPort(*addr)
	if ip := net.ParseIP(host); err != nil || (host != "localhost" && (ip == nil || !ip.IsLoopback())) {
		fmt.Fprintf(stderr, "typedforce fake-org: -addr %s: want a loopback address such as 127.0.0.1:8642 (the fake serves plain http)\n", *addr)
		return 2
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "typedforce fake-org: %v\n", err)
		return 1
	}
	opts := []sftest.Option{sftest.WithInstanceURL("http://" + ln.Addr().String()), sftest.WithBatchSize(*batch)}
	if *describe != "" {
		opts = append(opts, sftest.WithDescribeDir(*describe))
	}
	if *rotate {
		opts = append(opts, sftest.WithRefreshTokenRotation())
	}
	org, err := sftest.New(opts...)
	if err == nil && *seed {
		err = seedFakeOrg(org)
	}
	if err != nil {
		ln.Close()
		fmt.Fprintf(stderr, "typedforce fake-org: %v\n", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	what := "the bundled example org"
	if *describe != "" {
		what = "the describes of " + *describe
	}
	fmt.Fprintf(stdout, "typedforce fake-org: serving %s at %s\n\n", what, org.URL())
	env := org.Env()
	names := make([]string, 0, len(env))
	for k := range env {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Fprintf(stdout, "export %s=%s\n", k, env[k])
	}
	fmt.Fprintf(stdout, "\nPress Ctrl-C to stop.\n")
	if err := serveFakeOrg(ctx, ln, org); err != nil {
		fmt.Fprintf(stderr, "typedforce fake-org: %v\n", err)
		return 1
	}
	return 0
}

// serveFakeOrg serves org on ln until ctx ends.
func serveFakeOrg(ctx context.Context, ln net.Listener, org *sftest.Org) error {
	srv := &http.Server{Handler: org, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// seedFakeOrg adds sample records of the example org (package sampleorg).
func seedFakeOrg(org *sftest.Org) error {
	accounts := []map[string]any{
		{"Name": "Acme Rockets", "Industry": "Energy", "NumberOfEmployees": 120, "BillingCity": "San Francisco"},
		{"Name": "Globex", "Industry": "Banking", "NumberOfEmployees": 40, "BillingCity": "Paris"},
		{"Name": "Initech", "Industry": "Technology", "NumberOfEmployees": 9},
	}
	for i, a := range accounts {
		id, err := org.Insert("Account", a)
		if err != nil {
			return fmt.Errorf("-seed needs the bundled org: %w", err)
		}
		for j, last := range []string{"Lovelace", "Hopper", "Turing"} {
			if _, err := org.Insert("Contact", map[string]any{"FirstName": "Sample", "LastName": fmt.Sprintf("%s %d", last, i+1),
				"AccountId": id, "Email": fmt.Sprintf("sample%d.%d@example.com", i+1, j+1)}); err != nil {
				return err
			}
		}
		if _, err := org.Insert("Widget__c", map[string]any{"Name": fmt.Sprintf("Widget %d", i+1),
			"External_Id__c": fmt.Sprintf("W-%d", 1000+i+1), "Account__c": id, "Status__c": "Active"}); err != nil {
			return err
		}
	}
	return nil
}
