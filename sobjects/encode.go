package sobjects

import (
	"encoding"
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unsafe"
)

// marshalRecord returns the JSON of *rec, byte for byte what
// json.Marshal(rec) returns. A generated write shape has dozens of fields,
// nearly all unset pointers and nullable.Nullable maps with omitempty, and
// encoding/json reflects over each of them on every call: 1.6 µs for an
// AccountUpdate with two fields set, against 0.3 µs here, most of the
// client's own CPU per update (BenchmarkMarshalRecord). This encoder skips
// an unset field with one load through a precomputed offset, writes plain
// values (strings, numbers, booleans, through pointers and Nullables) as
// encoding/json does, and hands every other field to json.Marshal. A
// struct it does not fully understand (embedded fields, tag options other
// than omitempty, names encoding/json would treat differently) goes to
// json.Marshal whole. rec does not escape (the record stays on the
// caller's stack) unless a field needs json.Marshal: then a copy does.
func marshalRecord[T any](rec *T) ([]byte, error) {
	p := planOf(reflect.TypeFor[T]())
	if p == nil {
		cp := *rec // a copy escapes to json.Marshal, not rec
		return json.Marshal(&cp)
	}
	if out, ok := encodePlain(p, unsafe.Pointer(rec)); ok {
		return out, nil
	}
	cp := new(T)
	*cp = *rec
	return encodeStruct(p, unsafe.Pointer(cp))
}

// encodePlain is encodeStruct for a record whose set fields all have a
// fast path; ok is false, and nothing written, when one does not. It keeps
// no reference to base.
func encodePlain(p *encPlan, base unsafe.Pointer) (out []byte, ok bool) {
	out = append(make([]byte, 0, 64), '{')
	for i, at := p.next(base, 0); i < len(p.fields); i, at = p.next(base, i+1) {
		if out, ok = p.fields[i].appendFast(p.sep(out, i), at); !ok {
			return nil, false
		}
	}
	return append(out, '}'), true
}

// marshalValue is marshalRecord for a pointer to a struct in an interface.
func marshalValue(rec any) ([]byte, error) {
	v := reflect.ValueOf(rec)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return json.Marshal(rec)
	}
	p := planOf(v.Type().Elem())
	if p == nil {
		return json.Marshal(rec)
	}
	return encodeStruct(p, v.UnsafePointer())
}

// encodeStruct writes the struct at base by plan p. It shares the walk
// (next, sep) with encodePlain but not the loop, on purpose: a loop that may
// hand a field to json.Marshal lets the record escape to the heap, which
// encodePlain must not (TestMarshalRecordLeavesTheRecordOnTheStack).
func encodeStruct(p *encPlan, base unsafe.Pointer) ([]byte, error) {
	out := append(make([]byte, 0, 64), '{')
	for i, at := p.next(base, 0); i < len(p.fields); i, at = p.next(base, i+1) {
		var err error
		if out, err = p.fields[i].encode(p.sep(out, i), at); err != nil {
			return nil, err
		}
	}
	return append(out, '}'), nil
}

// next returns the index of the first field from i on that the struct at
// base writes, and its address; len(p.fields) when there is none.
func (p *encPlan) next(base unsafe.Pointer, i int) (int, unsafe.Pointer) {
	for ; i < len(p.skip); i++ {
		if off := p.skip[i]; off != noSkip && *(*unsafe.Pointer)(unsafe.Add(base, off)) == nil {
			continue // unset: the usual case, read from the compact slice
		}
		f := &p.fields[i]
		if at := unsafe.Add(base, f.offset); !f.omitEmpty || !f.empty(at) {
			return i, at
		}
	}
	return i, nil
}

// sep appends the comma before field i, unless it is the first written
// after the '{', and its key.
func (p *encPlan) sep(out []byte, i int) []byte {
	if len(out) > 1 {
		out = append(out, ',')
	}
	return append(out, p.fields[i].key...)
}

// encode appends the JSON of the field at p, as json.Marshal writes it.
func (f *fieldPlan) encode(out []byte, p unsafe.Pointer) ([]byte, error) {
	if out, ok := f.appendFast(out, p); ok {
		return out, nil
	}
	b, err := json.Marshal(reflect.NewAt(f.typ, p).Interface())
	return append(out, b...), err
}

