// Package synthorg writes synthetic orgs: folders of describe JSON with as
// many objects and fields as asked, covering every field type the generator
// maps. It exists to measure the generator at the scale of real orgs
// (800 to 1,500 objects).
package synthorg

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// fieldTypes is the cycle of field types a synthetic object is made of. The
// proportions follow the real describes in ../shared/real-describes (Account,
// Contact, Lead, Opportunity, Case): about one field in seven is a picklist,
// one in eight a reference, the rest mostly text, numbers and dates.
var fieldTypes = []string{
	"string", "picklist", "reference", "double", "string", "boolean", "date", "datetime",
	"textarea", "currency", "picklist", "email", "phone", "url", "percent", "multipicklist",
	"string", "reference", "int", "long", "time", "string", "encryptedstring", "base64",
	"string", "combobox", "reference", "double", "string", "boolean", "datetime", "textarea",
}

// valueCounts cycles the number of values of the picklists: real objects have
// about 7 on average (Account 81 values in 8 picklists, Lead 69 in 7,
// Contact 40 in 5, Case 22 in 5, Opportunity 30 in 5).
var valueCounts = []int{3, 5, 12, 4, 8, 6, 10, 8}

// Write writes objects describe files of about fields fields each into dir.
func Write(dir string, objects, fields int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i := range objects {
		o := object(i, objects, fields)
		data, err := json.Marshal(o)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, o["name"].(string)+".json"), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func name(i int) string { return fmt.Sprintf("Synth_Object_%04d__c", i) }

func object(i, objects, nfields int) map[string]any {
	fields := []map[string]any{
		field("Id", "id", false, false, false),
		field("Name", "string", true, true, false),
		field("OwnerId", "reference", true, true, false),
		field("CreatedDate", "datetime", false, false, false),
		field("LastModifiedDate", "datetime", false, false, false),
		field("SystemModstamp", "datetime", false, false, false),
		field("IsDeleted", "boolean", false, false, false),
	}
	fields[2]["referenceTo"] = []string{"Group", "User"}
	fields[2]["relationshipName"] = "Owner"
	fields[2]["polymorphicForeignKey"] = true
	for j := 0; len(fields) < nfields; j++ {
		t := fieldTypes[j%len(fieldTypes)]
		f := field(fmt.Sprintf("Field_%02d_%s__c", j, t), t, true, true, true)
		switch t {
		case "picklist", "multipicklist", "combobox":
			var values []map[string]any
			for k := range valueCounts[(i+j)%len(valueCounts)] {
				v := fmt.Sprintf("Value %d of field %d", k, j)
				values = append(values, map[string]any{"active": true, "defaultValue": false, "label": v, "validFor": nil, "value": v})
			}
			f["picklistValues"] = values
			f["restrictedPicklist"] = j%2 == 0
		case "reference":
			target := name((i + j + 1) % objects)
			f["referenceTo"] = []string{target}
			f["relationshipName"] = fmt.Sprintf("Field_%02d_%s__r", j, t)
		}
		fields = append(fields, f)
	}
	return map[string]any{
		"name": name(i), "label": fmt.Sprintf("Synthetic %d", i), "labelPlural": fmt.Sprintf("Synthetics %d", i),
		"keyPrefix": fmt.Sprintf("a%02X", i%256), "custom": true, "createable": true, "updateable": true,
		"deletable": true, "queryable": true, "fields": fields, "childRelationships": []any{},
	}
}

func field(api, typ string, createable, updateable, nillable bool) map[string]any {
	return map[string]any{
		"name": api, "label": api, "type": typ, "soapType": "xsd:string",
		"createable": createable, "updateable": updateable, "nillable": nillable, "custom": nillable,
		"defaultedOnCreate": !createable, "calculated": false, "autoNumber": false,
		"referenceTo": []string{}, "picklistValues": []any{}, "relationshipName": nil,
	}
}
