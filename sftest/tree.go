package sftest

import (
	"encoding/json"
	"net/http"
	"strings"
)

// treeResult is one entry of an sObject Tree response.
type treeResult struct {
	ReferenceID string        `json:"referenceId"`
	ID          string        `json:"id,omitempty"`
	Errors      []resultError `json:"errors,omitempty"`
}

// tree serves POST /composite/tree/{sObject}: records of the root type
// with nested children, created all or none.
func (o *Org) tree(r *http.Request, rootName string) response {
	root := o.schema.object(rootName)
	if root == nil {
		return errResponse(errNotFound())
	}
	var req struct {
		Records []json.RawMessage `json:"records"`
	}
	if apiErr := readJSON(r, &req); apiErr != nil {
		return errResponse(apiErr)
	}
	t := &treeRun{o: o, types: map[string]bool{}, refs: map[string]bool{}}
	// Read and validate the shape (counts, depth, types, referenceIds)
	// before writing.
	recs := make([]*treeRecord, 0, len(req.Records))
	for _, raw := range req.Records {
		rec, apiErr := t.scan(raw, root, 1)
		if apiErr != nil {
			return errResponse(apiErr)
		}
		recs = append(recs, rec)
	}
	if t.count > maxTreeRecords {
		return errResponse(errorf(http.StatusBadRequest, "LIMIT_EXCEEDED", "Maximum number of records exceeded: %d, the limit is %d", t.count, maxTreeRecords))
	}
	if len(t.types) > maxTreeTypes {
		return errResponse(errorf(http.StatusBadRequest, "LIMIT_EXCEEDED", "Maximum number of sObject types exceeded: %d, the limit is %d", len(t.types), maxTreeTypes))
	}
	var journal []func()
	o.mu.Lock()
	defer o.mu.Unlock()
	o.journal = &journal
	defer func() { o.journal = nil }()
	for _, rec := range recs {
		t.create(rec, "", "")
	}
	if t.failed {
		for i := len(journal) - 1; i >= 0; i-- {
			journal[i]()
		}
		var failed []treeResult
		for _, res := range t.results {
			if len(res.Errors) > 0 {
				failed = append(failed, res)
			}
		}
		return jsonResponse(http.StatusBadRequest, mustJSON(map[string]any{"hasErrors": true, "results": failed}))
	}
	return jsonResponse(http.StatusCreated, mustJSON(map[string]any{"hasErrors": false, "results": t.results}))
}

type treeRun struct {
	o       *Org
	count   int
	types   map[string]bool
	refs    map[string]bool
	results []treeResult
	failed  bool
}

// treeAttrs reads a tree record's attributes.
func treeAttrs(ms []member) (typ, ref string) {
	for _, m := range ms {
		if m.key == "attributes" {
			var a struct {
				Type        string `json:"type"`
				ReferenceID string `json:"referenceId"`
			}
			_ = json.Unmarshal(m.raw, &a)
			return a.Type, a.ReferenceID
		}
	}
	return "", ""
}

// childRel returns the child relationship of obj named name.
func (o *Org) childRel(obj *object, name string) (*object, string) {
	for _, cr := range obj.d.ChildRelationships {
		if cr.RelationshipName != nil && strings.EqualFold(*cr.RelationshipName, name) {
			return o.schema.object(cr.ChildSObject), cr.Field
		}
	}
	return nil, ""
}

// treeRecord is a record of the tree as scan read it: its fields (unknown
// ones included, for the create to report) and its children.
type treeRecord struct {
	obj      *object
	ref      string
	fields   []member
	children []treeChildren
}

// treeChildren are the records of one child relationship and the field
// that references their parent.
type treeChildren struct {
	field string
	recs  []*treeRecord
}

// scan reads and checks one record and its children: type, referenceId,
// depth.
func (t *treeRun) scan(raw json.RawMessage, obj *object, depth int) (*treeRecord, *apiError) {
	if depth > maxTreeDepth {
		return nil, errorf(http.StatusBadRequest, "LIMIT_EXCEEDED", "Maximum depth exceeded: the limit is %d levels", maxTreeDepth)
	}
	ms, apiErr := parseObject(raw, obj.name)
	if apiErr != nil {
		return nil, apiErr
	}
	typ, ref := treeAttrs(ms)
	if typ == "" || !strings.EqualFold(typ, obj.name) {
		return nil, errorf(http.StatusBadRequest, "INVALID_INPUT", "Every record needs attributes.type %s, found %q", obj.name, typ)
	}
	if !refIDRE.MatchString(ref) || t.refs[ref] {
		return nil, errorf(http.StatusBadRequest, "INVALID_INPUT", "Every record needs a unique attributes.referenceId, found %q", ref)
	}
	t.refs[ref] = true
	t.count++
	t.types[obj.name] = true
	rec := &treeRecord{obj: obj, ref: ref}
	for _, m := range ms {
		if m.key == "attributes" {
			continue
		}
		var child *object
		var field string
		if obj.field(m.key) == nil {
			child, field = t.o.childRel(obj, m.key)
		}
		if child == nil {
			rec.fields = append(rec.fields, m) // an unknown field: the create reports it
			continue
		}
		var nested struct {
			Records []json.RawMessage `json:"records"`
		}
		if err := json.Unmarshal(m.raw, &nested); err != nil {
			return nil, errorf(http.StatusBadRequest, "JSON_PARSER_ERROR", "%s: want {\"records\":[…]}", m.key)
		}
		cs := treeChildren{field: field}
		for _, c := range nested.Records {
			cr, apiErr := t.scan(c, child, depth+1)
			if apiErr != nil {
				return nil, apiErr
			}
			cs.recs = append(cs.recs, cr)
		}
		rec.children = append(rec.children, cs)
	}
	return rec, nil
}

// create creates one record, its parent's id in parentField, then its
// children. o.mu is held.
func (t *treeRun) create(tr *treeRecord, parentField, parentID string) {
	fields := tr.fields
	if parentField != "" {
		fields = append(fields[:len(fields):len(fields)], member{key: parentField, raw: mustJSON(parentID), line: 1, col: 1})
	}
	rec, _, apiErr := t.o.write(tr.obj, fields, modeCreate, nil)
	if apiErr != nil {
		t.failed = true
		t.results = append(t.results, treeResult{ReferenceID: tr.ref, Errors: []resultError{apiErr.result()}})
		return
	}
	t.results = append(t.results, treeResult{ReferenceID: tr.ref, ID: rec.id})
	for _, cs := range tr.children {
		for _, c := range cs.recs {
			t.create(c, cs.field, rec.id)
		}
	}
}
