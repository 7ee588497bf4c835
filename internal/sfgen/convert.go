package sfgen

import (
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
)

// schemaOf converts a schema node of the document to kin-openapi's form,
// which oapi-codegen reads. Going through the node tree directly, rather than
// serialising the document and loading it back, keeps one source for both
// the written document and the generated code at a fraction of the cost
// (loading 1,000 objects' JSON took longer than everything else together).
func schemaOf(m *omap) (*openapi3.SchemaRef, error) {
	s := &openapi3.Schema{}
	ref := &openapi3.SchemaRef{Value: s}
	for i, k := range m.keys {
		v := m.vals[i]
		var err error
		switch k {
		case "$ref":
			ref.Ref = v.(string)
		case "type":
			s.Type = &openapi3.Types{v.(string)}
		case "format":
			s.Format = v.(string)
		case "description":
			s.Description = v.(string)
		case "nullable":
			s.Nullable = v.(bool)
		case "required":
			s.Required = v.([]string)
		case "enum":
			for _, e := range v.([]string) {
				s.Enum = append(s.Enum, e)
			}
		case "additionalProperties":
			b := v.(bool)
			s.AdditionalProperties = openapi3.AdditionalProperties{Has: &b}
		case "items":
			s.Items, err = schemaOf(v.(*omap))
		case "properties":
			props := v.(*omap)
			s.Properties = make(openapi3.Schemas, len(props.keys))
			for j, name := range props.keys {
				if s.Properties[name], err = schemaOf(props.vals[j].(*omap)); err != nil {
					break
				}
			}
		default:
			if len(k) > 2 && k[:2] == "x-" {
				if s.Extensions == nil {
					s.Extensions = map[string]any{}
				}
				s.Extensions[k] = extensionValue(v)
				continue
			}
			return nil, fmt.Errorf("sfgen: schema key %q has no conversion", k)
		}
		if err != nil {
			return nil, err
		}
	}
	if ref.Ref != "" {
		ref.Value = nil
	}
	return ref, nil
}

// extensionValue gives an extension the shape a JSON decoder would have
// given it: objects as map[string]any, lists as []any.
func extensionValue(v any) any {
	switch v := v.(type) {
	case *omap:
		out := make(map[string]any, len(v.keys))
		for i, k := range v.keys {
			out[k] = extensionValue(v.vals[i])
		}
		return out
	case []string:
		out := make([]any, len(v))
		for i, s := range v {
			out[i] = s
		}
		return out
	default:
		return v
	}
}
