// Package describe holds the describe JSON of the sample org, one file per
// sObject, as `typedforce describe` writes it: the schema that package
// sampleorg is generated from and that the fake org of package sftest serves
// by default. It is data only; importing it brings no generated models.
package describe

import (
	"embed"
	"io/fs"
)

//go:embed *.json
var files embed.FS

// FS returns the describe files (Account.json, Widget__c.json, ...) at its
// root.
func FS() fs.FS { return files }
