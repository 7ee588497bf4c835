package sftest

import (
	"encoding/json"
	"net/http"
	"strings"
)

// maxCollection is how many records one sObject Collections request takes.
const maxCollection = 200

// itemResult is one record's result in sObject Collections.
type itemResult struct {
	ID      string        `json:"id,omitempty"`
	Success bool          `json:"success"`
	Errors  []resultError `json:"errors"`
	Created *bool         `json:"created,omitempty"`
}

func (o *Org) collectionsRoute(r *http.Request, version string, seg []string) route {
	method := r.Method
	switch {
	case len(seg) == 0 && method == http.MethodPost:
		return route{ep: EndpointCollectionsCreate, auth: true, serve: func() response { return o.saveMany(r, nil, nil) }}
	case len(seg) == 0 && method == http.MethodPatch:
		return route{ep: EndpointCollectionsUpdate, auth: true, serve: func() response { return o.saveMany(r, nil, nil) }}
	case len(seg) == 0 && method == http.MethodDelete:
		return route{ep: EndpointCollectionsDelete, auth: true, serve: func() response { return o.deleteMany(r) }}
	case len(seg) == 0:
		return methodNotAllowed(method, "POST", "PATCH", "DELETE")
	}
	obj := o.schema.object(seg[0])
	switch {
	case obj == nil:
		return notFound(EndpointOther, true)
	case len(seg) == 1 && (method == http.MethodGet || method == http.MethodPost):
		return route{ep: EndpointCollectionsGet, auth: true, serve: func() response { return o.retrieveMany(r, obj, version) }}
	case len(seg) == 1:
		return methodNotAllowed(method, "GET", "POST")
	case len(seg) == 2 && method == http.MethodPatch:
		field := seg[1]
		return route{ep: EndpointCollectionsUpsert, auth: true, serve: func() response { return o.saveMany(r, obj, &field) }}
	case len(seg) == 2:
		return methodNotAllowed(method, "PATCH")
	}
	return notFound(EndpointOther, true)
}

// saveMany serves create (POST), update (PATCH) and, with an object and
// an external id field, upsert.
func (o *Org) saveMany(r *http.Request, upsertObj *object, upsertField *string) response {
	body, apiErr := readBody(r)
	if apiErr != nil {
		return errResponse(apiErr)
	}
	var req struct {
		AllOrNone bool              `json:"allOrNone"`
		Records   []json.RawMessage `json:"records"`
	}
	if ms, apiErr := parseObject(body, "collection request"); apiErr != nil {
		return errResponse(apiErr)
	} else if err := json.Unmarshal(body, &req); err != nil {
		line, col := 1, 1
		if len(ms) > 0 {
			line, col = ms[0].line, ms[0].col
		}
		return errResponse(errorf(http.StatusBadRequest, "JSON_PARSER_ERROR", "%s at [line:%d, column:%d]", err.Error(), line, col))
	}
	if len(req.Records) > maxCollection {
		return errResponse(errorf(http.StatusBadRequest, "EXCEEDED_ID_LIMIT",
			"record limit reached. cannot submit more than 200 records into this call"))
	}
	if upsertObj != nil && upsertObj.field(*upsertField) == nil {
		return errResponse(errorf(http.StatusNotFound, "NOT_FOUND", "Provided external ID field does not exist or is not accessible: %s", *upsertField))
	}
	update := r.Method == http.MethodPatch && upsertObj == nil
	o.mu.Lock()
	defer o.mu.Unlock()
	results := make([]itemResult, len(req.Records))
	var undos []func()
	failed := false
	for i, raw := range req.Records {
		id, undo, created, apiErr := o.saveItem(raw, update, upsertObj, upsertField)
		if apiErr != nil {
			results[i] = itemResult{ID: id, Errors: []resultError{apiErr.result()}}
			failed = true
			continue
		}
		undos = append(undos, undo)
		results[i] = itemResult{ID: id, Success: true, Errors: []resultError{}}
		if upsertObj != nil {
			results[i].Created = &created
		}
	}
	if failed && req.AllOrNone {
		rollBack(results, undos, update)
	}
	return jsonResponse(http.StatusOK, mustJSON(results))
}

