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

	"github.com/typedforce/typedforce/sobjects/sftype"
)

// fieldSetter sets the field v (addressable) from a non-empty cell.
type fieldSetter func(v reflect.Value, text string) error

// readColumn is how one CSV column of a query result lands in T: the
// fields from T down to the leaf, allocating nil pointers on the way.
type readColumn struct {
	name string
	path []int // field indexes from T; the last is the leaf
	set  fieldSetter
	// record is set for a column below a polymorphic relationship
	// (*sftype.Record): path leads to that field, keys below it.
	record []string
}

// readPlan decodes the rows of one header into T.
type readPlan struct {
	cols []readColumn // by position in the header; nil path: ignored
}

var (
	recordType        = reflect.TypeFor[sftype.Record]()
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

// newReadPlan binds a result header to T. Columns that name no field of T
// are ignored, as encoding/json ignores unknown keys.
func newReadPlan(t reflect.Type, header []string) (*readPlan, error) {
	p := &readPlan{cols: make([]readColumn, len(header))}
	for pos, name := range header {
		col, err := bindColumn(t, name)
		if err != nil {
			return nil, fmt.Errorf("column %q: %w", name, err)
		}
		p.cols[pos] = col
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
		col.path = append(col.path, idx)
		ft := cur.Field(idx).Type
		if i == len(parts)-1 {
			set, err := setterFor(ft)
			if err != nil {
				return readColumn{}, err
			}
			col.set = set
			return col, nil
		}
		base := ft
		if base.Kind() == reflect.Pointer {
			base = base.Elem()
		}
		switch {
		case base == recordType:
			col.record = parts[i+1:]
			return col, nil
		case base.Kind() != reflect.Struct:
			return readColumn{}, fmt.Errorf("%s is not a relationship", part)
		}
		cur = base
	}
	return col, nil
}

// setterFor returns how a cell sets a field of type t.
func setterFor(t reflect.Type) (fieldSetter, error) {
	if t.Kind() == reflect.Pointer {
		inner, err := setterFor(t.Elem())
		if err != nil {
			return nil, err
		}
		elem := t.Elem()
		return func(v reflect.Value, text string) error {
			p := reflect.New(elem)
			if err := inner(p.Elem(), text); err != nil {
				return err
			}
			v.Set(p)
			return nil
		}, nil
	}
	switch {
	case t == multiPicklistType:
		return func(v reflect.Value, text string) error {
			v.Set(reflect.ValueOf(sftype.MultiPicklist(strings.Split(text, ";"))))
			return nil
		}, nil
	case t == rawMessageType:
		return func(v reflect.Value, text string) error {
			b, _ := json.Marshal(text)
			v.SetBytes(b)
			return nil
		}, nil
	case reflect.PointerTo(t).Implements(textUnmarshalType):
		return func(v reflect.Value, text string) error {
			return v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(text))
		}, nil
	}
	switch t.Kind() {
	case reflect.String:
		return func(v reflect.Value, text string) error { v.SetString(text); return nil }, nil
	case reflect.Bool:
		return func(v reflect.Value, text string) error {
			b, err := strconv.ParseBool(text)
			if err != nil {
				return fmt.Errorf("%q is not a boolean", text)
			}
			v.SetBool(b)
			return nil
		}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return func(v reflect.Value, text string) error {
			n, err := strconv.ParseInt(text, 10, t.Bits())
			if err != nil { // Salesforce may write 5.0 for an integer
				x, ferr := strconv.ParseFloat(text, 64)
				if ferr != nil || x != math.Trunc(x) || v.OverflowInt(int64(x)) {
					return fmt.Errorf("%q is not an integer", text)
				}
				n = int64(x)
			}
			v.SetInt(n)
			return nil
		}, nil
	case reflect.Float32, reflect.Float64:
		return func(v reflect.Value, text string) error {
			x, err := strconv.ParseFloat(text, t.Bits())
			if err != nil {
				return fmt.Errorf("%q is not a number", text)
			}
			v.SetFloat(x)
			return nil
		}, nil
	}
	return nil, fmt.Errorf("a field of type %s cannot be read from CSV (compound fields and subqueries are not in Bulk API query results)", t)
}

// decode sets the fields of *v from one CSV row. Empty cells are absent.
func (p *readPlan) decode(v reflect.Value, rec []string) error {
	var polys map[string]map[string]any // by record path
	for pos, col := range p.cols {
		if col.path == nil || pos >= len(rec) || rec[pos] == "" {
			continue
		}
		text := rec[pos]
		f := v
		last := len(col.path) - 1
		for _, idx := range col.path[:last] {
			f = f.Field(idx)
			if f.Kind() == reflect.Pointer {
				if f.IsNil() {
					f.Set(reflect.New(f.Type().Elem()))
				}
				f = f.Elem()
			}
		}
		f = f.Field(col.path[last])
		if col.record != nil {
			if polys == nil {
				polys = map[string]map[string]any{}
			}
			key := fmt.Sprint(col.path)
			m := polys[key]
			if m == nil {
				m = map[string]any{}
				polys[key] = m
			}
			putPath(m, col.record, text)
			if err := setRecord(f, m); err != nil {
				return fmt.Errorf("column %s: %w", col.name, err)
			}
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

// setRecord sets the polymorphic record field f from the columns read
// below it so far. Its type is unknown: Attributes.Type stays empty
// unless the query selected the relationship's Type field.
func setRecord(f reflect.Value, m map[string]any) error {
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
	if f.Kind() == reflect.Pointer {
		f.Set(reflect.ValueOf(&r))
		return nil
	}
	f.Set(reflect.ValueOf(r))
	return nil
}
