package sobjects

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/typedforce/typedforce/internal/sfapi"
	"github.com/typedforce/typedforce/sobjects/sftype"
)

// SOQL formats a SOQL statement, putting each argument in place of a %s (or
// %v) of format, escaped according to its Go type so that no value can
// change the statement's structure:
//
//	q, err := sobjects.SOQL("SELECT %s FROM Account WHERE Name = %s AND CreatedDate > %s",
//		sobjects.IdentList{"Id", "Name"}, name, since)
//
// Each argument becomes:
//
//   - string (and any type whose kind is string, such as a generated
//     picklist value): a quoted literal, 'O\'Brien', with ' \ " and control
//     characters escaped;
//   - [Like] (from [StartsWith], [EndsWith], [Contains]): a quoted LIKE
//     pattern whose own % and _ are escaped, so they match literally;
//   - bool: true or false; integers and floats: decimal (NaN and ±Inf are
//     errors);
//   - sftype.DateTime and time.Time: an unquoted UTC dateTime literal,
//     2024-01-31T12:00:00Z (with .SSS when there are milliseconds);
//     sftype.Date: 2024-01-31; the zero value of each: NULL;
//   - [DateLiteral]: a relative date such as LAST_N_DAYS:30;
//   - nil, and nil pointers: NULL; other pointers: what they point to;
//   - slices and arrays of the above: a list for IN, ('a','b'); an empty
//     list is an error (SOQL has no empty list);
//   - sftype.MultiPicklist: one quoted string of ;-joined values, as
//     INCLUDES and EXCLUDES take them;
//   - [Ident] and [IdentList]: field or object names, checked against
//     [A-Za-z0-9_.], written as they are.
//
// Any other type is an error, not a guess. In format, %% is a percent sign
// and any other % is an error, and a placeholder may not stand inside quotes
// ('%s' is an error: write %s). Errors wrap [ErrInvalidArgument].
func SOQL(format string, args ...any) (string, error) {
	return formatStatement("SOQL", format, args)
}

// formatStatement is [SOQL] and, for lang "SOSL", [SOSL]: in SOSL the
// placeholders inside the braces of FIND {…} take search terms.
func formatStatement(lang, format string, args []any) (string, error) {
	fail := func(msg string, a ...any) (string, error) {
		return "", fmt.Errorf("%w: %s: %s", ErrInvalidArgument, lang, fmt.Sprintf(msg, a...))
	}
	sosl := lang == "SOSL"
	b := make([]byte, 0, len(format)+16*len(args))
	argi, quoted, braces := 0, false, false
	for i := 0; i < len(format); i++ {
		ch := format[i]
		switch {
		case (quoted || braces) && ch == '\\' && i+1 < len(format):
			b = append(b, ch, format[i+1])
			i++
			continue
		case !braces && ch == '\'':
			quoted = !quoted
		case sosl && !quoted && ch == '{':
			if braces {
				return fail("nested { in format")
			}
			braces = true
		case sosl && !quoted && ch == '}':
			braces = false
		case ch == '%':
			if i+1 == len(format) {
				return fail("format ends with %%")
			}
			i++
			switch format[i] {
			case '%':
			case 's', 'v':
				if quoted {
					return fail("placeholder %d stands inside quotes; write %%s without quotes", argi+1)
				}
				if argi == len(args) {
					return fail("missing argument %d", argi+1)
				}
				var err error
				if braces {
					b, err = appendSearchTerm(b, args[argi])
				} else {
					b, err = appendValue(b, args[argi], false)
				}
				if err != nil {
					return fail("argument %d (%T): %v", argi+1, args[argi], err)
				}
				argi++
				continue
			default:
				return fail("unsupported verb %%%c (use %%s, or %%%% for a percent sign)", format[i])
			}
		}
		b = append(b, ch)
	}
	switch {
	case quoted:
		return fail("unterminated quoted string in format")
	case braces:
		return fail("unterminated { in format")
	case argi != len(args):
		return fail("%d arguments for %d placeholders", len(args), argi)
	}
	return string(b), nil
}

// Ident is a field, relationship or object name for [SOQL], such as
// "Account.Name". It is written unquoted, so it must match [A-Za-z0-9_.]
// and start with a letter.
type Ident string

// IdentList is a comma-separated list of names for [SOQL], such as the
// field list of a SELECT: IdentList{"Id", "Name"} is written Id, Name.
type IdentList []string

// DateLiteral is a SOQL date literal such as TODAY, LAST_N_DAYS:30 or
// THIS_FISCAL_QUARTER: a word of letters, digits and underscores,
// optionally followed by :n.
type DateLiteral string

// Like is a LIKE pattern for [SOQL] made with [StartsWith], [EndsWith] or
// [Contains]: its text matches literally, % and _ included.
type Like struct {
	text        string
	lead, trail bool // a % wildcard before, after
}

// StartsWith matches values that start with s: 's%'.
func StartsWith(s string) Like { return Like{text: s, trail: true} }

// EndsWith matches values that end with s: '%s'.
func EndsWith(s string) Like { return Like{text: s, lead: true} }

// Contains matches values that contain s: '%s%'.
func Contains(s string) Like { return Like{text: s, lead: true, trail: true} }

// validIdent reports whether s can stand unquoted in SOQL as a name:
// letters, digits, _ and ., starting with a letter, with no empty part.
func validIdent(s string) bool {
	if s == "" || len(s) > 1000 || !('a' <= s[0] && s[0] <= 'z' || 'A' <= s[0] && s[0] <= 'Z') {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '.' && (i+1 == len(s) || s[i+1] == '.') {
			return false
		}
		if !isAlnum(c) && c != '_' && c != '.' {
			return false
		}
	}
	return true
}

