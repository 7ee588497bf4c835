package sftest

import (
	"cmp"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/typedforce/typedforce/internal/describe"
	"github.com/typedforce/typedforce/sftest/internal/soql"
)

// maxOffset is the largest OFFSET Salesforce accepts.
const maxOffset = 2000

// cursor is a query result being read page by page.
type cursor struct {
	recs  []*record
	sel   []*sel
	batch int
}

// plan is a query bound to the schema.
type plan struct {
	obj    *object
	count  bool
	sel    []*sel
	where  func(*record) bool
	order  []orderKey
	limit  int
	offset int
}

type orderKey struct {
	parts     []string
	kind      valueKind
	desc      bool
	nullsLast bool
	rank      map[string]int // picklists: the position of each value in the describe
}

// queryError turns a parse or bind error into Salesforce's message, which
// quotes the line of the statement with a caret under the position.
func queryError(stmt string, code string, pos int, msg string) *apiError {
	pos = min(max(pos, 0), len(stmt))
	row := 1 + strings.Count(stmt[:pos], "\n")
	lineStart := strings.LastIndexByte(stmt[:pos], '\n') + 1
	lineEnd := strings.IndexByte(stmt[pos:], '\n')
	if lineEnd < 0 {
		lineEnd = len(stmt)
	} else {
		lineEnd += pos
	}
	col := pos - lineStart + 1
	return errorf(http.StatusBadRequest, code, "\n%s\n%s^\nERROR at Row:%d:Column:%d\n%s",
		stmt[lineStart:lineEnd], strings.Repeat(" ", col-1), row, col, msg)
}

// bindError is an error found while binding, at a position.
type bindError struct {
	code string
	pos  int
	msg  string
}

func (o *Org) query(r *http.Request, version string, all bool) response {
	params := r.URL.Query()
	stmt := params.Get("q")
	switch {
	case params.Has("explain"):
		return errResponse(errorf(http.StatusBadRequest, "MALFORMED_QUERY", "sftest: the fake org does not support explain"))
	case strings.TrimSpace(stmt) == "":
		return errResponse(errorf(http.StatusBadRequest, "MALFORMED_QUERY", "A query string has to be specified"))
	}
	q, err := soql.Parse(stmt)
	if err != nil {
		var se *soql.Error
		if errors.As(err, &se) {
			return errResponse(queryError(stmt, "MALFORMED_QUERY", se.Pos, se.Msg))
		}
		return errResponse(errorf(http.StatusBadRequest, "MALFORMED_QUERY", "%v", err))
	}
	p, be := o.bind(q)
	if be != nil {
		return errResponse(queryError(stmt, be.code, be.pos, be.msg))
	}
	batch := o.batchSize(r, o.batch)
	o.mu.Lock()
	defer o.mu.Unlock()
	recs := o.run(p, all)
	if p.count {
		return jsonResponse(http.StatusOK, []byte(`{"totalSize":`+strconv.Itoa(len(recs))+`,"done":true,"records":[]}`))
	}
	c := &cursor{recs: recs, sel: p.sel, batch: batch}
	return o.page(c, "", 0, version)
}

// batchSize reads the batchSize of Sforce-Query-Options, within the
// org's bounds, or returns def.
func (o *Org) batchSize(r *http.Request, def int) int {
	for opt := range strings.SplitSeq(r.Header.Get("Sforce-Query-Options"), ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(opt), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "batchSize") {
			continue
		}
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
			return min(max(n, o.minBatch), 2000)
		}
	}
	return def
}

func (o *Org) queryMore(r *http.Request, version, locator string) response {
	id, off, ok := strings.Cut(locator, "-")
	pos, err := strconv.Atoi(off)
	o.mu.Lock()
	defer o.mu.Unlock()
	c := o.cursors[id]
	if !ok || err != nil || c == nil || pos < 0 || pos > len(c.recs) {
		return errResponse(errorf(http.StatusBadRequest, "INVALID_QUERY_LOCATOR", "invalid query locator"))
	}
	c.batch = o.batchSize(r, c.batch)
	return o.page(c, id, pos, version)
}

