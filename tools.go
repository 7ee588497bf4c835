//go:build tools

// Package tools pins the code generators this module runs, so that go.mod
// records their versions and `go run` uses exactly those.
package tools

import (
	_ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
)
