package sftest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/typedforce/typedforce/internal/describe"
)

// object is one sObject of the fake org: its describe and indexes.
type object struct {
	d      *describe.SObject
	raw    []byte // compact describe JSON, as served
	name   string
	prefix string
	fields map[string]*describe.Field // by lower-case name
	rels   map[string]*describe.Field // reference fields by lower-case relationship name
	// parts maps a compound field (BillingAddress, Site__c) to its
	// components, the key of each in the compound value.
	parts map[string][]compoundPart
	// personName is set when Name is computed from FirstName and LastName.
	personName bool
}

type compoundPart struct {
	key   string // street, city, latitude, …
	field *describe.Field
}

func (o *object) field(name string) *describe.Field { return o.fields[strings.ToLower(name)] }

// schema is the set of objects of the fake org.
type schema struct {
	objects  map[string]*object // by lower-case name
	byPrefix map[string]*object
	names    []string // sorted
}

func (s *schema) object(name string) *object { return s.objects[strings.ToLower(name)] }

// loadSchema reads every *.json file at the root of fsys as a describe
// result.
func loadSchema(fsys fs.FS) (*schema, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("sftest: reading the describe files: %w", err)
	}
	s := &schema{objects: map[string]*object{}, byPrefix: map[string]*object{}}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || describe.Skipped(name) {
			continue
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("sftest: %w", err)
		}
		d, err := describe.Parse(name, data)
		if errors.Is(err, describe.ErrGlobalDescribe) {
			continue // the same rule as the generator's
		}
		if err != nil {
			return nil, fmt.Errorf("sftest: %w", err)
		}
		o, err := newObject(d, data)
		if err != nil {
			return nil, fmt.Errorf("sftest: describe %s: %w", name, err)
		}
		key := strings.ToLower(o.name)
		if s.objects[key] != nil {
			return nil, fmt.Errorf("sftest: describe %s: object %s is described twice", name, o.name)
		}
		if other := s.byPrefix[o.prefix]; o.prefix != "" && other != nil {
			return nil, fmt.Errorf("sftest: describe %s: key prefix %s is also %s's", name, o.prefix, other.name)
		}
		s.objects[key] = o
		if o.prefix != "" {
			s.byPrefix[o.prefix] = o
		}
		s.names = append(s.names, o.name)
	}
	if len(s.objects) == 0 {
		return nil, fmt.Errorf("sftest: no *.json describe files")
	}
	sort.Strings(s.names)
	return s, nil
}

// compoundKeys are the keys of address and location values, by the suffix
// of their component fields.
var compoundKeys = []struct{ suffix, key string }{
	{"GeocodeAccuracy", "geocodeAccuracy"}, {"CountryCode", "countryCode"}, {"StateCode", "stateCode"},
	{"PostalCode", "postalCode"}, {"Street", "street"}, {"City", "city"}, {"State", "state"},
	{"Country", "country"}, {"Latitude", "latitude"}, {"Longitude", "longitude"},
}

func newObject(d *describe.SObject, data []byte) (*object, error) {
	var buf bytes.Buffer
	if err := json.Compact(&buf, data); err != nil {
		return nil, err
	}
	o := &object{d: d, raw: buf.Bytes(), name: d.Name, prefix: describe.Str(d.KeyPrefix),
		fields: map[string]*describe.Field{}, rels: map[string]*describe.Field{}, parts: map[string][]compoundPart{}}
	if o.prefix != "" && len(o.prefix) != 3 {
		return nil, fmt.Errorf("key prefix %q is not three characters", o.prefix)
	}
	for i := range d.Fields {
		f := &d.Fields[i]
		o.fields[strings.ToLower(f.Name)] = f
		if rn := describe.Str(f.RelationshipName); rn != "" && f.Type == "reference" {
			o.rels[strings.ToLower(rn)] = f
		}
	}
	for i := range d.Fields {
		f := &d.Fields[i]
		c := describe.Str(f.CompoundFieldName)
		if cf := o.field(c); cf == nil || (cf.Type != "address" && cf.Type != "location") {
			continue
		}
		base := strings.TrimSuffix(f.Name, "__s")
		for _, k := range compoundKeys {
			if strings.HasSuffix(base, k.suffix) {
				o.parts[o.field(c).Name] = append(o.parts[o.field(c).Name], compoundPart{key: k.key, field: f})
				break
			}
		}
	}
	if n, fn, ln := o.field("Name"), o.field("FirstName"), o.field("LastName"); n != nil && fn != nil && ln != nil && !n.Createable {
		o.personName = true
	}
	return o, nil
}
