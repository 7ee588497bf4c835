package soql

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// show renders a parsed query compactly, for comparison.
func show(q *Query) string {
	var b strings.Builder
	b.WriteString("SELECT ")
	if q.Count {
		b.WriteString("COUNT()")
	}
	for i, f := range q.Fields {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(f.String())
	}
	b.WriteString(" FROM " + q.From.String())
	if q.Where != nil {
		b.WriteString(" WHERE " + showExpr(q.Where))
	}
	for i, o := range q.OrderBy {
		if i == 0 {
			b.WriteString(" ORDER BY ")
		} else {
			b.WriteString(",")
		}
		b.WriteString(o.Field.String())
		if o.Desc {
			b.WriteString(" DESC")
		}
		if o.NullsLast {
			b.WriteString(" NULLS LAST")
		}
	}
	if q.Limit >= 0 {
		b.WriteString(" LIMIT " + strconv.Itoa(q.Limit))
	}
	if q.Offset >= 0 {
		b.WriteString(" OFFSET " + strconv.Itoa(q.Offset))
	}
	return b.String()
}

func showExpr(e Expr) string {
	switch e := e.(type) {
	case *And:
		return "(" + join(e.Terms, " AND ") + ")"
	case *Or:
		return "(" + join(e.Terms, " OR ") + ")"
	case *Not:
		return "NOT " + showExpr(e.X)
	case *Compare:
		return e.Field.String() + " " + e.Op + " " + showValue(e.Value)
	case *In:
		op := " IN "
		if e.Not {
			op = " NOT IN "
		}
		vals := make([]string, len(e.Values))
		for i, v := range e.Values {
			vals[i] = showValue(v)
		}
		return e.Field.String() + op + "[" + strings.Join(vals, ",") + "]"
	}
	return "?"
}

func join(es []Expr, sep string) string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = showExpr(e)
	}
	return strings.Join(s, sep)
}

func showValue(v Value) string {
	switch v.Kind {
	case String:
		return "s" + quote(v.Str)
	case Number:
		return "n" + v.Text
	case Bool:
		if v.Bool {
			return "true"
		}
		return "false"
	case Null:
		return "null"
	case Date:
		return "d" + v.Date
	case DateTime:
		return "t" + v.DateTime.Format(time.RFC3339Nano)
	}
	return "?"
}

func quote(s string) string { return "<" + s + ">" }

