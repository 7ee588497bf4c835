package sobjects

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/typedforce/typedforce/gen"
	"github.com/typedforce/typedforce/internal/sfapi"
)

// Limits of sObject Tree, checked before anything is sent.
const (
	maxTreeRecords = 200
	maxTreeTypes   = 5
	maxTreeDepth   = 5
)

// TreeNode is a record of an sObject Tree with its children, made by
// [Node]. After [CreateTree], ID returns the id of the created record.
type TreeNode struct {
	obj      string
	body     json.RawMessage
	err      error
	children []TreeChildren
	id       string
}

// TreeChildren is a child relationship of a [TreeNode] and its records,
// made by [Children].
type TreeChildren struct {
	rel   string
	nodes []*TreeNode
}

// Node returns a tree node for rec, a generated create shape such as
// sfmodel.AccountCreate, with its children.
func Node[T any](rec T, children ...TreeChildren) *TreeNode {
	obj, body, err := objectBody(&rec)
	return &TreeNode{obj: obj, body: body, err: err, children: children}
}

// Children returns the records of the child relationship rel of a node,
// such as Children("Contacts", sobjects.Node(contact)). Salesforce sets
// each child's reference to its parent.
func Children(rel string, nodes ...*TreeNode) TreeChildren {
	return TreeChildren{rel: rel, nodes: nodes}
}

// ID returns the id of the node's record once [CreateTree] created it,
// else "".
func (n *TreeNode) ID() string { return n.id }

// Object returns the sObject of the node's record.
func (n *TreeNode) Object() string { return n.obj }

// CreateTree creates roots, records of one sObject, and their nested
// children in one call (POST /composite/tree/{sObject}), all or none, and
// sets the ID of every node. More than 200 records, 5 levels or 5 sObjects
// in all, roots of different sObjects, or a node whose record cannot be
// encoded fail with [ErrInvalidArgument] before anything is sent. When a
// record fails, nothing is created and the error is a [*CompositeError]
// with one [*Error] per failed record, whose Op names its sObject and
// position ("create tree Contact (ref3)").
func CreateTree(ctx context.Context, c *Client, roots []*TreeNode, opts ...CallOption) error {
	op := "create tree"
	if len(roots) == 0 {
		return fmt.Errorf("%w: %s: no records", ErrInvalidArgument, op)
	}
	t := treeBuild{byRef: map[string]*TreeNode{}, types: map[string]bool{}}
	obj := roots[0].obj
	op += " " + obj
	b := []byte(`{"records":[`)
	for i, n := range roots {
		if n.obj != obj && n.err == nil {
			return fmt.Errorf("%w: %s: root %d is a %s; every root must be a %s", ErrInvalidArgument, op, i, n.obj, obj)
		}
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = t.append(b, n, 1); err != nil {
			return fmt.Errorf("%w: %s: %w", ErrInvalidArgument, op, err)
		}
	}
	b = append(b, "]}"...)
	switch {
	case len(t.byRef) > maxTreeRecords:
		return fmt.Errorf("%w: %s: %d records, at most %d", ErrInvalidArgument, op, len(t.byRef), maxTreeRecords)
	case len(t.types) > maxTreeTypes:
		return fmt.Errorf("%w: %s: %d sObjects, at most %d", ErrInvalidArgument, op, len(t.types), maxTreeTypes)
	}
	cfg, err := newCall(opts)
	if err != nil {
		return fmt.Errorf("sobjects: %s: %w", op, err)
	}
	var out struct {
		HasErrors bool `json:"hasErrors"`
		Results   []struct {
			ReferenceID string     `json:"referenceId"`
			ID          string     `json:"id"`
			Errors      []APIError `json:"errors"`
		} `json:"results"`
	}
	// A tree with a failed record is answered 400 with the results, not
	// with an error array.
	resp, err := c.sendAccepting(op, cfg, func(eds []gen.RequestEditorFn) (*http.Response, error) {
		return c.gen.CreateTreeWithBody(ctx, obj, jsonType, bytes.NewReader(b), eds...)
	}, http.StatusBadRequest)
	if err != nil {
		return err
	}
	status := resp.StatusCode
	if status == http.StatusBadRequest {
		body, truncated, rerr := readBounded(resp.Body, maxErrorBody)
		sfapi.CloseBody(resp.Body)
		if truncated || rerr != nil || json.Unmarshal(body, &out) != nil || !out.HasErrors {
			return parseErrorBody(op, status, body, truncated || rerr != nil)
		}
	} else if err := decodeJSON(ctx, op, resp, &out); err != nil {
		return err
	}
	if out.HasErrors {
		ce := &CompositeError{}
		for _, r := range out.Results {
			e := &Error{Op: op + " (" + r.ReferenceID + ")", StatusCode: status, Errors: r.Errors}
			if n := t.byRef[r.ReferenceID]; n != nil {
				e.Op = "create tree " + n.obj + " (" + r.ReferenceID + ")"
			}
			if len(r.Errors) > 0 {
				e.Code, e.Message, e.Fields = r.Errors[0].Code, r.Errors[0].Message, r.Errors[0].Fields
			}
			ce.Failed = append(ce.Failed, e)
		}
		return ce
	}
	for _, r := range out.Results {
		if n := t.byRef[r.ReferenceID]; n != nil {
			n.id = r.ID
		}
	}
	for ref, n := range t.byRef {
		if n.id == "" {
			return &Error{Op: op, StatusCode: status, Err: ErrMalformedResponse, Message: "no id for " + ref}
		}
	}
	return nil
}

