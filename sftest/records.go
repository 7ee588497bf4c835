package sftest

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/typedforce/typedforce/internal/describe"
)

// record is one stored record. Absent fields are null.
type record struct {
	obj     *object
	id      string
	vals    map[string]any // by the field's API name
	deleted bool
	// modstamp is the time of the latest change: creation, update or
	// deletion (the change log of getUpdated and getDeleted).
	modstamp time.Time
	purged   bool // hard deleted: not even in the recycle bin
}

// table holds the records of one object in creation order.
type table struct {
	recs []*record
	byID map[string]*record
	seq  int // ids handed out
	auto int // auto-number values handed out
}

// writeMode is the kind of write being validated.
type writeMode int

const (
	modeCreate writeMode = iota
	modeUpdate
	modeSeed // fixtures: any field but compound ones, no business rules
)

// table returns obj's table. o.mu is held.
func (o *Org) table(obj *object) *table {
	t := o.tables[obj]
	if t == nil {
		t = &table{byID: map[string]*record{}}
		o.tables[obj] = t
	}
	return t
}

// lookup returns the record with the given id, deleted or not. o.mu is
// held.
func (o *Org) lookup(id string) *record {
	id, ok := normID(id)
	if !ok {
		return nil
	}
	obj := o.schema.byPrefix[id[:3]]
	if obj == nil {
		return nil
	}
	return o.table(obj).byID[id]
}

// prepare validates the members of a write to obj and returns the values
// to store, by field name. rec is the record being updated (modeUpdate).
// o.mu is held.
func (o *Org) prepare(obj *object, ms []member, mode writeMode, rec *record) (map[string]any, *apiError) {
	vals := map[string]any{}
	var fields []*describe.Field
	var readOnly []string
	for _, m := range ms {
		if m.key == "attributes" {
			continue
		}
		f := obj.field(m.key)
		if f == nil {
			if obj.rels[strings.ToLower(m.key)] != nil {
				return nil, errorf(http.StatusBadRequest, "INVALID_FIELD",
					"sftest: the fake org does not support setting a relationship by external id (%s on %s)", m.key, obj.name)
			}
			return nil, errorf(http.StatusBadRequest, "INVALID_FIELD", "No such column '%s' on sobject of type %s", m.key, obj.name)
		}
		if mode == modeUpdate && f.Name == "Id" {
			var id string
			if json.Unmarshal(m.raw, &id) == nil {
				if n, ok := normID(id); ok && n == rec.id {
					continue
				}
			}
		}
		v, err := convert(f, m)
		if err != nil {
			return nil, err
		}
		switch {
		case f.Type == "address" || f.Type == "location":
			readOnly = append(readOnly, f.Name)
		case mode == modeCreate && !f.Createable, mode == modeUpdate && !f.Updateable:
			readOnly = append(readOnly, f.Name)
		case mode == modeSeed && f.Name == "Id":
			if id, ok := v.(string); ok {
				if n, ok := normID(id); ok && n[:3] == obj.prefix {
					v = n
					break
				}
			}
			return nil, errorf(http.StatusBadRequest, "MALFORMED_ID", "Record ID: id value of incorrect type: %v", v).withFields("Id")
		}
		if _, dup := vals[f.Name]; !dup {
			fields = append(fields, f)
		}
		vals[f.Name] = v
	}
	if len(readOnly) > 0 {
		return nil, errorf(http.StatusBadRequest, "INVALID_FIELD_FOR_INSERT_UPDATE",
			"Unable to create/update fields: %s. Please check the security settings of this field and verify that it is read/write for your profile or permission set.",
			strings.Join(readOnly, ", ")).withFields(readOnly...)
	}
	if mode == modeSeed {
		return vals, nil
	}
	var missing []string
	if mode == modeCreate {
		for i := range obj.d.Fields {
			f := &obj.d.Fields[i]
			if f.Createable && !f.Nillable && !f.DefaultedOnCreate && f.Type != "boolean" && vals[f.Name] == nil {
				missing = append(missing, f.Name)
			}
		}
	} else {
		for _, f := range fields {
			if !f.Nillable && f.Type != "boolean" && vals[f.Name] == nil {
				missing = append(missing, f.Name)
			}
		}
	}
	if len(missing) > 0 {
		return nil, errorf(http.StatusBadRequest, "REQUIRED_FIELD_MISSING", "Required fields are missing: [%s]",
			strings.Join(missing, ", ")).withFields(missing...)
	}
	for _, f := range fields {
		if err := o.checkValue(f, vals[f.Name]); err != nil {
			return nil, err
		}
	}
	return vals, nil
}

