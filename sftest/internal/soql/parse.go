package soql

import (
	"fmt"
	"math"
	"strings"
)

// Parse parses one SELECT statement.
func Parse(stmt string) (*Query, error) {
	toks, err := lex(stmt)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	q, err := p.query()
	if err != nil {
		return nil, err
	}
	return q, nil
}

type parser struct {
	toks []token
	i    int
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func unexpected(t token) error {
	if t.kind == tEOF {
		return &Error{Pos: t.pos, Msg: "unexpected token: <EOF>"}
	}
	return &Error{Pos: t.pos, Msg: fmt.Sprintf("unexpected token: '%s'", t.text)}
}

func unsupported(pos int, what string) error {
	return &Error{Pos: pos, Unsupported: true, Msg: "sftest: the fake org does not support " + what}
}

func (p *parser) expectKeyword(kw string) (token, error) {
	t := p.next()
	if !t.keyword(kw) {
		return t, unexpected(t)
	}
	return t, nil
}

func (p *parser) expectPunct(s string) error {
	if t := p.next(); t.kind != tPunct || t.text != s {
		return unexpected(t)
	}
	return nil
}

// keywords are the words that cannot be field names where a field is
// expected.
var keywords = map[string]bool{
	"SELECT": true, "FROM": true, "WHERE": true, "AND": true, "OR": true, "NOT": true, "IN": true,
	"LIKE": true, "NULL": true, "TRUE": true, "FALSE": true, "ORDER": true, "BY": true, "ASC": true,
	"DESC": true, "NULLS": true, "LIMIT": true, "OFFSET": true, "GROUP": true, "HAVING": true,
	"WITH": true, "FOR": true, "USING": true, "INCLUDES": true, "EXCLUDES": true, "TYPEOF": true,
	"ALL": true,
}

func isKeyword(t token) bool { return t.kind == tIdent && keywords[strings.ToUpper(t.text)] }

// clauseWords name the clauses outside the subset, by their first word.
var clauseWords = map[string]string{
	"GROUP":  "GROUP BY",
	"HAVING": "HAVING",
	"WITH":   "WITH clauses (WITH SECURITY_ENFORCED, WITH DATA CATEGORY, …)",
	"FOR":    "FOR VIEW, FOR REFERENCE and FOR UPDATE",
	"USING":  "USING SCOPE",
	"ALL":    "ALL ROWS (use queryAll instead)",
}

func (p *parser) unsupportedClause(t token) error {
	if what, ok := clauseWords[strings.ToUpper(t.text)]; ok && t.kind == tIdent {
		return unsupported(t.pos, what)
	}
	return nil
}

func (p *parser) query() (*Query, error) {
	if _, err := p.expectKeyword("SELECT"); err != nil {
		return nil, err
	}
	q := &Query{Limit: -1, Offset: -1}
	if err := p.selectList(q); err != nil {
		return nil, err
	}
	if _, err := p.expectKeyword("FROM"); err != nil {
		return nil, err
	}
	from := p.next()
	if from.kind != tIdent || isKeyword(from) || strings.Contains(from.text, ".") {
		return nil, unexpected(from)
	}
	q.From = Path{Parts: []string{from.text}, Pos: from.pos}
	switch t := p.peek(); {
	case t.kind == tPunct && t.text == ",":
		return nil, unsupported(t.pos, "several objects in FROM")
	case t.kind == tIdent && !isKeyword(t):
		return nil, unsupported(t.pos, "object aliases in FROM")
	}
	if t := p.peek(); t.keyword("WHERE") {
		p.next()
		w, err := p.condition()
		if err != nil {
			return nil, err
		}
		q.Where = w
	}
	if err := p.unsupportedClause(p.peek()); err != nil {
		return nil, err
	}
	if t := p.peek(); t.keyword("ORDER") {
		p.next()
		if _, err := p.expectKeyword("BY"); err != nil {
			return nil, err
		}
		if err := p.orderBy(q); err != nil {
			return nil, err
		}
	}
	if err := p.unsupportedClause(p.peek()); err != nil {
		return nil, err
	}
	if t := p.peek(); t.keyword("LIMIT") {
		p.next()
		n, pos, err := p.count("LIMIT")
		if err != nil {
			return nil, err
		}
		q.Limit, q.LimitPos = n, pos
	}
	if t := p.peek(); t.keyword("OFFSET") {
		p.next()
		n, pos, err := p.count("OFFSET")
		if err != nil {
			return nil, err
		}
		q.Offset, q.OffsetPos = n, pos
	}
	if err := p.unsupportedClause(p.peek()); err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, unexpected(t)
	}
	return q, nil
}

func (p *parser) count(clause string) (int, int, error) {
	t := p.next()
	if t.kind == tColon {
		return 0, 0, unsupported(t.pos, "bind variables (:name)")
	}
	if t.kind != tNumber || t.val.Num < 0 || t.val.Num != math.Trunc(t.val.Num) || strings.ContainsAny(t.text, ".+") {
		return 0, 0, unexpected(t)
	}
	if t.val.Num > math.MaxInt32 {
		return 0, 0, &Error{Pos: t.pos, Msg: clause + " value is too large: " + t.text}
	}
	return int(t.val.Num), t.pos, nil
}

