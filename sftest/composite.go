package sftest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// Composite limits, as Salesforce enforces them.
const (
	maxSubrequests = 25
	maxSubQueries  = 5
	maxGraphNodes  = 500
	maxGraphs      = 75
	maxTreeRecords = 200
	maxTreeTypes   = 5
	maxTreeDepth   = 5
)

// Messages of PROCESSING_HALTED subresponses.
const (
	haltedRolledBack = "The transaction was rolled back since another operation in the same transaction failed."
)

// subRequest is one entry of compositeRequest.
type subRequest struct {
	Method      string          `json:"method"`
	URL         string          `json:"url"`
	ReferenceID string          `json:"referenceId"`
	Body        json.RawMessage `json:"body"`
}

// subResponse is one entry of compositeResponse.
type subResponse struct {
	Body        json.RawMessage   `json:"body"`
	HTTPHeaders map[string]string `json:"httpHeaders"`
	Status      int               `json:"httpStatusCode"`
	ReferenceID string            `json:"referenceId"`
}

var (
	refIDRE  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	subRefRE = regexp.MustCompile(`@\{([A-Za-z][A-Za-z0-9_]*)\.([^}]*)\}`)
)

// composite serves POST /composite: the subrequests run in order, through
// the org's own routes, as one API call; a failure under allOrNone rolls
// back every write of the request.
func (o *Org) composite(r *http.Request) response {
	var req struct {
		AllOrNone         bool         `json:"allOrNone"`
		CompositeRequest  []subRequest `json:"compositeRequest"`
		CollateSubrequest *bool        `json:"collateSubrequests"`
	}
	if apiErr := readJSON(r, &req); apiErr != nil {
		return errResponse(apiErr)
	}
	if apiErr := checkSubrequests(req.CompositeRequest, maxSubrequests, true); apiErr != nil {
		return errResponse(apiErr)
	}
	resps := o.runSubrequests(r, req.CompositeRequest, req.AllOrNone)
	return jsonResponse(http.StatusOK, mustJSON(map[string]any{"compositeResponse": resps}))
}

// readJSON reads a request body that holds one JSON value into v.
func readJSON(r *http.Request, v any) *apiError {
	body, apiErr := readBody(r)
	if apiErr != nil {
		return apiErr
	}
	if err := json.Unmarshal(body, v); err != nil {
		return jsonError(body, err)
	}
	return nil
}

// checkSubrequests applies the limits of a composite request (or of one
// graph) before anything runs.
func checkSubrequests(subs []subRequest, limit int, countQueries bool) *apiError {
	switch {
	case len(subs) == 0:
		return errorf(http.StatusBadRequest, "INVALID_INPUT", "compositeRequest is required and must not be empty")
	case len(subs) > limit:
		return errorf(http.StatusBadRequest, "INVALID_INPUT", "Maximum number of sub-requests allowed is %d, found %d", limit, len(subs))
	}
	seen := map[string]bool{}
	queries := 0
	for _, s := range subs {
		if !refIDRE.MatchString(s.ReferenceID) {
			return errorf(http.StatusBadRequest, "INVALID_INPUT", "Invalid referenceId: %q", s.ReferenceID)
		}
		if seen[s.ReferenceID] {
			return errorf(http.StatusBadRequest, "INVALID_INPUT", "Duplicate referenceId provided in the request: %s", s.ReferenceID)
		}
		seen[s.ReferenceID] = true
		if p := subPath(s.URL); strings.HasPrefix(p, "query") || strings.HasPrefix(p, "composite/sobjects") {
			queries++
		}
	}
	if countQueries && queries > maxSubQueries {
		return errorf(http.StatusBadRequest, "INVALID_INPUT",
			"The number of query and sObject Collections subrequests is %d; the maximum is %d", queries, maxSubQueries)
	}
	return nil
}

// subPath is a subrequest URL relative to the versioned root.
func subPath(u string) string {
	p := strings.TrimPrefix(u, "/services/data/")
	if _, rest, ok := strings.Cut(p, "/"); ok && strings.HasPrefix(p, "v") {
		return rest
	}
	return p
}

