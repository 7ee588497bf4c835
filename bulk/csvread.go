package bulk

import (
	"encoding"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"github.com/typedforce/typedforce/sobjects/sftype"
)

// fieldSetter sets the field at p from a non-empty cell. Setters write
// through precomputed offsets: a generated read shape has dozens of
// pointer fields, and reflect.Value.New and Set on each took 10.5 µs a
// record against 6.9 µs this way (BenchmarkDecodeAccounts, before the block).
type fieldSetter func(p unsafe.Pointer, text string) error

// step is a relationship on the way from T to a column's field: the
// field at offset, a struct or a pointer to one (allocated when nil).
type step struct {
	offset uintptr
	ptr    reflect.Type // the struct type behind a pointer; nil for a struct field
}

// readColumn is how one CSV column of a query result lands in T.
type readColumn struct {
	name   string
	bound  bool
	steps  []step
	offset uintptr // of the leaf field in the last struct
	set    fieldSetter
	// record is set for a column below a polymorphic relationship
	// (*sftype.Record, the leaf field): the keys below it.
	record    []string
	recordPtr bool
	// A pointer leaf (*string, *float64, …) whose target lives in the
	// block of its row: set writes the value there, the field points to it.
	elem  reflect.Type // the pointer's element type; nil for other leaves
	inRow bool         // the target is in the row's block
	slot  uintptr      // offset of the target in the block
}

// readPlan decodes the rows of one header into T.
//
// The targets of a row's pointer fields are allocated together, as the
// fields of one struct made for the header (block), instead of one
// allocation per field: an Account of 35 columns costs 4 allocations
// instead of 36 (BenchmarkDecodeAccounts; 0.8x the time of one array per
// element type, 13 allocations). A block lives as long as any field of
// its record points into it.
type readPlan struct {
	cols  []readColumn // by position in the header; unbound: ignored
	block reflect.Type // nil when no column is a pointer
}

var (
	recordType        = reflect.TypeFor[sftype.Record]()
	dateTimeType      = reflect.TypeFor[sftype.DateTime]()
	dateType          = reflect.TypeFor[sftype.Date]()
	timeType          = reflect.TypeFor[sftype.Time]()
	textUnmarshalType = reflect.TypeFor[encoding.TextUnmarshaler]()
	jsonNames         sync.Map // reflect.Type -> map[string]int (lower-case json name -> field index)
)

// fieldsByName maps the lower-case json names of t's fields to their
// indexes.
func fieldsByName(t reflect.Type) map[string]int {
	if m, ok := jsonNames.Load(t); ok {
		return m.(map[string]int)
	}
	m := map[string]int{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		m[strings.ToLower(name)] = i
	}
	jsonNames.Store(t, m)
	return m
}

// newReadPlan binds a result header to the struct type t. Columns that
// name no field of t are ignored, as encoding/json ignores unknown keys.
func newReadPlan(t reflect.Type, header []string) (*readPlan, error) {
	p := &readPlan{cols: make([]readColumn, len(header))}
	var fields []reflect.StructField
	for pos, name := range header {
		col, err := bindColumn(t, name)
		if err != nil {
			return nil, fmt.Errorf("column %q: %w", name, err)
		}
		if col.elem != nil {
			col.inRow = true
			fields = append(fields, reflect.StructField{Name: "F" + strconv.Itoa(pos), Type: col.elem})
		}
		p.cols[pos] = col
	}
	if len(fields) > 0 {
		p.block = reflect.StructOf(fields)
		i := 0
		for pos := range p.cols {
			if p.cols[pos].inRow {
				p.cols[pos].slot = p.block.Field(i).Offset
				i++
			}
		}
	}
	return p, nil
}

