package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/typedforce/typedforce/internal/describe"
	"github.com/typedforce/typedforce/internal/pull"
	"github.com/typedforce/typedforce/internal/sfgen"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// queryable are the files of a pull of every queryable object of the fake
// org: the bundled org, Gadget__c, and not GadgetChangeEvent.
var queryable = []string{"Account.json", "Case.json", "Contact.json", "Gadget__c.json", "Lead.json",
	"Opportunity.json", "Task.json", "User.json", "Widget__c.json"}

// describeFiles lists the <Name>.json files of dir.
func describeFiles(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	for name := range snapshot(t, dir) {
		if strings.HasSuffix(name, ".json") && !strings.HasPrefix(name, "_") {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// modTimes maps every file of dir to its modification time.
func modTimes(t *testing.T, dir string) map[string]time.Time {
	t.Helper()
	times := map[string]time.Time{}
	for name := range snapshot(t, dir) {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		times[name] = st.ModTime()
	}
	return times
}

// noSecrets fails when any output holds a token or a secret of the fake org.
func noSecrets(t *testing.T, r result) {
	t.Helper()
	for _, s := range []string{fakeTokenPrefix, fakeRefreshToken, fakeClientSecret} {
		if strings.Contains(r.stdout+r.stderr, s) {
			t.Errorf("output holds a secret %q:\n%s%s", s, r.stdout, r.stderr)
		}
	}
}

// TestDescribePull: a pull of every queryable object writes the bundled
// org's files byte for byte (the ui* URLs dropped, Salesforce's key order
// and escapes kept), the manifest, and nothing else; generate reads them.
func TestDescribePull(t *testing.T) {
	f := newFakeOrg(t)
	f.env(t)
	dir := filepath.Join(t.TempDir(), "schema", "describe")

	r := runCmd("describe", "-out", dir)
	r.check(t, 0)
	noSecrets(t, r)
	if want := "described 9 objects into " + dir + ": 9 written, 0 unchanged; 10 API requests, 1 token request"; !strings.Contains(r.stdout, want) {
		t.Errorf("stdout %q, want %q", r.stdout, want)
	}
	if got := describeFiles(t, dir); !slices.Equal(got, queryable) {
		t.Errorf("files %v, want %v", got, queryable)
	}
	files := snapshot(t, dir)
	delete(files, ".")
	if len(files) != len(queryable)+1 || files[pull.ManifestFile] == "" {
		t.Errorf("folder holds %v, want the describes and %s only", slices.Sorted(maps.Keys(files)), pull.ManifestFile)
	}
	for name, want := range snapshot(t, bundled) {
		if filepath.Ext(name) == ".json" && files[name] != want {
			t.Errorf("%s differs from the bundled org's file", name)
		}
	}
	gadget := files["Gadget__c.json"]
	for _, want := range []string{
		"{\n  \"custom\": true,\n  \"fields\": [\n    {\n      \"name\": \"Id\",", // Salesforce's order, two spaces
		`"inlineHelpText": "caf\u00e9 \"quoted\" <b> é"`,                          // escapes as sent
		`"urls": {
    "sobject": "/services/data/v62.0/sobjects/Gadget__c",
    "describe": "/services/data/v62.0/sobjects/Gadget__c/describe"
  }
}
`,
		`"layout": "/services/data/v62.0/sobjects/Gadget__c/describe/layouts/012000000000000AAA"`,
	} {
		if !strings.Contains(gadget, want) {
			t.Errorf("Gadget__c.json does not contain %q:\n%s", want, gadget)
		}
	}
	for name, data := range files {
		if strings.Contains(data, "ui") && strings.Contains(data, f.srv.URL) || strings.Contains(data, "127.0.0.1") {
			t.Errorf("%s holds the org's host", name)
		}
	}
	objs, err := describe.LoadDir(dir)
	if err != nil || len(objs) != len(queryable) {
		t.Fatalf("LoadDir: %d objects, %v", len(objs), err)
	}
	tokens, api, describes, _ := f.counts()
	if tokens != 1 || api != 10 || describes != 9 {
		t.Errorf("org saw %d token, %d API, %d describe requests; want 1, 10, 9", tokens, api, describes)
	}

	// Step two of the README: generate from the pulled folder (two objects,
	// to keep the test short).
	cfg := filepath.Join(t.TempDir(), "typedforce.yaml")
	writeFile(t, cfg, []byte("include: [Account, Gadget__c]\n"))
	out := filepath.Join(moduleDir(t), "sfmodel")
	r = runCmd("generate", "-config", cfg, "-describe", dir, "-out", out)
	r.check(t, 0)
	checkOutput(t, out, "sfmodel", filepath.Join(out, "openapi.yaml"), "Account", "GadgetC")
}

// TestDescribeRepull: a re-pull of an unchanged org costs one 304 per
// object and changes no file, not even a modification time; a changed
// object is fetched and rewritten alone; a file edited by hand is fetched in
// full and restored.
func TestDescribeRepull(t *testing.T) {
	f := newFakeOrg(t)
	f.env(t)
	dir := filepath.Join(t.TempDir(), "describe")
	runCmd("describe", "-out", dir).check(t, 0)
	f.counts()
	before, times := snapshot(t, dir), modTimes(t, dir)

	r := runCmd("describe", "-out", dir)
	r.check(t, 0)
	tokens, api, describes, notModified := f.counts()
	t.Logf("re-pull of an unchanged org with %d objects: %d API requests (%d answered 304), %d token request", len(queryable), api, notModified, tokens)
	if api != len(queryable)+1 || notModified != len(queryable) || describes != len(queryable) || tokens != 1 {
		t.Errorf("re-pull: %d API requests, %d not modified, %d token requests; want %d, %d, 1", api, notModified, tokens, len(queryable)+1, len(queryable))
	}
	if want := "0 written, 9 unchanged (9 not modified); 10 API requests, 1 token request"; !strings.Contains(r.stdout, want) {
		t.Errorf("stdout %q, want %q", r.stdout, want)
	}
	if after := snapshot(t, dir); !maps.Equal(before, after) {
		t.Errorf("re-pull changed files: %v -> %v", slices.Sorted(maps.Keys(before)), slices.Sorted(maps.Keys(after)))
	}
	if after := modTimes(t, dir); !maps.Equal(times, after) {
		t.Errorf("re-pull touched files")
	}

	// Without the cache (-force): every describe in full, still no change.
	r = runCmd("describe", "-out", dir, "-force")
	r.check(t, 0)
	if _, _, describes, notModified := f.counts(); notModified != 0 || describes != len(queryable) {
		t.Errorf("-force: %d describes, %d not modified", describes, notModified)
	}
	if after := snapshot(t, dir); !maps.Equal(before, after) {
		t.Errorf("-force re-pull of an unchanged org changed files")
	}

	// A new field on Widget__c: that file alone changes.
	f.change("Widget__c", func(b []byte) []byte {
		return bytes.Replace(b, []byte(`"fields":[`), []byte(`"fields":[{"name":"Color__c","type":"string","custom":true},`), 1)
	})
	r = runCmd("describe", "-out", dir)
	r.check(t, 0)
	if !strings.Contains(r.stdout, "1 written, 8 unchanged (8 not modified)") {
		t.Errorf("stdout %q", r.stdout)
	}
	after := snapshot(t, dir)
	for name := range before {
		changed := before[name] != after[name]
		if changed != (name == "Widget__c.json" || name == pull.ManifestFile) {
			t.Errorf("%s changed: %v", name, changed)
		}
	}
	if !strings.Contains(after["Widget__c.json"], `"name": "Color__c"`) {
		t.Errorf("Widget__c.json lacks the new field")
	}

	// A file edited by hand no longer matches the manifest: fetched in full.
	// (So is Widget__c: the fake org dates its change in the future.)
	edited := filepath.Join(dir, "Account.json")
	writeFile(t, edited, []byte("{}\n"))
	f.counts()
	runCmd("describe", "-out", dir).check(t, 0)
	if _, _, _, notModified := f.counts(); notModified != len(queryable)-2 {
		t.Errorf("%d not modified, want all but the edited file and Widget__c", notModified)
	}
	if got := snapshot(t, dir)["Account.json"]; got != before["Account.json"] {
		t.Errorf("the edited Account.json was not restored")
	}

	// Another user (or org) pulling into the same folder does not trust the
	// cache.
	f.identity = "005xx000001OtherAAA"
	runCmd("describe", "-out", dir).check(t, 0)
	if _, _, _, notModified := f.counts(); notModified != 0 {
		t.Errorf("another user's pull got %d answers 304, want none", notModified)
	}
}

// TestDescribeSurvivesExpiry: the session expires in the middle of a pull,
// while four describes are in flight, or twice in a sequential pull; every
// file is written and each expiry costs one token request.
//
// (Two expiries within one request's retry would fail that request: the
// session retries a request once. Real sessions live for hours.)
func TestDescribeSurvivesExpiry(t *testing.T) {
	tests := []struct {
		parallel string
		expireAt []int
	}{
		{"4", []int{3}},
		{"1", []int{2, 5}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("parallel %s, %d expiries", tt.parallel, len(tt.expireAt)), func(t *testing.T) {
			f := newFakeOrg(t)
			f.env(t)
			f.expireAt = tt.expireAt
			dir := filepath.Join(t.TempDir(), "describe")
			r := runCmd("describe", "-out", dir, "-parallel", tt.parallel)
			r.check(t, 0)
			noSecrets(t, r)
			if got := describeFiles(t, dir); !slices.Equal(got, queryable) {
				t.Errorf("files %v, want %v", got, queryable)
			}
			files := snapshot(t, dir)
			for name, want := range snapshot(t, bundled) {
				if filepath.Ext(name) == ".json" && files[name] != want {
					t.Errorf("%s differs from the bundled org's file", name)
				}
			}
			f.mu.Lock()
			rejected := f.rejected
			f.mu.Unlock()
			tokens, api, _, _ := f.counts()
			if want := 1 + len(tt.expireAt); tokens != want {
				t.Errorf("%d token requests for %d expiries, want %d (the first token and one per expiry)", tokens, len(tt.expireAt), want)
			}
			if rejected < len(tt.expireAt) || api != 10+rejected {
				t.Errorf("%d API requests with %d rejected, want 10 plus one retry per rejection", api, rejected)
			}
			if want := fmt.Sprintf("%d API requests, %d token requests", api, tokens); !strings.Contains(r.stdout, want) {
				t.Errorf("stdout %q does not say %q", r.stdout, want)
			}
		})
	}
}

// TestDescribeObjects: -objects names objects in any case (non-queryable
// ones too); the files take the org's spelling.
func TestDescribeObjects(t *testing.T) {
	f := newFakeOrg(t)
	f.env(t)
	dir := t.TempDir()
	r := runCmd("describe", "-out", dir, "-objects", "account, gadgetchangeevent,ACCOUNT,,Widget__C")
	r.check(t, 0)
	if got, want := describeFiles(t, dir), []string{"Account.json", "GadgetChangeEvent.json", "Widget__c.json"}; !slices.Equal(got, want) {
		t.Errorf("files %v, want %v", got, want)
	}
}

// TestDescribeUnknownObjects: names the org does not have fail the pull
// before any describe, with close matches.
func TestDescribeUnknownObjects(t *testing.T) {
	f := newFakeOrg(t)
	f.env(t)
	dir := filepath.Join(t.TempDir(), "describe")
	r := runCmd("describe", "-out", dir, "-objects", "Acount,Gadget,Contact,Xyzzy")
	r.check(t, 1,
		"3 objects failed:",
		"Acount: unknown object; did you mean Account?",
		"Gadget: unknown object; did you mean Gadget__c?",
		"Xyzzy: unknown object; run typedforce objects to list the org's objects",
		"no file was changed")
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the folder was created (%v)", err)
	}
	if _, api, describes, _ := f.counts(); api != 1 || describes != 0 {
		t.Errorf("%d API requests, %d describes; want the global describe only", api, describes)
	}
}

// TestDescribeFailures: credentials, permissions, limits and bad answers
// fail with exit 1 and a message naming the cause; the folder, absent or
// holding an earlier pull, is as it was; no secret is printed.
func TestDescribeFailures(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(t *testing.T, f *fakeOrg)
		args   []string
		stderr []string
	}{
		{"revoked refresh token", func(t *testing.T, f *fakeOrg) { t.Setenv("SF_REFRESH_TOKEN", "revoked") },
			nil, []string{"bad credential", "invalid_grant", "expired access/refresh token", "SF_*"}},
		{"static token rejected", func(t *testing.T, f *fakeOrg) {
			t.Setenv("SF_REFRESH_TOKEN", "")
			t.Setenv("SF_ACCESS_TOKEN", fakeTokenPrefix+"-dead")
			t.Setenv("SF_INSTANCE_URL", f.srv.URL)
		}, nil, []string{"bad credential: the org rejected the access token, which cannot be renewed", "SF_ACCESS_TOKEN", "SF_*"}},
		{"every token rejected", func(t *testing.T, f *fakeOrg) { f.rejectAll = true },
			nil, []string{"bad credential: INVALID_SESSION_ID: Session expired or invalid (HTTP 401)", "again after a token refresh", "SF_*"}},
		{"no credentials", func(t *testing.T, f *fakeOrg) {
			for _, v := range []string{"SF_LOGIN_URL", "SF_CLIENT_ID", "SF_CLIENT_SECRET", "SF_REFRESH_TOKEN"} {
				t.Setenv(v, "")
			}
		}, nil, []string{"no Salesforce credentials", "SF_INSTANCE_URL"}},
		{"permission", func(t *testing.T, f *fakeOrg) {
			f.failures["widget__c"] = fakeFailure{403, "application/json", `[{"errorCode":"INSUFFICIENT_ACCESS","message":"insufficient access rights on object id"}]`}
			f.failures["case"] = fakeFailure{404, "application/json", `[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]`}
		}, []string{"-objects", "Case,Gadget__c,Widget__c"}, []string{"2 objects failed:", "Case: permission denied: NOT_FOUND", "HTTP 404",
			"Widget__c: permission denied: INSUFFICIENT_ACCESS: insufficient access rights on object id (HTTP 403)", "exclude it"}},
		{"API limit", func(t *testing.T, f *fakeOrg) { f.limitAfter = 4 },
			[]string{"-parallel", "1"}, []string{"API limit exhausted: REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded. (HTTP 403)"}},
		{"HTML error page", func(t *testing.T, f *fakeOrg) {
			f.failures["lead"] = fakeFailure{500, "text/html", "<html><body>\n<h1>Maintenance</h1></body></html>"}
		}, []string{"-objects", "Lead,Gadget__c"}, []string{"Lead: unexpected body: <html><body> <h1>Maintenance</h1></body></html> (HTTP 500)"}},
		{"truncated describe", func(t *testing.T, f *fakeOrg) {
			f.failures["contact"] = fakeFailure{200, "application/json", `{"name":"Contact","fields":[`}
		}, []string{"-objects", "Contact,Gadget__c"}, []string{"Contact: the describe is invalid JSON"}},
		{"describe generate cannot use", func(t *testing.T, f *fakeOrg) {
			f.failures["contact"] = fakeFailure{200, "application/json", `{"name":"Contact","fields":[{"name":"Id"}]}`}
		}, []string{"-objects", "Contact,Gadget__c"}, []string{"Contact: describe Contact.json", `"Id"`, `missing "type"`}},
		{"unknown API version", nil, []string{"-api-version", "99.0"},
			[]string{"API version not available", "HTTP 404", "older -api-version"}},
		{"config selecting nothing", nil, []string{"-config", "CONFIG:include: [Nothing*]\n"}, []string{"no object selected"}},
		{"bad config", nil, []string{"-config", "CONFIG:bogus: 1\n"}, []string{"bogus"}},
		{"bad SF_API_VERSION", func(t *testing.T, f *fakeOrg) { t.Setenv("SF_API_VERSION", "latest") },
			nil, []string{"SF_API_VERSION", `"latest"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeOrg(t)
			f.env(t)
			root := t.TempDir()
			existing := filepath.Join(root, "existing")
			runCmd("describe", "-q", "-out", existing, "-objects", "Account,Gadget__c").check(t, 0)
			writeFile(t, filepath.Join(existing, "notes.txt"), []byte("mine"))
			f.change("Gadget__c", func(b []byte) []byte {
				return bytes.Replace(b, []byte(`"label":"Gadget"`), []byte(`"label":"Gizmo"`), 1)
			})
			if tt.setup != nil {
				tt.setup(t, f)
			}
			args := slices.Clone(tt.args)
			for i, a := range args {
				if data, ok := strings.CutPrefix(a, "CONFIG:"); ok {
					args[i] = filepath.Join(root, "typedforce.yaml")
					writeFile(t, args[i], []byte(data))
				}
			}
			for _, out := range []string{filepath.Join(root, "absent", "describe"), existing} {
				before := snapshot(t, out)
				r := runCmd(append([]string{"describe", "-out", out}, args...)...)
				r.check(t, 1, tt.stderr...)
				noSecrets(t, r)
				if !strings.HasPrefix(r.stderr, "typedforce describe: ") || r.stdout != "" {
					t.Errorf("stdout %q, stderr %q", r.stdout, r.stderr)
				}
				if after := snapshot(t, out); !maps.Equal(before, after) {
					t.Errorf("%s changed:\nbefore %v\nafter  %v", out, slices.Sorted(maps.Keys(before)), slices.Sorted(maps.Keys(after)))
				}
			}
			if _, err := os.Stat(filepath.Join(root, "absent")); !os.IsNotExist(err) {
				t.Errorf("a failed pull created its folder (%v)", err)
			}
		})
	}
}

// TestDescribeConfig: the include/exclude patterns and the folder and API
// version of generate's configuration file; the config's apiVersion wins
// over SF_API_VERSION, the flag over both.
func TestDescribeConfig(t *testing.T) {
	f := newFakeOrg(t)
	f.env(t)
	t.Setenv("SF_API_VERSION", "99.0")
	root := t.TempDir()
	dir := filepath.Join(root, "schema")
	cfg := filepath.Join(root, "typedforce.yaml")
	writeFile(t, cfg, []byte("describe: "+dir+"\napiVersion: \""+sfgen.DefaultAPIVersion+"\"\ninclude: [\"*__c\", account, \"*Event\"]\nexclude: [widget*]\n"))
	r := runCmd("describe", "-config", cfg)
	r.check(t, 0)
	if got, want := describeFiles(t, dir), []string{"Account.json", "Gadget__c.json"}; !slices.Equal(got, want) {
		t.Errorf("files %v, want %v (queryable objects the patterns select)", got, want)
	}
	r = runCmd("describe", "-config", cfg, "-api-version", "99.0")
	r.check(t, 1, "API version not available")
}

// TestDescribeParallel: -parallel bounds the describes in flight, and
// reaches the bound (the fake org holds the first describes until as many
// are in flight).
func TestDescribeParallel(t *testing.T) {
	for _, n := range []int{1, 3} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			f := newFakeOrg(t)
			f.env(t)
			f.barrier = n
			runCmd("describe", "-q", "-out", t.TempDir(), "-parallel", fmt.Sprint(n)).check(t, 0)
			if f.maxInflight != n {
				t.Errorf("%d describes in flight at most, want %d", f.maxInflight, n)
			}
		})
	}
}

// TestDescribePrune: files of earlier pulls are kept and listed, or removed
// with -prune; files the pull did not write are never removed.
func TestDescribePrune(t *testing.T) {
	f := newFakeOrg(t)
	f.env(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "Mine.json"), []byte(`{"name":"Mine"}`))
	runCmd("describe", "-q", "-out", dir, "-objects", "Account,Contact,Lead").check(t, 0)

	r := runCmd("describe", "-out", dir, "-objects", "Account")
	r.check(t, 0)
	if want := "kept 2 files of earlier pulls that this one did not fetch (-prune removes them): Contact.json, Lead.json"; !strings.Contains(r.stdout, want) {
		t.Errorf("stdout %q, want %q", r.stdout, want)
	}
	if got, want := describeFiles(t, dir), []string{"Account.json", "Contact.json", "Lead.json", "Mine.json"}; !slices.Equal(got, want) {
		t.Errorf("files %v, want %v", got, want)
	}
	r = runCmd("describe", "-out", dir, "-objects", "Account", "-prune")
	r.check(t, 0)
	if want := "removed 2 files of earlier pulls: Contact.json, Lead.json"; !strings.Contains(r.stdout, want) {
		t.Errorf("stdout %q, want %q", r.stdout, want)
	}
	if got, want := describeFiles(t, dir), []string{"Account.json", "Mine.json"}; !slices.Equal(got, want) {
		t.Errorf("files %v, want %v", got, want)
	}
	var m struct{ Objects map[string]any }
	if err := json.Unmarshal([]byte(snapshot(t, dir)[pull.ManifestFile]), &m); err != nil || len(m.Objects) != 1 {
		t.Errorf("manifest lists %v (%v), want Account alone", m.Objects, err)
	}
}

// TestDescribeProgress: a long pull reports "N of M" on stderr, a tenth at
// a time when stderr is not a terminal; -q silences it.
func TestDescribeProgress(t *testing.T) {
	var extra []*fakeObject
	for i := range 31 {
		name := fmt.Sprintf("Thing%02d__c", i)
		extra = append(extra, objectFromDescribe(t, syntheticDescribe(name, "Thing", true, true)))
	}
	f := newFakeOrg(t, extra...)
	f.env(t)
	dir := t.TempDir()
	r := runCmd("describe", "-out", dir)
	r.check(t, 0, "typedforce describe: 40 of 40 objects\n")
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	if len(lines) != 10 || !strings.HasPrefix(lines[0], "typedforce describe: 4 of 40 objects") {
		t.Errorf("progress lines:\n%s", r.stderr)
	}
	r = runCmd("describe", "-q", "-out", dir)
	r.check(t, 0)
	if r.stdout != "" || r.stderr != "" {
		t.Errorf("-q: stdout %q, stderr %q", r.stdout, r.stderr)
	}
}

func TestDescribeUsageErrors(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "describe")
	for _, args := range [][]string{
		{"-out", dir, "-parallel", "0"},
		{"-out", dir, "-parallel", "65"},
		{"-out", dir, "-api-version", "sixty-two"},
		{"-out", dir, "extra"},
		{"-out", dir, "-bogus"},
		{},
	} {
		r := runCmd(append([]string{"describe"}, args...)...)
		r.check(t, 2)
		if r.stdout != "" || r.stderr == "" {
			t.Errorf("%v: stdout %q, stderr %q", args, r.stdout, r.stderr)
		}
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("folder created (%v)", err)
	}
	runCmd("describe", "-h").check(t, 0, "-objects", "-parallel", "-config", "-api-version", "-prune", "-force")
	runCmd("objects", "-h").check(t, 0, "-custom", "-config")
	runCmd("objects", "extra").check(t, 2, "unexpected argument")
}

// TestObjects: name, label and custom or not, in the org's order; filters.
func TestObjects(t *testing.T) {
	f := newFakeOrg(t)
	f.env(t)
	r := runCmd("objects")
	r.check(t, 0)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 11 || strings.Join(strings.Fields(lines[0]), " ") != "NAME LABEL CUSTOM" {
		t.Fatalf("objects:\n%s", r.stdout)
	}
	for _, want := range []string{"Account Account no", "Gadget__c Gadget yes", "GadgetChangeEvent Change Event: Gadget no", "Widget__c Widget yes"} {
		if !slices.ContainsFunc(lines, func(l string) bool { return strings.Join(strings.Fields(l), " ") == want }) {
			t.Errorf("no line %q in\n%s", want, r.stdout)
		}
	}
	r = runCmd("objects", "-custom")
	r.check(t, 0)
	if got := strings.Count(r.stdout, "\n"); got != 3 {
		t.Errorf("-custom: %d lines, want header + 2:\n%s", got, r.stdout)
	}
	r = runCmd("objects", "-queryable")
	r.check(t, 0)
	if strings.Contains(r.stdout, "GadgetChangeEvent") {
		t.Errorf("-queryable lists GadgetChangeEvent")
	}
	cfg := filepath.Join(t.TempDir(), "c.yaml")
	writeFile(t, cfg, []byte("include: [\"*__c\"]\n"))
	r = runCmd("objects", "-config", cfg)
	r.check(t, 0)
	if got := strings.Count(r.stdout, "\n"); got != 3 {
		t.Errorf("-config: %d lines, want header + 2:\n%s", got, r.stdout)
	}

	t.Setenv("SF_REFRESH_TOKEN", "revoked")
	r = runCmd("objects")
	r.check(t, 1, "typedforce objects: bad credential")
	noSecrets(t, r)
}

// TestDescribeHostileInput: names from the org or from the manifest never
// reach outside the folder.
func TestDescribeHostileInput(t *testing.T) {
	f := newFakeOrg(t)
	f.env(t)
	root := t.TempDir()
	dir := filepath.Join(root, "describe")
	runCmd("describe", "-q", "-out", dir, "-objects", "Gadget__c").check(t, 0)

	victim := filepath.Join(root, "victim.json")
	writeFile(t, victim, []byte("precious"))
	manifest := filepath.Join(dir, pull.ManifestFile)
	var m map[string]any
	data, err := os.ReadFile(manifest)
	if err != nil || json.Unmarshal(data, &m) != nil {
		t.Fatalf("manifest: %v", err)
	}
	sum := sha256.Sum256([]byte("precious"))
	m["objects"].(map[string]any)["../victim"] = map[string]any{"sha256": hex.EncodeToString(sum[:])}
	m["objects"].(map[string]any)["Broken"] = nil
	data, _ = json.Marshal(m)
	writeFile(t, manifest, data)
	runCmd("describe", "-q", "-out", dir, "-objects", "Gadget__c", "-prune").check(t, 0)
	if _, err := os.Stat(victim); err != nil {
		t.Errorf("-prune removed a file outside the folder: %v", err)
	}

	f.objects = append(f.objects, objectFromDescribe(t, syntheticDescribe("../Evil", "Evil", true, true)))
	r := runCmd("describe", "-out", dir)
	r.check(t, 1, `"../Evil", not an API name`)
	if _, err := os.Stat(filepath.Join(root, "Evil.json")); !os.IsNotExist(err) {
		t.Errorf("a file was written outside the folder (%v)", err)
	}
}