func validDateLiteral(s string) bool {
	word, n, hasN := strings.Cut(s, ":")
	if !validIdent(word) || strings.Contains(word, ".") {
		return false
	}
	if !hasN {
		return true
	}
	if n == "" || len(n) > 9 {
		return false
	}
	for i := 0; i < len(n); i++ {
		if n[i] < '0' || n[i] > '9' {
			return false
		}
	}
	return true
}

// appendValue writes one argument of SOQL. inList is true for the
// elements of a slice, which must be plain values.
func appendValue(b []byte, v any, inList bool) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "NULL"...), nil
	case string:
		return appendQuoted(b, x, false, false, false)
	case Ident:
		if inList || !validIdent(string(x)) {
			return nil, fmt.Errorf("%q is not a name, or stands in a list", sfapi.Truncate(string(x), 40))
		}
		return append(b, x...), nil
	case IdentList:
		if inList || len(x) == 0 {
			return nil, fmt.Errorf("empty name list, or inside a list")
		}
		for i, name := range x {
			if !validIdent(name) {
				return nil, fmt.Errorf("%q is not a name", sfapi.Truncate(name, 40))
			}
			if i > 0 {
				b = append(b, ", "...)
			}
			b = append(b, name...)
		}
		return b, nil
	case Like:
		if inList {
			return nil, fmt.Errorf("LIKE pattern inside a list")
		}
		return appendQuoted(b, x.text, true, x.lead, x.trail)
	case DateLiteral:
		if !validDateLiteral(string(x)) {
			return nil, fmt.Errorf("%q is not a date literal", sfapi.Truncate(string(x), 40))
		}
		return append(b, x...), nil
	case sftype.DateTime:
		return appendDateTime(b, x.Time)
	case time.Time:
		return appendDateTime(b, x)
	case sftype.Date:
		if x.IsZero() {
			return append(b, "NULL"...), nil
		}
		if !x.IsValid() || x.Year < 0 || x.Year > 9999 {
			return nil, fmt.Errorf("invalid date %d-%d-%d", x.Year, x.Month, x.Day)
		}
		return append(b, x.String()...), nil
	case sftype.MultiPicklist:
		if x == nil {
			return append(b, "NULL"...), nil
		}
		return appendQuoted(b, x.String(), false, false, false)
	case []byte:
		return nil, fmt.Errorf("[]byte is ambiguous: convert it to string")
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer:
		if rv.IsNil() {
			return append(b, "NULL"...), nil
		}
		return appendValue(b, rv.Elem().Interface(), inList)
	case reflect.String:
		return appendQuoted(b, rv.String(), false, false, false)
	case reflect.Bool:
		return strconv.AppendBool(b, rv.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.AppendInt(b, rv.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.AppendUint(b, rv.Uint(), 10), nil
	case reflect.Float32, reflect.Float64:
		f := rv.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("%v has no SOQL form", f)
		}
		return strconv.AppendFloat(b, f, 'f', -1, rv.Type().Bits()), nil
	case reflect.Slice, reflect.Array:
		if inList {
			return nil, fmt.Errorf("nested list")
		}
		if rv.Len() == 0 {
			return nil, fmt.Errorf("empty list (SOQL has no empty IN list)")
		}
		b = append(b, '(')
		for i := range rv.Len() {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendValue(b, rv.Index(i).Interface(), true); err != nil {
				return nil, fmt.Errorf("element %d: %w", i, err)
			}
		}
		return append(b, ')'), nil
	}
	return nil, fmt.Errorf("unsupported type")
}

// appendDateTime writes t as an unquoted UTC dateTime literal; the zero
// time is NULL.
func appendDateTime(b []byte, t time.Time) ([]byte, error) {
	if t.IsZero() {
		return append(b, "NULL"...), nil
	}
	t = t.UTC()
	if y := t.Year(); y < 0 || y > 9999 {
		return nil, fmt.Errorf("year %d out of range", y)
	}
	if t.Nanosecond() >= int(time.Millisecond) {
		return t.AppendFormat(b, "2006-01-02T15:04:05.000Z"), nil
	}
	return t.AppendFormat(b, "2006-01-02T15:04:05Z"), nil
}

// appendQuoted writes s as a quoted SOQL string literal. like also escapes
// % and _, and lead and trail add % wildcards around the text.
func appendQuoted(b []byte, s string, like, lead, trail bool) ([]byte, error) {
	if !utf8.ValidString(s) {
		return nil, fmt.Errorf("string is not valid UTF-8")
	}
	b = append(b, '\'')
	if lead {
		b = append(b, '%')
	}
	for _, r := range s {
		switch r {
		case '\\', '\'', '"':
			b = append(b, '\\', byte(r))
		case '\n':
			b = append(b, `\n`...)
		case '\r':
			b = append(b, `\r`...)
		case '\t':
			b = append(b, `\t`...)
		case '\b':
			b = append(b, `\b`...)
		case '\f':
			b = append(b, `\f`...)
		case '%', '_':
			if like {
				b = append(b, '\\')
			}
			b = append(b, byte(r))
		default:
			if r < 0x20 || 0x7f <= r && r <= 0x9f {
				b = append(b, `\u`...)
				b = append(b, fmt.Sprintf("%04x", r)...)
				continue
			}
			b = utf8.AppendRune(b, r)
		}
	}
	if trail {
		b = append(b, '%')
	}
	return append(b, '\''), nil
}
