package sobjects_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/typedforce/typedforce/sobjects"
	"github.com/typedforce/typedforce/sobjects/sftype"
)

type account struct {
	Attributes *sftype.Attributes `json:"attributes,omitempty" sobject:"Account"`
	Name       *string            `json:"Name,omitempty"`
}

// TestCompositeBadResponses: a response that does not answer every
// subrequest, or that cannot be read, fails every subrequest with
// ErrMalformedResponse, never a zero value taken for a result.
func TestCompositeBadResponses(t *testing.T) {
	for name, body := range map[string]string{
		"one subresponse for two": `{"compositeResponse":[{"body":{"id":"001xx000003DGb2AAG","success":true},"httpStatusCode":201,"referenceId":"ref1"}]}`,
		"html":                    `<html>oops</html>`,
		"no id":                   `{"compositeResponse":[{"body":{},"httpStatusCode":201,"referenceId":"ref1"},{"body":{"id":"001xx000003DGb3AAG"},"httpStatusCode":201,"referenceId":"ref2"}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			c, mock := newClient(t)
			mock.RegisterResponder(http.MethodPost, base+"/composite", respond(200, body))
			var b sobjects.Composite
			first := sobjects.AddCreate(&b, account{Name: new("a")})
			sobjects.AddCreate(&b, account{Name: new("b")})
			err := b.Send(t.Context(), c)
			if !errors.Is(err, sobjects.ErrMalformedResponse) {
				t.Fatalf("Send: %v", err)
			}
			if id, err := first.Result(); !errors.Is(err, sobjects.ErrMalformedResponse) || id != "" {
				t.Errorf("first: %q, %v", id, err)
			}
		})
	}
}

// TestCompositeRequestIsJSON: what a caller passes (a method, a path, a
// graph id) is written as a JSON string, whatever characters it holds.
func TestCompositeRequestIsJSON(t *testing.T) {
	c, mock := newClient(t)
	var bodies [][]byte
	record := func(req *http.Request) (*http.Response, error) {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		bodies = append(bodies, b)
		return respond(400, `[{"errorCode":"INVALID_INPUT","message":"no"}]`)(req)
	}
	mock.RegisterResponder(http.MethodPost, base+"/composite", record)
	mock.RegisterResponder(http.MethodPost, base+"/composite/graph", record)
	var b sobjects.Composite
	sobjects.AddCall[struct{}](&b, "get\x7f\"<", "limits?x=\u2028", nil)
	_ = b.Send(t.Context(), c)
	g := &sobjects.Graph{ID: "g\"\x01"}
	sobjects.AddCall[struct{}](g, "GET", "limits", nil)
	_ = sobjects.SendGraphs(t.Context(), c, g)
	if len(bodies) != 2 {
		t.Fatalf("%d requests, want 2", len(bodies))
	}
	for _, body := range bodies {
		if !json.Valid(body) {
			t.Errorf("not JSON: %s", body)
		}
	}
}
