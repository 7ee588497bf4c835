package sfgen

import (
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/typedforce/typedforce/internal/describe"
	"github.com/typedforce/typedforce/internal/naming"
)

// Model is the resolved form of a set of describes: every Go name chosen,
// every field mapped to a Go representation. The OpenAPI document and the
// metadata file are both written from it.
type Model struct {
	Objects []*Object
	// Warnings are what Build worked around in the describes (see
	// Result.Warnings).
	Warnings []string
	byAPI    map[string]*Object // lower-cased API name
}

// Object is one generated sObject.
type Object struct {
	API    string // Account, Widget__c
	Label  string
	GoName string // read shape: Account, WidgetC
	Create string // create shape type name, "" when the object is not createable
	Update string // update shape type name, "" when the object is not updateable
	Fields []*Field
	// Parents are the relationship fields that hold a parent record.
	Parents []*Relationship
	// Children are the child relationships whose child object is generated.
	Children []*Relationship
	// Picklists are the value sets of the object's picklist fields.
	Picklists []*Picklist

	warnings []string // see Model.Warnings
}

// Field is one field of an object.
type Field struct {
	API      string
	GoName   string
	Label    string
	Kind     Kind
	SFType   string // the describe's type, for docs and unknown kinds
	Create   bool   // in the create shape
	Required bool   // required on create: createable, not nillable, not defaulted
	Update   bool   // in the update shape
	Nillable bool
	Picklist *Picklist // picklist, multipicklist and combobox fields
	Const    string    // name of the constant holding the API name
	doc      string    // see baseDoc
}

// Relationship is a parent relationship (Contact.Account) or a child
// relationship (Account.Contacts) of the read shape.
type Relationship struct {
	API    string // the relationship name
	GoName string
	Field  string  // the reference field (parents) or the child's field (children)
	Target *Object // nil for a polymorphic parent: decoded as sftype.Record
}

// Picklist is the value set of one picklist field, generated as a string type
// with a constant per value.
type Picklist struct {
	GoName     string
	Field      string // Object.Field
	Restricted bool
	Multi      bool
	Values     []PicklistValue
	// TypedUpdate says that a nillable picklist's update shape field is a
	// nullable.Nullable of the picklist type rather than of string
	// (Config.TypedPicklistUpdates).
	TypedUpdate bool
}

// PicklistValue is one value and its constant's name (without the type prefix).
type PicklistValue struct {
	Value  string
	Label  string
	GoName string
	Active bool
}

// Kind is the Go representation of a field.
type Kind int

// The kinds of field value.
const (
	KindString Kind = iota
	KindBool
	KindInt    // int
	KindLong   // int64
	KindDouble // float64
	KindDate
	KindDateTime
	KindTime
	KindMultiPicklist
	KindPicklist
	KindBase64 // read: the blob's URL; write: bytes
	KindAddress
	KindLocation
	KindRaw // anyType, complexvalue, json and unknown future types
)

var kindByType = map[string]Kind{
	"id": KindString, "reference": KindString, "string": KindString, "textarea": KindString,
	"email": KindString, "phone": KindString, "url": KindString, "encryptedstring": KindString,
	"datacategorygroupreference": KindString,
	"picklist":                   KindPicklist, "combobox": KindPicklist, "multipicklist": KindMultiPicklist,
	"boolean": KindBool, "int": KindInt, "long": KindLong,
	"double": KindDouble, "currency": KindDouble, "percent": KindDouble,
	"date": KindDate, "datetime": KindDateTime, "time": KindTime,
	"base64": KindBase64, "address": KindAddress, "location": KindLocation,
	"anyType": KindRaw, "complexvalue": KindRaw, "json": KindRaw,
}

// kindOf maps a describe type to a Kind; unknown future types become raw
// JSON values so that a new Salesforce release never breaks generation.
func kindOf(f *describe.Field) Kind {
	if k, ok := kindByType[f.Type]; ok {
		return k
	}
	return KindRaw
}

// typedUpdatesWarning is the number of typed picklist fields in update
// shapes (Config.TypedPicklistUpdates) from which Build warns of their
// compile cost: about 5 s of CPU.
const typedUpdatesWarning = 450

