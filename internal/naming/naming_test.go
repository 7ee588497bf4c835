package naming_test

import (
	"fmt"
	"go/token"
	"hash/fnv"
	"maps"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/typedforce/typedforce/internal/naming"
)

// checkName reports why name is not an exported Go identifier of ASCII
// letters and digits (and underscores when underscore is set).
func checkName(name string, underscore bool) error {
	if !token.IsIdentifier(name) {
		return fmt.Errorf("%q is not a Go identifier", name)
	}
	if name[0] < 'A' || name[0] > 'Z' {
		return fmt.Errorf("%q does not start with an ASCII upper-case letter", name)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || underscore && c == '_') {
			return fmt.Errorf("%q holds %q", name, c)
		}
	}
	return nil
}

// hashName is the documented fallback of type names and picklist values:
// base + "X" + 8 upper-case hex digits of the FNV-1a hash of the key.
func hashName(base, key string) string {
	h := fnv.New32a()
	h.Write([]byte(key))
	return fmt.Sprintf("%sX%08X", base, h.Sum32())
}

// checkTable checks fn against a table of input -> wanted name, and that
// every name is valid.
func checkTable(t *testing.T, name string, fn func(string) string, underscore bool, table map[string]string) {
	t.Helper()
	for in, want := range table {
		got := fn(in)
		if got != want {
			t.Errorf("%s(%q) = %q, want %q", name, in, got, want)
		}
		if err := checkName(got, underscore); err != nil {
			t.Errorf("%s(%q): %v", name, in, err)
		}
	}
}

func TestAPIBase(t *testing.T) {
	checkTable(t, "APIBase", naming.APIBase, false, map[string]string{
		"Account":           "Account",
		"Widget__c":         "WidgetC",
		"Parent_Widget__r":  "ParentWidgetR",
		"ns__Thing__c":      "NsThingC",
		"Is_Active__c":      "IsActiveC",
		"IsActive__c":       "IsActiveC",
		"is_active__c":      "IsActiveC",
		"Site__Latitude__s": "SiteLatitudeS",
		"Field2__c":         "Field2C",
		"x__1":              "X1",
		"name":              "Name",
		"OwnerId":           "OwnerId",
		"URL__c":            "URLC",
	})
}

// TestAPIBaseNotAnAPIName: rule 1 keeps the letters of each word. Inputs
// that are not API names reach APIBase too (a name override from the
// configuration file is checked with APIBase(name) == name; a child
// relationship name is not validated by package describe), and they must
// not come out as something that is not a Go identifier.
func TestAPIBaseNotAnAPIName(t *testing.T) {
	for _, in := range []string{"Bad Name", "Wid-get", "Act*/ive", "Nämé", "a.b", "Kids`r"} {
		if err := checkName(naming.APIBase(in), false); err != nil {
			t.Errorf("APIBase(%q): %v", in, err)
		}
	}
}

func TestAPIFallback(t *testing.T) {
	checkTable(t, "APIFallback", naming.APIFallback, true, map[string]string{
		"Is_Active__c":      "Is_Active__c",
		"is_active__c":      "Is_active__c",
		"IsActive__c":       "IsActive__c",
		"ns__Thing__c":      "Ns__Thing__c",
		"Site__Latitude__s": "Site__Latitude__s",
		"Name":              "Name",
		"1st":               "X1st",
		"_x":                "X_x",
		"a-b c":             "A_b_c",
		"":                  "X",
	})
}

func TestValueBase(t *testing.T) {
	checkTable(t, "ValueBase", naming.ValueBase, false, map[string]string{
		"Open":              "Open",
		"open":              "Open",
		"OPEN":              "OPEN",
		"In Progress":       "InProgress",
		"In-Progress":       "InProgress",
		"in progress":       "InProgress",
		"1st":               "V1st",
		"42":                "V42",
		"-5":                "V5",
		"":                  "Empty",
		" ":                 "Empty",
		"*/":                "Empty",
		"/*":                "Empty",
		`He said "hi"`:      "HeSaidHi",
		"It's":              "ItS",
		"`tick`":            "Tick",
		"a\\b":              "AB",
		"${x}":              "X",
		"a_b":               "AB",
		"Économie":          "Economie",
		"naïve café":        "NaiveCafe",
		"Ærø":               "U00C6RU00F8",
		"東京":                "U6771U4EAC",
		"東京 tower":          "U6771U4EACTower",
		"ß":                 "U00DF",
		"€":                 "Empty",
		"Ω ohm":             "U03A9Ohm",
		"line\nbreak\t\x00": "LineBreak",
	})
}