func bindColumn(t reflect.Type, name string) (readColumn, error) {
	col := readColumn{name: name}
	parts := strings.Split(name, ".")
	cur := t
	for i, part := range parts {
		idx, ok := fieldsByName(cur)[strings.ToLower(part)]
		if !ok {
			return readColumn{name: name}, nil
		}
		f := cur.Field(idx)
		base := f.Type
		if base.Kind() == reflect.Pointer {
			base = base.Elem()
		}
		switch {
		case base == recordType && i < len(parts)-1:
			col.bound, col.offset, col.record, col.recordPtr = true, f.Offset, parts[i+1:], f.Type.Kind() == reflect.Pointer
			return col, nil
		case i == len(parts)-1:
			leaf := f.Type
			if leaf.Kind() == reflect.Pointer {
				col.elem, leaf = leaf.Elem(), leaf.Elem()
			}
			set, err := setterFor(leaf)
			if err != nil {
				return readColumn{}, err
			}
			col.bound, col.offset, col.set = true, f.Offset, set
			return col, nil
		case base.Kind() != reflect.Struct:
			return readColumn{}, fmt.Errorf("%s is not a relationship", part)
		}
		s := step{offset: f.Offset}
		if f.Type.Kind() == reflect.Pointer {
			s.ptr = base
		}
		col.steps = append(col.steps, s)
		cur = base
	}
	return col, nil
}

// setterFor returns how a cell sets a field of type t.
func setterFor(t reflect.Type) (fieldSetter, error) {
	if t.Kind() == reflect.Pointer { // a pointer below a pointer: a target of its own
		elem := t.Elem()
		inner, err := setterFor(elem)
		if err != nil {
			return nil, err
		}
		return func(p unsafe.Pointer, text string) error {
			v := reflect.New(elem).UnsafePointer()
			if err := inner(v, text); err != nil {
				return err
			}
			*(*unsafe.Pointer)(p) = v
			return nil
		}, nil
	}
	switch t {
	case dateTimeType:
		return func(p unsafe.Pointer, text string) (err error) {
			*(*sftype.DateTime)(p), err = sftype.ParseDateTime(text)
			return err
		}, nil
	case dateType:
		return func(p unsafe.Pointer, text string) (err error) {
			*(*sftype.Date)(p), err = sftype.ParseDate(text)
			return err
		}, nil
	case timeType:
		return func(p unsafe.Pointer, text string) (err error) {
			*(*sftype.Time)(p), err = sftype.ParseTime(text)
			return err
		}, nil
	case multiPicklistType:
		return func(p unsafe.Pointer, text string) error {
			*(*sftype.MultiPicklist)(p) = strings.Split(text, ";")
			return nil
		}, nil
	case rawMessageType:
		return func(p unsafe.Pointer, text string) error {
			b, _ := json.Marshal(text)
			*(*json.RawMessage)(p) = b
			return nil
		}, nil
	}
	if reflect.PointerTo(t).Implements(textUnmarshalType) {
		return func(p unsafe.Pointer, text string) error {
			return reflect.NewAt(t, p).Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(text))
		}, nil
	}
	switch t.Kind() {
	case reflect.String:
		return func(p unsafe.Pointer, text string) error { *(*string)(p) = text; return nil }, nil
	case reflect.Bool:
		return func(p unsafe.Pointer, text string) error {
			b, err := strconv.ParseBool(text)
			if err != nil {
				return fmt.Errorf("%q is not a boolean", text)
			}
			*(*bool)(p) = b
			return nil
		}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		bits := t.Bits()
		return func(p unsafe.Pointer, text string) error {
			n, err := parseInt(text, bits)
			if err != nil {
				return err
			}
			switch bits {
			case 8:
				*(*int8)(p) = int8(n)
			case 16:
				*(*int16)(p) = int16(n)
			case 32:
				*(*int32)(p) = int32(n)
			default:
				*(*int64)(p) = n
			}
			return nil
		}, nil
	case reflect.Float32:
		return func(p unsafe.Pointer, text string) error {
			x, err := strconv.ParseFloat(text, 32)
			if err != nil {
				return fmt.Errorf("%q is not a number", text)
			}
			*(*float32)(p) = float32(x)
			return nil
		}, nil
	case reflect.Float64:
		return func(p unsafe.Pointer, text string) error {
			x, err := strconv.ParseFloat(text, 64)
			if err != nil {
				return fmt.Errorf("%q is not a number", text)
			}
			*(*float64)(p) = x
			return nil
		}, nil
	}
	return nil, fmt.Errorf("a field of type %s cannot be read from CSV (compound fields and subqueries are not in Bulk API query results)", t)
}

