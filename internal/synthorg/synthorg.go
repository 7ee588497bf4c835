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

// fieldTypes is the cycle of field types a synthetic object is made of, in
// proportions close to real custom objects (mostly text, picklists and
// references).
var fieldTypes = []string{
	"string", "picklist", "reference", "double", "string", "boolean", "date", "datetime",
	"textarea", "currency", "picklist", "email", "phone", "url", "percent", "multipicklist",
	"string", "reference", "int", "long", "time", "combobox", "encryptedstring", "base64",
}

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
			for k := range 12 {
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
