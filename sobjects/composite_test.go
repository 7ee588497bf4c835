package sobjects_test

import (
	"errors"
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
