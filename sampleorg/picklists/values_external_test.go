package picklists_test

import (
	"testing"

	"github.com/typedforce/typedforce/sampleorg/picklists"
)

// AccountRatingValue has the name of a picklist type but is not one.
type AccountRatingValue string

func TestValuesOfAnotherPackage(t *testing.T) {
	if v := picklists.Values[AccountRatingValue](); v != nil {
		t.Errorf("Values of a same-named type of another package = %q, want nil", v)
	}
}
