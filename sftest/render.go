package sftest

import (
	"strings"

	"github.com/typedforce/typedforce/internal/describe"
)

// sel is one selected item: a field, or a parent relationship with the
// items selected on the parent record.
type sel struct {
	name     string // as written; resolved on each record's object
	children []*sel // nil for a field
}

// buildSel merges field paths (Name, Account.Owner.Name, …) into a tree,
// in order of first appearance, as Salesforce nests a query's parents.
func buildSel(paths [][]string) []*sel {
	var root []*sel
	for _, p := range paths {
		level := &root
		for i, part := range p {
			leaf := i == len(p)-1
			var found *sel
			for _, s := range *level {
				if strings.EqualFold(s.name, part) && (s.children == nil) == leaf {
					found = s
					break
				}
			}
			if found == nil {
				found = &sel{name: part}
				if !leaf {
					found.children = []*sel{}
				}
				*level = append(*level, found)
			}
			level = &found.children
		}
	}
	return root
}

func (o *Org) recordURL(version string, rec *record) string {
	return "/services/data/v" + version + "/sobjects/" + rec.obj.name + "/" + rec.id
}

// appendRecord writes rec as JSON with its attributes: every field in
// describe order when s is nil, else the selection. o.mu is held.
func (o *Org) appendRecord(b []byte, rec *record, version string, s []*sel) []byte {
	b = append(b, `{"attributes":{"type":`...)
	b = appendValue(b, rec.obj.name, "")
	b = append(b, `,"url":`...)
	b = appendValue(b, o.recordURL(version, rec), "")
	b = append(b, '}')
	if s == nil {
		for i := range rec.obj.d.Fields {
			f := &rec.obj.d.Fields[i]
			b = o.appendField(b, rec, f, f.Name, version)
		}
		return append(b, '}')
	}
	for _, item := range s {
		if item.children == nil {
			f := rec.obj.field(item.name)
			name := item.name
			if f != nil {
				name = f.Name
			}
			b = o.appendField(b, rec, f, name, version)
			continue
		}
		ref := rec.obj.rels[strings.ToLower(item.name)]
		b = append(b, ',')
		if ref == nil { // a polymorphic parent of another type
			b = appendValue(b, item.name, "")
			b = append(b, ":null"...)
			continue
		}
		b = appendValue(b, describe.Str(ref.RelationshipName), "")
		b = append(b, ':')
		if parent := o.parent(rec, ref); parent != nil {
			b = o.appendRecord(b, parent, version, item.children)
		} else {
			b = append(b, "null"...)
		}
	}
	return append(b, '}')
}

func (o *Org) appendField(b []byte, rec *record, f *describe.Field, name, version string) []byte {
	b = append(b, ',')
	b = appendValue(b, name, "")
	b = append(b, ':')
	if f == nil {
		return append(b, "null"...)
	}
	return appendValue(b, o.fieldValue(rec, f), o.recordURL(version, rec)+"/"+f.Name)
}

// parent returns the live record that reference field ref of rec points
// to, or nil. o.mu is held.
func (o *Org) parent(rec *record, ref *describe.Field) *record {
	id, _ := rec.vals[ref.Name].(string)
	if p := o.lookup(id); p != nil && !p.deleted {
		return p
	}
	return nil
}

// fieldValue is the value of f on rec as a read returns it: compound
// fields are built from their components.
func (o *Org) fieldValue(rec *record, f *describe.Field) any {
	parts := rec.obj.parts[f.Name]
	if len(parts) == 0 {
		return rec.vals[f.Name]
	}
	v := map[string]any{}
	set := false
	for _, p := range parts {
		x := rec.vals[p.field.Name]
		v[p.key] = x
		set = set || x != nil
	}
	if !set {
		return nil
	}
	return v
}
