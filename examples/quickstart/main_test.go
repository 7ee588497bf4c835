package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/typedforce/typedforce/sftest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// want is the demo's output on the fake org, as the README shows it.
const want = `typedforce quickstart: the embedded fake org at https://fake.my.salesforce.com (set SF_* to use a real org)

1. Typed CRUD (structs generated from the org's describes)
   create  Account 001xx0000000001AAA
   get     Name="Acme Rockets" Phone="+1 415 555 0100" Industry=Energy
   update  Phone cleared: Phone=null
   upsert  Widget__c External_Id__c=W-1001 Status__c=Draft: created a01xx0000000001AAA
   upsert  Widget__c External_Id__c=W-1001 Status__c=Active: updated a01xx0000000001AAA
   delete  Account 001xx0000000001AAA; a get now: 404 NOT_FOUND
   a contact without LastName: 400 REQUIRED_FIELD_MISSING [LastName]

2. Paginated query
   created 450 contacts with sObject Collections (3 requests)
   SELECT Id, Name, Account.Name FROM Contact WHERE Account.Name = 'Globex' ORDER BY LastName DESC
   450 records in 3 pages of up to 200: "Demo Contact 450" … "Demo Contact 001"

3. Session expiry
   session expired, then 500 concurrent calls: 500 succeeded, 0 failed
   token refreshes: 1
`

// clearEnv unsets the SF_* variables for the test.
func clearEnv(t *testing.T) {
	for _, v := range []string{"SF_ACCESS_TOKEN", "SF_INSTANCE_URL", "SF_REFRESH_TOKEN", "SF_USERNAME", "SF_JWT_KEY_FILE",
		"SF_JWT_AUDIENCE", "SF_CLIENT_ID", "SF_CLIENT_SECRET", "SF_LOGIN_URL", "SF_API_VERSION"} {
		t.Setenv(v, "")
	}
}

func TestDemoOnTheFakeOrg(t *testing.T) {
	clearEnv(t)
	var out bytes.Buffer
	if err := run(context.Background(), &out, false); err != nil {
		t.Fatal(err)
	}
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
}

// TestDemoOnARealOrg runs the real-org path against a loopback fake org
// named by the SF_* variables: read-only by default, writes with -write.
func TestDemoOnARealOrg(t *testing.T) {
	clearEnv(t)
	org := sftest.NewServer(t)
	for k, v := range org.Env() {
		t.Setenv(k, v)
	}
	if _, err := org.Insert("Account", map[string]any{"Name": "Existing"}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), &out, false); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"a real org (SF_* variables), read-only", `first Account: "Existing", owner "Integration User"; writes skipped`,
		"0 records in 1 pages", "skipped: a real org's session cannot be expired"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("output lacks %q:\n%s", s, out.String())
		}
	}
	if n := org.Stats().Requests[sftest.EndpointCreate]; n != 0 {
		t.Errorf("%d creates on a read-only run", n)
	}
	out.Reset()
	if err := run(context.Background(), &out, true); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "update  Phone cleared: Phone=null") || strings.Contains(out.String(), "upsert") {
		t.Errorf("write run:\n%s", out.String())
	}
}