// appendFast appends the field at p by its fast path; false when it has
// none or the value needs json.Marshal (a NaN, for its error).
func (f *fieldPlan) appendFast(out []byte, p unsafe.Pointer) ([]byte, bool) {
	switch f.fast {
	case fastPointer: // a plain kind is read through its underlying type
		if e := *(*unsafe.Pointer)(p); e != nil {
			switch f.elemKind {
			case reflect.String:
				return appendString(out, *(*string)(e)), true
			case reflect.Bool:
				return strconv.AppendBool(out, *(*bool)(e)), true
			case reflect.Int:
				return strconv.AppendInt(out, int64(*(*int)(e)), 10), true
			case reflect.Int64:
				return strconv.AppendInt(out, *(*int64)(e), 10), true
			case reflect.Float64:
				if x := *(*float64)(e); !math.IsNaN(x) && !math.IsInf(x, 0) {
					return appendFloat(out, x), true
				}
				return out, false
			}
			if v := reflect.NewAt(f.typ.Elem(), e).Elem(); finite(v) {
				return appendPlain(out, v), true
			}
		}
	case fastNullableString: // nullable.Nullable[S] of a string type S: a map[bool]S, read as a map[bool]string
		m := *(*map[bool]string)(p)
		if _, null := m[false]; null {
			return append(out, "null"...), true
		}
		if s, ok := m[true]; ok {
			return appendString(out, s), true
		}
	case fastNullable:
		m := reflect.NewAt(f.typ, p).Elem()
		if m.MapIndex(falseValue).IsValid() {
			return append(out, "null"...), true // as nullable.Nullable.MarshalJSON writes it
		}
		if e := m.MapIndex(trueValue); e.IsValid() && finite(e) {
			return appendPlain(out, e), true
		}
	}
	return out, false
}

// fieldPlan is how marshalRecord writes one field.
type fieldPlan struct {
	key       string // the encoded name and the colon: "Name":
	offset    uintptr
	typ       reflect.Type
	kind      reflect.Kind
	omitEmpty bool
	fast      fastPath
	elemKind  reflect.Kind // of what a pointer points to
}

// fastPath says how a field's value is written without json.Marshal.
type fastPath uint8

const (
	slowPath           fastPath = iota // json.Marshal
	fastPointer                        // a pointer to a plain value (see plainKind)
	fastNullable                       // a nullable.Nullable of a plain value
	fastNullableString                 // a nullable.Nullable of a string type
)

// fastPathOf returns the fast path for a field of type t.
func fastPathOf(t reflect.Type) fastPath {
	switch {
	case t.Kind() == reflect.Pointer && plainKind(t.Elem()): // plainKind checks *E's methods too
		return fastPointer
	case t.Kind() != reflect.Map || t.PkgPath() != "github.com/oapi-codegen/nullable" ||
		!strings.HasPrefix(t.Name(), "Nullable[") || t.Key().Kind() != reflect.Bool || !plainKind(t.Elem()):
		return slowPath
	case t.Elem().Kind() == reflect.String:
		// A map[bool]string underneath, or a map[bool]S of a string type S
		// (a picklist type), which has the same layout and hash.
		return fastNullableString
	default:
		return fastNullable
	}
}

var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

func marshals(t reflect.Type) bool {
	return t.Implements(jsonMarshaler) || t.Implements(textMarshaler)
}

// plainKind reports a type that encoding/json writes by its kind alone: a
// string, bool or number with no marshalling method of its own.
func plainKind(t reflect.Type) bool {
	if marshals(t) || marshals(reflect.PointerTo(t)) {
		return false
	}
	switch t.Kind() {
	case reflect.String, reflect.Bool,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float64:
		return true
	}
	return false
}

var trueValue, falseValue = reflect.ValueOf(true), reflect.ValueOf(false)

// finite is false for the floats encoding/json refuses (NaN, ±Inf): those
// go to json.Marshal for its error.
func finite(v reflect.Value) bool {
	if v.Kind() != reflect.Float64 {
		return true
	}
	f := v.Float()
	return !math.IsNaN(f) && !math.IsInf(f, 0)
}

