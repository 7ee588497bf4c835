package sobjects_test

import (
	"net/url"
	"testing"

	"github.com/oapi-codegen/runtime"
)

// FuzzTemplateEscaping holds the request builders of package gen (from
// openapi/templates/client.tmpl) to what oapi-codegen's own template does:
// the template escapes a string path parameter with url.PathEscape and a
// string query parameter as name=url.QueryEscape(value), where oapi-codegen
// calls runtime.StyleParamWithOptions.
func FuzzTemplateEscaping(f *testing.F) {
	for _, s := range []string{"", "Account", "001xx000003DGb2AAG", "W/1 x", "a+b&c=d", "..", "%2e", "ünï", "SELECT Id FROM Account WHERE Name = 'O\\'Brien'", "\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		path, err := runtime.StyleParamWithOptions("simple", false, "p", s,
			runtime.StyleParamOptions{ParamLocation: runtime.ParamLocationPath, Type: "string"})
		if err != nil {
			t.Skip("oapi-codegen refuses the value too")
		}
		if got := url.PathEscape(s); got != path {
			t.Fatalf("path %q: template %q, oapi-codegen %q", s, got, path)
		}
		query, err := runtime.StyleParamWithOptions("form", true, "q", s,
			runtime.StyleParamOptions{ParamLocation: runtime.ParamLocationQuery, Type: "string"})
		if err != nil {
			t.Fatal(err)
		}
		if got := "q=" + url.QueryEscape(s); got != query {
			t.Fatalf("query %q: template %q, oapi-codegen %q", s, got, query)
		}
	})
}
