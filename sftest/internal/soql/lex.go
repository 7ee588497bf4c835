package soql

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

type tokKind int

const (
	tEOF tokKind = iota
	tIdent
	tString
	tNumber
	tDate
	tDateTime
	tOp     // = != <> < <= > >=
	tPunct  // ( ) ,
	tColon  // : (Apex bind variables, N-day date literals)
	tQuoted // a double-quoted string: not SOQL
)

type token struct {
	kind tokKind
	pos  int
	text string // as written
	val  Value  // literals
}

// keyword reports whether t is the identifier kw (any case).
func (t token) keyword(kw string) bool { return t.kind == tIdent && strings.EqualFold(t.text, kw) }

// lex splits a statement into tokens.
func lex(s string) ([]token, error) {
	var toks []token
	i := 0
	for {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i >= len(s) {
			return append(toks, token{kind: tEOF, pos: len(s)}), nil
		}
		c := s[i]
		start := i
		switch {
		case isIdentStart(c):
			i = scanIdent(s, i)
			for i+1 < len(s) && s[i] == '.' && isIdentStart(s[i+1]) {
				i = scanIdent(s, i+1)
			}
			toks = append(toks, token{kind: tIdent, pos: start, text: s[start:i]})
		case c == '\'':
			t, end, err := lexString(s, i)
			if err != nil {
				return nil, err
			}
			i = end
			toks = append(toks, t)
		case c == '"':
			end := strings.IndexByte(s[i+1:], '"')
			if end < 0 {
				end = len(s) - i - 1
			}
			i += end + 2
			i = min(i, len(s))
			toks = append(toks, token{kind: tQuoted, pos: start, text: s[start:i]})
		case isDigit(c) || ((c == '-' || c == '+') && i+1 < len(s) && isDigit(s[i+1])):
			t, end, err := lexNumberOrDate(s, i)
			if err != nil {
				return nil, err
			}
			i = end
			toks = append(toks, t)
		case c == '(' || c == ')' || c == ',':
			i++
			toks = append(toks, token{kind: tPunct, pos: start, text: s[start:i]})
		case c == ':':
			i++
			toks = append(toks, token{kind: tColon, pos: start, text: ":"})
		case c == '=':
			i++
			toks = append(toks, token{kind: tOp, pos: start, text: "="})
		case c == '!' && i+1 < len(s) && s[i+1] == '=':
			i += 2
			toks = append(toks, token{kind: tOp, pos: start, text: "!="})
		case c == '<' || c == '>':
			i++
			if i < len(s) && (s[i] == '=' || (c == '<' && s[i] == '>')) {
				i++
			}
			toks = append(toks, token{kind: tOp, pos: start, text: s[start:i]})
		default:
			r, _ := utf8.DecodeRuneInString(s[i:])
			return nil, &Error{Pos: i, Msg: fmt.Sprintf("unexpected token: '%c'", r)}
		}
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}
func isIdentChar(c byte) bool { return isIdentStart(c) || isDigit(c) }

func scanIdent(s string, i int) int {
	for i < len(s) && isIdentChar(s[i]) {
		i++
	}
	return i
}

// lexString reads a single-quoted string with SOQL's backslash escapes:
// \n \r \t \b \f \" \' \\ \uXXXX anywhere, \% and \_ for LIKE only.
func lexString(s string, i int) (token, int, error) {
	start := i
	i++
	var b strings.Builder
	var like []LikeChar
	escWild := false
	for {
		if i >= len(s) {
			return token{}, 0, &Error{Pos: start, Msg: "unterminated string literal: " + s[start:]}
		}
		c := s[i]
		if c == '\'' {
			i++
			break
		}
		if c != '\\' {
			r, n := utf8.DecodeRuneInString(s[i:])
			i += n
			b.WriteRune(r)
			switch r {
			case '%':
				like = append(like, LikeChar{Wild: AnyRun})
			case '_':
				like = append(like, LikeChar{Wild: AnyOne})
			default:
				like = append(like, LikeChar{R: r})
			}
			continue
		}
		if i+1 >= len(s) {
			return token{}, 0, &Error{Pos: start, Msg: "unterminated string literal: " + s[start:]}
		}
		e := s[i+1]
		var r rune
		n := 2
		switch e {
		case 'n', 'N':
			r = '\n'
		case 'r', 'R':
			r = '\r'
		case 't', 'T':
			r = '\t'
		case 'b', 'B':
			r = '\b'
		case 'f', 'F':
			r = '\f'
		case '"', '\'', '\\':
			r = rune(e)
		case '%', '_':
			r = rune(e)
			escWild = true
		case 'u', 'U':
			if i+6 > len(s) {
				return token{}, 0, illegalEscape(s, start, i, min(i+6, len(s)))
			}
			v, err := strconv.ParseUint(s[i+2:i+6], 16, 32)
			if err != nil {
				return token{}, 0, illegalEscape(s, start, i, i+6)
			}
			r, n = rune(v), 6
		default:
			return token{}, 0, illegalEscape(s, start, i, i+2)
		}
		i += n
		b.WriteRune(r)
		like = append(like, LikeChar{R: r}) // an escaped character is literal
	}
	text := s[start:i]
	return token{kind: tString, pos: start, text: text,
		val: Value{Kind: String, Pos: start, Text: text, Str: b.String(), Like: like, escWild: escWild}}, i, nil
}

func illegalEscape(s string, start, at, end int) error {
	return &Error{Pos: at, Msg: fmt.Sprintf("Invalid string literal %s. Illegal character sequence '%s' in string literal.",
		untilQuote(s, start), s[at:end])}
}

// untilQuote returns the string literal starting at start, as far as it
// goes.
func untilQuote(s string, start int) string {
	for i := start + 1; i < len(s); i++ {
		if s[i] == '\\' {
			i++
			continue
		}
		if s[i] == '\'' {
			return s[start : i+1]
		}
	}
	return s[start:]
}

// lexNumberOrDate reads a number (optionally signed, with a fraction), a
// date literal YYYY-MM-DD or a dateTime literal
// YYYY-MM-DDThh:mm:ss[.fff](Z|±hh:mm|±hhmm).
func lexNumberOrDate(s string, i int) (token, int, error) {
	start := i
	if looksLikeDate(s[i:]) {
		end := i + 10
		if end < len(s) && s[end] == 'T' {
			end++
			for end < len(s) && (isDigit(s[end]) || strings.IndexByte(":.+-Z", s[end]) >= 0) {
				end++
			}
			text := s[start:end]
			t, err := parseDateTime(text)
			if err != nil {
				return token{}, 0, &Error{Pos: start, Msg: "unexpected token: '" + text + "'"}
			}
			return token{kind: tDateTime, pos: start, text: text,
				val: Value{Kind: DateTime, Pos: start, Text: text, DateTime: t}}, end, nil
		}
		text := s[start:end]
		if _, err := time.Parse("2006-01-02", text); err != nil {
			return token{}, 0, &Error{Pos: start, Msg: "invalid date: " + text}
		}
		if end < len(s) && isIdentChar(s[end]) {
			return token{}, 0, &Error{Pos: start, Msg: "unexpected token: '" + s[start:scanIdent(s, end)] + "'"}
		}
		return token{kind: tDate, pos: start, text: text, val: Value{Kind: Date, Pos: start, Text: text, Date: text}}, end, nil
	}
	if s[i] == '-' || s[i] == '+' {
		i++
	}
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i+1 < len(s) && s[i] == '.' && isDigit(s[i+1]) {
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (isIdentChar(s[i]) || s[i] == '.') {
		end := i
		for end < len(s) && (isIdentChar(s[end]) || s[end] == '.') {
			end++
		}
		return token{}, 0, &Error{Pos: start, Msg: "unexpected token: '" + s[start:end] + "'"}
	}
	text := s[start:i]
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return token{}, 0, &Error{Pos: start, Msg: "unexpected token: '" + text + "'"}
	}
	return token{kind: tNumber, pos: start, text: text, val: Value{Kind: Number, Pos: start, Text: text, Num: f}}, i, nil
}

func looksLikeDate(s string) bool {
	if len(s) < 10 {
		return false
	}
	for i := range 10 {
		switch i {
		case 4, 7:
			if s[i] != '-' {
				return false
			}
		default:
			if !isDigit(s[i]) {
				return false
			}
		}
	}
	return true
}

// dateTimeLayouts are the dateTime literal forms SOQL accepts.
var dateTimeLayouts = []string{
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05.999999999Z0700",
}

func parseDateTime(s string) (time.Time, error) {
	var err error
	for _, layout := range dateTimeLayouts {
		var t time.Time
		if t, err = time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, err
}
