package sftest

import (
	"net/http"
	"strconv"
	"strings"
	"unicode"
)

// The SOSL subset of the fake org:
//
//	FIND {phrase} [IN ALL|NAME|EMAIL|PHONE FIELDS]
//	RETURNING Object[(Field, …)] [, Object[(Field, …)]]… [LIMIT n]
//
// The phrase matches, ignoring case, text anywhere in a searchable field;
// * stands for any characters and ? for one. Anything else (AND, OR, quoted
// phrases, WHERE, ORDER BY, WITH, …) is answered 400 MALFORMED_SEARCH,
// naming the construct.

type soslReturning struct {
	obj   *object
	paths [][]string
}

type soslQuery struct {
	term      string
	scope     string
	returning []soslReturning
	limit     int
}

func malformedSearch(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, "MALFORMED_SEARCH", format, args...)
}

// soslScanner reads the words and punctuation of a SOSL statement after
// the search term.
type soslScanner struct {
	s   string
	pos int
}

func (sc *soslScanner) next() string {
	for sc.pos < len(sc.s) && unicode.IsSpace(rune(sc.s[sc.pos])) {
		sc.pos++
	}
	if sc.pos >= len(sc.s) {
		return ""
	}
	start := sc.pos
	if c := sc.s[sc.pos]; strings.IndexByte("(),", c) >= 0 {
		sc.pos++
		return string(c)
	}
	for sc.pos < len(sc.s) && !unicode.IsSpace(rune(sc.s[sc.pos])) && strings.IndexByte("(),", sc.s[sc.pos]) < 0 {
		sc.pos++
	}
	return sc.s[start:sc.pos]
}

func (sc *soslScanner) peek() string {
	p := sc.pos
	t := sc.next()
	sc.pos = p
	return t
}

// parseSOSL reads a statement of the subset.
func (o *Org) parseSOSL(q string) (*soslQuery, *apiError) {
	s := strings.TrimSpace(q)
	if len(s) < 4 || !strings.EqualFold(s[:4], "FIND") {
		return nil, malformedSearch("sftest: a search must start with FIND {…}")
	}
	s = strings.TrimSpace(s[4:])
	if !strings.HasPrefix(s, "{") {
		return nil, malformedSearch("sftest: the fake org's SOSL subset takes the search term in braces: FIND {term}")
	}
	// The term runs to the first unescaped }.
	var term strings.Builder
	end := -1
	for i := 1; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			term.WriteByte('\\')
			term.WriteByte(s[i+1])
			i++
			continue
		}
		if c == '}' {
			end = i
			break
		}
		term.WriteByte(c)
	}
	if end < 0 {
		return nil, malformedSearch("Missing '}' at the end of the search term")
	}
	sq := &soslQuery{term: term.String(), scope: "ALL"}
	if strings.TrimSpace(sq.term) == "" {
		return nil, malformedSearch("search term must be longer than one character")
	}
	if err := checkTerm(sq.term); err != nil {
		return nil, err
	}
	sc := &soslScanner{s: s[end+1:]}
	if strings.EqualFold(sc.peek(), "IN") {
		sc.next()
		scope := strings.ToUpper(sc.next())
		switch scope {
		case "ALL", "NAME", "EMAIL", "PHONE":
		default:
			return nil, malformedSearch("sftest: the fake org's SOSL subset does not support IN %s FIELDS", scope)
		}
		if !strings.EqualFold(sc.next(), "FIELDS") {
			return nil, malformedSearch("unexpected token after IN %s: want FIELDS", scope)
		}
		sq.scope = scope
	}
	if w := sc.next(); !strings.EqualFold(w, "RETURNING") {
		if w == "" {
			return nil, malformedSearch("sftest: the fake org's SOSL subset needs a RETURNING clause")
		}
		return nil, malformedSearch("sftest: the fake org's SOSL subset does not support %s", strings.ToUpper(w))
	}
	for {
		name := sc.next()
		obj := o.schema.object(name)
		if obj == nil {
			return nil, errorf(http.StatusBadRequest, "INVALID_TYPE", "sObject type '%s' is not supported.", name)
		}
		ret := soslReturning{obj: obj}
		if sc.peek() == "(" {
			sc.next()
			for {
				f := sc.next()
				switch up := strings.ToUpper(f); up {
				case "WHERE", "ORDER", "LIMIT", "OFFSET", "USING", "WITH":
					return nil, malformedSearch("sftest: the fake org's SOSL subset does not support %s inside RETURNING", up)
				case "", ")", ",", "(":
					return nil, malformedSearch("unexpected token: '%s' in the field list of %s", f, obj.name)
				}
				parts := strings.Split(f, ".")
				if _, err := o.resolve(obj, parts); err != nil {
					return nil, errorf(http.StatusBadRequest, "INVALID_FIELD", "%s", err.msg)
				}
				ret.paths = append(ret.paths, parts)
				if t := sc.next(); t == ")" {
					break
				} else if t != "," {
					return nil, malformedSearch("sftest: the fake org's SOSL subset does not support %s inside RETURNING", strings.ToUpper(t))
				}
			}
		}
		if ret.paths == nil {
			ret.paths = [][]string{{"Id"}}
		}
		sq.returning = append(sq.returning, ret)
		if sc.peek() != "," {
			break
		}
		sc.next()
	}
	if strings.EqualFold(sc.peek(), "LIMIT") {
		sc.next()
		n, err := strconv.Atoi(sc.next())
		if err != nil || n < 1 || n > 2000 {
			return nil, malformedSearch("LIMIT must be 1 to 2000")
		}
		sq.limit = n
	}
	if w := sc.next(); w != "" {
		return nil, malformedSearch("sftest: the fake org's SOSL subset does not support %s", strings.ToUpper(w))
	}
	return sq, nil
}

