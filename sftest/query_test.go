package sftest_test

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/typedforce/typedforce/sftest"
)

// queryOrg seeds accounts, contacts and widgets for the query tests.
func queryOrg(t *testing.T) (*sftest.Org, *rawClient) {
	org := sftest.NewOrg(t)
	acme := insert(t, org, "Account", map[string]any{"Name": "Acme", "Industry": "Energy", "NumberOfEmployees": 120, "AnnualRevenue": 1.5e6})
	globex := insert(t, org, "Account", map[string]any{"Name": "Globex", "Industry": "Banking", "NumberOfEmployees": 40})
	insert(t, org, "Account", map[string]any{"Name": "Initech", "NumberOfEmployees": 9})
	insert(t, org, "Account", map[string]any{"Name": "100% O'Brien_s"})
	for _, c := range []map[string]any{
		{"FirstName": "Ada", "LastName": "Lovelace", "AccountId": acme, "Birthdate": "1815-12-10", "Email": "ada@acme.example"},
		{"FirstName": "Grace", "LastName": "Hopper", "AccountId": globex, "Birthdate": "1906-12-09"},
		{"LastName": "Nobody"},
	} {
		insert(t, org, "Contact", c)
	}
	insert(t, org, "Widget__c", map[string]any{"Name": "W1", "Colors__c": "Red;Blue", "Is_Active__c": true,
		"Last_Inspected_At__c": "2024-01-31T12:00:00.000+0000", "Account__c": acme})
	insert(t, org, "Widget__c", map[string]any{"Name": "W2", "Colors__c": "Blue", "Last_Inspected_At__c": "2024-02-01T09:30:00Z"})
	return org, newRaw(t, org)
}

type page struct {
	TotalSize int                          `json:"totalSize"`
	Done      bool                         `json:"done"`
	Records   []map[string]json.RawMessage `json:"records"`
}

// names runs a query and returns the values of field (as JSON) of its
// records, in order.
func (c *rawClient) column(soql, field string) []string {
	c.t.Helper()
	p := decode[page](c.t, c.expect(200, "GET", v+"/query?q="+url.QueryEscape(soql), ""))
	out := []string{}
	for _, r := range p.Records {
		var s any
		_ = json.Unmarshal(r[field], &s)
		if str, ok := s.(string); ok {
			out = append(out, str)
		} else {
			out = append(out, string(r[field]))
		}
	}
	return out
}

