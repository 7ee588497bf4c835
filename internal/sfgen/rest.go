package sfgen

// The REST operations of the generated client. They are the same for every
// org: records travel as JSON bodies that the sobjects package encodes and
// decodes with Go generics, so the number of operations never grows with the
// number of objects (the design brief measured 17 s and 1.55 GB to compile
// per-object operations for 200 objects).

type operation struct {
	method, path, id, summary string
	query                     []string // query parameters (all strings, optional unless listed in requiredQuery)
	requiredQuery             []string
	body                      bool
}

var operations = []operation{
	{method: "get", path: "/sobjects", id: "DescribeGlobal", summary: "Lists the org's objects (global describe)."},
	{method: "get", path: "/sobjects/{sObject}/describe", id: "DescribeSObject", summary: "Describes one object: fields, relationships, picklist values."},
	{method: "post", path: "/sobjects/{sObject}", id: "CreateRecord", summary: "Creates a record.", body: true},
	{method: "get", path: "/sobjects/{sObject}/{id}", id: "GetRecord", summary: "Reads a record, optionally only some fields.", query: []string{"fields"}},
	{method: "patch", path: "/sobjects/{sObject}/{id}", id: "UpdateRecord", summary: "Updates the fields sent; null clears a field.", body: true},
	{method: "delete", path: "/sobjects/{sObject}/{id}", id: "DeleteRecord", summary: "Deletes a record."},
	{method: "get", path: "/sobjects/{sObject}/{field}/{value}", id: "GetRecordByExternalId", summary: "Reads a record by an external id field.", query: []string{"fields"}},
	{method: "patch", path: "/sobjects/{sObject}/{field}/{value}", id: "UpsertRecord", summary: "Creates or updates a record by an external id field.", query: []string{"updateOnly"}, body: true},
	{method: "get", path: "/query", id: "Query", summary: "Runs a SOQL query; the first page.", query: []string{"q"}, requiredQuery: []string{"q"}},
	{method: "get", path: "/queryAll", id: "QueryAll", summary: "Runs a SOQL query including deleted and archived records.", query: []string{"q"}, requiredQuery: []string{"q"}},
	{method: "get", path: "/query/{locator}", id: "QueryMore", summary: "Reads the next page of a query."},
	{method: "post", path: "/composite/sobjects", id: "CreateRecords", summary: "Creates up to 200 records (sObject Collections).", body: true},
	{method: "patch", path: "/composite/sobjects", id: "UpdateRecords", summary: "Updates up to 200 records (sObject Collections).", body: true},
	{method: "delete", path: "/composite/sobjects", id: "DeleteRecords", summary: "Deletes up to 200 records (sObject Collections).", query: []string{"ids", "allOrNone"}, requiredQuery: []string{"ids"}},
	{method: "patch", path: "/composite/sobjects/{sObject}/{field}", id: "UpsertRecords", summary: "Upserts up to 200 records by an external id field (sObject Collections).", body: true},
	{method: "get", path: "/limits", id: "Limits", summary: "Reads the org's limits."},
}

// restSchemaNames are the component schemas of the REST operations.
var restSchemaNames = []string{"RestBody", "RestError", "RestErrors"}

// operationTypeNames lists every top-level name oapi-codegen writes for the
// operations, so that no object can take one.
func operationTypeNames() []string {
	names := append([]string(nil), restSchemaNames...)
	for _, op := range operations {
		names = append(names,
			op.id+"Params", op.id+"Response", op.id+"JSONBody", op.id+"JSONRequestBody",
			"New"+op.id+"Request", "New"+op.id+"RequestWithBody", "Parse"+op.id+"Response")
	}
	return names
}

func restSchemas(s *omap) {
	s.set("RestBody", obj("type", "object", "additionalProperties", true,
		"description", "A JSON object: a record, a query page, a save result or a describe result."))
	s.set("RestError", obj("type", "object",
		"description", "One error of a Salesforce REST error body.",
		"properties", obj(
			"message", obj("type", "string"),
			"errorCode", obj("type", "string"),
			"fields", obj("type", "array", "items", obj("type", "string")))))
	s.set("RestErrors", obj("type", "array", "items", obj("$ref", "#/components/schemas/RestError"),
		"description", "A Salesforce REST error body: a JSON array of errors."))
}

func restPaths() *omap {
	paths := newMap()
	byPath := map[string]*omap{}
	for _, op := range operations {
		item, ok := byPath[op.path]
		if !ok {
			item = newMap()
			byPath[op.path] = item
			paths.set(op.path, item)
		}
		var params []any
		for _, p := range pathParams(op.path) {
			params = append(params, obj("name", p, "in", "path", "required", true, "schema", obj("type", "string")))
		}
		for _, q := range op.query {
			required := false
			for _, r := range op.requiredQuery {
				required = required || r == q
			}
			params = append(params, obj("name", q, "in", "query", "required", required, "schema", obj("type", "string")))
		}
		o := obj("operationId", op.id, "summary", op.summary)
		if len(params) > 0 {
			o.set("parameters", params)
		}
		if op.body {
			o.set("requestBody", obj("required", true, "content",
				obj("application/json", obj("schema", obj("$ref", "#/components/schemas/RestBody")))))
		}
		o.set("responses", obj(
			"default", obj("description", "The Salesforce response: a JSON body, or none (204).",
				"content", obj("application/json", obj("schema", obj("$ref", "#/components/schemas/RestBody"))))))
		item.set(op.method, o)
	}
	return paths
}

func pathParams(p string) []string {
	var out []string
	for i := 0; i < len(p); i++ {
		if p[i] == '{' {
			j := i + 1
			for j < len(p) && p[j] != '}' {
				j++
			}
			out = append(out, p[i+1:j])
			i = j
		}
	}
	return out
}
