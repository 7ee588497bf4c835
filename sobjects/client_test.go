package sobjects_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/typedforce/typedforce/auth"
	"github.com/typedforce/typedforce/internal/sfgen"
	"github.com/typedforce/typedforce/sampleorg"
	"github.com/typedforce/typedforce/sobjects"
)

func TestNewOptions(t *testing.T) {
	if _, err := sobjects.New(nil); !errors.Is(err, sobjects.ErrInvalidArgument) {
		t.Errorf("nil session: %v", err)
	}
	s := auth.NewSession(auth.StaticToken(instance, token))
	for _, v := range []string{"62", "v62", "62.0.1", "latest", "../x"} {
		if _, err := sobjects.New(s, sobjects.WithAPIVersion(v)); !errors.Is(err, sobjects.ErrInvalidArgument) {
			t.Errorf("version %q accepted", v)
		}
	}
	var logs bytes.Buffer
	c, mock := newClient(t, sobjects.WithAPIVersion("v62.0"), sobjects.WithUserAgent("acme-sync/1.2"),
		sobjects.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	if c.APIVersion() != "62.0" {
		t.Errorf("APIVersion = %s", c.APIVersion())
	}
	mock.RegisterResponder("GET", instance+"/services/data/v62.0/query", func(req *http.Request) (*http.Response, error) {
		if ua := req.Header.Get("User-Agent"); ua != "acme-sync/1.2 typedforce-go" {
			t.Errorf("User-Agent = %q", ua)
		}
		return sfResponse(200, `{"totalSize":3,"done":true,"records":[]}`), nil
	})
	if _, err := sobjects.Count(testCtx(t), c, "SELECT COUNT() FROM Contact WHERE Email = 'secret@example.com'"); err != nil {
		t.Fatal(err)
	}
	if out := logs.String(); !strings.Contains(out, "path=/services/data/v62.0/query") || strings.Contains(out, "secret") || strings.Contains(out, token) {
		t.Errorf("logs: %s", out)
	}
}

func TestNewFromEnv(t *testing.T) {
	t.Setenv("SF_INSTANCE_URL", instance)
	t.Setenv("SF_ACCESS_TOKEN", token)
	t.Setenv("SF_API_VERSION", "63.0")
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder("DELETE", instance+"/services/data/v63.0/sobjects/Account/"+acctID, respond(204, ""))
	c, err := sobjects.NewFromEnv(testCtx(t), sobjects.WithHTTPClient(&http.Client{Transport: mock}))
	if err != nil {
		t.Fatal(err)
	}
	if err := sobjects.Delete[sampleorg.Account](testCtx(t), c, acctID); err != nil {
		t.Fatal(err)
	}
	// An explicit option wins over SF_API_VERSION.
	if c, err := sobjects.NewFromEnv(testCtx(t), sobjects.WithAPIVersion("64.0")); err != nil || c.APIVersion() != "64.0" {
		t.Fatalf("version %v, %v", c, err)
	}
	t.Setenv("SF_ACCESS_TOKEN", "")
	t.Setenv("SF_INSTANCE_URL", "")
	var envErr *auth.EnvError
	if _, err := sobjects.NewFromEnv(testCtx(t)); !errors.As(err, &envErr) {
		t.Fatalf("no credentials: %v", err)
	}
}

func TestLimits(t *testing.T) {
	for header, want := range map[string]string{
		"api-usage=18/5000": "api-usage 18/5000 ",
		"api-usage=25/5000; per-app-api-usage=17/250(appName=sample-connected-app)": "api-usage 25/5000 |per-app-api-usage 17/250 sample-connected-app",
		"api-usage=10018/100000; api-bursts=1/750":                                  "api-usage 10018/100000 |api-bursts 1/750 ",
		" api-usage = 1 / 2 ;garbage; x=1; y=a/b;":                                  "api-usage 1/2 ",
	} {
		l, ok := sobjects.ParseLimitInfo(header)
		var parts []string
		for _, u := range l.Usages {
			parts = append(parts, fmt.Sprintf("%s %d/%d %s", u.Name, u.Used, u.Max, u.App))
		}
		if got := strings.Join(parts, "|"); !ok || got != want || l.APIUsage != l.Usages[0] {
			t.Errorf("ParseLimitInfo(%q) = %q, want %q", header, got, want)
		}
	}
	if _, ok := sobjects.ParseLimitInfo("nonsense"); ok {
		t.Error("nonsense parsed")
	}
	if u, ok := (sobjects.Limits{Usages: []sobjects.Usage{{Name: "api-bursts", Used: 1, Max: 750}}}).Get("api-bursts"); !ok || u.Max != 750 {
		t.Error("Get")
	}

	c, mock := newClient(t)
	if _, ok := c.LastLimits(); ok {
		t.Error("limits before any call")
	}
	usage := 100
	page := func(next string) httpmock.Responder {
		return func(*http.Request) (*http.Response, error) {
			usage++
			r := sfResponse(200, queryPage(2, next, accountJSON(acctID, "A")))
			r.Header.Set("Sforce-Limit-Info", fmt.Sprintf("api-usage=%d/15000; per-app-api-usage=3/250(appName=typedforce)", usage))
			return r, nil
		}
	}
	mock.RegisterResponder("GET", base+"/query", page(loc1))
	mock.RegisterResponder("GET", instance+loc1, page(""))
	var seen []int64
	for _, err := range sobjects.Query[sampleorg.Account](testCtx(t), c, "SELECT Id FROM Account",
		sobjects.OnLimits(func(l sobjects.Limits) { seen = append(seen, l.APIUsage.Used) })) {
		if err != nil {
			t.Fatal(err)
		}
	}
	l, ok := c.LastLimits()
	if fmt.Sprint(seen) != "[101 102]" || !ok || l.APIUsage.Used != 102 || l.APIUsage.Max != 15000 {
		t.Fatalf("seen %v, last %+v", seen, l)
	}
	if u, _ := l.Get("per-app-api-usage"); u.App != "typedforce" {
		t.Fatalf("per-app = %+v", u)
	}
}

func TestGenEscapeHatch(t *testing.T) {
	c, mock := newClient(t)
	mock.RegisterResponder("GET", base+"/limits", func(req *http.Request) (*http.Response, error) {
		if req.Header.Get("Authorization") != "Bearer "+token {
			t.Error("unauthorized request through Gen")
		}
		return sfResponse(200, `{"DailyApiRequests":{"Max":15000,"Remaining":14998}}`), nil
	})
	resp, err := c.Gen().Limits(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if l, ok := c.LastLimits(); !ok || l.APIUsage.Used != 18 {
		t.Fatalf("limits of a Gen call not recorded: %+v", l)
	}
}

// TestAPIVersionMatchesGenerator keeps one default API version for the
// whole product: the client, the generator and typedforce describe.
func TestAPIVersionMatchesGenerator(t *testing.T) {
	if sobjects.DefaultAPIVersion != sfgen.DefaultAPIVersion {
		t.Errorf("sobjects.DefaultAPIVersion = %s, sfgen.DefaultAPIVersion = %s: keep them equal", sobjects.DefaultAPIVersion, sfgen.DefaultAPIVersion)
	}
}