func TestItems(t *testing.T) {
	if got, want := naming.APIItem("Is_Active__c"), (naming.Item{Key: "Is_Active__c", Base: "IsActiveC", Fallback: "Is_Active__c"}); got != want {
		t.Errorf("APIItem = %+v, want %+v", got, want)
	}
	if got := naming.APIItem("Account"); !got.Exact {
		t.Errorf("APIItem(Account) = %+v, want Exact", got)
	}
	if got, want := naming.TypeItem("Holdout_Widget__c"), (naming.Item{Key: "Holdout_Widget__c", Base: "HoldoutWidgetC",
		Fallback: hashName("HoldoutWidgetC", "Holdout_Widget__c")}); got != want {
		t.Errorf("TypeItem = %+v, want %+v", got, want)
	}
	if got, want := naming.ValueItem("open"), (naming.Item{Key: "open", Base: "Open", Fallback: hashName("Open", "open")}); got != want {
		t.Errorf("ValueItem = %+v, want %+v", got, want)
	}
	if got := naming.ValueItem("Open"); !got.Exact {
		t.Errorf("ValueItem(Open) = %+v, want Exact", got)
	}
	if got, want := naming.DerivedItem("Account#create", "AccountCreate"), (naming.Item{Key: "Account#create", Base: "AccountCreate",
		Fallback: hashName("AccountCreate", "Account#create"), Exact: true}); got != want {
		t.Errorf("DerivedItem = %+v, want %+v", got, want)
	}
}

func assign(reserved []string, items ...naming.Item) map[string]string {
	var s naming.Scope
	s.Reserve(reserved...)
	return s.Assign(items)
}

func apiItems(keys ...string) []naming.Item   { return mapItems(naming.APIItem, keys) }
func typeItems(keys ...string) []naming.Item  { return mapItems(naming.TypeItem, keys) }
func valueItems(keys ...string) []naming.Item { return mapItems(naming.ValueItem, keys) }

func mapItems(fn func(string) naming.Item, keys []string) []naming.Item {
	items := make([]naming.Item, len(keys))
	for i, k := range keys {
		items[i] = fn(k)
	}
	return items
}

// TestAssignCollisions checks the documented outcome of each collision of
// the issue, for every order of the input.
func TestAssignCollisions(t *testing.T) {
	tests := []struct {
		name     string
		reserved []string
		items    []naming.Item
		want     map[string]string
	}{
		{
			name:  "fields Is_Active__c and IsActive__c",
			items: apiItems("Is_Active__c", "IsActive__c"),
			want:  map[string]string{"IsActive__c": "IsActiveC", "Is_Active__c": "Is_Active__c"},
		},
		{
			name:  "fields: fewest underscores, then byte order",
			items: apiItems("Is__Active__c", "Is_Active__c", "is_Active__c", "IsActive__c"),
			want: map[string]string{"IsActive__c": "IsActiveC", "Is_Active__c": "Is_Active__c", "is_Active__c": "Is_Active__c" + "X",
				"Is__Active__c": "Is__Active__c"},
		},
		{
			name:  "exact spelling wins; a fallback that is taken gets an X",
			items: apiItems("name", "Name"),
			want:  map[string]string{"Name": "Name", "name": "NameX"},
		},
		{
			name:  "types Holdout_Widget__c and HoldoutWidget__c",
			items: typeItems("Holdout_Widget__c", "HoldoutWidget__c"),
			want: map[string]string{"HoldoutWidget__c": "HoldoutWidgetC",
				"Holdout_Widget__c": hashName("HoldoutWidgetC", "Holdout_Widget__c")},
		},
		{
			name:  "values Open, open, OPEN",
			items: valueItems("open", "OPEN", "Open"),
			want:  map[string]string{"Open": "Open", "OPEN": "OPEN", "open": hashName("Open", "open")},
		},
		{
			name:  "values In Progress and In-Progress",
			items: valueItems("In-Progress", "In Progress"),
			want:  map[string]string{"In Progress": "InProgress", "In-Progress": hashName("InProgress", "In-Progress")},
		},
		{
			name:  "values with no letters and the value Empty",
			items: valueItems("", "*/", "Empty", "`"),
			want: map[string]string{"Empty": "Empty", "": hashName("Empty", ""), "*/": hashName("Empty", "*/"),
				"`": hashName("Empty", "`")},
		},
		{
			name:  "value starting with a digit and its spelled-out name",
			items: valueItems("1st", "V1st"),
			want:  map[string]string{"V1st": "V1st", "1st": hashName("V1st", "1st")},
		},
		{
			name:  "accented value and its plain spelling",
			items: valueItems("Économie", "Economie"),
			want:  map[string]string{"Economie": "Economie", "Économie": hashName("Economie", "Économie")},
		},
		{
			name:  "CJK value and its code point spelling",
			items: valueItems("東", "U6771"),
			want:  map[string]string{"U6771": "U6771", "東": hashName("U6771", "東")},
		},
		{
			name:  "fallback taken by another base gets an X",
			items: valueItems("open", "Open", hashName("Open", "open")),
			want: map[string]string{"Open": "Open", hashName("Open", "open"): hashName("Open", "open"),
				"open": hashName("Open", "open") + "X"},
		},
		{
			name:     "reserved field name",
			reserved: []string{"Attributes"},
			items:    apiItems("Attributes", "Name"),
			want:     map[string]string{"Attributes": "AttributesX", "Name": "Name"},
		},
		{
			name:     "reserved type name",
			reserved: []string{"Account", "AccountCreate"},
			items:    append(typeItems("Account"), naming.DerivedItem("Account#create", "AccountCreate")),
			want: map[string]string{"Account": hashName("Account", "Account"),
				"Account#create": hashName("AccountCreate", "Account#create")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, items := range permutations(tt.items) {
				got := assign(tt.reserved, items...)
				if !maps.Equal(got, tt.want) {
					t.Fatalf("Assign(%v) = %v, want %v", keys(items), got, tt.want)
				}
			}
		})
	}
}