// checkValue applies the rules Salesforce checks on one field's value.
// o.mu is held.
func (o *Org) checkValue(f *describe.Field, v any) *apiError {
	if err := checkRange(f, v); err != nil {
		return err
	}
	s, isText := v.(string)
	if v == nil || !isText {
		return nil
	}
	if f.Length > 0 && isTextType(f.Type) && f.Type != "id" && f.Type != "reference" && utf8.RuneCountInString(s) > f.Length {
		return errorf(http.StatusBadRequest, "STRING_TOO_LONG", "%s: data value too large: %s (max length=%d)",
			f.Label, truncate(s, 80), f.Length).withFields(f.Name)
	}
	switch f.Type {
	case "picklist", "multipicklist":
		if !f.RestrictedPicklist {
			return nil
		}
		values := []string{s}
		if f.Type == "multipicklist" {
			values = strings.Split(s, ";")
		}
		for _, val := range values {
			if !slices.ContainsFunc(f.PicklistValues, func(p describe.PicklistValue) bool { return p.Active && p.Value == val }) {
				return errorf(http.StatusBadRequest, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
					"%s: bad value for restricted picklist field: %s", f.Label, val).withFields(f.Name)
			}
		}
	case "email":
		at := strings.LastIndexByte(s, '@')
		if at <= 0 || !strings.Contains(s[at:], ".") || strings.ContainsAny(s, " ,;") {
			return errorf(http.StatusBadRequest, "INVALID_EMAIL_ADDRESS", "%s: invalid email address: %s", f.Label, s).withFields(f.Name)
		}
	case "reference":
		id, ok := normID(s)
		if !ok {
			return errorf(http.StatusBadRequest, "MALFORMED_ID", "%s: id value of incorrect type: %s", f.Label, s).withFields(f.Name)
		}
		target := o.schema.byPrefix[id[:3]]
		if target == nil {
			// An object the fake does not describe: trust the id, unless
			// every object the field references is described.
			if slices.ContainsFunc(f.ReferenceTo, func(n string) bool { return o.schema.object(n) == nil }) {
				return nil
			}
		}
		if target == nil || !slices.ContainsFunc(f.ReferenceTo, func(n string) bool { return strings.EqualFold(n, target.name) }) {
			return errorf(http.StatusBadRequest, "FIELD_INTEGRITY_EXCEPTION", "%s: id value of incorrect type: %s", f.Label, s).withFields(f.Name)
		}
		if r := o.table(target).byID[id]; r == nil || r.deleted {
			return errorf(http.StatusBadRequest, "INVALID_CROSS_REFERENCE_KEY", "insufficient access rights on cross-reference id: %s", s).withFields(f.Name)
		}
	}
	return nil
}

// checkRange rejects a number with more integer digits than its field
// holds: precision minus scale for double, currency and percent (whose
// extra decimals convert rounded), digits for int and long.
func checkRange(f *describe.Field, v any) *apiError {
	var x float64
	var digits int
	switch n := v.(type) {
	case float64:
		x, digits = n, f.Precision-f.Scale
		if f.Precision == 0 {
			return nil
		}
	case int64:
		x, digits = float64(n), f.Digits
	default:
		return nil
	}
	if digits <= 0 || math.Abs(x) < math.Pow10(digits) {
		return nil
	}
	return errorf(http.StatusBadRequest, "NUMBER_OUTSIDE_VALID_RANGE", "%s: value outside of valid range on numeric field: %s",
		f.Label, strconv.FormatFloat(x, 'f', -1, 64)).withFields(f.Name)
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "..."
}

// normalize stores references as 18-character ids. o.mu is held.
func normalize(obj *object, vals map[string]any) {
	for name, v := range vals {
		if s, ok := v.(string); ok {
			if f := obj.field(name); f != nil && (f.Type == "reference" || f.Type == "id") {
				if id, ok := normID(s); ok {
					vals[name] = id
				}
			}
		}
	}
}

// checkUnique reports a value of a unique field that another live record
// of obj holds. o.mu is held.
func (o *Org) checkUnique(obj *object, id string, vals map[string]any) *apiError {
	for name, v := range vals {
		f := obj.field(name)
		if v == nil || !f.Unique {
			continue
		}
		for _, r := range o.table(obj).recs {
			if !r.deleted && r.id != id && sameValue(f, r.vals[name], v) {
				return errorf(http.StatusBadRequest, "DUPLICATE_VALUE", "duplicate value found: %s duplicates value on record with id: %s",
					f.Name, r.id).withFields(f.Name)
			}
		}
	}
	return nil
}

// sameValue reports whether two stored values of f are one for a unique
// field: numbers by value, text ignoring case unless the describe says
// caseSensitive.
func sameValue(f *describe.Field, a, b any) bool {
	switch a := a.(type) {
	case string:
		bs, ok := b.(string)
		if f.CaseSensitive {
			return ok && a == bs
		}
		return ok && strings.EqualFold(a, bs)
	case float64, int64:
		return a == b
	}
	return false
}