// parseInt reads an integer of bits bits; Salesforce may write 5.0 for an
// integer.
func parseInt(text string, bits int) (int64, error) {
	n, err := strconv.ParseInt(text, 10, bits)
	if err == nil {
		return n, nil
	}
	x, ferr := strconv.ParseFloat(text, 64)
	lim := math.Ldexp(1, bits-1)
	if ferr != nil || x != math.Trunc(x) || x >= lim || x < -lim {
		return 0, fmt.Errorf("%q is not an integer", text)
	}
	return int64(x), nil
}

// decode sets the fields of the T at base from one CSV row. Empty cells
// are absent.
func (p *readPlan) decode(base unsafe.Pointer, rec []string) error {
	var polys map[uintptr]map[string]any // by the address of the record field
	var block unsafe.Pointer
	for pos := range p.cols {
		col := &p.cols[pos]
		if !col.bound || pos >= len(rec) || rec[pos] == "" {
			continue
		}
		text := rec[pos]
		cur := base
		for _, s := range col.steps {
			f := unsafe.Add(cur, s.offset)
			if s.ptr != nil {
				pp := (*unsafe.Pointer)(f)
				if *pp == nil {
					*pp = reflect.New(s.ptr).UnsafePointer()
				}
				f = *pp
			}
			cur = f
		}
		f := unsafe.Add(cur, col.offset)
		if col.record != nil {
			if polys == nil {
				polys = map[uintptr]map[string]any{}
			}
			m := polys[uintptr(f)]
			if m == nil {
				m = map[string]any{}
				polys[uintptr(f)] = m
			}
			putPath(m, col.record, text)
			if err := setRecord(f, col.recordPtr, m); err != nil {
				return fmt.Errorf("column %s: %w", col.name, err)
			}
			continue
		}
		if col.inRow {
			if block == nil {
				block = reflect.New(p.block).UnsafePointer()
			}
			target := unsafe.Add(block, col.slot)
			if err := col.set(target, text); err != nil {
				return fmt.Errorf("column %s: %w", col.name, err)
			}
			*(*unsafe.Pointer)(f) = target
			continue
		}
		if err := col.set(f, text); err != nil {
			return fmt.Errorf("column %s: %w", col.name, err)
		}
	}
	return nil
}

// putPath stores text at the key path of nested maps m.
func putPath(m map[string]any, keys []string, text string) {
	for _, k := range keys[:len(keys)-1] {
		sub, ok := m[k].(map[string]any)
		if !ok {
			sub = map[string]any{}
			m[k] = sub
		}
		m = sub
	}
	m[keys[len(keys)-1]] = text
}

// setRecord sets the polymorphic record field at f (a *sftype.Record when
// ptr) from the columns read below it so far. Its type is unknown:
// Attributes.Type stays empty unless the query selected the
// relationship's Type field.
func setRecord(f unsafe.Pointer, ptr bool, m map[string]any) error {
	typ, _ := m["Type"].(string)
	body := map[string]any{"attributes": map[string]string{"type": typ}}
	for k, v := range m {
		body[k] = v
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return err
	}
	r := sftype.Record{Attributes: sftype.Attributes{Type: typ}, Raw: raw}
	if ptr {
		*(**sftype.Record)(f) = &r
		return nil
	}
	*(*sftype.Record)(f) = r
	return nil
}
