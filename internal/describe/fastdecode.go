package describe

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// fastDecode decodes data, a describe result in the usual shape, into o
// without reflection: encoding/json is most of the time of LoadDir on a large
// org, and this is about six times faster.
//
// It is a fast path, not a second decoder: it reports false, leaving o in an
// unspecified state, as soon as data holds anything it does not decode exactly
// as encoding/json does or that encoding/json refuses: malformed or truncated
// JSON, a value of the wrong kind, a key given twice, a key that matches a
// field only ignoring case, an escaped or non-ASCII key, a number that is not
// a plain integer, data after the object... The caller then decodes data with
// encoding/json, which gives the value or the error it always gave. When it
// reports true, o holds what encoding/json decodes from data.
// TestFastDecodeSame and FuzzFastDecode check this.
func fastDecode(data []byte, o *SObject) bool {
	p := parsers.Get().(*parser)
	p.data, p.i = data, 0
	ok := p.sobject(o) && p.next() == 0 && p.i == len(p.data)
	p.data = nil
	parsers.Put(p)
	return ok
}

var parsers = sync.Pool{New: func() any { return new(parser) }}

// The keys of each struct, lower-cased: encoding/json decodes a key that
// matches no field exactly into the field that it matches ignoring case.
var (
	sobjectKeys  = foldedKeys(reflect.TypeFor[SObject]())
	fieldKeys    = foldedKeys(reflect.TypeFor[Field]())
	picklistKeys = foldedKeys(reflect.TypeFor[PicklistValue]())
	childKeys    = foldedKeys(reflect.TypeFor[ChildRelationship]())
)

func foldedKeys(t reflect.Type) map[string]bool {
	keys := map[string]bool{}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		keys[strings.ToLower(name)] = true
	}
	return keys
}

// parser is the state of fastDecode. Parsers are reused through a pool, for
// their buffers.
type parser struct {
	data []byte
	i    int // next byte of data

	// Arrays of structs are collected here, then copied to slices of the
	// right length.
	fields    []Field
	picklist  []PicklistValue
	childRels []ChildRelationship

	words map[string]string // see word
}

// maxDepth bounds the nesting of ignored values; deeper documents are left to
// encoding/json (whose own limit is 10,000).
const maxDepth = 500

// next skips white space and returns the byte that follows, 0 at the end of
// the data.
func (p *parser) next() byte {
	i := p.i
	for i < len(p.data) {
		switch c := p.data[i]; c {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			p.i = i
			return c
		}
	}
	p.i = i
	return 0
}

// at reports whether the next byte, white space not skipped, is c.
func (p *parser) at(c byte) bool {
	return p.i < len(p.data) && p.data[p.i] == c
}

// literal consumes lit if the data continues with it.
func (p *parser) literal(lit string) bool {
	if len(p.data)-p.i < len(lit) || string(p.data[p.i:p.i+len(lit)]) != lit {
		return false
	}
	p.i += len(lit)
	return true
}

func (p *parser) null() bool {
	return p.at('n') && p.literal("null")
}

// object parses an object of a struct whose lower-cased keys are keys. It
// calls member with each key, the parser at the value; member parses the
// value of a key of the struct and returns the key's bit (to refuse
// duplicates), or returns 0 without parsing anything for another key, whose
// value is then skipped.
func (p *parser) object(keys map[string]bool, member func(key []byte) (bit uint64, ok bool)) bool {
	if p.next() != '{' {
		return false
	}
	p.i++
	if p.next() == '}' {
		p.i++
		return true
	}
	var seen uint64
	for {
		key, ok := p.key()
		if !ok {
			return false
		}
		p.next()
		bit, ok := member(key)
		switch {
		case !ok:
			return false
		case bit != 0:
			if seen&bit != 0 {
				return false
			}
			seen |= bit
		case foldsToKnown(key, keys) || !p.skip(0):
			return false
		}
		switch p.next() {
		case ',':
			p.i++
		case '}':
			p.i++
			return true
		default:
			return false
		}
	}
}