func (p *parser) selectList(q *Query) error {
	for {
		t := p.peek()
		switch {
		case t.kind == tPunct && t.text == "(":
			if p.toks[p.i+1].keyword("SELECT") {
				return unsupported(t.pos, "child relationship subqueries in the SELECT list")
			}
			return unexpected(t)
		case t.keyword("TYPEOF"):
			return unsupported(t.pos, "TYPEOF")
		case t.kind != tIdent || (isKeyword(t) && !t.keyword("COUNT")):
			return unexpected(t)
		}
		p.next()
		if n := p.peek(); n.kind == tPunct && n.text == "(" {
			if t.keyword("COUNT") && p.toks[p.i+1].kind == tPunct && p.toks[p.i+1].text == ")" {
				if len(q.Fields) > 0 || q.Count {
					return unexpected(t)
				}
				p.i += 2
				q.Count = true
			} else {
				return unsupported(t.pos, "function "+strings.ToUpper(t.text)+"() (aggregates, toLabel, FORMAT, FIELDS, date functions…)")
			}
		} else {
			if q.Count {
				return unexpected(t)
			}
			q.Fields = append(q.Fields, path(t))
		}
		switch n := p.peek(); {
		case n.kind == tPunct && n.text == ",":
			p.next()
			if q.Count {
				return unexpected(n)
			}
		case n.kind == tIdent && !isKeyword(n):
			return unsupported(n.pos, "field aliases")
		default:
			return nil
		}
	}
}

func path(t token) Path { return Path{Parts: strings.Split(t.text, "."), Pos: t.pos} }

func (p *parser) orderBy(q *Query) error {
	for {
		t := p.next()
		if t.kind != tIdent || isKeyword(t) {
			return unexpected(t)
		}
		if n := p.peek(); n.kind == tPunct && n.text == "(" {
			return unsupported(t.pos, "function "+strings.ToUpper(t.text)+"() in ORDER BY")
		}
		o := Order{Field: path(t)}
		switch n := p.peek(); {
		case n.keyword("ASC"):
			p.next()
		case n.keyword("DESC"):
			p.next()
			o.Desc = true
		}
		o.NullsLast = o.Desc
		if n := p.peek(); n.keyword("NULLS") {
			p.next()
			switch w := p.next(); {
			case w.keyword("FIRST"):
				o.NullsLast = false
			case w.keyword("LAST"):
				o.NullsLast = true
			default:
				return unexpected(w)
			}
		}
		q.OrderBy = append(q.OrderBy, o)
		if n := p.peek(); n.kind == tPunct && n.text == "," {
			p.next()
			continue
		}
		return nil
	}
}

// condition reads terms joined by AND or by OR: SOQL requires
// parentheses to mix them.
func (p *parser) condition() (Expr, error) {
	first, err := p.unary()
	if err != nil {
		return nil, err
	}
	op := p.peek()
	if !op.keyword("AND") && !op.keyword("OR") {
		return first, nil
	}
	terms := []Expr{first}
	for {
		t := p.peek()
		if !t.keyword(op.text) {
			if t.keyword("AND") || t.keyword("OR") {
				return nil, unexpected(t) // AND and OR mixed without parentheses
			}
			break
		}
		p.next()
		e, err := p.unary()
		if err != nil {
			return nil, err
		}
		terms = append(terms, e)
	}
	if op.keyword("AND") {
		return &And{Terms: terms}, nil
	}
	return &Or{Terms: terms}, nil
}

func (p *parser) unary() (Expr, error) {
	t := p.peek()
	switch {
	case t.keyword("NOT"):
		p.next()
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &Not{X: x}, nil
	case t.kind == tPunct && t.text == "(":
		p.next()
		x, err := p.condition()
		if err != nil {
			return nil, err
		}
		if err := p.expectPunct(")"); err != nil {
			return nil, err
		}
		return x, nil
	}
	return p.predicate()
}

