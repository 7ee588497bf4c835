package sobjects_test

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/typedforce/typedforce/sampleorg/picklists"
	"github.com/typedforce/typedforce/sobjects"
	"github.com/typedforce/typedforce/sobjects/sftype"
)

func TestSOQLValues(t *testing.T) {
	dt := sftype.DateTimeOf(time.Date(2024, 1, 31, 12, 0, 0, 0, time.UTC))
	berlin := time.Date(2024, 1, 31, 13, 0, 0, 123_456_789, time.FixedZone("CET", 3600))
	name := "Acme"
	var nilName *string
	industry := picklists.AccountIndustryValueBanking
	for _, tc := range []struct {
		arg  any
		want string
	}{
		{"O'Brien", `'O\'Brien'`},
		{`back\slash "quoted"`, `'back\\slash \"quoted\"'`},
		{"line\nbreak\r\ttab\b\f", `'line\nbreak\r\ttab\b\f'`},
		{"nul\x00 del\x7f c1\u0085", `'nul\u0000 del\u007f c1\u0085'`},
		{"日本語 ünïcødé 🙂", `'日本語 ünïcødé 🙂'`},
		{"50% _off", `'50% _off'`}, // a plain string keeps LIKE wildcards
		{sobjects.Contains("50%_off"), `'%50\%\_off%'`},
		{sobjects.StartsWith("O'B"), `'O\'B%'`},
		{sobjects.EndsWith(`\`), `'%\\'`},
		{"", `''`},
		{true, `true`},
		{false, `false`},
		{42, `42`},
		{int8(-7), `-7`},
		{uint64(math.MaxUint64), `18446744073709551615`},
		{1.5, `1.5`},
		{float32(0.1), `0.1`},
		{1e21, `1000000000000000000000`},
		{dt, `2024-01-31T12:00:00Z`},
		{&dt, `2024-01-31T12:00:00Z`},
		{berlin, `2024-01-31T12:00:00.123Z`},
		{sftype.DateTime{}, `NULL`},
		{time.Time{}, `NULL`},
		{sftype.Date{Year: 2024, Month: 2, Day: 29}, `2024-02-29`},
		{sftype.Date{}, `NULL`},
		{sobjects.DateLiteral("LAST_N_DAYS:30"), `LAST_N_DAYS:30`},
		{sobjects.DateLiteral("TODAY"), `TODAY`},
		{nil, `NULL`},
		{nilName, `NULL`},
		{&name, `'Acme'`},
		{industry, `'Banking'`},
		{[]string{"a", "b'c"}, `('a','b\'c')`},
		{[]any{1, "x", nil, dt}, `(1,'x',NULL,2024-01-31T12:00:00Z)`},
		{[2]int{1, 2}, `(1,2)`},
		{sftype.MultiPicklist{"four", "six"}, `'four;six'`},
		{sobjects.Ident("Owner.Name"), `Owner.Name`},
		{sobjects.IdentList{"Id", "Name", "Custom__c"}, `Id, Name, Custom__c`},
	} {
		got, err := sobjects.SOQL("X = %s", tc.arg)
		if err != nil || got != "X = "+tc.want {
			t.Errorf("SOQL(%T %v) = %q, %v; want %q", tc.arg, tc.arg, got, err, "X = "+tc.want)
		}
	}
}

func TestSOQLFormat(t *testing.T) {
	got, err := sobjects.SOQL("SELECT %s FROM %v WHERE Name LIKE 'x%%' AND Id IN %s AND Note = 'it''s %%' AND Esc = 'a\\'%%'",
		sobjects.IdentList{"Id", "Name"}, sobjects.Ident("Account"), []string{acctID, acctID2})
	want := `SELECT Id, Name FROM Account WHERE Name LIKE 'x%' AND Id IN ('` + acctID + `','` + acctID2 + `') AND Note = 'it''s %' AND Esc = 'a\'%'`
	if err != nil || got != want {
		t.Fatalf("got %q, %v\nwant %q", got, err, want)
	}
}

func TestSOQLRefuses(t *testing.T) {
	for name, tc := range map[string]struct {
		format string
		args   []any
	}{
		"quoted placeholder":  {"Name = '%s'", []any{"x"}},
		"unknown verb":        {"Name = %d", []any{1}},
		"lone percent":        {"Name LIKE 'a%'", nil},
		"trailing percent":    {"Name = %", nil},
		"missing argument":    {"A = %s AND B = %s", []any{1}},
		"extra argument":      {"A = %s", []any{1, 2}},
		"unterminated quote":  {"A = 'x", nil},
		"NaN":                 {"A = %s", []any{math.NaN()}},
		"Inf":                 {"A = %s", []any{math.Inf(-1)}},
		"empty list":          {"Id IN %s", []any{[]string{}}},
		"nested list":         {"Id IN %s", []any{[][]int{{1}}}},
		"ident injection":     {"SELECT %s FROM Account", []any{sobjects.Ident("Id FROM User --")}},
		"ident quote":         {"SELECT %s FROM Account", []any{sobjects.Ident("Name'")}},
		"ident dots":          {"SELECT %s FROM Account", []any{sobjects.Ident("Owner..Name")}},
		"ident list":          {"SELECT %s FROM Account", []any{sobjects.IdentList{"Id", "Name) FROM User"}}},
		"empty ident list":    {"SELECT %s FROM Account", []any{sobjects.IdentList{}}},
		"ident in list":       {"X IN %s", []any{[]sobjects.Ident{"Id"}}},
		"date literal":        {"D = %s", []any{sobjects.DateLiteral("TODAY OR Name != null")}},
		"date literal number": {"D = %s", []any{sobjects.DateLiteral("LAST_N_DAYS:3x")}},
		"invalid utf8":        {"A = %s", []any{"\xff'"}},
		"bytes":               {"A = %s", []any{[]byte("x")}},
		"struct":              {"A = %s", []any{struct{ X int }{1}}},
		"map":                 {"A = %s", []any{map[string]int{}}},
		"stringer":            {"A = %s", []any{time.Second}}, // a Duration is an int64 kind: refused? no: see below
		"invalid date":        {"A = %s", []any{sftype.Date{Year: 2023, Month: 2, Day: 29}}},
		"year 10000":          {"A = %s", []any{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}},
	} {
		if name == "stringer" {
			// A time.Duration is an integer kind: it formats as nanoseconds,
			// which is a number and cannot break the statement.
			if got, err := sobjects.SOQL(tc.format, tc.args...); err != nil || got != "A = 1000000000" {
				t.Errorf("Duration: %q, %v", got, err)
			}
			continue
		}
		if got, err := sobjects.SOQL(tc.format, tc.args...); !errors.Is(err, sobjects.ErrInvalidArgument) {
			t.Errorf("%s: SOQL = %q, %v; want ErrInvalidArgument", name, got, err)
		}
	}
}

// injections are values that would break out of a naively quoted literal.
var injections = []string{
	`' OR Name != '`,
	`\' OR Name != \'`,
	`\\' OR Id != null --`,
	"'\n OR Id != null",
	`%' OR Name LIKE '%`,
	`_`,
	`x'); DELETE FROM Account; --`,
	"\u2019 OR 1=1",           // a curly quote is no quote
	"\\u0027 OR Name != null", // an escape written out
	strings.Repeat(`\'`, 100),
	"'" + strings.Repeat("\\", 7) + "'",
}

func TestSOQLInjection(t *testing.T) {
	for _, s := range injections {
		checkString(t, s)
		q, err := sobjects.SOQL("SELECT Id FROM Account WHERE Name IN %s AND IsDeleted = false", []string{s, s})
		if err != nil {
			t.Fatal(err)
		}
		checkLiterals(t, q, "SELECT Id FROM Account WHERE Name IN (", ") AND IsDeleted = false", []string{s, s}, false)
	}
}

// FuzzSOQLString checks that any string becomes exactly one literal that
// reads back as the string, leaving the statement around it intact.
func FuzzSOQLString(f *testing.F) {
	for _, s := range injections {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			if q, err := sobjects.SOQL("A = %s", s); err == nil {
				t.Fatalf("invalid UTF-8 accepted: %q", q)
			}
			return
		}
		checkString(t, s)
	})
}

// checkString formats s as a plain and as a LIKE literal and checks both.
func checkString(t *testing.T, s string) {
	t.Helper()
	const prefix, suffix = "SELECT Id FROM Account WHERE Name = ", " AND IsDeleted = false"
	q, err := sobjects.SOQL(prefix+"%s"+suffix, s)
	if err != nil {
		t.Fatal(err)
	}
	checkLiterals(t, q, prefix, suffix, []string{s}, false)
	q, err = sobjects.SOQL(prefix+"%s"+suffix, sobjects.Contains(s))
	if err != nil {
		t.Fatal(err)
	}
	checkLiterals(t, q, prefix, suffix, []string{"%" + s + "%"}, true)
}

// checkLiterals checks that q is prefix, then the literals of want
// separated by commas, then suffix, each literal reading back as its want.
func checkLiterals(t *testing.T, q, prefix, suffix string, want []string, like bool) {
	t.Helper()
	middle, ok := strings.CutPrefix(q, prefix)
	if ok {
		middle, ok = strings.CutSuffix(middle, suffix)
	}
	if !ok {
		t.Fatalf("statement around the value changed: %q", q)
	}
	for i, w := range want {
		if i > 0 {
			if !strings.HasPrefix(middle, ",") {
				t.Fatalf("no comma between literals: %q", middle)
			}
			middle = middle[1:]
		}
		lit, rest := lexLiteral(t, middle, like)
		if lit != w {
			t.Fatalf("literal reads %q, want %q (in %q)", lit, w, q)
		}
		middle = rest
	}
	if middle != "" {
		t.Fatalf("text after the literals: %q in %q", middle, q)
	}
}

// lexLiteral reads a SOQL string literal at the start of s, as Salesforce
// does: backslash escapes, ending at the first unescaped quote. With like,
// \% and \_ read as % and _. Unescaped % and _ inside a like literal
// are wildcards and appear only at its ends.
func lexLiteral(t *testing.T, s string, like bool) (lit, rest string) {
	t.Helper()
	if !strings.HasPrefix(s, "'") {
		t.Fatalf("no literal at %q", s)
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\'':
			return b.String(), s[i+1:]
		case '\\':
			if i+1 == len(s) {
				t.Fatalf("dangling backslash in %q", s)
			}
			i++
			switch e := s[i]; e {
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case '"', '\'', '\\':
				b.WriteByte(e)
			case '%', '_':
				if !like {
					t.Fatalf("LIKE escape outside LIKE in %q", s)
				}
				b.WriteByte(e)
			case 'u':
				n, err := strconv.ParseUint(s[i+1:i+5], 16, 32)
				if err != nil {
					t.Fatalf("bad \\u escape in %q", s)
				}
				b.WriteRune(rune(n))
				i += 4
			default:
				t.Fatalf("invalid escape \\%c in %q", e, s)
			}
		case '%', '_':
			if like && i != 1 && (i+1 >= len(s) || s[i+1] != '\'') {
				t.Fatalf("unescaped wildcard %c inside a LIKE literal %q", c, s)
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	t.Fatalf("unterminated literal %q", s)
	return "", ""
}