// foldsToKnown reports whether key, which matched no key exactly, matches one
// ignoring case.
func foldsToKnown(key []byte, keys map[string]bool) bool {
	var buf [64]byte
	if len(key) > len(buf) {
		return false // longer than any key of the structs
	}
	for i, c := range key {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return keys[string(buf[:len(key)])]
}

// key parses a key and its colon. Keys with escapes or non-ASCII bytes are
// not handled.
func (p *parser) key() ([]byte, bool) {
	if p.next() != '"' {
		return nil, false
	}
	d := p.data
	start := p.i + 1
	for i := start; i < len(d); i++ {
		if c := d[i]; plainByte[c] {
			continue
		} else if c != '"' {
			return nil, false
		}
		p.i = i + 1
		if p.next() != ':' {
			return nil, false
		}
		p.i++
		return d[start:i], true
	}
	return nil, false
}

// plainByte tells the bytes that stand for themselves in a JSON string: not a
// quote, a backslash, a control character or part of a multi-byte character.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// stringEnd checks the syntax of the string at p.i and returns the index just
// past it, and whether it holds only plain bytes.
func (p *parser) stringEnd() (end int, plain, ok bool) {
	d := p.data
	plain = true
	for i := p.i + 1; i < len(d); i++ {
		c := d[i]
		switch {
		case plainByte[c]:
		case c == '"':
			return i + 1, plain, true
		case c < 0x20:
			return 0, false, false
		case c >= utf8.RuneSelf:
			plain = false
		default: // a backslash
			plain = false
			i++
			if i >= len(d) {
				return 0, false, false
			}
			switch d[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(d) {
					return 0, false, false
				}
				for _, h := range d[i+1 : i+5] {
					if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						return 0, false, false
					}
				}
				i += 4
			default:
				return 0, false, false
			}
		}
	}
	return 0, false, false
}

// The values of the struct fields. null leaves a string, a boolean or a
// number as it is, and a pointer or a slice nil: that is, zero, as no key
// is decoded twice.

func (p *parser) stringValue(s *string) bool {
	if p.null() {
		return true
	}
	if !p.at('"') {
		return false
	}
	end, plain, ok := p.stringEnd()
	if !ok {
		return false
	}
	raw := p.data[p.i:end]
	p.i = end
	if plain {
		*s = string(raw[1 : len(raw)-1])
		return true
	}
	// Escapes, non-ASCII or invalid UTF-8: encoding/json unquotes.
	return json.Unmarshal(raw, s) == nil
}

// word parses a string of a small vocabulary, such as a field type, sharing
// one string between the equal values.
func (p *parser) word(s *string) bool {
	if !p.at('"') {
		return p.stringValue(s)
	}
	end, plain, ok := p.stringEnd()
	if !ok || !plain {
		return p.stringValue(s)
	}
	raw := p.data[p.i+1 : end-1]
	p.i = end
	if w, ok := p.words[string(raw)]; ok {
		*s = w
		return true
	}
	*s = string(raw)
	if p.words == nil {
		p.words = map[string]string{}
	}
	if len(p.words) < 256 {
		p.words[*s] = *s
	}
	return true
}

func (p *parser) stringPtr(s **string) bool {
	if p.null() {
		return true
	}
	*s = new(string)
	return p.stringValue(*s)
}

func (p *parser) boolValue(b *bool) bool {
	switch {
	case p.at('t'):
		*b = true
		return p.literal("true")
	case p.at('f'):
		*b = false
		return p.literal("false")
	}
	return p.null()
}

// intValue parses an integer. Fractions, exponents and integers of more than
// 18 digits are left to encoding/json.
func (p *parser) intValue(n *int) bool {
	if p.null() {
		return true
	}
	d, i := p.data, p.i
	neg := p.at('-')
	if neg {
		i++
	}
	start, v := i, 0
	for i < len(d) && '0' <= d[i] && d[i] <= '9' {
		v = v*10 + int(d[i]-'0')
		i++
	}
	switch {
	case i == start || i-start > 18:
		return false
	case d[start] == '0' && i-start > 1:
		return false
	case i < len(d) && (d[i] == '.' || d[i] == 'e' || d[i] == 'E'):
		return false
	}
	if neg {
		v = -v
	}
	*n, p.i = v, i
	return true
}

// rawValue keeps a value as its JSON text.
func (p *parser) rawValue(m *json.RawMessage) bool {
	start := p.i
	if !p.skip(0) {
		return false
	}
	*m = append(json.RawMessage(nil), p.data[start:p.i]...)
	return true
}

