package naming_test

import (
	"fmt"

	"github.com/typedforce/typedforce/internal/naming"
)

func ExampleScope_Assign() {
	var fields naming.Scope
	fields.Reserve("Attributes") // the member every record has
	names := fields.Assign([]naming.Item{
		naming.APIItem("Is_Active__c"),
		naming.APIItem("IsActive__c"),
		naming.APIItem("Parent_Widget__r"),
	})
	fmt.Println(names["IsActive__c"], names["Is_Active__c"], names["Parent_Widget__r"])

	var values naming.Scope
	v := values.Assign([]naming.Item{naming.ValueItem("In Progress"), naming.ValueItem("In-Progress"), naming.ValueItem("Économie")})
	fmt.Println(v["In Progress"], v["Économie"], v["In-Progress"] != v["In Progress"])
	// Output:
	// IsActiveC Is_Active__c ParentWidgetR
	// InProgress Economie true
}