// runSubrequests runs subs in order with the journal on. Under allOrNone,
// the first failure halts the rest and rolls back every write; the
// subresponses of the others become PROCESSING_HALTED.
func (o *Org) runSubrequests(r *http.Request, subs []subRequest, allOrNone bool) []subResponse {
	var journal []func()
	o.mu.Lock()
	o.journal = &journal
	o.mu.Unlock()
	defer func() {
		o.mu.Lock()
		o.journal = nil
		o.mu.Unlock()
	}()
	resps := make([]subResponse, len(subs))
	results := map[string]*subResponse{}
	failed := -1
	for i, s := range subs {
		if failed >= 0 && allOrNone {
			resps[i] = halted(s.ReferenceID, haltedRolledBack)
			continue
		}
		resps[i] = o.runSubrequest(r, s, results)
		results[s.ReferenceID] = &resps[i]
		if resps[i].Status >= 300 && failed < 0 {
			failed = i
		}
	}
	if failed >= 0 && allOrNone {
		o.mu.Lock()
		for i := len(journal) - 1; i >= 0; i-- {
			journal[i]()
		}
		o.mu.Unlock()
		for i := range resps {
			if i != failed {
				resps[i] = halted(resps[i].ReferenceID, haltedRolledBack)
			}
		}
	}
	return resps
}

func halted(ref, msg string) subResponse {
	return subResponse{Status: http.StatusBadRequest, ReferenceID: ref,
		Body: errorf(http.StatusBadRequest, "PROCESSING_HALTED", "%s", msg).body()}
}

// runSubrequest resolves the references of s against the earlier results
// and serves it through the org's routes.
func (o *Org) runSubrequest(r *http.Request, s subRequest, results map[string]*subResponse) subResponse {
	fail := func(e *apiError) subResponse {
		return subResponse{Status: e.status, ReferenceID: s.ReferenceID, Body: e.body()}
	}
	u, ok := resolveRefs(s.URL, results, false)
	if !ok.ok {
		return halted(s.ReferenceID, ok.msg)
	}
	body := []byte(s.Body)
	if len(bytes.TrimSpace(body)) == 0 || string(body) == "null" {
		body = nil
	} else {
		b, ok := resolveRefs(string(body), results, true)
		if !ok.ok {
			return halted(s.ReferenceID, ok.msg)
		}
		body = []byte(b)
	}
	if !strings.HasPrefix(u, "/services/data/v") {
		return fail(errorf(http.StatusBadRequest, "INVALID_INPUT", "The url of a subrequest must start with /services/data/vXX.X: %s", u))
	}
	sub, err := http.NewRequestWithContext(r.Context(), strings.ToUpper(s.Method), o.url+u, bytes.NewReader(body))
	if err != nil {
		return fail(errorf(http.StatusBadRequest, "INVALID_INPUT", "Invalid subrequest url: %s", u))
	}
	sub.Header.Set("Content-Type", "application/json")
	rt := o.route(sub)
	switch rt.ep {
	case EndpointComposite, EndpointTree, EndpointGraph, EndpointToken, EndpointRevoke, EndpointApex, EndpointBlob, EndpointSearch:
		return fail(errorf(http.StatusBadRequest, "INVALID_INPUT", "sftest: %s is not supported in a composite subrequest", rt.ep))
	}
	resp := rt.serve()
	out := subResponse{Status: resp.status, ReferenceID: s.ReferenceID, Body: json.RawMessage("null"), HTTPHeaders: map[string]string{}}
	if len(resp.body) > 0 {
		out.Body = resp.body
	}
	if resp.status == http.StatusCreated && rt.ep == EndpointCreate {
		var res struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(resp.body, &res) == nil && res.ID != "" {
			out.HTTPHeaders["Location"] = strings.TrimSuffix(subURLBase(u), "/") + "/" + res.ID
		}
	}
	return out
}

// subURLBase is the URL of a create subrequest without its query.
func subURLBase(u string) string {
	p, _, _ := strings.Cut(u, "?")
	return p
}

type refCheck struct {
	ok  bool
	msg string
}