// array parses an array, calling elem at each element. An empty array
// calls empty, null neither.
func (p *parser) array(empty func(), elem func() bool) bool {
	if p.null() {
		return true
	}
	if !p.at('[') {
		return false
	}
	p.i++
	if p.next() == ']' {
		p.i++
		empty()
		return true
	}
	for {
		p.next()
		if !elem() {
			return false
		}
		switch p.next() {
		case ',':
			p.i++
		case ']':
			p.i++
			return true
		default:
			return false
		}
	}
}

func (p *parser) stringSlice(s *[]string) bool {
	return p.array(func() { *s = []string{} }, func() bool {
		*s = append(*s, "")
		return p.stringValue(&(*s)[len(*s)-1])
	})
}

// structSlice parses an array of objects into *s with parse, collecting the
// elements in *buf. A null element is a zero struct.
func structSlice[T any](p *parser, s *[]T, buf *[]T, parse func(*T) bool) bool {
	b := (*buf)[:0]
	ok := p.array(func() { *s = []T{} }, func() bool {
		var zero T
		b = append(b, zero)
		return p.null() || parse(&b[len(b)-1])
	})
	if ok && len(b) > 0 {
		*s = slices.Clone(b)
	}
	clear(b)
	*buf = b[:0]
	return ok
}

// skip skips a value, checking its syntax.
func (p *parser) skip(depth int) bool {
	if p.i >= len(p.data) || depth > maxDepth {
		return false
	}
	switch c := p.data[p.i]; {
	case c == '"':
		end, _, ok := p.stringEnd()
		p.i = end
		return ok
	case c == '{':
		p.i++
		if p.next() == '}' {
			p.i++
			return true
		}
		for {
			if p.next() != '"' {
				return false
			}
			end, _, ok := p.stringEnd()
			if !ok {
				return false
			}
			p.i = end
			if p.next() != ':' {
				return false
			}
			p.i++
			p.next()
			if !p.skip(depth + 1) {
				return false
			}
			switch p.next() {
			case ',':
				p.i++
			case '}':
				p.i++
				return true
			default:
				return false
			}
		}
	case c == '[':
		p.i++
		if p.next() == ']' {
			p.i++
			return true
		}
		for {
			p.next()
			if !p.skip(depth + 1) {
				return false
			}
			switch p.next() {
			case ',':
				p.i++
			case ']':
				p.i++
				return true
			default:
				return false
			}
		}
	case c == 't':
		return p.literal("true")
	case c == 'f':
		return p.literal("false")
	case c == 'n':
		return p.literal("null")
	case c == '-' || '0' <= c && c <= '9':
		return p.number()
	}
	return false
}

// number skips a number, checking its syntax.
func (p *parser) number() bool {
	d, i := p.data, p.i
	digits := func() bool {
		start := i
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
		return i > start
	}
	if d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case !digits():
		return false
	}
	if i < len(d) && d[i] == '.' {
		i++
		if !digits() {
			return false
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if !digits() {
			return false
		}
	}
	p.i = i
	return true
}

// The structs. Each case of a key's switch must set the key's own bit; a
// struct field missing here would be skipped as an unknown key, which
// TestFastDecodeEveryField catches.

func (p *parser) sobject(o *SObject) bool {
	return p.object(sobjectKeys, func(key []byte) (uint64, bool) {
		switch string(key) {
		case "name":
			return 1 << 0, p.stringValue(&o.Name)
		case "label":
			return 1 << 1, p.stringValue(&o.Label)
		case "labelPlural":
			return 1 << 2, p.stringValue(&o.LabelPlural)
		case "keyPrefix":
			return 1 << 3, p.stringPtr(&o.KeyPrefix)
		case "custom":
			return 1 << 4, p.boolValue(&o.Custom)
		case "createable":
			return 1 << 5, p.boolValue(&o.Createable)
		case "updateable":
			return 1 << 6, p.boolValue(&o.Updateable)
		case "deletable":
			return 1 << 7, p.boolValue(&o.Deletable)
		case "queryable":
			return 1 << 8, p.boolValue(&o.Queryable)
		case "fields":
			return 1 << 9, structSlice(p, &o.Fields, &p.fields, p.field)
		case "childRelationships":
			return 1 << 10, structSlice(p, &o.ChildRelationships, &p.childRels, p.childRelationship)
		}
		return 0, true
	})
}

