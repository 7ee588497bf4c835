package picklists_test

import (
	"fmt"

	"github.com/typedforce/typedforce/sampleorg/picklists"
)

func ExampleValues() {
	for _, v := range picklists.Values[picklists.AccountRatingValue]() {
		fmt.Println(v)
	}
	// Output:
	// Hot
	// Warm
	// Cold
}