func keys(items []naming.Item) []string {
	var ks []string
	for _, it := range items {
		ks = append(ks, it.Key)
	}
	return ks
}

func permutations(items []naming.Item) [][]naming.Item {
	if len(items) <= 1 {
		return [][]naming.Item{items}
	}
	var out [][]naming.Item
	for i := range items {
		rest := append(append([]naming.Item(nil), items[:i]...), items[i+1:]...)
		for _, p := range permutations(rest) {
			out = append(out, append([]naming.Item{items[i]}, p...))
		}
	}
	return out
}

func TestScopeAcrossAssigns(t *testing.T) {
	var s naming.Scope
	if s.Taken("Account") {
		t.Fatal("zero Scope has names taken")
	}
	first := s.Assign(typeItems("Account"))
	if first["Account"] != "Account" || !s.Taken("Account") {
		t.Fatalf("first Assign = %v", first)
	}
	// A later batch never takes a name given out earlier, even when exact.
	second := s.Assign([]naming.Item{naming.DerivedItem("other#Account", "Account"), naming.DerivedItem("Account#create", "AccountCreate")})
	want := map[string]string{"other#Account": hashName("Account", "other#Account"), "Account#create": "AccountCreate"}
	if !maps.Equal(second, want) {
		t.Errorf("second Assign = %v, want %v", second, want)
	}
	for _, name := range []string{"Account", "AccountCreate", want["other#Account"]} {
		if !s.Taken(name) {
			t.Errorf("%s not taken after Assign", name)
		}
	}
}

// TestStability: adding an item never renames an item of another collision
// group; adding a colliding one renames only its group.
func TestStability(t *testing.T) {
	before := assign(nil, apiItems("Name", "IsActive__c", "Status__c")...)
	after := assign(nil, apiItems("Name", "IsActive__c", "Status__c", "Is_Active__c", "Priority__c")...)
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s renamed from %s to %s", k, v, after[k])
		}
	}
	// The new item outranks the old winner: only that group changes.
	before = assign(nil, apiItems("Name", "Is_Active__c")...)
	after = assign(nil, apiItems("Name", "Is_Active__c", "IsActive__c")...)
	if want := map[string]string{"Name": "Name", "Is_Active__c": "IsActiveC"}; !maps.Equal(before, want) {
		t.Errorf("before = %v, want %v", before, want)
	}
	if want := map[string]string{"Name": "Name", "Is_Active__c": "Is_Active__c", "IsActive__c": "IsActiveC"}; !maps.Equal(after, want) {
		t.Errorf("after = %v, want %v", after, want)
	}
}

// randAPIName returns a valid API name built from a few parts, so that
// random sets collide often.
func randAPIName(r *rand.Rand) string {
	parts := []string{"is", "Is", "active", "Active", "x1", "W"}
	seps := []string{"", "_", "__"}
	var b strings.Builder
	for n := 1 + r.IntN(2); n > 0; n-- {
		if b.Len() > 0 {
			b.WriteString(seps[r.IntN(len(seps))])
		}
		b.WriteString(parts[r.IntN(len(parts))])
	}
	if r.IntN(2) == 0 {
		b.WriteString([]string{"__c", "__r", "__s", "_9"}[r.IntN(4)])
	}
	return b.String()
}

// randValue returns a random picklist value, often a colliding one.
func randValue(r *rand.Rand) string {
	runes := []rune("oOpPnN 1-_'\"`*/\\éÉe\u0301東ßΩ€\t\u2028x")
	var b strings.Builder
	for n := r.IntN(6); n > 0; n-- {
		b.WriteRune(runes[r.IntN(len(runes))])
	}
	return b.String()
}

type kind struct {
	name       string
	item       func(string) naming.Item
	gen        func(*rand.Rand) string
	underscore bool
	foldCase   bool // keys are unique ignoring case, as API names in a describe are
}