// page answers the records of c from pos, registering c under a new
// locator when more pages follow and dropping it after its last page.
// o.mu is held.
func (o *Org) page(c *cursor, id string, pos int, version string) response {
	end := min(pos+c.batch, len(c.recs))
	done := end == len(c.recs)
	b := []byte(`{"totalSize":`)
	b = strconv.AppendInt(b, int64(len(c.recs)), 10)
	b = append(b, `,"done":`...)
	b = strconv.AppendBool(b, done)
	if !done {
		if id == "" {
			o.cursorSeq++
			id = newID("01g", o.cursorSeq)
			o.cursors[id] = c
		}
		b = append(b, `,"nextRecordsUrl":"/services/data/v`...)
		b = append(b, version...)
		b = append(b, "/query/"...)
		b = append(b, id...)
		b = append(b, '-')
		b = strconv.AppendInt(b, int64(end), 10)
		b = append(b, '"')
	} else if id != "" {
		delete(o.cursors, id)
	}
	b = append(b, `,"records":[`...)
	for i, rec := range c.recs[pos:end] {
		if i > 0 {
			b = append(b, ',')
		}
		b = o.appendRecord(b, rec, version, c.sel)
	}
	b = append(b, "]}"...)
	return jsonResponse(http.StatusOK, b)
}

// run evaluates a plan. o.mu is held.
func (o *Org) run(p *plan, all bool) []*record {
	var recs []*record
	for _, rec := range o.table(p.obj).recs {
		if (all || !rec.deleted) && !rec.purged && (p.where == nil || p.where(rec)) {
			recs = append(recs, rec)
		}
	}
	if len(p.order) > 0 {
		keys := make(map[*record][]any, len(recs))
		for _, rec := range recs {
			k := make([]any, len(p.order))
			for i, ok := range p.order {
				k[i] = o.pathValue(rec, ok.parts)
			}
			keys[rec] = k
		}
		slices.SortStableFunc(recs, func(a, b *record) int {
			ka, kb := keys[a], keys[b]
			for i, ok := range p.order {
				va, vb := ka[i], kb[i]
				switch {
				case va == nil && vb == nil:
					continue
				case va == nil || vb == nil:
					if (va == nil) == ok.nullsLast {
						return 1
					}
					return -1
				}
				c := compareValues(ok.kind, va, vb)
				if ok.rank != nil {
					c = comparePicklist(ok.rank, va, vb)
				}
				if ok.desc {
					c = -c
				}
				if c != 0 {
					return c
				}
			}
			return 0
		})
	}
	if p.offset > 0 {
		recs = recs[min(p.offset, len(recs)):]
	}
	if p.limit >= 0 && len(recs) > p.limit {
		recs = recs[:p.limit]
	}
	return recs
}

// pathValue follows a field path from rec: nil when a parent on the way
// is missing. o.mu is held.
func (o *Org) pathValue(rec *record, parts []string) any {
	for _, rel := range parts[:len(parts)-1] {
		ref := rec.obj.rels[strings.ToLower(rel)]
		if ref == nil {
			return nil
		}
		if rec = o.parent(rec, ref); rec == nil {
			return nil
		}
	}
	f := rec.obj.field(parts[len(parts)-1])
	if f == nil {
		return nil
	}
	return o.fieldValue(rec, f)
}

// resolve checks a field path from obj and returns its field (on the
// first described target, for polymorphic relationships).
func (o *Org) resolve(obj *object, parts []string) (*describe.Field, *bindError) {
	if len(parts) == 1 {
		if f := obj.field(parts[0]); f != nil {
			return f, nil
		}
		return nil, &bindError{code: "INVALID_FIELD", msg: "No such column '" + parts[0] + "' on entity '" + obj.name +
			"'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. " +
			"Please reference your WSDL or the describe call for the appropriate names."}
	}
	ref := obj.rels[strings.ToLower(parts[0])]
	if ref == nil {
		return nil, &bindError{code: "INVALID_FIELD", msg: "Didn't understand relationship '" + parts[0] +
			"' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after " +
			"the custom relationship name. Please reference your WSDL or the describe call for the appropriate names."}
	}
	var first *bindError
	described := false
	for _, name := range ref.ReferenceTo {
		target := o.schema.object(name)
		if target == nil {
			continue
		}
		described = true
		f, err := o.resolve(target, parts[1:])
		if err == nil {
			return f, nil
		}
		if first == nil {
			first = err
		}
	}
	if !described {
		return nil, &bindError{code: "INVALID_FIELD", msg: "sftest: the fake org has no describe of " +
			strings.Join(ref.ReferenceTo, " or ") + " (relationship " + describe.Str(ref.RelationshipName) +
			"): add its describe JSON to the org's schema"}
	}
	return nil, first
}