type treeBuild struct {
	byRef map[string]*TreeNode
	types map[string]bool
}

// append writes node n and its children at depth.
func (t *treeBuild) append(b []byte, n *TreeNode, depth int) ([]byte, error) {
	switch {
	case n == nil:
		return b, fmt.Errorf("nil node")
	case n.err != nil:
		return b, n.err
	case depth > maxTreeDepth:
		return b, fmt.Errorf("more than %d levels", maxTreeDepth)
	case len(t.byRef) >= maxTreeRecords+1:
		return b, fmt.Errorf("more than %d records", maxTreeRecords)
	}
	ref := "ref" + strconv.Itoa(len(t.byRef)+1)
	t.byRef[ref] = n
	t.types[n.obj] = true
	b = append(b, `{"attributes":{"type":`...)
	b = appendString(b, n.obj)
	b = append(b, `,"referenceId":`...)
	b = appendString(b, ref)
	b = append(b, '}')
	if fields := bytes.TrimSpace(n.body[1 : len(n.body)-1]); len(fields) > 0 {
		b = append(b, ',')
		b = append(b, fields...)
	}
	for _, ch := range n.children {
		if !validIdent(ch.rel) {
			return b, fmt.Errorf("child relationship %q", sfapi.Truncate(ch.rel, 40))
		}
		b = append(b, ',')
		b = appendString(b, ch.rel)
		b = append(b, `:{"records":[`...)
		for i, c := range ch.nodes {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = t.append(b, c, depth+1); err != nil {
				return b, err
			}
		}
		b = append(b, "]}"...)
	}
	return append(b, '}'), nil
}

// Graph is one graph of Composite Graph: up to 500 subrequests, added with
// the same functions as to a [Composite] ([AddCreate], …), that succeed or
// fail as a whole. Send several at once with [SendGraphs]. ID names the
// graph in errors; graphs without one are numbered.
type Graph struct {
	ID   string
	reqs subrequests
}

func (g *Graph) batch() *subrequests { return &g.reqs }

// Len returns the number of nodes (subrequests) of the graph.
func (g *Graph) Len() int { return len(g.reqs.subs) }

