// Package typedforce is a Go SDK for the Salesforce REST API whose types are
// generated from your own org's schema.
//
// The packages:
//
//   - sobjects: typed CRUD, queries and collections for application code.
//   - sobjects/sftype: Salesforce value types (DateTime, Date, Time, ...).
//   - auth: sessions that survive INVALID_SESSION_ID with one token refresh.
//   - gen: the generated REST client and the bundled example org's models.
//   - cmd/typedforce: the generator (typedforce generate).
//
// See README.md for the pipeline and docs/ for the details.
package typedforce

// The bundled example org: describe JSON in openapi/describe, the OpenAPI
// document in openapi/sobjects.yaml, the Go package in gen/. The same command
// works from any module (see README.md).
//go:generate go run ./cmd/typedforce generate -q -client -describe openapi/describe -out gen -package gen -openapi openapi/sobjects.yaml
