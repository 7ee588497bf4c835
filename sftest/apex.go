package sftest

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
)

// apexRoute is an Apex REST route a test registered.
type apexRoute struct {
	method, pattern string
	h               http.Handler
}

// HandleApex serves an Apex REST route, as an @RestResource class of the
// org would: requests for method and path under /services/apexrest/ go to
// h once the session is checked (401 INVALID_SESSION_ID otherwise), and
// count as API calls. path is a urlMapping such as "/orders" or
// "/orders/*", where a trailing * matches the rest of the path. A path no
// route matches is answered 404 NOT_FOUND, a method no route of the path
// serves 405 METHOD_NOT_ALLOWED, as Salesforce does. Routes registered
// later win over earlier ones for the same method and path.
func (o *Org) HandleApex(method, path string, h http.Handler) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.apex = append([]apexRoute{{method: strings.ToUpper(method), pattern: "/" + strings.Trim(path, "/"), h: h}}, o.apex...)
}

func (r apexRoute) matches(path string) bool {
	if prefix, ok := strings.CutSuffix(r.pattern, "/*"); ok {
		return path == prefix || strings.HasPrefix(path, prefix+"/")
	}
	return strings.EqualFold(strings.TrimRight(path, "/"), r.pattern)
}

// apexRoute finds the route of an Apex REST request.
func (o *Org) apexRoute(r *http.Request, path string) route {
	o.mu.Lock()
	routes := slices.Clone(o.apex)
	o.mu.Unlock()
	var allowed []string
	for _, rt := range routes {
		if !rt.matches(path) {
			continue
		}
		if rt.method != r.Method {
			allowed = append(allowed, rt.method)
			continue
		}
		return route{ep: EndpointApex, auth: true, serve: func() response {
			rec := httptest.NewRecorder()
			if r.Body == nil {
				r.Body = http.NoBody // as a server's request always has one
			}
			rt.h.ServeHTTP(rec, r)
			res := rec.Result()
			return response{status: res.StatusCode, body: rec.Body.Bytes(), header: res.Header}
		}}
	}
	if len(allowed) > 0 {
		return route{ep: EndpointApex, auth: true, serve: func() response {
			return errResponse(errorf(http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED",
				"HTTP Method '%s' not allowed. Allowed are %s", r.Method, strings.Join(allowed, ",")))
		}}
	}
	return route{ep: EndpointApex, auth: true, serve: func() response {
		return errResponse(errorf(http.StatusNotFound, "NOT_FOUND", "Could not find a match for URL %s", path))
	}}
}