// SendGraphs sends up to 75 graphs in one Composite Graph request (POST
// /composite/graph) and delivers each node's result to its [Subrequest].
// Each graph is atomic: when one of its nodes fails, none of them stays
// saved, and the others report [ErrProcessingHalted]. More than 500 nodes
// in a graph, a graph deeper than 15 references or of more than 15
// sObjects, more than 75 graphs, or an error of an Add call fail with
// [ErrInvalidArgument] before anything is sent.
//
// SendGraphs returns nil when every graph succeeded, a [*CompositeError]
// listing the failed nodes of the failed graphs, or the error of the
// request as a whole.
func SendGraphs(ctx context.Context, c *Client, graphs ...*Graph) error {
	const op = "composite graph"
	if len(graphs) == 0 || len(graphs) > maxGraphs {
		return fmt.Errorf("%w: %s: %d graphs, want 1 to %d", ErrInvalidArgument, op, len(graphs), maxGraphs)
	}
	ids := map[string]bool{}
	b := []byte(`{"graphs":[`)
	for i, g := range graphs {
		if g.ID == "" {
			g.ID = "graph" + strconv.Itoa(i+1)
		}
		what := op + " " + g.ID
		if ids[g.ID] {
			return fmt.Errorf("%w: %s: graph id %q used twice", ErrInvalidArgument, op, g.ID)
		}
		ids[g.ID] = true
		rs := &g.reqs
		if err := rs.check(what); err != nil {
			return err
		}
		if len(rs.subs) > maxGraphNodes {
			return fmt.Errorf("%w: %s: %d nodes, at most %d", ErrInvalidArgument, what, len(rs.subs), maxGraphNodes)
		}
		if d := rs.depth(); d > maxGraphDepth {
			return fmt.Errorf("%w: %s: depth %d, at most %d", ErrInvalidArgument, what, d, maxGraphDepth)
		}
		types := map[string]bool{}
		for _, s := range rs.subs {
			if s.obj != "" {
				types[s.obj] = true
			}
		}
		if len(types) > maxGraphTypes {
			return fmt.Errorf("%w: %s: %d sObjects, at most %d", ErrInvalidArgument, what, len(types), maxGraphTypes)
		}
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"graphId":`...)
		b = appendString(b, g.ID)
		b = append(b, `,"compositeRequest":`...)
		b = append(rs.appendRequests(b, c.version), '}')
	}
	b = append(b, "]}"...)
	for _, g := range graphs {
		g.reqs.sent = true
	}
	resp, err := c.send(op, noOptions, func(eds []gen.RequestEditorFn) (*http.Response, error) {
		return c.gen.CompositeGraphWithBody(ctx, jsonType, bytes.NewReader(b), eds...)
	})
	var out struct {
		Graphs []struct {
			GraphID       string `json:"graphId"`
			GraphResponse struct {
				CompositeResponse []subresponse `json:"compositeResponse"`
			} `json:"graphResponse"`
			IsSuccessful bool `json:"isSuccessful"`
		} `json:"graphs"`
	}
	if err == nil {
		err = decodeJSON(ctx, op, resp, &out)
	}
	if err != nil {
		for _, g := range graphs {
			g.reqs.failAll(err)
		}
		return err
	}
	var failed []*Error
	for _, g := range graphs {
		found := false
		for _, gr := range out.Graphs {
			if gr.GraphID == g.ID {
				found = true
				failed = append(failed, g.reqs.deliver(resp.StatusCode, gr.GraphResponse.CompositeResponse)...)
			}
		}
		if !found {
			e := &Error{Op: op + " " + g.ID, StatusCode: resp.StatusCode, Err: ErrMalformedResponse, Message: "no response for the graph"}
			g.reqs.failAll(e)
			failed = append(failed, e)
		}
	}
	if len(failed) > 0 {
		return &CompositeError{Failed: failed}
	}
	return nil
}

// depth returns the longest chain of references in the batch, in nodes.
func (rs *subrequests) depth() int {
	d := make([]int, len(rs.subs))
	longest := 0
	for i, s := range rs.subs {
		d[i] = 1
		for _, j := range s.deps {
			d[i] = max(d[i], d[j]+1)
		}
		longest = max(longest, d[i])
	}
	return longest
}