// bind resolves a parsed query against the schema.
func (o *Org) bind(q *soql.Query) (*plan, *bindError) {
	obj := o.schema.object(q.From.Parts[0])
	if obj == nil {
		return nil, &bindError{code: "INVALID_TYPE", pos: q.From.Pos, msg: "sObject type '" + q.From.Parts[0] +
			"' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the " +
			"entity name. Please reference your WSDL or the describe call for the appropriate names."}
	}
	if !obj.d.Queryable {
		return nil, &bindError{code: "INVALID_TYPE", pos: q.From.Pos, msg: "entity type " + obj.name + " does not support query"}
	}
	p := &plan{obj: obj, count: q.Count, limit: q.Limit, offset: q.Offset}
	if q.Offset > maxOffset {
		return nil, &bindError{code: "NUMBER_OUTSIDE_VALID_RANGE", pos: q.OffsetPos, msg: "Maximum SOQL offset allowed is 2000"}
	}
	var paths [][]string
	seen := map[string]bool{}
	for _, fp := range q.Fields {
		if _, err := o.resolve(obj, fp.Parts); err != nil {
			err.pos = fp.Pos
			return nil, err
		}
		key := strings.ToLower(fp.String())
		if seen[key] {
			return nil, &bindError{code: "MALFORMED_QUERY", pos: fp.Pos, msg: "duplicate field selected: " + fp.String()}
		}
		seen[key] = true
		paths = append(paths, fp.Parts)
	}
	p.sel = buildSel(paths)
	if q.Where != nil {
		w, err := o.compile(obj, q.Where)
		if err != nil {
			return nil, err
		}
		p.where = w
	}
	for _, ob := range q.OrderBy {
		f, err := o.resolve(obj, ob.Field.Parts)
		if err == nil {
			err = checkUsable(f, "sorted", func(f *describe.Field) bool { return f.Sortable })
		}
		if err != nil {
			err.pos = ob.Field.Pos
			return nil, err
		}
		key := orderKey{parts: ob.Field.Parts, kind: kindOf(f), desc: ob.Desc, nullsLast: ob.NullsLast}
		if f.Type == "picklist" {
			key.rank = make(map[string]int, len(f.PicklistValues))
			for i, pv := range f.PicklistValues {
				key.rank[pv.Value] = i
			}
		}
		p.order = append(p.order, key)
	}
	return p, nil
}

// valueKind is how values of a field compare.
type valueKind int

const (
	kindOther valueKind = iota
	kindText
	kindMulti
	kindID
	kindBool
	kindNumber
	kindDate
	kindDateTime
)

func kindOf(f *describe.Field) valueKind {
	switch f.Type {
	case "string", "textarea", "email", "phone", "url", "picklist", "combobox", "encryptedstring":
		return kindText
	case "multipicklist":
		return kindMulti
	case "id", "reference":
		return kindID
	case "boolean":
		return kindBool
	case "int", "long", "double", "currency", "percent":
		return kindNumber
	case "date":
		return kindDate
	case "datetime":
		return kindDateTime
	}
	return kindOther
}

// checkUsable rejects filtering or sorting on a field that does not allow
// it, or whose values the fake cannot compute (formulas).
func checkUsable(f *describe.Field, verb string, allowed func(*describe.Field) bool) *bindError {
	switch {
	case !allowed(f):
		return &bindError{code: "INVALID_FIELD", msg: "field '" + f.Name + "' can not be " + verb + " in a query call"}
	case f.Calculated:
		return &bindError{code: "MALFORMED_QUERY", msg: "sftest: the fake org does not evaluate formula fields: " + f.Name + " can not be " + verb}
	case kindOf(f) == kindOther:
		return &bindError{code: "MALFORMED_QUERY", msg: "sftest: the fake org does not support " + verb + " on " + f.Type + " fields (" + f.Name + ")"}
	}
	return nil
}