func TestQuerySemantics(t *testing.T) {
	_, c := queryOrg(t)
	tests := []struct {
		soql string
		want []string // Name of each record, in order
	}{
		{"SELECT Name FROM Account", []string{"Acme", "Globex", "Initech", "100% O'Brien_s"}},
		{"select name from account where name = 'ACME'", []string{"Acme"}},
		{"SELECT Name FROM Account WHERE Industry = null", []string{"Initech", "100% O'Brien_s"}},
		{"SELECT Name FROM Account WHERE Industry != null", []string{"Acme", "Globex"}},
		{"SELECT Name FROM Account WHERE Industry != 'Energy'", []string{"Globex", "Initech", "100% O'Brien_s"}},
		{"SELECT Name FROM Account WHERE Industry <> 'Energy' AND Industry != 'Banking'", []string{"Initech", "100% O'Brien_s"}},
		{"SELECT Name FROM Account WHERE NumberOfEmployees > 9", []string{"Acme", "Globex"}},
		{"SELECT Name FROM Account WHERE NumberOfEmployees >= 9 AND NumberOfEmployees < 120", []string{"Globex", "Initech"}},
		{"SELECT Name FROM Account WHERE NumberOfEmployees <= 40.5", []string{"Globex", "Initech"}},
		{"SELECT Name FROM Account WHERE AnnualRevenue = 1500000", []string{"Acme"}},
		{"SELECT Name FROM Account WHERE Name LIKE 'g%'", []string{"Globex"}},
		{"SELECT Name FROM Account WHERE Name LIKE '%e_'", []string{"Globex"}},
		{`SELECT Name FROM Account WHERE Name LIKE '100\% O\'Brien\_s'`, []string{"100% O'Brien_s"}},
		{`SELECT Name FROM Account WHERE Name LIKE '%\_%'`, []string{"100% O'Brien_s"}},
		{`SELECT Name FROM Account WHERE Name = '100% O\'Brien_s'`, []string{"100% O'Brien_s"}},
		{`SELECT Name FROM Account WHERE Name = 'Acme\' OR Name != \''`, []string{}}, // escaped quotes stay in the string
		{"SELECT Name FROM Account WHERE Industry IN ('Energy', 'banking')", []string{"Acme", "Globex"}},
		{"SELECT Name FROM Account WHERE Industry NOT IN ('Energy')", []string{"Globex", "Initech", "100% O'Brien_s"}},
		{"SELECT Name FROM Account WHERE Industry IN ('Energy', null)", []string{"Acme", "Initech", "100% O'Brien_s"}},
		{"SELECT Name FROM Account WHERE NOT Name = 'Acme'", []string{"Globex", "Initech", "100% O'Brien_s"}},
		{"SELECT Name FROM Account WHERE (Industry = 'Energy' OR Industry = 'Banking') AND NumberOfEmployees > 50", []string{"Acme"}},
		{"SELECT Name FROM Account WHERE Industry = 'Energy' OR (NumberOfEmployees < 10 AND NOT (Name LIKE 'X%'))", []string{"Acme", "Initech"}},
		{"SELECT Name FROM Account ORDER BY Name DESC", []string{"Initech", "Globex", "Acme", "100% O'Brien_s"}},
		{"SELECT Name FROM Account ORDER BY Industry", []string{"Initech", "100% O'Brien_s", "Globex", "Acme"}},
		{"SELECT Name FROM Account ORDER BY Industry NULLS LAST, Name", []string{"Globex", "Acme", "100% O'Brien_s", "Initech"}},
		{"SELECT Name FROM Account ORDER BY Industry DESC", []string{"Acme", "Globex", "Initech", "100% O'Brien_s"}},
		{"SELECT Name FROM Account ORDER BY Industry DESC NULLS FIRST, Name DESC", []string{"Initech", "100% O'Brien_s", "Acme", "Globex"}},
		{"SELECT Name FROM Account ORDER BY NumberOfEmployees ASC NULLS LAST LIMIT 2", []string{"Initech", "Globex"}},
		{"SELECT Name FROM Account ORDER BY Name LIMIT 2 OFFSET 1", []string{"Acme", "Globex"}},
		{"SELECT Name FROM Account LIMIT 0", []string{}},
		{"SELECT Name FROM Contact WHERE Birthdate < 1900-01-01", []string{"Ada Lovelace"}},
		{"SELECT Name FROM Contact WHERE Birthdate != null ORDER BY Birthdate DESC", []string{"Grace Hopper", "Ada Lovelace"}},
		{"SELECT Name FROM Contact WHERE Account.Industry = 'Banking'", []string{"Grace Hopper"}},
		{"SELECT Name FROM Contact WHERE Account.Name = null", []string{"Nobody"}},
		{"SELECT Name FROM Contact ORDER BY Account.Name DESC NULLS LAST", []string{"Grace Hopper", "Ada Lovelace", "Nobody"}},
		{"SELECT Name FROM Widget__c WHERE Last_Inspected_At__c > 2024-01-31T12:00:00Z", []string{"W2"}},
		{"SELECT Name FROM Widget__c WHERE Last_Inspected_At__c >= 2024-01-31T13:00:00+01:00", []string{"W1", "W2"}},
		{"SELECT Name FROM Widget__c WHERE Last_Inspected_At__c < 2024-02-01T09:30:00.000+0000", []string{"W1"}},
		{"SELECT Name FROM Widget__c WHERE Is_Active__c = TRUE", []string{"W1"}},
		{"SELECT Name FROM Widget__c WHERE Is_Active__c = false", []string{"W2"}},
		{"SELECT Name FROM Widget__c WHERE Colors__c = 'blue;red'", []string{"W1"}},
		{"SELECT Name FROM Widget__c WHERE Account__r.Name LIKE 'ac%'", []string{"W1"}},
	}
	for _, tt := range tests {
		t.Run(tt.soql, func(t *testing.T) {
			c := c.with(t)
			if got := c.column(tt.soql, "Name"); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestQueryRelationships(t *testing.T) {
	org, c := queryOrg(t)
	b := c.expect(200, "GET", v+"/query?q="+url.QueryEscape(
		"SELECT Name, Account.Name, Account.Owner.Name, Account.Id FROM Contact WHERE LastName != 'Hopper' ORDER BY LastName"), "")
	want := `{"totalSize":2,"done":true,"records":[` +
		`{"attributes":{"type":"Contact","url":"/services/data/v67.0/sobjects/Contact/003xx0000000001AAA"},"Name":"Ada Lovelace",` +
		`"Account":{"attributes":{"type":"Account","url":"/services/data/v67.0/sobjects/Account/001xx0000000001AAA"},"Name":"Acme",` +
		`"Owner":{"attributes":{"type":"User","url":"/services/data/v67.0/sobjects/User/005xx0000000001AAA"},"Name":"Integration User"},` +
		`"Id":"001xx0000000001AAA"}},` +
		`{"attributes":{"type":"Contact","url":"/services/data/v67.0/sobjects/Contact/003xx0000000003AAA"},"Name":"Nobody","Account":null}]}`
	if string(b) != want {
		t.Errorf("got\n%s\nwant\n%s", b, want)
	}
	// Polymorphic: Task.Who is a Contact or a Lead.
	ada := "003xx0000000001AAA"
	insert(t, org, "Task", map[string]any{"Subject": "Call", "WhoId": ada})
	b = c.expect(200, "GET", v+"/query?q="+url.QueryEscape("SELECT Who.Name, What.Name FROM Task"), "")
	if !strings.Contains(string(b), `"Who":{"attributes":{"type":"Contact","url":"/services/data/v67.0/sobjects/Contact/003xx0000000001AAA"},"Name":"Ada Lovelace"},"What":null`) {
		t.Errorf("polymorphic: %s", b)
	}
	// queryAll sees deleted records, query does not.
	c.expect(204, "DELETE", v+"/sobjects/Contact/"+ada, "")
	if got := c.column("SELECT Name FROM Contact", "Name"); len(got) != 2 {
		t.Errorf("query after delete: %q", got)
	}
	p := decode[page](t, c.expect(200, "GET", v+"/queryAll?q="+url.QueryEscape("SELECT Name, IsDeleted FROM Contact WHERE IsDeleted = true"), ""))
	if p.TotalSize != 1 || string(p.Records[0]["IsDeleted"]) != "true" {
		t.Errorf("queryAll: %+v", p)
	}
	// A compound field can be selected.
	b = c.expect(200, "GET", v+"/query?q="+url.QueryEscape("SELECT MailingAddress FROM Contact LIMIT 1"), "")
	if !strings.Contains(string(b), `"MailingAddress":null`) {
		t.Errorf("compound: %s", b)
	}
}

// TestQueryErrors checks that what the fake does not support is an error
// naming it, and that mistakes fail as in Salesforce.
func TestQueryErrors(t *testing.T) {
	_, c := queryOrg(t)
	tests := []struct {
		soql, code, message string
	}{
		{"SELECT Name, COUNT(Id) FROM Account GROUP BY Name", "MALFORMED_QUERY", "does not support function COUNT()"},
		{"SELECT Industry FROM Account GROUP BY Industry", "MALFORMED_QUERY", "does not support GROUP BY"},
		{"SELECT Name, (SELECT LastName FROM Contacts) FROM Account", "MALFORMED_QUERY", "does not support child relationship subqueries"},
		{"SELECT Name FROM Account WHERE Id IN (SELECT AccountId FROM Contact)", "MALFORMED_QUERY", "does not support semi-join subqueries"},
		{"SELECT Name FROM Account WHERE CreatedDate = TODAY", "MALFORMED_QUERY", "does not support relative date literals (TODAY)"},
		{"SELECT Name FROM Account WHERE CreatedDate > LAST_N_DAYS:30", "MALFORMED_QUERY", "relative date literals (LAST_N_DAYS)"},
		{"SELECT toLabel(Industry) FROM Account", "MALFORMED_QUERY", "does not support function TOLABEL()"},
		{"SELECT Name FROM Account WHERE CALENDAR_YEAR(CreatedDate) = 2024", "MALFORMED_QUERY", "function CALENDAR_YEAR() in WHERE"},
		{"SELECT TYPEOF What WHEN Account THEN Name END FROM Task", "MALFORMED_QUERY", "does not support TYPEOF"},
		{"SELECT Name FROM Account WHERE Name = :name", "MALFORMED_QUERY", "bind variables"},
		{"SELECT Name FROM Account a", "MALFORMED_QUERY", "object aliases"},
		{"SELECT Name FROM Account WITH SECURITY_ENFORCED", "MALFORMED_QUERY", "WITH clauses"},
		{"SELECT Name FROM Account FOR UPDATE", "MALFORMED_QUERY", "FOR VIEW, FOR REFERENCE and FOR UPDATE"},
		{"SELECT Name FROM Widget__c WHERE Colors__c INCLUDES ('Red')", "MALFORMED_QUERY", "INCLUDES and EXCLUDES"},
		{"SELECT Name FROM Widget__c WHERE Total_Weight__c > 1", "MALFORMED_QUERY", "does not evaluate formula fields"},
		{"SELECT Name FROM Account WHERE Name = 'a' AND Name = 'b' OR Name = 'c'", "MALFORMED_QUERY", "unexpected token: 'OR'"},
		{"SELECT Name FROM Account WHERE", "MALFORMED_QUERY", "unexpected token: <EOF>"},
		{"SELECT Name FROM Account WHERE Name = 'Acme'' OR Name != '''", "MALFORMED_QUERY", "unexpected token: '' OR Name != ''"},
		{"SELECT Name FROM Account WHERE Name = \"Acme\"", "MALFORMED_QUERY", "single quotes"},
		{"SELECT Name FROM Account WHERE Name = 'a\\x'", "MALFORMED_QUERY", "Illegal character sequence '\\x'"},
		{"SELECT Name FROM Account WHERE Name = 'a\\_b'", "MALFORMED_QUERY", "Illegal character sequence '\\_'"},
		{"SELECT Name FROM Account WHERE Name = 'open", "MALFORMED_QUERY", "unterminated string literal"},
		{"SELECT Name FROM Widget__c WHERE Last_Inspected_At__c > 2024-01-31T12:00:00 05:00", "MALFORMED_QUERY", "unexpected token"},
		{"SELECT Name FROM Account OFFSET 2001", "NUMBER_OUTSIDE_VALID_RANGE", "Maximum SOQL offset allowed is 2000"},
		{"SELECT Name, Name FROM Account", "MALFORMED_QUERY", "duplicate field selected: Name"},
		{"SELECT Nam FROM Account", "INVALID_FIELD", "No such column 'Nam' on entity 'Account'"},
		{"SELECT Accnt.Name FROM Contact", "INVALID_FIELD", "Didn't understand relationship 'Accnt'"},
		{"SELECT RecordType.Name FROM Account", "INVALID_FIELD", "sftest: the fake org has no describe of RecordType"},
		{"SELECT Name FROM Acount", "INVALID_TYPE", "sObject type 'Acount' is not supported"},
		{"SELECT Name FROM Account WHERE NumberOfEmployees = '5'", "INVALID_QUERY_FILTER_OPERATOR",
			"value of filter criterion for field 'NumberOfEmployees' must be of type integer and should not be enclosed in quotes"},
		{"SELECT Name FROM Account WHERE Name = 5", "INVALID_QUERY_FILTER_OPERATOR", "must be of type string and should be enclosed in quotes"},
		{"SELECT Name FROM Contact WHERE Birthdate = 2024-01-01T00:00:00Z", "INVALID_QUERY_FILTER_OPERATOR", "must be of type date"},
		{"SELECT Name FROM Account WHERE Id = 'nope'", "INVALID_QUERY_FILTER_OPERATOR", "invalid ID field: nope"},
		{"SELECT Name FROM Account WHERE Id LIKE '001%'", "INVALID_QUERY_FILTER_OPERATOR", "invalid operator on id field"},
		{"SELECT Name FROM Widget__c WHERE Is_Active__c > false", "INVALID_QUERY_FILTER_OPERATOR", "invalid operator on boolean field"},
		{"SELECT Name FROM Account WHERE Name < null", "MALFORMED_QUERY", "only = and != compare to null"},
		{"SELECT Name FROM Contact WHERE Description = 'x'", "INVALID_FIELD", "field 'Description' can not be filtered in a query call"},
		{"SELECT Name FROM Account ORDER BY BillingAddress", "INVALID_FIELD", "field 'BillingAddress' can not be sorted"},
	}
	for _, tt := range tests {
		t.Run(tt.soql, func(t *testing.T) {
			e := c.with(t).expectError(400, tt.code, "GET", v+"/query?q="+url.QueryEscape(tt.soql), "")
			if !strings.Contains(e.Message, tt.message) {
				t.Errorf("message %q lacks %q", e.Message, tt.message)
			}
		})
	}
	// A + sent unencoded in a datetime literal becomes a space.
	e := c.expectError(400, "MALFORMED_QUERY", "GET", v+"/query?q=SELECT+Name+FROM+Widget__c+WHERE+Last_Inspected_At__c+>+2024-01-31T12:00:00+05:00", "")
	if !strings.Contains(e.Message, "ERROR at Row:1:Column:") {
		t.Errorf("message %q", e.Message)
	}
	c.expectError(400, "MALFORMED_QUERY", "GET", v+"/query", "")
}