// resolveRefs replaces each @{ref.path} of text with the value at path in
// the body of the earlier subresponse ref; inJSON escapes it for a JSON
// string. A reference to a failed or unknown subrequest, or to a path with
// no value, is Salesforce's "Invalid reference specified".
func resolveRefs(text string, results map[string]*subResponse, inJSON bool) (string, refCheck) {
	check := refCheck{ok: true}
	out := subRefRE.ReplaceAllStringFunc(text, func(m string) string {
		if !check.ok {
			return m
		}
		sm := subRefRE.FindStringSubmatch(m)
		name, path := sm[1], sm[2]
		res := results[name]
		var v any
		found := false
		if res != nil && res.Status < 300 {
			var doc any
			if json.Unmarshal(res.Body, &doc) == nil {
				v, found = lookupPath(doc, path)
			}
		}
		if !found || v == nil {
			check = refCheck{msg: "Invalid reference specified. No value for " + name + "." + path + " found in " + name + ". Provided referenceId ('" + name + "') must be the referenceId of a previous successful subrequest."}
			return m
		}
		var s string
		switch v := v.(type) {
		case string:
			s = v
		default:
			s = strings.TrimSpace(string(mustJSON(v)))
		}
		if inJSON {
			js := mustJSON(s)
			return string(js[1 : len(js)-1])
		}
		return s
	})
	return out, check
}

// lookupPath reads a path such as id, records[0].Id or Owner.Name in a
// decoded JSON document; names match case-insensitively.
func lookupPath(doc any, path string) (any, bool) {
	cur := doc
	for part := range strings.SplitSeq(path, ".") {
		name, idx := part, -1
		if i := strings.IndexByte(part, '['); i >= 0 && strings.HasSuffix(part, "]") {
			n, err := strconv.Atoi(part[i+1 : len(part)-1])
			if err != nil {
				return nil, false
			}
			name, idx = part[:i], n
		}
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		var next any
		found := false
		for k, v := range m {
			if strings.EqualFold(k, name) {
				next, found = v, true
				break
			}
		}
		if !found {
			return nil, false
		}
		if idx >= 0 {
			list, ok := next.([]any)
			if !ok || idx >= len(list) {
				return nil, false
			}
			next = list[idx]
		}
		cur = next
	}
	return cur, true
}

// graph serves POST /composite/graph: each graph runs like an allOrNone
// composite request, on its own.
func (o *Org) graph(r *http.Request) response {
	var req struct {
		Graphs []struct {
			GraphID          string       `json:"graphId"`
			CompositeRequest []subRequest `json:"compositeRequest"`
		} `json:"graphs"`
	}
	if apiErr := readJSON(r, &req); apiErr != nil {
		return errResponse(apiErr)
	}
	if len(req.Graphs) == 0 || len(req.Graphs) > maxGraphs {
		return errResponse(errorf(http.StatusBadRequest, "INVALID_INPUT", "A request must have 1 to %d graphs, found %d", maxGraphs, len(req.Graphs)))
	}
	seen := map[string]bool{}
	for _, g := range req.Graphs {
		if g.GraphID == "" || seen[g.GraphID] {
			return errResponse(errorf(http.StatusBadRequest, "INVALID_INPUT", "Each graph needs a unique graphId: %q", g.GraphID))
		}
		seen[g.GraphID] = true
		if apiErr := checkSubrequests(g.CompositeRequest, maxGraphNodes, false); apiErr != nil {
			return errResponse(apiErr)
		}
	}
	type graphResponse struct {
		GraphID       string `json:"graphId"`
		GraphResponse struct {
			CompositeResponse []subResponse `json:"compositeResponse"`
		} `json:"graphResponse"`
		IsSuccessful bool `json:"isSuccessful"`
	}
	out := make([]graphResponse, len(req.Graphs))
	for i, g := range req.Graphs {
		out[i].GraphID = g.GraphID
		out[i].GraphResponse.CompositeResponse = o.runSubrequests(r, g.CompositeRequest, true)
		out[i].IsSuccessful = true
		for _, s := range out[i].GraphResponse.CompositeResponse {
			if s.Status >= 300 {
				out[i].IsSuccessful = false
			}
		}
	}
	return jsonResponse(http.StatusOK, mustJSON(map[string]any{"graphs": out}))
}
