package main

import (
	"bytes"
	"context"
	"net"
	"net/url"
	"strings"
	"testing"

	"github.com/typedforce/typedforce/auth"
	"github.com/typedforce/typedforce/sampleorg"
	"github.com/typedforce/typedforce/sftest"
	"github.com/typedforce/typedforce/sobjects"
)

func TestFakeOrgUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"-addr", "0.0.0.0:0"},      // not loopback: the fake serves plain http
		{"-addr", "example.com:80"}, // not loopback either
		{"extra"},                   // no arguments
		{"-nope"},                   // unknown flag
	} {
		var stdout, stderr bytes.Buffer
		if code := fakeOrgCmd(args, &stdout, &stderr); code != 2 {
			t.Errorf("fake-org %v: exit %d, want 2 (stderr %q)", args, code, stderr.String())
		}
		if stdout.Len() != 0 {
			t.Errorf("fake-org %v printed %q on stdout", args, stdout.String())
		}
	}
}

// TestFakeOrgServes runs what the command runs, on a free loopback port: the
// seeded org answers a typed client built from the printed environment, and
// the server stops cleanly when its context ends.
func TestFakeOrgServes(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	org, err := sftest.New(sftest.WithInstanceURL("http://" + ln.Addr().String()))
	if err != nil {
		t.Fatal(err)
	}
	if err := seedFakeOrg(org); err != nil {
		t.Fatalf("seed: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- serveFakeOrg(ctx, ln, org) }()

	env := org.Env()
	for k, v := range env {
		t.Setenv(k, v)
	}
	if u, err := url.Parse(env["SF_LOGIN_URL"]); err != nil || u.Host != ln.Addr().String() {
		t.Fatalf("SF_LOGIN_URL = %q, want the listener's address", env["SF_LOGIN_URL"])
	}
	src, err := auth.FromEnv(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c, err := sobjects.New(auth.NewSession(src))
	if err != nil {
		t.Fatal(err)
	}
	n, err := sobjects.Count(ctx, c, "SELECT COUNT() FROM Contact")
	if err != nil || n != 9 {
		t.Errorf("seeded contacts: %d, %v; want 9", n, err)
	}
	w, err := sobjects.GetByExternalID[sampleorg.WidgetC](ctx, c, "External_Id__c", "W-1002")
	if err != nil || !strings.HasPrefix(*w.Name, "Widget 2") {
		t.Errorf("widget W-1002: %+v, %v", w, err)
	}

	cancel()
	if err := <-served; err != nil {
		t.Errorf("serve returned %v after its context ended, want nil", err)
	}
}