var kinds = []kind{
	{"fields", naming.APIItem, randAPIName, true, true},
	{"types", naming.TypeItem, randAPIName, false, true},
	{"values", naming.ValueItem, randValue, false, false},
}

func (k kind) fold(key string) string {
	if k.foldCase {
		return strings.ToLower(key)
	}
	return key
}

// randItems appends n random items to items, with keys unique in the kind's
// sense (fewer when the generator runs out of new keys).
func randItems(r *rand.Rand, k kind, items []naming.Item, n int) []naming.Item {
	seen := map[string]bool{}
	for _, it := range items {
		seen[k.fold(it.Key)] = true
	}
	for tries := 0; n > 0 && tries < 1000; tries++ {
		key := k.gen(r)
		if seen[k.fold(key)] {
			continue
		}
		seen[k.fold(key)] = true
		items = append(items, k.item(key))
		n--
	}
	return items
}

// TestAssignProperties: for random inputs every name is a valid exported
// ASCII identifier (underscores only in a field's API-name fallback),
// names are distinct and avoid the reserved ones, and the result does not
// depend on the input order, nor change for an item outside the group of an
// added item.
func TestAssignProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	reserved := []string{"Attributes", "IsActive", "WidgetC"}
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			for iter := 0; iter < 1000; iter++ {
				items := randItems(r, k, nil, 1+r.IntN(25))
				got := assign(reserved, items...)
				if len(got) != len(items) {
					t.Fatalf("Assign(%q) named %d of %d items", keys(items), len(got), len(items))
				}
				used := map[string]string{}
				for _, n := range reserved {
					used[n] = "(reserved)"
				}
				for _, it := range items {
					name := got[it.Key]
					underscore := k.underscore && strings.HasPrefix(name, naming.APIFallback(it.Key))
					if err := checkName(name, underscore); err != nil {
						t.Fatalf("%s: %v", it.Key, err)
					}
					if prev, ok := used[name]; ok {
						t.Fatalf("%q and %q both named %s", prev, it.Key, name)
					}
					used[name] = it.Key
				}

				shuffled := append([]naming.Item(nil), items...)
				r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
				if again := assign(reserved, shuffled...); !maps.Equal(again, got) {
					t.Fatalf("order changes names: %v vs %v", got, again)
				}

				grown := randItems(r, k, items[:len(items):len(items)], 1)
				if len(grown) == len(items) {
					continue
				}
				add := grown[len(items)]
				if _, clash := used[add.Base]; clash && !hasBase(items, add.Base) {
					continue // the new base equals another group's fallback: that group collides too
				}
				after := assign(reserved, grown...)
				for _, it := range items {
					if it.Base != add.Base && after[it.Key] != got[it.Key] {
						t.Fatalf("adding %q (base %s) renamed %q (base %s) from %s to %s", add.Key, add.Base, it.Key, it.Base, got[it.Key], after[it.Key])
					}
				}
			}
		})
	}
}

func hasBase(items []naming.Item, base string) bool {
	for _, it := range items {
		if it.Base == base {
			return true
		}
	}
	return false
}

func FuzzValueBase(f *testing.F) {
	for _, s := range []string{"Open", "open", "In Progress", "In-Progress", "1st", "", "*/", `"q"`, "`b`", "Économie", "東京", "\xff\xfe", "e\u0301"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		got := naming.ValueBase(v)
		if err := checkName(got, false); err != nil {
			t.Fatalf("ValueBase(%q): %v", v, err)
		}
		if naming.ValueBase(v) != got {
			t.Fatalf("ValueBase(%q) is not deterministic", v)
		}
		if checkName(v, false) == nil && got != v {
			t.Fatalf("ValueBase(%q) = %q: a value that is already a Go name must keep it", v, got)
		}
		it := naming.ValueItem(v)
		if err := checkName(it.Fallback, false); err != nil {
			t.Fatalf("ValueItem(%q).Fallback: %v", v, err)
		}
	})
}

func FuzzAPIBase(f *testing.F) {
	for _, s := range []string{"Account", "Widget__c", "Is_Active__c", "ns__Thing__c", "a", "x__1", "Site__Latitude__s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, api string) {
		got := naming.APIBase(api)
		if err := checkName(got, false); err != nil {
			t.Fatalf("APIBase(%q): %v", api, err)
		}
		if checkName(api, false) == nil && got != api {
			t.Fatalf("APIBase(%q) = %q: an API name that is already a Go name must keep it", api, got)
		}
		if err := checkName(naming.APIFallback(api), true); err != nil {
			t.Fatalf("APIFallback(%q): %v", api, err)
		}
		if err := checkName(naming.TypeItem(api).Fallback, false); err != nil {
			t.Fatalf("TypeItem(%q).Fallback: %v", api, err)
		}
	})
}
