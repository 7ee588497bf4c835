package sobjects

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"
)

// unmarshalRecord decodes the JSON object data into *rec, which must be the
// zero T, with the result json.Unmarshal(data, rec) gives, and its error.
//
// encoding/json spends most of a generated read shape's decode on reflection
// and on scanning each value twice (once to validate the whole input, once
// to decode it); the shapes are wider than a hand-written struct, so a typed
// GET and a typed query page decoded slower than a hand-written client
// (docs/BENCHMARKS.md). This decoder reads the usual record in one pass:
// objects of known fields whose values are strings, numbers, booleans, null,
// nested records, and types with their own UnmarshalJSON (the sftype
// values). Anything else (an escape it cannot copy as is, a key that
// matches a field only ignoring case, a value of the wrong JSON type, a
// field kind it does not handle, any syntax error) makes it start over with
// json.Unmarshal on a zeroed *rec, so that the result, errors included, is
// always encoding/json's.
func unmarshalRecord[T any](data []byte, rec *T) error {
	if p := decPlanOf(reflect.TypeFor[T]()); p != nil {
		d := decoder{data: data}
		if i, ok := d.object(d.space(0), p, unsafe.Pointer(rec), 0); ok && d.space(i) == len(data) {
			return nil
		}
		var zero T
		*rec = zero
	}
	return json.Unmarshal(data, rec)
}

// decoder reads one JSON value of data; each method returns the index
// after what it read and false when the fast path must give up.
type decoder struct{ data []byte }

// maxDecodeDepth bounds the nesting the fast path follows; deeper input
// goes to encoding/json, which has limits of its own.
const maxDecodeDepth = 64