func (p *parser) predicate() (Expr, error) {
	f := p.next()
	if f.kind != tIdent || isKeyword(f) {
		return nil, unexpected(f)
	}
	if n := p.peek(); n.kind == tPunct && n.text == "(" {
		return nil, unsupported(f.pos, "function "+strings.ToUpper(f.text)+"() in WHERE")
	}
	field := path(f)
	op := p.next()
	switch {
	case op.kind == tOp:
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		o := op.text
		if o == "<>" {
			o = "!="
		}
		if err := notLike(v); err != nil {
			return nil, err
		}
		if v.Kind == Null && o != "=" && o != "!=" {
			return nil, &Error{Pos: v.Pos, Msg: "invalid operator " + op.text + " with null: only = and != compare to null"}
		}
		return &Compare{Field: field, Op: o, OpPos: op.pos, Value: v}, nil
	case op.keyword("LIKE"):
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		if v.Kind != String {
			return nil, &Error{Pos: v.Pos, Msg: "LIKE takes a string literal, not " + v.Kind.String()}
		}
		return &Compare{Field: field, Op: "LIKE", OpPos: op.pos, Value: v}, nil
	case op.keyword("IN"):
		vals, err := p.list()
		if err != nil {
			return nil, err
		}
		return &In{Field: field, OpPos: op.pos, Values: vals}, nil
	case op.keyword("NOT"):
		if in := p.next(); !in.keyword("IN") {
			return nil, unexpected(in)
		}
		vals, err := p.list()
		if err != nil {
			return nil, err
		}
		return &In{Field: field, Not: true, OpPos: op.pos, Values: vals}, nil
	case op.keyword("INCLUDES"), op.keyword("EXCLUDES"):
		return nil, unsupported(op.pos, "INCLUDES and EXCLUDES")
	}
	return nil, unexpected(op)
}

func (p *parser) list() ([]Value, error) {
	open := p.next()
	if open.kind == tColon {
		return nil, unsupported(open.pos, "bind variables (:name)")
	}
	if open.kind != tPunct || open.text != "(" {
		return nil, unexpected(open)
	}
	if t := p.peek(); t.keyword("SELECT") {
		return nil, unsupported(t.pos, "semi-join subqueries (IN (SELECT …))")
	}
	var vals []Value
	for {
		v, err := p.value()
		if err == nil {
			err = notLike(v)
		}
		if err != nil {
			return nil, err
		}
		vals = append(vals, v)
		t := p.next()
		if t.kind == tPunct && t.text == ")" {
			return vals, nil
		}
		if t.kind != tPunct || t.text != "," {
			return nil, unexpected(t)
		}
	}
}

// relativeDates are the date literals such as TODAY and LAST_N_DAYS:n.
var relativeDates = []string{
	"YESTERDAY", "TODAY", "TOMORROW", "LAST_WEEK", "THIS_WEEK", "NEXT_WEEK", "LAST_MONTH", "THIS_MONTH",
	"NEXT_MONTH", "LAST_90_DAYS", "NEXT_90_DAYS", "LAST_N_DAYS", "NEXT_N_DAYS", "N_DAYS_AGO", "NEXT_N_WEEKS",
	"LAST_N_WEEKS", "N_WEEKS_AGO", "NEXT_N_MONTHS", "LAST_N_MONTHS", "N_MONTHS_AGO", "THIS_QUARTER",
	"LAST_QUARTER", "NEXT_QUARTER", "NEXT_N_QUARTERS", "LAST_N_QUARTERS", "N_QUARTERS_AGO", "THIS_YEAR",
	"LAST_YEAR", "NEXT_YEAR", "NEXT_N_YEARS", "LAST_N_YEARS", "N_YEARS_AGO", "THIS_FISCAL_QUARTER",
	"LAST_FISCAL_QUARTER", "NEXT_FISCAL_QUARTER", "NEXT_N_FISCAL_QUARTERS", "LAST_N_FISCAL_QUARTERS",
	"N_FISCAL_QUARTERS_AGO", "THIS_FISCAL_YEAR", "LAST_FISCAL_YEAR", "NEXT_FISCAL_YEAR",
	"NEXT_N_FISCAL_YEARS", "LAST_N_FISCAL_YEARS", "N_FISCAL_YEARS_AGO",
}

func (p *parser) value() (Value, error) {
	t := p.next()
	switch t.kind {
	case tString:
		return t.val, nil
	case tNumber, tDate, tDateTime:
		return t.val, nil
	case tColon:
		return Value{}, unsupported(t.pos, "bind variables (:name)")
	case tQuoted:
		return Value{}, &Error{Pos: t.pos, Msg: "unexpected token: '" + t.text + "': string literals take single quotes"}
	case tIdent:
		switch {
		case t.keyword("NULL"):
			return Value{Kind: Null, Pos: t.pos, Text: t.text}, nil
		case t.keyword("TRUE"), t.keyword("FALSE"):
			return Value{Kind: Bool, Pos: t.pos, Text: t.text, Bool: t.keyword("TRUE")}, nil
		}
		for _, d := range relativeDates {
			if strings.EqualFold(t.text, d) {
				return Value{}, unsupported(t.pos, "relative date literals ("+strings.ToUpper(t.text)+")")
			}
		}
	}
	return Value{}, unexpected(t)
}

// notLike rejects the escapes \% and \_ outside LIKE patterns.
func notLike(v Value) error {
	if !v.escWild {
		return nil
	}
	seq := `\%`
	if strings.Contains(v.Text, `\_`) && (!strings.Contains(v.Text, seq) || strings.Index(v.Text, `\_`) < strings.Index(v.Text, seq)) {
		seq = `\_`
	}
	return &Error{Pos: v.Pos, Msg: fmt.Sprintf("Invalid string literal %s. Illegal character sequence '%s' in string literal.", v.Text, seq)}
}