// compile turns a WHERE condition into a predicate.
func (o *Org) compile(obj *object, e soql.Expr) (func(*record) bool, *bindError) {
	switch e := e.(type) {
	case *soql.And:
		terms, err := o.compileAll(obj, e.Terms)
		if err != nil {
			return nil, err
		}
		return func(r *record) bool {
			for _, t := range terms {
				if !t(r) {
					return false
				}
			}
			return true
		}, nil
	case *soql.Or:
		terms, err := o.compileAll(obj, e.Terms)
		if err != nil {
			return nil, err
		}
		return func(r *record) bool {
			for _, t := range terms {
				if t(r) {
					return true
				}
			}
			return false
		}, nil
	case *soql.Not:
		x, err := o.compile(obj, e.X)
		if err != nil {
			return nil, err
		}
		return func(r *record) bool { return !x(r) }, nil
	case *soql.Compare:
		return o.compileCompare(obj, e)
	case *soql.In:
		return o.compileIn(obj, e)
	}
	return nil, &bindError{code: "MALFORMED_QUERY", msg: "sftest: unknown condition"}
}

func (o *Org) compileAll(obj *object, es []soql.Expr) ([]func(*record) bool, *bindError) {
	out := make([]func(*record) bool, len(es))
	for i, e := range es {
		p, err := o.compile(obj, e)
		if err != nil {
			return nil, err
		}
		out[i] = p
	}
	return out, nil
}

// filterField resolves the field of a condition and checks that it can be
// filtered.
func (o *Org) filterField(obj *object, fp soql.Path) (*describe.Field, *bindError) {
	f, err := o.resolve(obj, fp.Parts)
	if err == nil {
		err = checkUsable(f, "filtered", func(f *describe.Field) bool { return f.Filterable })
	}
	if err != nil {
		err.pos = fp.Pos
		return nil, err
	}
	return f, nil
}

// literal converts a literal for comparison with values of kind k: nil
// for NULL.
func literal(f *describe.Field, k valueKind, v soql.Value) (any, *bindError) {
	if v.Kind == soql.Null {
		return nil, nil
	}
	want := map[valueKind]soql.Kind{kindText: soql.String, kindMulti: soql.String, kindID: soql.String,
		kindBool: soql.Bool, kindNumber: soql.Number, kindDate: soql.Date, kindDateTime: soql.DateTime}[k]
	if v.Kind != want {
		typ := map[valueKind]string{kindText: "string", kindMulti: "string", kindID: "id", kindBool: "boolean",
			kindNumber: "double", kindDate: "date", kindDateTime: "dateTime"}[k]
		if f.Type == "int" || f.Type == "long" {
			typ = "integer"
		}
		quotes := "should not be enclosed in quotes"
		if want == soql.String {
			quotes = "should be enclosed in quotes"
		}
		return nil, &bindError{code: "INVALID_QUERY_FILTER_OPERATOR", pos: v.Pos,
			msg: "value of filter criterion for field '" + f.Name + "' must be of type " + typ + " and " + quotes}
	}
	switch k {
	case kindID:
		id, ok := normID(v.Str)
		if !ok {
			return nil, &bindError{code: "INVALID_QUERY_FILTER_OPERATOR", pos: v.Pos, msg: "invalid ID field: " + v.Str}
		}
		return id, nil
	case kindText, kindMulti:
		return v.Str, nil
	case kindBool:
		return v.Bool, nil
	case kindNumber:
		return v.Num, nil
	case kindDate:
		return v.Date, nil
	case kindDateTime:
		return v.DateTime, nil
	}
	return nil, nil
}

func badOperator(f *describe.Field, pos int) *bindError {
	return &bindError{code: "INVALID_QUERY_FILTER_OPERATOR", pos: pos, msg: "invalid operator on " + f.Type + " field: " + f.Name}
}

func (o *Org) compileCompare(obj *object, c *soql.Compare) (func(*record) bool, *bindError) {
	f, err := o.filterField(obj, c.Field)
	if err != nil {
		return nil, err
	}
	k := kindOf(f)
	parts := c.Field.Parts
	if c.Op == "LIKE" {
		if k != kindText {
			return nil, badOperator(f, c.OpPos)
		}
		pat := c.Value.Like
		return func(r *record) bool {
			s, ok := o.pathValue(r, parts).(string)
			return ok && like(s, pat)
		}, nil
	}
	if (k == kindBool || k == kindMulti) && c.Op != "=" && c.Op != "!=" {
		return nil, badOperator(f, c.OpPos)
	}
	lit, err := literal(f, k, c.Value)
	if err != nil {
		return nil, err
	}
	switch c.Op {
	case "=":
		return func(r *record) bool { return equal(k, o.pathValue(r, parts), lit) }, nil
	case "!=":
		return func(r *record) bool { return !equal(k, o.pathValue(r, parts), lit) }, nil
	}
	test := map[string]func(int) bool{
		"<": func(c int) bool { return c < 0 }, "<=": func(c int) bool { return c <= 0 },
		">": func(c int) bool { return c > 0 }, ">=": func(c int) bool { return c >= 0 },
	}[c.Op]
	return func(r *record) bool {
		v := o.pathValue(r, parts)
		return v != nil && test(compareValues(k, v, lit))
	}, nil
}

