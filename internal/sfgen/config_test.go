package sfgen

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/typedforce/typedforce/internal/describe"
)

func TestConfigSelects(t *testing.T) {
	c := &Config{Include: []string{"Acc*", "Widget__c"}, Exclude: []string{"*History"}}
	for api, want := range map[string]bool{
		"Account": true, "account": true, "AccountHistory": false, "Widget__c": true, "Contact": false,
	} {
		if got := c.Selects(api); got != want {
			t.Errorf("Selects(%q) = %v, want %v", api, got, want)
		}
	}
	if !(&Config{}).Selects("Anything") {
		t.Error("no patterns must select everything")
	}
}

func TestConfigOverridesNames(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "typedforce.yaml")
	err := os.WriteFile(file, []byte(`
package: model
include: ["Holdout_Widget__c", "HoldoutWidget__c"]
names:
  objects: {Holdout_Widget__c: Gadget}
  fields: {Holdout_Widget__c.Is_Active__c: Enabled}
  values: {Holdout_Widget__c.Status__c: {"In Progress": Underway}}
`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(file)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Describe = "testdata/torture"
	objs, err := describe.LoadDir(cfg.Describe)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Build(objs, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Objects) != 2 {
		t.Fatalf("include selected %d objects, want 2", len(m.Objects))
	}
	var gadget *Object
	for _, o := range m.Objects {
		if o.API == "Holdout_Widget__c" {
			gadget = o
		}
	}
	if gadget.GoName != "Gadget" || gadget.Create != "GadgetCreate" {
		t.Errorf("object names = %s, %s; want Gadget, GadgetCreate", gadget.GoName, gadget.Create)
	}
	for _, f := range gadget.Fields {
		switch f.API {
		case "Is_Active__c":
			if f.GoName != "Enabled" {
				t.Errorf("Is_Active__c = %s, want Enabled", f.GoName)
			}
		case "IsActive__c":
			if f.GoName != "IsActiveC" {
				t.Errorf("IsActive__c = %s, want IsActiveC", f.GoName)
			}
		case "Status__c":
			for _, v := range f.Picklist.Values {
				if v.Value == "In Progress" && v.GoName != "Underway" {
					t.Errorf("value In Progress = %s, want Underway", v.GoName)
				}
			}
		}
	}
}

func TestConfigRejectsBadInput(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"unknown key":   "pakage: x\n",
		"bad pattern":   "include: ['[']\n",
		"not a mapping": "- a\n",
	} {
		file := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".yaml")
		if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadConfig(file); err == nil || !strings.Contains(err.Error(), file) {
			t.Errorf("%s: err = %v, want an error naming %s", name, err, file)
		}
	}
}

func TestModuleImportPath(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("// a comment\nmodule \"example.com/app\"\n\ngo 1.26.0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for dir, want := range map[string]string{
		root:                                  "example.com/app",
		filepath.Join(root, "sfmodel"):        "example.com/app/sfmodel",
		filepath.Join(root, "internal", "sf"): "example.com/app/internal/sf", // need not exist
	} {
		if got, err := ModuleImportPath(dir); err != nil || got != want {
			t.Errorf("ModuleImportPath(%s) = %q, %v; want %q", dir, got, err, want)
		}
	}
	if got, err := ModuleImportPath(filepath.Join(os.TempDir(), "no-module-here", "x")); err == nil {
		t.Errorf("outside any module: %q, want an error", got)
	}
}

// FuzzClean: the ASCII shortcut of clean changes nothing the full
// treatment would not.
func FuzzClean(f *testing.F) {
	for _, s := range []string{"", "Account Name", " lead", "trail ", "two  spaces", "tab\there", "line\nbreak",
		"Économie", "\x7f", "\xff", strings.Repeat("x", 300), strings.Repeat("x", 301), "a\u2028b", "ok."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := clean(s), cleanSlow(s); got != want {
			t.Errorf("clean(%q) = %q, want %q", s, got, want)
		}
	})
}
