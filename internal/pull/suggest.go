package pull

import (
	"strings"

	"github.com/typedforce/typedforce/internal/naming"
)

// unknownObject is the error for a name the org does not have, with the
// closest names it does have.
func unknownObject(name string, objs []Object) *Error {
	e := &Error{Object: name, Kind: ErrUnknownObject}
	if s := suggest(name, objs); len(s) > 0 {
		e.Hint = "did you mean " + strings.Join(s, ", ") + "?"
	} else {
		e.Hint = "run typedforce objects to list the org's objects"
	}
	return e
}

// suggest returns the org's object names closest to name (see
// naming.Closest).
func suggest(name string, objs []Object) []string {
	names := make([]string, len(objs))
	for i, o := range objs {
		names[i] = o.Name
	}
	return naming.Closest(name, names)
}
