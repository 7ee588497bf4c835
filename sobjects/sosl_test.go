package sobjects_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/typedforce/typedforce/sobjects"
)

const soslReserved = `?&|!{}[]()^~*:\"'+-`

func TestSOSL(t *testing.T) {
	q, err := sobjects.SOSL("FIND {%s*} IN NAME FIELDS RETURNING Account(Id WHERE Name = %s)", `Acme (EU) "x" {y}`, "O'Brien")
	want := `FIND {Acme \(EU\) \"x\" \{y\}*} IN NAME FIELDS RETURNING Account(Id WHERE Name = 'O\'Brien')`
	if err != nil || q != want {
		t.Fatalf("got  %s\nwant %s (%v)", q, want, err)
	}
	q, _ = sobjects.SOSL("FIND {%s}", "cats AND dogs")
	if q != `FIND {"cats AND dogs"}` {
		t.Errorf("operator words: %s", q)
	}
	for _, bad := range []struct {
		format string
		args   []any
	}{
		{"FIND {%s}", []any{42}},
		{"FIND {%s", []any{"x"}},
		{"FIND {x} RETURNING Account(Id WHERE Name = '%s')", []any{"x"}},
		{"FIND {%s} %d", []any{"x", 1}},
		{"FIND {%s}", []any{"\xff"}},
	} {
		if _, err := sobjects.SOSL(bad.format, bad.args...); !errors.Is(err, sobjects.ErrInvalidArgument) {
			t.Errorf("%q %v: %v", bad.format, bad.args, err)
		}
	}
}

// FuzzSOSLTerm checks that any string becomes one search term that reads
// back as the string (control characters as spaces), with every reserved
// character escaped, leaving the statement around it intact.
func FuzzSOSLTerm(f *testing.F) {
	for _, s := range []string{"acme", "a} RETURNING User(Password", `\`, `\}`, "x\" OR \"y", "and", "{}", "a\nb", "*?", "ünï", `and \`, `or "`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		const prefix, suffix = "FIND {", "} IN ALL FIELDS RETURNING Account(Id)"
		q, err := sobjects.SOSL(prefix+"%s"+suffix, s)
		if !utf8.ValidString(s) {
			if err == nil {
				t.Fatalf("invalid UTF-8 accepted: %q", q)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		term, ok := strings.CutPrefix(q, prefix)
		if ok {
			term, ok = strings.CutSuffix(term, suffix)
		}
		if !ok {
			t.Fatalf("statement changed: %q", q)
		}
		if strings.HasPrefix(term, `"`) { // a phrase: a value's own quotes are escaped
			if len(term) < 2 || !strings.HasSuffix(term, `"`) {
				t.Fatalf("unterminated phrase in %q", q)
			}
			term = term[1 : len(term)-1]
		}
		var back strings.Builder
		for i := 0; i < len(term); i++ {
			c := term[i]
			switch {
			case c == '\\':
				if i+1 == len(term) || !strings.ContainsRune(soslReserved, rune(term[i+1])) {
					t.Fatalf("stray backslash in %q", q)
				}
				i++
				back.WriteByte(term[i])
			case strings.IndexByte(soslReserved, c) >= 0:
				t.Fatalf("unescaped %q in %q", c, q)
			default:
				back.WriteByte(c)
			}
		}
		want := strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f {
				return ' '
			}
			return r
		}, s)
		if back.String() != want {
			t.Fatalf("term reads back as %q, want %q", back.String(), want)
		}
	})
}