// rollBack undoes the saved records of an allOrNone request that failed
// and reports them rolled back; keepIDs keeps their ids (updates and
// deletes), which a rolled-back create does not have. o.mu is held.
func rollBack(results []itemResult, undos []func(), keepIDs bool) {
	for i := len(undos) - 1; i >= 0; i-- {
		undos[i]()
	}
	for i, r := range results {
		if !r.Success {
			continue
		}
		if !keepIDs {
			r.ID = ""
		}
		results[i] = itemResult{ID: r.ID, Errors: []resultError{{
			StatusCode: "ALL_OR_NONE_OPERATION_ROLLED_BACK",
			Message:    "Record rolled back because not all records were valid and the request was using AllOrNone header",
			Fields:     []string{},
		}}}
	}
}

// saveItem saves one record of a collection. o.mu is held.
func (o *Org) saveItem(raw json.RawMessage, update bool, upsertObj *object, upsertField *string) (id string, undo func(), created bool, _ *apiError) {
	ms, apiErr := parseObject(raw, "sObject")
	if apiErr != nil {
		return "", nil, false, apiErr
	}
	var typ string
	kept := ms[:0:0]
	for _, m := range ms {
		switch {
		case m.key == "attributes":
			var a struct {
				Type string `json:"type"`
			}
			_ = json.Unmarshal(m.raw, &a)
			typ = a.Type
		case update && strings.EqualFold(m.key, "Id"):
			_ = json.Unmarshal(m.raw, &id)
		default:
			kept = append(kept, m)
		}
	}
	obj := upsertObj
	if obj == nil {
		if typ == "" {
			return id, nil, false, errorf(http.StatusBadRequest, "INVALID_TYPE", "Must send a concrete entity type.")
		}
		if obj = o.schema.object(typ); obj == nil {
			return id, nil, false, errorf(http.StatusBadRequest, "INVALID_TYPE", "sObject type '%s' is not supported.", typ)
		}
	} else if typ != "" && !strings.EqualFold(typ, obj.name) {
		return "", nil, false, errorf(http.StatusBadRequest, "INVALID_TYPE", "Records must all be of type %s", obj.name)
	}
	switch {
	case upsertObj != nil:
		f, apiErr := externalField(obj, *upsertField)
		if apiErr != nil {
			return "", nil, false, apiErr
		}
		var value any
		for _, m := range kept {
			if strings.EqualFold(m.key, f.Name) {
				_ = json.Unmarshal(m.raw, &value)
			}
		}
		if value == nil {
			return "", nil, false, errorf(http.StatusBadRequest, "MISSING_ARGUMENT", "%s not specified", f.Name).withFields(f.Name)
		}
		s, ok := value.(string)
		if !ok {
			s = strings.TrimSpace(string(mustJSON(value)))
		}
		res, apiErr := o.upsertOne(obj, f, s, kept, false)
		switch {
		case apiErr != nil:
			return "", nil, false, apiErr
		case len(res.recs) > 1:
			return "", nil, false, errorf(http.StatusBadRequest, "DUPLICATE_EXTERNAL_ID",
				"A user-specified external ID matches more than one record during an upsert.").withFields(f.Name)
		}
		return res.recs[0].id, res.undo, res.created, nil
	case update:
		if id == "" {
			return "", nil, false, errorf(http.StatusBadRequest, "MISSING_ARGUMENT", "Id not specified in an update call").withFields("Id")
		}
		rec, apiErr := o.live(obj, id)
		if apiErr != nil {
			return id, nil, false, collectionMissing(o, obj, id)
		}
		_, undo, apiErr := o.write(obj, kept, modeUpdate, rec)
		return rec.id, undo, false, apiErr
	}
	if !obj.d.Createable {
		return "", nil, false, errorf(http.StatusBadRequest, "INVALID_TYPE_FOR_OPERATION", "entity type %s does not support insert", obj.name)
	}
	rec, undo, apiErr := o.write(obj, kept, modeCreate, nil)
	if apiErr != nil {
		return "", nil, false, apiErr
	}
	return rec.id, undo, true, nil
}