func (d *decoder) space(i int) int {
	for i < len(d.data) {
		switch d.data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// object decodes the object at i into the struct at base by plan p.
func (d *decoder) object(i int, p *decPlan, base unsafe.Pointer, depth int) (int, bool) {
	if p.invalid || depth > maxDecodeDepth || i >= len(d.data) || d.data[i] != '{' {
		return i, false
	}
	i = d.space(i + 1)
	if i < len(d.data) && d.data[i] == '}' {
		return i + 1, true
	}
	for {
		start := i
		end, plain, ok := d.str(i)
		if !ok || !plain {
			return i, false
		}
		key := d.data[start+1 : end-1]
		i = d.space(end)
		if i >= len(d.data) || d.data[i] != ':' {
			return i, false
		}
		i = d.space(i + 1)
		f := p.fields[string(key)]
		switch {
		case f != nil:
			if i, ok = d.field(i, f, unsafe.Add(base, f.offset), depth); !ok {
				return i, false
			}
		case p.folded[strings.ToLower(string(key))] || !ascii(key):
			return i, false // encoding/json would match a field ignoring case
		default:
			if i, ok = d.skip(i, depth+1); !ok {
				return i, false
			}
		}
		i = d.space(i)
		if i >= len(d.data) {
			return i, false
		}
		switch d.data[i] {
		case ',':
			i = d.space(i + 1)
		case '}':
			return i + 1, true
		default:
			return i, false
		}
	}
}

// field decodes the value at i into the field at at.
func (d *decoder) field(i int, f *decField, at unsafe.Pointer, depth int) (int, bool) {
	if i >= len(d.data) {
		return i, false
	}
	if d.data[i] == 'n' { // null: a pointer becomes nil, a plain value stays
		if !bytes.HasPrefix(d.data[i:], []byte("null")) {
			return i, false
		}
		switch f.kind {
		case decSlow:
			return i, false
		case decString, decInt, decBool, decFloat64, decStruct:
		default:
			*(*unsafe.Pointer)(at) = nil
		}
		return i + 4, true
	}
	switch f.kind {
	case decString, decPtrString:
		end, plain, ok := d.str(i)
		if !ok || d.data[i] != '"' {
			return i, false
		}
		s, ok := d.text(i, end, plain)
		if !ok {
			return i, false
		}
		if f.kind == decPtrString {
			at = pointee[string](at)
		}
		*(*string)(at) = s
		return end, true
	case decBool, decPtrBool:
		var v bool
		switch {
		case bytes.HasPrefix(d.data[i:], []byte("true")):
			v = true
		case bytes.HasPrefix(d.data[i:], []byte("false")):
		default:
			return i, false
		}
		if f.kind == decPtrBool {
			at = pointee[bool](at)
		}
		*(*bool)(at) = v
		if v {
			return i + 4, true
		}
		return i + 5, true
	case decFloat64, decPtrFloat64:
		end, ok := d.number(i)
		if !ok {
			return i, false
		}
		v, err := strconv.ParseFloat(unsafe.String(&d.data[i], end-i), 64)
		if err != nil {
			return i, false
		}
		if f.kind == decPtrFloat64 {
			at = pointee[float64](at)
		}
		*(*float64)(at) = v
		return end, true
	case decInt, decPtrInt:
		end, ok := d.number(i)
		if !ok {
			return i, false
		}
		v, err := strconv.ParseInt(unsafe.String(&d.data[i], end-i), 10, 64)
		if err != nil {
			return i, false
		}
		if f.kind == decPtrInt {
			at = pointee[int64](at)
		}
		*(*int64)(at) = v
		return end, true
	case decStruct:
		return d.object(i, f.sub, at, depth+1)
	case decPtrStruct:
		if d.data[i] != '{' {
			return i, false
		}
		return d.object(i, f.sub, f.alloc(at), depth+1)
	case decPtrUnmarshaler:
		end, ok := d.skip(i, depth+1)
		if !ok {
			return i, false
		}
		u := reflect.NewAt(f.elem, f.alloc(at)).Interface().(json.Unmarshaler)
		if u.UnmarshalJSON(d.data[i:end]) != nil {
			return i, false // encoding/json returns the error
		}
		return end, true
	}
	return i, false
}

// text returns the value of the string data[i:end]: its bytes when plain,
// else with the escapes \" \\ \/ \b \f \n \r \t replaced; a \u escape or
// invalid UTF-8 goes to json.Unmarshal, which knows them all.
func (d *decoder) text(i, end int, plain bool) (string, bool) {
	raw := d.data[i+1 : end-1]
	if plain {
		return string(raw), true
	}
	out := make([]byte, 0, len(raw))
	for j := 0; j < len(raw); j++ {
		c := raw[j]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		if j++; j == len(raw) {
			return "", false
		}
		switch raw[j] {
		case '"', '\\', '/':
			out = append(out, raw[j])
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		default:
			return unquote(d.data[i:end])
		}
	}
	if !utf8.Valid(out) {
		return unquote(d.data[i:end])
	}
	return string(out), true
}

// unquote is json.Unmarshal of a string literal.
func unquote(lit []byte) (string, bool) {
	var s string
	return s, json.Unmarshal(lit, &s) == nil
}

// pointee returns where the pointer at at points, allocating a T when it is
// nil, as encoding/json does; the pointer's type may be a named type whose
// underlying type is T.
func pointee[T any](at unsafe.Pointer) unsafe.Pointer {
	pp := (**T)(at)
	if *pp == nil {
		*pp = new(T)
	}
	return unsafe.Pointer(*pp)
}

// alloc is pointee for a struct or Unmarshaler field: it allocates its
// element type by reflection, so that the garbage collector knows it.
func (f *decField) alloc(at unsafe.Pointer) unsafe.Pointer {
	pp := (*unsafe.Pointer)(at)
	if *pp == nil {
		*pp = reflect.New(f.elem).UnsafePointer()
	}
	return *pp
}

// str reads the string at i; plain reports one that holds no escape and
// only valid UTF-8, whose bytes between the quotes are its value.
func (d *decoder) str(i int) (end int, plain, ok bool) {
	if i >= len(d.data) || d.data[i] != '"' {
		return i, false, false
	}
	plain = true
	ascii := true
	for j := i + 1; j < len(d.data); j++ {
		switch c := d.data[j]; {
		case c == '"':
			if !ascii && plain {
				plain = utf8.Valid(d.data[i+1 : j])
			}
			return j + 1, plain, true
		case c == '\\':
			plain = false
			j++ // the escaped byte; json.Unmarshal checks the escape
		case c < 0x20:
			return j, false, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return len(d.data), false, false
}

// number reads a number at i by JSON's grammar.
func (d *decoder) number(i int) (int, bool) {
	b, j := d.data, i
	if j < len(b) && b[j] == '-' {
		j++
	}
	switch {
	case j < len(b) && b[j] == '0':
		j++
	case j < len(b) && b[j] >= '1' && b[j] <= '9':
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
	default:
		return i, false
	}
	if j < len(b) && b[j] == '.' {
		j++
		k := j
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		if j == k {
			return i, false
		}
	}
	if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		k := j
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		if j == k {
			return i, false
		}
	}
	return j, true
}

// skip reads any value at i, checking its syntax.
func (d *decoder) skip(i, depth int) (int, bool) {
	if depth > maxDecodeDepth || i >= len(d.data) {
		return i, false
	}
	switch c := d.data[i]; {
	case c == '"':
		end, _, ok := d.str(i)
		return end, ok
	case c == '{' || c == '[':
		closing := byte('}')
		if c == '[' {
			closing = ']'
		}
		i = d.space(i + 1)
		if i < len(d.data) && d.data[i] == closing {
			return i + 1, true
		}
		for {
			var ok bool
			if c == '{' {
				if i, ok = d.skip(i, depth+1); !ok || i >= len(d.data) || d.data[i-1] != '"' {
					return i, false // keys are strings
				}
				if i = d.space(i); i >= len(d.data) || d.data[i] != ':' {
					return i, false
				}
				i = d.space(i + 1)
			}
			if i, ok = d.skip(i, depth+1); !ok {
				return i, false
			}
			if i = d.space(i); i >= len(d.data) {
				return i, false
			}
			switch d.data[i] {
			case ',':
				i = d.space(i + 1)
			case closing:
				return i + 1, true
			default:
				return i, false
			}
		}
	case c == 't':
		return i + 4, bytes.HasPrefix(d.data[i:], []byte("true"))
	case c == 'f':
		return i + 5, bytes.HasPrefix(d.data[i:], []byte("false"))
	case c == 'n':
		return i + 4, bytes.HasPrefix(d.data[i:], []byte("null"))
	}
	return d.number(i)
}

func ascii(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// decPlan is how the decoder fills one struct type.
type decPlan struct {
	fields  map[string]*decField // by exact JSON name
	folded  map[string]bool      // the names in lower case
	invalid bool                 // refused after a field of a type that refers back to it took it
}

// decField is one field of a decPlan.
type decField struct {
	offset uintptr
	kind   decKind
	elem   reflect.Type // what a pointer field points to
	sub    *decPlan     // decStruct, decPtrStruct
}

type decKind uint8

const (
	decSlow decKind = iota // encoding/json's: the fast path gives up when the field appears
	decString
	decBool
	decFloat64
	decInt // int or int64 (64-bit)
	decStruct
	decPtrString
	decPtrBool
	decPtrFloat64
	decPtrInt
	decPtrStruct
	decPtrUnmarshaler
)

var decPlans sync.Map // reflect.Type -> *decPlan, or a nil *decPlan

// decPlanOf returns the plan of struct type t, or nil when encoding/json
// must decode t whole.
func decPlanOf(t reflect.Type) *decPlan {
	if v, ok := decPlans.Load(t); ok {
		return v.(*decPlan)
	}
	p := makeDecPlan(t, map[reflect.Type]*decPlan{})
	decPlans.Store(t, p)
	return p
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// unmarshals reports a type whose value or pointer decodes itself.
func unmarshals(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	return t.Implements(jsonUnmarshaler) || t.Implements(textUnmarshaler) ||
		pt.Implements(jsonUnmarshaler) || pt.Implements(textUnmarshaler)
}

// makeDecPlan builds the plan of t; seen holds the plans being built, for
// types that refer to themselves.
func makeDecPlan(t reflect.Type, seen map[reflect.Type]*decPlan) *decPlan {
	if t.Kind() != reflect.Struct || unmarshals(t) {
		return nil
	}
	if p, ok := seen[t]; ok {
		return p
	}
	p := &decPlan{fields: map[string]*decField{}, folded: map[string]bool{}}
	seen[t] = p
	if !p.fill(t, seen) {
		p.invalid = true
		return nil
	}
	return p
}

// fill adds the fields of t to p; false when t is not for the fast path.
func (p *decPlan) fill(t reflect.Type, seen map[reflect.Type]*decPlan) bool {
	fields, ok := jsonFields(t)
	if !ok {
		return false
	}
	for _, sf := range fields {
		if p.folded[strings.ToLower(sf.name)] {
			return false // two names that fold alike: encoding/json picks between them
		}
		p.folded[strings.ToLower(sf.name)] = true
		f := &decField{offset: sf.Offset, kind: decKindOf(sf.Type, seen)}
		if strings.Contains(sf.opts, "string") {
			f.kind = decSlow
		}
		if sf.Type.Kind() == reflect.Pointer {
			f.elem = sf.Type.Elem()
		}
		switch f.kind {
		case decStruct:
			f.sub = makeDecPlan(sf.Type, seen)
		case decPtrStruct:
			f.sub = makeDecPlan(sf.Type.Elem(), seen)
		}
		if (f.kind == decStruct || f.kind == decPtrStruct) && f.sub == nil {
			f.kind = decSlow
		}
		p.fields[sf.name] = f
	}
	return true
}

// decKindOf returns how the decoder handles a field of type t.
func decKindOf(t reflect.Type, seen map[reflect.Type]*decPlan) decKind {
	ptr := t.Kind() == reflect.Pointer
	e := t
	if ptr {
		e = t.Elem()
		if reflect.PointerTo(e).Implements(jsonUnmarshaler) && !e.Implements(jsonUnmarshaler) &&
			e.Kind() != reflect.Pointer && e.Kind() != reflect.Interface {
			return decPtrUnmarshaler
		}
	}
	if unmarshals(e) || unmarshals(t) || e == reflect.TypeFor[json.Number]() {
		return decSlow // json.Number: encoding/json checks that the string is a number
	}
	var k decKind
	switch e.Kind() {
	case reflect.String:
		k = decString
	case reflect.Bool:
		k = decBool
	case reflect.Float64:
		k = decFloat64
	case reflect.Int, reflect.Int64:
		if e.Size() != 8 {
			return decSlow
		}
		k = decInt
	case reflect.Struct:
		k = decStruct
	default:
		return decSlow
	}
	if ptr {
		k += decPtrString - decString
	}
	return k
}
