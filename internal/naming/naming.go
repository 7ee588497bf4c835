// Package naming turns Salesforce API names and picklist values into Go
// identifiers. It implements the rule documented in docs/NAMING.md:
//
//  1. Base name. An API name is split into words at underscores; each word
//     keeps its letters and gets its first letter upper-cased, and the words
//     are joined: Account -> Account, Widget__c -> WidgetC,
//     Parent_Widget__r -> ParentWidgetR, ns__Thing__c -> NsThingC.
//     A picklist value is split at every character that is not an ASCII
//     letter or digit; accented Latin letters lose their accents, other
//     characters become U<hex code point>; an empty result is "Empty".
//  2. Collisions. Names that share a base in one scope (the fields of a
//     struct, the package's types and constants, the values of a picklist)
//     are ranked: first the name that is spelled exactly like its base (or
//     for API names, has the fewest underscores), then byte order. The first
//     keeps the base; each other gets its fallback. A field's fallback is
//     its API name with the first letter upper-cased (Is_Active__c). Type
//     names and picklist values cannot keep underscores (oapi-codegen drops
//     them), so their fallback is the base plus "X" and 8 upper-case hex
//     digits of the FNV-1a hash of the API name or value
//     (HoldoutWidgetCX1A2B3C4D). Anything still taken gets "X" appended
//     until it is free.
//
// The rule depends on nothing but the names in one scope, so a name changes
// only when a colliding name is added to or removed from its scope.
package naming

import (
	"fmt"
	"hash/fnv"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// APIBase returns the base Go name of a Salesforce API name (rule 1). A
// valid API name holds only ASCII letters, digits and underscores; anything
// else (in a name override, say) separates words like an underscore.
func APIBase(api string) string {
	var b strings.Builder
	words := strings.FieldsFunc(api, func(r rune) bool {
		return r >= utf8.RuneSelf || !isASCIIAlnum(byte(r))
	})
	for _, word := range words {
		writeWord(&b, word)
	}
	s := b.String()
	if s == "" || !isASCIIUpper(s[0]) {
		s = "X" + s
	}
	return s
}

// APIFallback returns the collision fallback of an API name (rule 2): the
// name itself, first letter upper-cased, anything not allowed in a Go
// identifier replaced by an underscore.
func APIFallback(api string) string {
	var b strings.Builder
	for i := 0; i < len(api); i++ {
		c := api[i]
		switch {
		case i == 0 && c >= 'a' && c <= 'z':
			b.WriteByte(c - 'a' + 'A')
		case isASCIIAlnum(c):
			b.WriteByte(c)
		default:
			b.WriteByte('_')
		}
	}
	s := b.String()
	if s == "" || !isASCIIUpper(s[0]) {
		s = "X" + s
	}
	return s
}

// ValueBase returns the base Go name of a picklist value (rule 1).
func ValueBase(v string) string {
	var b strings.Builder
	var word strings.Builder
	flush := func() {
		writeWord(&b, word.String())
		word.Reset()
	}
	for _, r := range norm.NFD.String(v) {
		switch {
		case r < utf8.RuneSelf && isASCIIAlnum(byte(r)):
			word.WriteRune(r)
		case unicode.Is(unicode.Mn, r):
			// An accent split off by NFD: drop it, keep the letter.
		case r < utf8.RuneSelf:
			flush()
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			flush()
			fmt.Fprintf(&b, "U%04X", r)
		default:
			flush()
		}
	}
	flush()
	s := b.String()
	if s == "" {
		return "Empty"
	}
	if !isASCIIUpper(s[0]) {
		s = "V" + s
	}
	return s
}

// hashed returns base plus "X" and the FNV-1a hash of key: the collision
// fallback of names that must stay ASCII letters and digits (rule 2).
func hashed(base, key string) string {
	h := fnv.New32a()
	h.Write([]byte(key))
	return fmt.Sprintf("%sX%08X", base, h.Sum32())
}

func writeWord(b *strings.Builder, word string) {
	if word == "" {
		return
	}
	c := word[0]
	if c >= 'a' && c <= 'z' {
		c -= 'a' - 'A'
	}
	b.WriteByte(c)
	b.WriteString(word[1:])
}

func isASCIIUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

func isASCIIAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// Item is one name to place in a scope.
type Item struct {
	Key      string // what is being named: an API name or a picklist value; unique in the scope
	Base     string // the preferred Go name
	Fallback string // the name to use when another item wins Base
	Exact    bool   // Key is spelled exactly like Base: wins a collision
}

// APIItem is the Item for an API name.
func APIItem(api string) Item {
	b := APIBase(api)
	return Item{Key: api, Base: b, Fallback: APIFallback(api), Exact: api == b}
}

// TypeItem is the Item for the Go type of an API name: like APIItem, but
// with a fallback of letters and digits only.
func TypeItem(api string) Item {
	it := APIItem(api)
	it.Fallback = hashed(it.Base, api)
	return it
}

// DerivedItem is the Item for a name built from other Go names (AccountCreate,
// AccountIndustryValue); key identifies it in errors and hashes.
func DerivedItem(key, base string) Item {
	return Item{Key: key, Base: base, Fallback: hashed(base, key), Exact: true}
}

// ValueItem is the Item for a picklist value.
func ValueItem(v string) Item {
	b := ValueBase(v)
	return Item{Key: v, Base: b, Fallback: hashed(b, v), Exact: v == b}
}

// Scope is a set of Go names that must stay distinct, such as the fields of
// one struct or the top-level names of one package. The zero value is empty
// and ready to use.
type Scope struct {
	taken map[string]bool
}

// Reserve marks names as taken, for identifiers that exist whatever the
// input (such as the Attributes field of every record).
func (s *Scope) Reserve(names ...string) {
	if s.taken == nil {
		s.taken = map[string]bool{}
	}
	for _, n := range names {
		s.taken[n] = true
	}
}

// Taken reports whether name is already used in the scope.
func (s *Scope) Taken(name string) bool { return s.taken[name] }

// Assign gives every item a distinct Go name following rule 2 and marks the
// names taken. The result maps each Key to its name.
func (s *Scope) Assign(items []Item) map[string]string {
	if s.taken == nil {
		s.taken = map[string]bool{}
	}
	sorted := append([]Item(nil), items...)
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := sorted[i], sorted[j]
		if a.Base != b.Base {
			return a.Base < b.Base
		}
		if a.Exact != b.Exact {
			return a.Exact
		}
		if ua, ub := strings.Count(a.Key, "_"), strings.Count(b.Key, "_"); ua != ub {
			return ua < ub
		}
		return a.Key < b.Key
	})
	out := make(map[string]string, len(items))
	var losers []Item
	for _, it := range sorted {
		if s.taken[it.Base] {
			losers = append(losers, it)
			continue
		}
		s.taken[it.Base] = true
		out[it.Key] = it.Base
	}
	// Fallbacks are placed after every base, so that a fallback never takes
	// a name some other item would have had as its base.
	for _, it := range losers {
		name := it.Fallback
		for s.taken[name] {
			name += "X"
		}
		s.taken[name] = true
		out[it.Key] = name
	}
	return out
}