// insert stores a new record of obj with vals, adding the system fields and
// defaults, and returns it with the undo of the insert. o.mu is held.
func (o *Org) insert(obj *object, vals map[string]any) (*record, func()) {
	t := o.table(obj)
	normalize(obj, vals)
	id, _ := vals["Id"].(string)
	if id == "" || t.byID[id] != nil {
		t.seq++
		id = newID(obj.prefix, t.seq)
		for t.byID[id] != nil { // taken by a seeded id
			t.seq++
			id = newID(obj.prefix, t.seq)
		}
	}
	now := o.now()
	rec := &record{obj: obj, id: id, vals: vals}
	for i := range obj.d.Fields {
		f := &obj.d.Fields[i]
		if _, set := vals[f.Name]; set {
			if f.Type == "boolean" && vals[f.Name] == nil {
				vals[f.Name] = false
			}
			continue
		}
		switch {
		case f.Name == "Id":
			vals[f.Name] = id
		case f.Name == "IsDeleted":
			vals[f.Name] = false
		case f.Name == "CreatedDate" || f.Name == "LastModifiedDate" || f.Name == "SystemModstamp":
			vals[f.Name] = now
		case f.Name == "CreatedById" || f.Name == "LastModifiedById" || f.Name == "OwnerId":
			vals[f.Name] = o.userID
		case f.AutoNumber:
			t.auto++
			vals[f.Name] = fmt.Sprintf("%08d", t.auto)
		case len(f.DefaultValue) > 0 && string(f.DefaultValue) != "null":
			if v, err := convert(f, member{raw: f.DefaultValue}); err == nil {
				vals[f.Name] = v
			}
		case f.Type == "boolean":
			vals[f.Name] = false
		case f.DefaultedOnCreate && (f.Type == "picklist" || f.Type == "multipicklist"):
			for _, p := range f.PicklistValues {
				if p.Active && p.DefaultValue {
					vals[f.Name] = p.Value
				}
			}
		case f.NameField && f.DefaultedOnCreate && f.Type == "string" && f.Createable:
			vals[f.Name] = id // a custom object's name left empty
		}
	}
	setPersonName(obj, vals)
	rec.modstamp = now
	t.byID[id] = rec
	t.recs = append(t.recs, rec)
	return rec, o.journaled(func() {
		delete(t.byID, id)
		if i := slices.Index(t.recs, rec); i >= 0 {
			t.recs = slices.Delete(t.recs, i, i+1)
		}
	})
}

// journaled records undo in the journal of the running composite request,
// if any, and returns it. o.mu is held.
func (o *Org) journaled(undo func()) func() {
	if o.journal != nil {
		*o.journal = append(*o.journal, undo)
	}
	return undo
}

// update changes rec's fields and returns the undo. o.mu is held.
func (o *Org) update(rec *record, vals map[string]any) func() {
	prev, prevDeleted, prevStamp := maps.Clone(rec.vals), rec.deleted, rec.modstamp
	normalize(rec.obj, vals)
	for k, v := range vals {
		if v == nil && rec.obj.field(k).Type == "boolean" {
			v = false
		}
		rec.vals[k] = v
	}
	o.touch(rec)
	setPersonName(rec.obj, rec.vals)
	return o.journaled(func() { rec.vals, rec.deleted, rec.modstamp = prev, prevDeleted, prevStamp })
}

// remove moves rec to the recycle bin and returns the undo. o.mu is held.
func (o *Org) remove(rec *record) func() {
	prev, prevStamp := maps.Clone(rec.vals), rec.modstamp
	rec.deleted = true
	if rec.obj.field("IsDeleted") != nil {
		rec.vals["IsDeleted"] = true
	}
	o.touch(rec)
	return o.journaled(func() { rec.vals, rec.deleted, rec.modstamp = prev, false, prevStamp })
}

func (o *Org) touch(rec *record) {
	now := o.now()
	rec.modstamp = now
	for _, name := range []string{"LastModifiedDate", "SystemModstamp"} {
		if rec.obj.field(name) != nil {
			rec.vals[name] = now
		}
	}
	if rec.obj.field("LastModifiedById") != nil {
		rec.vals["LastModifiedById"] = o.userID
	}
}

// setPersonName computes Name from FirstName and LastName, as Salesforce
// does for contacts, leads and users.
func setPersonName(obj *object, vals map[string]any) {
	if !obj.personName {
		return
	}
	first, _ := vals["FirstName"].(string)
	last, _ := vals["LastName"].(string)
	vals["Name"] = strings.TrimSpace(first + " " + last)
}

// write validates and applies a create or an update. o.mu is held.
func (o *Org) write(obj *object, ms []member, mode writeMode, rec *record) (*record, func(), *apiError) {
	vals, err := o.prepare(obj, ms, mode, rec)
	if err != nil {
		return nil, nil, err
	}
	id := ""
	if rec != nil {
		id = rec.id
	}
	if mode != modeSeed {
		if err := o.checkUnique(obj, id, vals); err != nil {
			return nil, nil, err
		}
	}
	if rec == nil {
		rec, undo := o.insert(obj, vals)
		return rec, undo, nil
	}
	return rec, o.update(rec, vals), nil
}
