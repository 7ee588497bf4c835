package typedforce

import (
	"embed"
	"io/fs"
)

//go:embed openapi/describe/*.json
var bundled embed.FS

// BundledDescribes returns the describe JSON of the bundled example org, one
// file per sObject (Account.json, Widget__c.json, ...): the schema that
// package gen is generated from and that the fake org of package sftest
// serves by default. It reads openapi/describe, embedded at build time.
func BundledDescribes() fs.FS {
	sub, err := fs.Sub(bundled, "openapi/describe")
	if err != nil {
		panic(err) // a constant, valid path
	}
	return sub
}