// collectionMissing is the error of a collection item whose record does
// not exist or was deleted. o.mu is held.
func collectionMissing(o *Org, obj *object, id string) *apiError {
	if n, ok := normID(id); ok {
		if rec := o.table(obj).byID[n]; rec != nil && rec.deleted {
			return errorf(http.StatusBadRequest, "ENTITY_IS_DELETED", "entity is deleted")
		}
		if n[:3] == obj.prefix || o.schema.byPrefix[n[:3]] != nil {
			return errorf(http.StatusBadRequest, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id")
		}
	}
	return errorf(http.StatusBadRequest, "MALFORMED_ID", "malformed id %s", id)
}

func (o *Org) deleteMany(r *http.Request) response {
	q := r.URL.Query()
	ids := strings.Split(q.Get("ids"), ",")
	if q.Get("ids") == "" {
		return errResponse(errorf(http.StatusBadRequest, "MISSING_ARGUMENT", "ids not specified"))
	}
	if len(ids) > maxCollection {
		return errResponse(errorf(http.StatusBadRequest, "EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 200 records into this call"))
	}
	allOrNone := strings.EqualFold(q.Get("allOrNone"), "true")
	o.mu.Lock()
	defer o.mu.Unlock()
	results := make([]itemResult, len(ids))
	var undos []func()
	failed := false
	for i, raw := range ids {
		raw = strings.TrimSpace(raw)
		rec := o.lookup(raw)
		if rec == nil || rec.deleted {
			var obj *object
			if n, ok := normID(raw); ok {
				obj = o.schema.byPrefix[n[:3]]
			}
			e := errorf(http.StatusBadRequest, "MALFORMED_ID", "malformed id %s", raw)
			if obj != nil {
				e = collectionMissing(o, obj, raw)
			}
			results[i] = itemResult{ID: raw, Errors: []resultError{e.result()}}
			failed = true
			continue
		}
		undos = append(undos, o.remove(rec))
		results[i] = itemResult{ID: rec.id, Success: true, Errors: []resultError{}}
	}
	if failed && allOrNone {
		rollBack(results, undos, true)
	}
	return jsonResponse(http.StatusOK, mustJSON(results))
}

// retrieveMany serves GET (or POST) /composite/sobjects/{sObject} with ids
// and fields: the records in order, null for those not found.
func (o *Org) retrieveMany(r *http.Request, obj *object, version string) response {
	var ids, fields []string
	if r.Method == http.MethodPost {
		body, apiErr := readBody(r)
		if apiErr != nil {
			return errResponse(apiErr)
		}
		var req struct {
			IDs    []string `json:"ids"`
			Fields []string `json:"fields"`
		}
		if err := json.Unmarshal(body, &req); err != nil {
			return errResponse(errorf(http.StatusBadRequest, "JSON_PARSER_ERROR", "%v", err))
		}
		ids, fields = req.IDs, req.Fields
	} else {
		q := r.URL.Query()
		if s := q.Get("ids"); s != "" {
			ids = strings.Split(s, ",")
		}
		if s := q.Get("fields"); s != "" {
			fields = strings.Split(s, ",")
		}
	}
	if len(ids) == 0 || len(fields) == 0 {
		return errResponse(errorf(http.StatusBadRequest, "MISSING_ARGUMENT", "ids and fields are required"))
	}
	if len(ids) > 2000 {
		return errResponse(errorf(http.StatusBadRequest, "EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 2000 records into this call"))
	}
	var paths [][]string
	for _, f := range fields {
		parts := strings.Split(strings.TrimSpace(f), ".")
		if _, err := o.resolve(obj, parts); err != nil {
			return errResponse(errorf(http.StatusBadRequest, "INVALID_FIELD", "%s", err.msg))
		}
		paths = append(paths, parts)
	}
	s := buildSel(paths)
	o.mu.Lock()
	defer o.mu.Unlock()
	b := []byte{'['}
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		if rec, err := o.live(obj, strings.TrimSpace(id)); err == nil {
			b = o.appendRecord(b, rec, version, s)
		} else {
			b = append(b, "null"...)
		}
	}
	return jsonResponse(http.StatusOK, append(b, ']'))
}
