package sftype_test

import (
	"testing"

	"github.com/typedforce/typedforce/sobjects/sftype"
)

type shapeWithTag struct {
	Attributes *sftype.Attributes `json:"attributes,omitempty" sobject:"Widget__c"`
	Name       *string            `json:"Name,omitempty"`
}

type shapeWithoutTag struct {
	Name *string
}

func TestObjectName(t *testing.T) {
	cases := []struct {
		name   string
		got    func() (string, bool)
		want   string
		wantOK bool
	}{
		{"tagged struct", sftype.ObjectName[shapeWithTag], "Widget__c", true},
		{"pointer to tagged struct", sftype.ObjectName[*shapeWithTag], "Widget__c", true},
		{"untagged struct", sftype.ObjectName[shapeWithoutTag], "", false},
		{"not a struct", sftype.ObjectName[string], "", false},
	}
	for _, c := range cases {
		for range 2 { // the second call reads the cache
			got, ok := c.got()
			if got != c.want || ok != c.wantOK {
				t.Errorf("%s: ObjectName = %q, %v; want %q, %v", c.name, got, ok, c.want, c.wantOK)
			}
		}
	}
}