// checkTerm refuses the search operators of the term that the subset does
// not support: unescaped reserved characters other than the wildcards, and
// the AND, OR, AND NOT operators.
func checkTerm(term string) *apiError {
	for i := 0; i < len(term); i++ {
		c := term[i]
		if c == '\\' {
			i++
			continue
		}
		if strings.IndexByte(`&|!{}[]()^~:"'+-`, c) >= 0 {
			return malformedSearch("sftest: the fake org's SOSL subset does not support the operator %q in a search term", string(c))
		}
	}
	for w := range strings.FieldsSeq(term) {
		switch up := strings.ToUpper(w); up {
		case "AND", "OR", "NOT":
			return malformedSearch("sftest: the fake org's SOSL subset does not support %s in a search term", up)
		}
	}
	return nil
}

// termMatcher returns whether a text holds the term: * is any run of
// characters, ? one character, an escaped character itself; case is
// ignored.
func termMatcher(term string) func(string) bool {
	type tok struct {
		lit  rune
		kind byte // 'l' literal, '*', '?'
	}
	var toks []tok
	rs := []rune(strings.ToLower(strings.TrimSpace(term)))
	for i := 0; i < len(rs); i++ {
		switch rs[i] {
		case '\\':
			if i+1 < len(rs) {
				i++
				toks = append(toks, tok{lit: rs[i], kind: 'l'})
			}
		case '*':
			toks = append(toks, tok{kind: '*'})
		case '?':
			toks = append(toks, tok{kind: '?'})
		default:
			toks = append(toks, tok{lit: rs[i], kind: 'l'})
		}
	}
	var match func(t []tok, s []rune) bool
	match = func(t []tok, s []rune) bool {
		if len(t) == 0 {
			return true // a prefix match: the text may go on
		}
		switch t[0].kind {
		case '*':
			for k := 0; k <= len(s); k++ {
				if match(t[1:], s[k:]) {
					return true
				}
			}
			return false
		case '?':
			return len(s) > 0 && match(t[1:], s[1:])
		}
		return len(s) > 0 && s[0] == t[0].lit && match(t[1:], s[1:])
	}
	return func(text string) bool {
		s := []rune(strings.ToLower(text))
		for start := 0; start < len(s); start++ {
			if match(toks, s[start:]) {
				return true
			}
		}
		return false
	}
}

// search serves GET /search?q=: the subset above.
func (o *Org) search(r *http.Request, version string) response {
	sq, apiErr := o.parseSOSL(r.URL.Query().Get("q"))
	if apiErr != nil {
		return errResponse(apiErr)
	}
	match := termMatcher(sq.term)
	o.mu.Lock()
	defer o.mu.Unlock()
	b := []byte(`{"searchRecords":[`)
	n := 0
returning:
	for _, ret := range sq.returning {
		s := buildSel(ret.paths)
		for _, rec := range o.table(ret.obj).recs {
			if sq.limit > 0 && n >= sq.limit {
				break returning
			}
			if rec.deleted || !o.searchable(rec, sq.scope, match) {
				continue
			}
			if n > 0 {
				b = append(b, ',')
			}
			b = o.appendRecord(b, rec, version, s)
			n++
		}
	}
	return jsonResponse(http.StatusOK, append(b, "]}"...))
}

// searchable reports whether a field of rec in scope matches.
func (o *Org) searchable(rec *record, scope string, match func(string) bool) bool {
	for i := range rec.obj.d.Fields {
		f := &rec.obj.d.Fields[i]
		switch scope {
		case "NAME":
			if !f.NameField {
				continue
			}
		case "EMAIL":
			if f.Type != "email" {
				continue
			}
		case "PHONE":
			if f.Type != "phone" {
				continue
			}
		default:
			switch f.Type {
			case "string", "textarea", "email", "phone", "url", "picklist", "multipicklist":
			default:
				continue
			}
		}
		if s, ok := rec.vals[f.Name].(string); ok && match(s) {
			return true
		}
	}
	return false
}