// Build resolves the model of the objects cfg selects.
func Build(objs []*describe.SObject, cfg *Config) (*Model, error) {
	m := &Model{byAPI: map[string]*Object{}}
	var selected []*describe.SObject
	for _, o := range objs {
		if cfg.Selects(o.Name) {
			selected = append(selected, o)
		}
	}
	if err := checkLiterals(objs, cfg); err != nil {
		return nil, err
	}
	if len(selected) == 0 {
		return nil, fmt.Errorf("no object is selected: check the include and exclude patterns")
	}
	sort.Slice(selected, func(i, j int) bool { return selected[i].Name < selected[j].Name })

	var types naming.Scope
	types.Reserve("APIVersion") // the package's constant (see docCode)

	// Object names come first, so that a derived name never takes an
	// object's name.
	var items []naming.Item
	for _, o := range selected {
		if name, ok := cfg.Names.Objects[o.Name]; ok {
			if err := checkOverride("object "+o.Name, name, &types); err != nil {
				return nil, err
			}
			types.Reserve(name)
			continue
		}
		items = append(items, naming.TypeItem(o.Name))
	}
	objNames := types.Assign(items)
	for _, o := range selected {
		name, ok := cfg.Names.Objects[o.Name]
		if !ok {
			name = objNames[o.Name]
		}
		obj := &Object{API: o.Name, Label: o.Label, GoName: name}
		m.Objects = append(m.Objects, obj)
		m.byAPI[strings.ToLower(o.Name)] = obj
	}

	// Shapes, then picklist types, then field constants, each in one batch.
	items = items[:0]
	for i, o := range selected {
		obj := m.Objects[i]
		if o.Createable {
			items = append(items, naming.DerivedItem(o.Name+"#create", obj.GoName+"Create"))
		}
		if o.Updateable {
			items = append(items, naming.DerivedItem(o.Name+"#update", obj.GoName+"Update"))
		}
	}
	shapes := types.Assign(items)
	for i, o := range selected {
		m.Objects[i].Create = shapes[o.Name+"#create"]
		m.Objects[i].Update = shapes[o.Name+"#update"]
	}

	// Each object's fields depend on nothing but the object names: built in
	// parallel, the first error in object order reported.
	errs := make([]error, len(selected))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(selected); i = int(next.Add(1) - 1) {
				errs[i] = m.buildFields(m.Objects[i], selected[i], cfg)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	for _, obj := range m.Objects {
		m.Warnings = append(m.Warnings, obj.warnings...)
	}

	items = items[:0]
	for _, obj := range m.Objects {
		for _, f := range obj.Fields {
			if f.Picklist != nil {
				items = append(items, naming.DerivedItem(obj.API+"."+f.API+"#picklist", obj.GoName+f.GoName+"Value"))
			}
		}
	}
	picklists := types.Assign(items)
	typedUpdates := 0
	for _, obj := range m.Objects {
		for _, f := range obj.Fields {
			if f.Picklist != nil {
				f.Picklist.GoName = picklists[obj.API+"."+f.API+"#picklist"]
				obj.Picklists = append(obj.Picklists, f.Picklist)
				if f.Update && f.Nillable && f.Picklist.TypedUpdate {
					typedUpdates++
				}
			}
		}
	}
	if typedUpdates >= typedUpdatesWarning {
		m.Warnings = append(m.Warnings, fmt.Sprintf("typedPicklistUpdates: %d update-shape fields take a picklist type; "+
			"each adds about 11 ms of CPU and 1 MB to compiling the package (%.0f s in all); without the key they are Nullable[string]",
			typedUpdates, float64(typedUpdates)*0.011))
	}

	// Constants share the package scope with the types: a value constant
	// (type name + value name, as oapi-codegen writes it) that is taken gets
	// an "X" on its value name until it is free.
	for _, obj := range m.Objects {
		for _, pl := range obj.Picklists {
			for i := range pl.Values {
				v := &pl.Values[i]
				for types.Taken(pl.GoName + v.GoName) {
					v.GoName += "X"
				}
				types.Reserve(pl.GoName + v.GoName)
			}
		}
	}
	// Field-name constants live in their own package (see FieldsCode),
	// named Object_Field after the read shape and its field. Object names
	// hold no underscore, so the first one separates the two and no
	// constant can read as another object's field.
	for _, obj := range m.Objects {
		for _, f := range obj.Fields {
			f.Const = obj.GoName + "_" + f.GoName
		}
	}
	return m, nil
}

// checkLiterals reports an include or exclude pattern without wildcards
// that names no described object: a typo there would silently drop (or
// keep) an object.
func checkLiterals(objs []*describe.SObject, cfg *Config) error {
	names := make([]string, len(objs))
	have := map[string]bool{}
	for i, o := range objs {
		names[i] = o.Name
		have[strings.ToLower(o.Name)] = true
	}
	for _, list := range []struct {
		key      string
		patterns []string
	}{{"include", cfg.Include}, {"exclude", cfg.Exclude}} {
		for _, p := range list.patterns {
			if strings.ContainsAny(p, `*?[\`) || have[strings.ToLower(p)] {
				continue
			}
			hint := "no described object comes close"
			if s := naming.Closest(p, names); len(s) > 0 {
				hint = "did you mean " + strings.Join(s, ", ") + "?"
			}
			return fmt.Errorf("%s: no object %s in the describe folder; %s", list.key, p, hint)
		}
	}
	return nil
}

// warnDescribe records what the generator assumes about a describe field
// that lacks something: an unknown type, or the attributes that decide the
// write shapes.
func (obj *Object) warnDescribe(o *describe.SObject, df *describe.Field, kind Kind) {
	if _, known := kindByType[df.Type]; !known && kind == KindRaw {
		obj.warnings = append(obj.warnings, fmt.Sprintf("describe %s: field %s: unknown type %q, generated as json.RawMessage", o.Path, df.Name, df.Type))
	}
	if len(df.Missing) > 0 {
		obj.warnings = append(obj.warnings, fmt.Sprintf("describe %s: field %s: no %s, taken as false (the write shapes may be wrong: pull the describe with typedforce describe)",
			o.Path, df.Name, strings.Join(df.Missing, " or ")))
	}
}

func checkOverride(what, name string, s *naming.Scope) error {
	// APIBase keeps only letters and digits and upper-cases the first one:
	// a name it leaves alone is a valid override.
	if naming.APIBase(name) != name {
		return fmt.Errorf("name override for %s: %q must be letters and digits starting with an upper-case letter", what, name)
	}
	if s.Taken(name) {
		return fmt.Errorf("name override for %s: %q is already used", what, name)
	}
	return nil
}

func (m *Model) buildFields(obj *Object, o *describe.SObject, cfg *Config) error {
	var scope naming.Scope
	scope.Reserve("Attributes")
	// Every member of the struct shares one scope: fields, parent
	// relationships and child relationships.
	var items []naming.Item
	override := func(api string) (string, bool, error) {
		name, ok := cfg.Names.Fields[o.Name+"."+api]
		if !ok {
			return "", false, nil
		}
		if err := checkOverride("field "+o.Name+"."+api, name, &scope); err != nil {
			return "", false, err
		}
		scope.Reserve(name)
		return name, true, nil
	}
	fixed := map[string]string{}
	add := func(api string) error {
		name, ok, err := override(api)
		if err != nil {
			return err
		}
		if ok {
			fixed[api] = name
		} else {
			items = append(items, naming.APIItem(api))
		}
		return nil
	}

	for i := range o.Fields {
		df := &o.Fields[i]
		if df.DeprecatedAndHidden {
			continue
		}
		if err := add(df.Name); err != nil {
			return err
		}
		kind := kindOf(df)
		obj.warnDescribe(o, df, kind)
		writable := kind != KindAddress && kind != KindLocation && !df.Calculated && !df.AutoNumber && df.Type != "id"
		f := &Field{
			API: df.Name, Label: df.Label, Kind: kind, SFType: df.Type, doc: baseDoc(df),
			Create:   writable && df.Createable && obj.Create != "",
			Update:   writable && df.Updateable && obj.Update != "",
			Nillable: df.Nillable,
		}
		f.Required = f.Create && !df.Nillable && !df.DefaultedOnCreate && kind != KindBool
		if kind == KindPicklist || kind == KindMultiPicklist {
			pl, err := buildPicklist(o.Name, df, cfg)
			if err != nil {
				return err
			}
			if len(pl.Values) > 0 { // no values, no type: a plain string
				f.Picklist = pl
			}
		}
		obj.Fields = append(obj.Fields, f)

		rel := describe.Str(df.RelationshipName)
		if df.Type != "reference" || rel == "" || len(df.ReferenceTo) == 0 {
			continue
		}
		r := &Relationship{API: rel, Field: df.Name}
		if len(df.ReferenceTo) == 1 {
			r.Target = m.byAPI[strings.ToLower(df.ReferenceTo[0])]
			if r.Target == nil {
				continue // a parent that is not generated: keep its Id only
			}
		}
		if err := add(rel); err != nil {
			return err
		}
		obj.Parents = append(obj.Parents, r)
	}
	for _, cr := range o.ChildRelationships {
		rel := describe.Str(cr.RelationshipName)
		child := m.byAPI[strings.ToLower(cr.ChildSObject)]
		if rel == "" || child == nil {
			continue
		}
		if err := add(rel); err != nil {
			return err
		}
		obj.Children = append(obj.Children, &Relationship{API: rel, Field: cr.Field, Target: child})
	}

	// Relationship names and field names may coincide (a child relationship
	// named like a field is legal in a describe): the first wins, the rest
	// are dropped, since JSON would not tell them apart either.
	names := scope.Assign(dedupItems(items))
	for k, v := range fixed {
		names[k] = v
	}
	seen := map[string]bool{}
	for _, f := range obj.Fields {
		f.GoName = names[f.API]
		seen[f.API] = true
	}
	obj.Parents = keepRels(obj.Parents, names, seen)
	obj.Children = keepRels(obj.Children, names, seen)
	return nil
}

func dedupItems(items []naming.Item) []naming.Item {
	seen := map[string]bool{}
	out := items[:0]
	for _, it := range items {
		if !seen[it.Key] {
			seen[it.Key] = true
			out = append(out, it)
		}
	}
	return out
}

func keepRels(rels []*Relationship, names map[string]string, seen map[string]bool) []*Relationship {
	out := rels[:0]
	for _, r := range rels {
		if seen[r.API] {
			continue
		}
		seen[r.API] = true
		r.GoName = names[r.API]
		out = append(out, r)
	}
	return out
}

func buildPicklist(obj string, df *describe.Field, cfg *Config) (*Picklist, error) {
	pl := &Picklist{Field: obj + "." + df.Name, Restricted: df.RestrictedPicklist, Multi: df.Type == "multipicklist",
		TypedUpdate: cfg.TypedPicklistUpdates}
	overrides := cfg.Names.Values[obj+"."+df.Name]
	var scope naming.Scope
	scope.Reserve("") // never empty
	var items []naming.Item
	seen := map[string]bool{}
	for _, v := range df.PicklistValues {
		if seen[v.Value] || hasControl(v.Value) {
			// A describe never repeats a value; if one does, once is enough.
			// A value with a control character cannot be a Go constant
			// (oapi-codegen refuses it): it stays a plain string value.
			continue
		}
		seen[v.Value] = true
		pl.Values = append(pl.Values, PicklistValue{Value: v.Value, Label: describe.Str(v.Label), Active: v.Active})
		if name, ok := overrides[v.Value]; ok {
			if err := checkOverride(fmt.Sprintf("value %q of %s.%s", v.Value, obj, df.Name), name, &scope); err != nil {
				return nil, err
			}
			scope.Reserve(name)
			continue
		}
		items = append(items, naming.ValueItem(v.Value))
	}
	names := scope.Assign(items)
	for i := range pl.Values {
		if name, ok := overrides[pl.Values[i].Value]; ok {
			pl.Values[i].GoName = name
		} else {
			pl.Values[i].GoName = names[pl.Values[i].Value]
		}
	}
	return pl, nil
}

func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return true
		}
	}
	return false
}

// baseDoc is the part of a field's documentation that comes from its
// describe.
func baseDoc(d *describe.Field) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s, %s)", d.Label, d.Name, d.Type)
	if d.Calculated {
		b.WriteString("; formula")
	}
	if d.AutoNumber {
		b.WriteString("; auto-number")
	}
	if d.ExternalID {
		b.WriteString("; external id")
	}
	if len(d.ReferenceTo) > 0 {
		fmt.Fprintf(&b, "; references %s", strings.Join(d.ReferenceTo, ", "))
	}
	return b.String()
}