func TestParse(t *testing.T) {
	tests := []struct{ in, want string }{
		{"SELECT Id FROM Account", "SELECT Id FROM Account"},
		{"select id, name from account", "SELECT id,name FROM account"},
		{"SELECT COUNT() FROM Contact", "SELECT COUNT() FROM Contact"},
		{"SELECT Account.Owner.Name FROM Contact", "SELECT Account.Owner.Name FROM Contact"},
		{"SELECT Id FROM Account WHERE Name = 'Acme'", "SELECT Id FROM Account WHERE Name = s<Acme>"},
		{"SELECT Id FROM Account WHERE Name <> 'x' AND Amount != 1", "SELECT Id FROM Account WHERE (Name != s<x> AND Amount != n1)"},
		{"SELECT Id FROM A WHERE a < 1 OR b <= -2.5 OR c > +3 OR d >= 0.25",
			"SELECT Id FROM A WHERE (a < n1 OR b <= n-2.5 OR c > n+3 OR d >= n0.25)"},
		{"SELECT Id FROM A WHERE a = null AND b = TRUE AND c = false", "SELECT Id FROM A WHERE (a = null AND b = true AND c = false)"},
		{"SELECT Id FROM A WHERE NOT a = 1", "SELECT Id FROM A WHERE NOT a = n1"},
		{"SELECT Id FROM A WHERE NOT (a = 1 OR b = 2) AND c = 3", "SELECT Id FROM A WHERE (NOT (a = n1 OR b = n2) AND c = n3)"},
		{"SELECT Id FROM A WHERE (a = 1 AND (b = 2 OR c = 3))", "SELECT Id FROM A WHERE (a = n1 AND (b = n2 OR c = n3))"},
		{"SELECT Id FROM A WHERE a IN ('x', 'y') AND b NOT IN (1,2)", "SELECT Id FROM A WHERE (a IN [s<x>,s<y>] AND b NOT IN [n1,n2])"},
		{"SELECT Id FROM A WHERE d = 2024-01-31", "SELECT Id FROM A WHERE d = d2024-01-31"},
		{"SELECT Id FROM A WHERE t > 2024-01-31T12:00:00Z", "SELECT Id FROM A WHERE t > t2024-01-31T12:00:00Z"},
		{"SELECT Id FROM A WHERE t > 2024-01-31T12:00:00+02:00", "SELECT Id FROM A WHERE t > t2024-01-31T10:00:00Z"},
		{"SELECT Id FROM A WHERE t > 2024-01-31T12:00:00.000+0000", "SELECT Id FROM A WHERE t > t2024-01-31T12:00:00Z"},
		{"SELECT Id FROM A WHERE t > 2024-01-31T12:00:00.5-0130", "SELECT Id FROM A WHERE t > t2024-01-31T13:30:00.5Z"},
		{"SELECT Id FROM A ORDER BY Name", "SELECT Id FROM A ORDER BY Name"},
		{"SELECT Id FROM A ORDER BY Name DESC, b ASC NULLS LAST, c DESC NULLS FIRST",
			"SELECT Id FROM A ORDER BY Name DESC NULLS LAST,b NULLS LAST,c DESC"},
		{"SELECT Id FROM A LIMIT 5 OFFSET 2", "SELECT Id FROM A LIMIT 5 OFFSET 2"},
		{"SELECT Id\nFROM A\n\tWHERE a = 1\r\n", "SELECT Id FROM A WHERE a = n1"},
	}
	for _, tt := range tests {
		q, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if got := show(q); got != tt.want {
			t.Errorf("Parse(%q)\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}

// TestStringLiterals covers SOQL's escapes, including the strings an
// injection would try: a quote can only end the literal when unescaped.
func TestStringLiterals(t *testing.T) {
	tests := []struct {
		lit  string // as written in the statement
		want string // decoded
		like []LikeChar
	}{
		{`'plain'`, "plain", nil},
		{`''`, "", nil},
		{`'O\'Brien'`, "O'Brien", nil},
		{`'a\\b'`, `a\b`, nil},
		{`'\\\''`, `\'`, nil},
		{`'x\' OR Name != \''`, "x' OR Name != '", nil},
		{`'tab\there\nnew\r\b\f\"q\"'`, "tab\there\nnew\r\b\f\"q\"", nil},
		{`'\N\R\T\B\F'`, "\n\r\t\b\f", nil},
		{`'caf\u00e9 \u0041'`, "café A", nil},
		{`'日本語'`, "日本語", nil},
		{`'%\%_\_'`, "%%__", []LikeChar{{Wild: AnyRun}, {R: '%'}, {Wild: AnyOne}, {R: '_'}}},
	}
	for _, tt := range tests {
		stmt := "SELECT Id FROM A WHERE Name LIKE " + tt.lit
		q, err := Parse(stmt)
		if err != nil {
			t.Errorf("%s: %v", tt.lit, err)
			continue
		}
		c, ok := q.Where.(*Compare)
		if !ok || c.Value.Kind != String {
			t.Errorf("%s: parsed as %s", tt.lit, showExpr(q.Where))
			continue
		}
		if c.Value.Str != tt.want {
			t.Errorf("%s: decoded %q, want %q", tt.lit, c.Value.Str, tt.want)
		}
		if tt.like != nil && !reflect.DeepEqual(c.Value.Like, tt.like) {
			t.Errorf("%s: pattern %+v, want %+v", tt.lit, c.Value.Like, tt.like)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in          string
		pos         int
		unsupported bool
		msg         string
	}{
		{"", 0, false, "unexpected token: <EOF>"},
		{"DELETE FROM Account", 0, false, "unexpected token: 'DELETE'"},
		{"SELECT FROM Account", 7, false, "unexpected token: 'FROM'"},
		{"SELECT Id Account", 10, true, "field aliases"},
		{"SELECT Id FROM", 14, false, "<EOF>"},
		{"SELECT Id FROM Account WHERE Name = 'x' trailing", 40, false, "unexpected token: 'trailing'"},
		{"SELECT Id FROM Account LIMIT -1", 29, false, "unexpected token: '-1'"},
		{"SELECT Id FROM Account LIMIT 1.5", 29, false, "unexpected token: '1.5'"},
		{"SELECT Id FROM Account WHERE a = 1 AND b = 2 OR c = 3", 45, false, "unexpected token: 'OR'"},
		{"SELECT Id FROM Account WHERE a = 1 OR b = 2 AND c = 3", 44, false, "unexpected token: 'AND'"},
		{"SELECT Id FROM Account WHERE (a = 1", 35, false, "<EOF>"},
		{"SELECT Id FROM Account WHERE a = 'x", 33, false, "unterminated string literal"},
		{"SELECT Id FROM Account WHERE a = 'x\\", 33, false, "unterminated string literal"},
		{"SELECT Id FROM Account WHERE a = 'x\\q'", 35, false, "Illegal character sequence '\\q'"},
		{"SELECT Id FROM Account WHERE a = 'x\\u00g1'", 35, false, "Illegal character sequence"},
		{"SELECT Id FROM Account WHERE a = 'x\\%'", 33, false, "Illegal character sequence '\\%'"},
		{"SELECT Id FROM Account WHERE a IN ('x\\_')", 35, false, "Illegal character sequence '\\_'"},
		{"SELECT Id FROM Account WHERE a LIKE 1", 36, false, "LIKE takes a string literal"},
		{"SELECT Id FROM Account WHERE a > null", 33, false, "only = and != compare to null"},
		{"SELECT Id FROM Account WHERE a = b", 33, false, "unexpected token: 'b'"},
		{"SELECT Id FROM Account WHERE a = 2024-13-01", 33, false, "invalid date"},
		{"SELECT Id FROM Account WHERE a = 2024-01-01T10:00:00", 33, false, "unexpected token: '2024-01-01T10:00:00'"},
		{"SELECT Id FROM Account WHERE a = 12abc", 33, false, "unexpected token: '12abc'"},
		{"SELECT Id FROM Account WHERE a = 'x' ; DROP", 37, false, "unexpected token: ';'"},
		{"SELECT Id FROM Account WHERE a = \"x\"", 33, false, "single quotes"},
		{"SELECT Id, COUNT() FROM Account", 11, false, "unexpected token: 'COUNT'"},
		{"SELECT COUNT(), Id FROM Account", 14, false, "unexpected token: ','"},
		{"SELECT COUNT(Id) FROM Account", 7, true, "function COUNT()"},
		{"SELECT SUM(Amount) total FROM Opportunity", 7, true, "function SUM()"},
		{"SELECT FIELDS(ALL) FROM Account", 7, true, "function FIELDS()"},
		{"SELECT Id, (SELECT Id FROM Contacts) FROM Account", 11, true, "child relationship subqueries"},
		{"SELECT TYPEOF What WHEN Account THEN Name END FROM Task", 7, true, "TYPEOF"},
		{"SELECT Id FROM Contact c, c.Account a", 23, true, "object aliases"},
		{"SELECT Id FROM Account, Contact", 22, true, "several objects in FROM"},
		{"SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact)", 36, true, "semi-join"},
		{"SELECT Id FROM Account WHERE Id IN :ids", 35, true, "bind variables"},
		{"SELECT Id FROM Account WHERE Name = :name", 36, true, "bind variables"},
		{"SELECT Id FROM Account LIMIT :n", 29, true, "bind variables"},
		{"SELECT Id FROM Account WHERE CreatedDate = YESTERDAY", 43, true, "relative date literals (YESTERDAY)"},
		{"SELECT Id FROM Account WHERE CreatedDate = last_n_days:7", 43, true, "relative date literals (LAST_N_DAYS)"},
		{"SELECT Id FROM Account WHERE DAY_ONLY(CreatedDate) = 2024-01-01", 29, true, "function DAY_ONLY() in WHERE"},
		{"SELECT Id FROM Account WHERE Colors__c INCLUDES ('a')", 39, true, "INCLUDES and EXCLUDES"},
		{"SELECT Industry FROM Account GROUP BY Industry", 29, true, "GROUP BY"},
		{"SELECT Id FROM Account WHERE a = 1 GROUP BY a", 35, true, "GROUP BY"},
		{"SELECT Id FROM Account HAVING COUNT(Id) > 1", 23, true, "HAVING"},
		{"SELECT Id FROM Account WITH SECURITY_ENFORCED", 23, true, "WITH clauses"},
		{"SELECT Id FROM Account USING SCOPE mine", 23, true, "USING SCOPE"},
		{"SELECT Id FROM Account ORDER BY Name FOR UPDATE", 37, true, "FOR UPDATE"},
		{"SELECT Id FROM Account LIMIT 1 FOR VIEW", 31, true, "FOR VIEW"},
		{"SELECT Id FROM Account ALL ROWS", 23, true, "ALL ROWS"},
		{"SELECT Id FROM Account ORDER BY toLabel(Name)", 32, true, "function TOLABEL() in ORDER BY"},
		{"SELECT Id FROM Account ORDER BY Name NULLS", 42, false, "<EOF>"},
		{"SELECT Id FROM Account ORDER BY Name LIMIT 1 WHERE a = 1", 45, false, "unexpected token: 'WHERE'"},
		{"SELECT Id FROM Account WHERE a = 1 # comment", 35, false, "unexpected token: '#'"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Parse(%q) = %v, want an *Error", tt.in, err)
			continue
		}
		if e.Pos != tt.pos || e.Unsupported != tt.unsupported || !strings.Contains(e.Msg, tt.msg) {
			t.Errorf("Parse(%q): pos %d unsupported %v %q; want pos %d unsupported %v, message with %q",
				tt.in, e.Pos, e.Unsupported, e.Msg, tt.pos, tt.unsupported, tt.msg)
		}
		if e.Unsupported && !strings.HasPrefix(e.Msg, "sftest: the fake org does not support ") {
			t.Errorf("Parse(%q): unsupported message %q does not say so", tt.in, e.Msg)
		}
	}
}

// FuzzParse checks that no statement makes the parser panic or loop, and
// that errors point inside the statement.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"SELECT Id, Account.Name FROM Contact WHERE (a = 'x\\'y' OR b IN (1, 2.5, null)) AND NOT c LIKE '%\\_%' ORDER BY Name DESC NULLS LAST LIMIT 10 OFFSET 5",
		"SELECT COUNT() FROM A WHERE d > 2024-01-31T12:00:00.000+0000 AND e = 2024-01-31",
		"SELECT Id FROM A WHERE a = 'caf\\u00e9'",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Parse(s)
		var e *Error
		switch {
		case err == nil && q == nil:
			t.Fatal("nil query without error")
		case err != nil && (!errors.As(err, &e) || e.Pos < 0 || e.Pos > len(s)):
			t.Fatalf("error %v at a position outside the statement", err)
		}
	})
}