// appendPlain appends v, of a plainKind type, as encoding/json does.
func appendPlain(out []byte, v reflect.Value) []byte {
	switch v.Kind() {
	case reflect.String:
		return appendString(out, v.String())
	case reflect.Bool:
		return strconv.AppendBool(out, v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.AppendInt(out, v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.AppendUint(out, v.Uint(), 10)
	}
	return appendFloat(out, v.Float())
}

// empty reports what encoding/json's omitempty treats as empty
// (isEmptyValue), for the field at p.
func (f *fieldPlan) empty(p unsafe.Pointer) bool {
	switch f.kind {
	case reflect.Pointer:
		return *(*unsafe.Pointer)(p) == nil
	case reflect.Map:
		// The common case first: an unset nullable.Nullable is a nil map.
		if *(*unsafe.Pointer)(p) == nil {
			return true
		}
		return reflect.NewAt(f.typ, p).Elem().Len() == 0
	case reflect.Array, reflect.Slice, reflect.String:
		return reflect.NewAt(f.typ, p).Elem().Len() == 0
	case reflect.Bool,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface:
		return reflect.NewAt(f.typ, p).Elem().IsZero()
	}
	return false
}

// encPlan is how marshalRecord writes one struct type. skip holds, for
// each field, its offset when it is a pointer or map with omitempty (a nil
// one is left out) and noSkip otherwise: the loop over the fields reads
// this compact slice, not the wide fieldPlans, for the fields that are
// unset, nearly all of them in a write shape.
type encPlan struct {
	fields []fieldPlan
	skip   []uintptr
}

const noSkip = ^uintptr(0)

var plans sync.Map // reflect.Type -> *encPlan, nil when json.Marshal must do it

func planOf(t reflect.Type) *encPlan {
	if t.Kind() != reflect.Struct {
		return nil
	}
	if p, ok := plans.Load(t); ok {
		return p.(*encPlan)
	}
	var p *encPlan
	if fields := makePlan(t); fields != nil {
		p = &encPlan{fields: fields, skip: make([]uintptr, len(fields))}
		for i, f := range fields {
			p.skip[i] = noSkip
			if f.omitEmpty && (f.kind == reflect.Pointer || f.kind == reflect.Map) {
				p.skip[i] = f.offset
			}
		}
	}
	plans.Store(t, p)
	return p
}

// makePlan returns the fields of struct type t as encoding/json writes them,
// or nil when t has anything that encoding/json treats in a way the plan
// does not follow.
func makePlan(t reflect.Type) []fieldPlan {
	fields, ok := jsonFields(t)
	if !ok {
		return nil
	}
	p := []fieldPlan{} // no fields: "{}", not json.Marshal
	seen := map[string]bool{}
	for _, sf := range fields {
		if sf.opts != "" && sf.opts != "omitempty" {
			return nil // string, omitzero, or several options
		}
		if seen[sf.name] {
			return nil // encoding/json drops both
		}
		seen[sf.name] = true
		key, err := json.Marshal(sf.name)
		if err != nil {
			return nil
		}
		f := fieldPlan{key: string(key) + ":", offset: sf.Offset, typ: sf.Type,
			kind: sf.Type.Kind(), omitEmpty: sf.opts == "omitempty", fast: fastPathOf(sf.Type)}
		if sf.Type.Kind() == reflect.Pointer {
			f.elemKind = sf.Type.Elem().Kind()
		}
		p = append(p, f)
	}
	return p
}

// jsonField is a field as encoding/json names it: its name and the options
// of its json tag.
type jsonField struct {
	reflect.StructField
	name, opts string
}

// jsonFields returns the exported fields of struct type t that encoding/json
// reads and writes, named by its rules; false when t embeds a struct (its
// promotion rules are not followed here) or a name is not a plain
// Salesforce name, which encoding/json may read differently.
func jsonFields(t reflect.Type) ([]jsonField, bool) {
	var out []jsonField
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Anonymous {
			return nil, false
		}
		if !sf.IsExported() {
			continue
		}
		tag, hasTag := sf.Tag.Lookup("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if !hasTag || name == "" {
			name = sf.Name
		}
		if !plainName(name) {
			return nil, false
		}
		out = append(out, jsonField{sf, name, opts})
	}
	return out, true
}

// plainName accepts the names of Salesforce fields: letters, digits and
// underscores, which encoding/json takes as they are.
func plainName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) && c != '_' {
			return false
		}
	}
	return s != ""
}