func (o *Org) compileIn(obj *object, in *soql.In) (func(*record) bool, *bindError) {
	f, err := o.filterField(obj, in.Field)
	if err != nil {
		return nil, err
	}
	k := kindOf(f)
	if k == kindBool {
		return nil, badOperator(f, in.OpPos)
	}
	lits := make([]any, len(in.Values))
	for i, v := range in.Values {
		if lits[i], err = literal(f, k, v); err != nil {
			return nil, err
		}
	}
	parts, not := in.Field.Parts, in.Not
	return func(r *record) bool {
		v := o.pathValue(r, parts)
		found := slices.ContainsFunc(lits, func(lit any) bool { return equal(k, v, lit) })
		return found != not
	}, nil
}

// equal compares a stored value with a literal; nil is null.
func equal(k valueKind, v, lit any) bool {
	if v == nil || lit == nil {
		return v == nil && lit == nil
	}
	switch k {
	case kindText:
		return strings.EqualFold(v.(string), lit.(string))
	case kindMulti:
		a, b := multiSet(v.(string)), multiSet(lit.(string))
		return slices.Equal(a, b)
	}
	return compareValues(k, v, lit) == 0
}

func multiSet(s string) []string {
	var out []string
	for p := range strings.SplitSeq(s, ";") {
		if p = strings.ToLower(strings.TrimSpace(p)); p != "" {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// compareValues orders two non-null values of kind k.
func compareValues(k valueKind, a, b any) int {
	switch k {
	case kindText, kindMulti:
		as, _ := a.(string)
		bs, _ := b.(string)
		return strings.Compare(strings.ToLower(as), strings.ToLower(bs))
	case kindNumber:
		return cmp.Compare(number(a), number(b))
	case kindBool:
		ab, _ := a.(bool)
		bb, _ := b.(bool)
		switch {
		case ab == bb:
			return 0
		case !ab:
			return -1
		}
		return 1
	case kindDateTime:
		at, _ := a.(time.Time)
		bt, _ := b.(time.Time)
		return at.Compare(bt)
	}
	as, _ := a.(string)
	bs, _ := b.(string)
	return strings.Compare(as, bs)
}

// comparePicklist orders picklist values as Salesforce does: by their
// order in the picklist's definition, not alphabetically. Values the
// definition lacks come after, alphabetically.
func comparePicklist(rank map[string]int, a, b any) int {
	as, _ := a.(string)
	bs, _ := b.(string)
	ra, oka := rank[as]
	rb, okb := rank[bs]
	switch {
	case oka && okb:
		return cmp.Compare(ra, rb)
	case oka != okb:
		if oka {
			return -1
		}
		return 1
	}
	return compareValues(kindText, as, bs)
}

func number(v any) float64 {
	switch v := v.(type) {
	case float64:
		return v
	case int64:
		return float64(v)
	}
	return 0
}

// like matches s against a LIKE pattern, case-insensitively.
func like(s string, pat []soql.LikeChar) bool {
	rs := []rune(s)
	// match[j] is whether pat[:i] matches rs[:j], row by row.
	match := make([]bool, len(rs)+1)
	match[0] = true
	for _, p := range pat {
		next := make([]bool, len(rs)+1)
		switch p.Wild {
		case soql.AnyRun:
			seen := false
			for j := range match {
				seen = seen || match[j]
				next[j] = seen
			}
		case soql.AnyOne:
			for j := 1; j <= len(rs); j++ {
				next[j] = match[j-1]
			}
		default:
			for j := 1; j <= len(rs); j++ {
				next[j] = match[j-1] && unicode.ToLower(rs[j-1]) == unicode.ToLower(p.R)
			}
		}
		match = next
	}
	return match[len(rs)]
}
