package sftype

import (
	"reflect"
	"sync"
)

// ObjectTag is the struct tag key that names a generated shape's sObject.
// The generator puts it on the Attributes field of every read, create and
// update shape: `json:"attributes,omitempty" sobject:"Account"`.
const ObjectTag = "sobject"

var objectNames sync.Map // reflect.Type -> string

// ObjectName returns the API name of the sObject that T (a generated shape
// such as sfmodel.Account or sfmodel.AccountUpdate, or a pointer to one) describes,
// and false when T carries no sobject tag.
func ObjectName[T any]() (string, bool) {
	return ObjectNameOf(reflect.TypeFor[T]())
}

// ObjectNameOf is ObjectName for a reflect.Type.
func ObjectNameOf(t reflect.Type) (string, bool) {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return "", false
	}
	if v, ok := objectNames.Load(t); ok {
		s := v.(string)
		return s, s != ""
	}
	name := ""
	if f, ok := t.FieldByName("Attributes"); ok {
		name = f.Tag.Get(ObjectTag)
	}
	objectNames.Store(t, name)
	return name, name != ""
}