func (p *parser) field(f *Field) bool {
	return p.object(fieldKeys, func(key []byte) (uint64, bool) {
		switch string(key) {
		case "name":
			return 1 << 0, p.stringValue(&f.Name)
		case "label":
			return 1 << 1, p.stringValue(&f.Label)
		case "type":
			return 1 << 2, p.word(&f.Type)
		case "soapType":
			return 1 << 3, p.word(&f.SoapType)
		case "length":
			return 1 << 4, p.intValue(&f.Length)
		case "precision":
			return 1 << 5, p.intValue(&f.Precision)
		case "scale":
			return 1 << 6, p.intValue(&f.Scale)
		case "digits":
			return 1 << 7, p.intValue(&f.Digits)
		case "createable":
			return 1 << 8, p.boolValue(&f.Createable)
		case "updateable":
			return 1 << 9, p.boolValue(&f.Updateable)
		case "nillable":
			return 1 << 10, p.boolValue(&f.Nillable)
		case "defaultedOnCreate":
			return 1 << 11, p.boolValue(&f.DefaultedOnCreate)
		case "calculated":
			return 1 << 12, p.boolValue(&f.Calculated)
		case "autoNumber":
			return 1 << 13, p.boolValue(&f.AutoNumber)
		case "custom":
			return 1 << 14, p.boolValue(&f.Custom)
		case "externalId":
			return 1 << 15, p.boolValue(&f.ExternalID)
		case "idLookup":
			return 1 << 16, p.boolValue(&f.IDLookup)
		case "unique":
			return 1 << 17, p.boolValue(&f.Unique)
		case "nameField":
			return 1 << 18, p.boolValue(&f.NameField)
		case "filterable":
			return 1 << 19, p.boolValue(&f.Filterable)
		case "sortable":
			return 1 << 20, p.boolValue(&f.Sortable)
		case "htmlFormatted":
			return 1 << 21, p.boolValue(&f.HTMLFormatted)
		case "deprecatedAndHidden":
			return 1 << 22, p.boolValue(&f.DeprecatedAndHidden)
		case "dependentPicklist":
			return 1 << 23, p.boolValue(&f.DependentPicklist)
		case "restrictedPicklist":
			return 1 << 24, p.boolValue(&f.RestrictedPicklist)
		case "polymorphicForeignKey":
			return 1 << 25, p.boolValue(&f.PolymorphicForeignKey)
		case "compoundFieldName":
			return 1 << 26, p.stringPtr(&f.CompoundFieldName)
		case "controllerName":
			return 1 << 27, p.stringPtr(&f.ControllerName)
		case "relationshipName":
			return 1 << 28, p.stringPtr(&f.RelationshipName)
		case "extraTypeInfo":
			return 1 << 29, p.stringPtr(&f.ExtraTypeInfo)
		case "inlineHelpText":
			return 1 << 30, p.stringPtr(&f.InlineHelpText)
		case "calculatedFormula":
			return 1 << 31, p.stringPtr(&f.CalculatedFormula)
		case "defaultValue":
			return 1 << 32, p.rawValue(&f.DefaultValue)
		case "referenceTo":
			return 1 << 33, p.stringSlice(&f.ReferenceTo)
		case "picklistValues":
			return 1 << 34, structSlice(p, &f.PicklistValues, &p.picklist, p.picklistValue)
		case "caseSensitive":
			return 1 << 35, p.boolValue(&f.CaseSensitive)
		}
		return 0, true
	})
}

func (p *parser) picklistValue(v *PicklistValue) bool {
	return p.object(picklistKeys, func(key []byte) (uint64, bool) {
		switch string(key) {
		case "active":
			return 1 << 0, p.boolValue(&v.Active)
		case "defaultValue":
			return 1 << 1, p.boolValue(&v.DefaultValue)
		case "label":
			return 1 << 2, p.stringPtr(&v.Label)
		case "validFor":
			return 1 << 3, p.stringPtr(&v.ValidFor)
		case "value":
			return 1 << 4, p.stringValue(&v.Value)
		}
		return 0, true
	})
}

func (p *parser) childRelationship(cr *ChildRelationship) bool {
	return p.object(childKeys, func(key []byte) (uint64, bool) {
		switch string(key) {
		case "childSObject":
			return 1 << 0, p.stringValue(&cr.ChildSObject)
		case "field":
			return 1 << 1, p.stringValue(&cr.Field)
		case "relationshipName":
			return 1 << 2, p.stringPtr(&cr.RelationshipName)
		case "cascadeDelete":
			return 1 << 3, p.boolValue(&cr.CascadeDelete)
		}
		return 0, true
	})
}
