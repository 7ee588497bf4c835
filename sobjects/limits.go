package sobjects

import (
	"strconv"
	"strings"
)

// Limits is the API usage that Salesforce reports in the Sforce-Limit-Info
// header of every REST response, such as
// "api-usage=18/5000; per-app-api-usage=17/250(appName=sample-connected-app)".
type Limits struct {
	// APIUsage is the org's daily API requests (the api-usage entry).
	APIUsage Usage
	// Usages lists every entry of the header in order, api-usage included.
	Usages []Usage
}

// Usage is one entry of Sforce-Limit-Info: Used of Max, such as the
// org's daily API requests or a connected app's share of them.
type Usage struct {
	Name string // "api-usage", "per-app-api-usage", "api-bursts", …
	Used int64
	Max  int64
	App  string // appName of a per-app entry, else ""
}

// Get returns the entry named name.
func (l Limits) Get(name string) (Usage, bool) {
	for _, u := range l.Usages {
		if u.Name == name {
			return u, true
		}
	}
	return Usage{}, false
}

// ParseLimitInfo reads a Sforce-Limit-Info header value leniently:
// entries separated by ";" (or ","), each "name=used/max" with an optional
// "(appName=…)" suffix. Malformed entries and unknown keys in the suffix
// are skipped; ok is false when no entry could be read.
func ParseLimitInfo(header string) (l Limits, ok bool) {
	for entry := range strings.FieldsFuncSeq(header, func(r rune) bool { return r == ';' || r == ',' }) {
		name, val, found := strings.Cut(strings.TrimSpace(entry), "=")
		if !found || name == "" {
			continue
		}
		u := Usage{Name: strings.TrimSpace(name)}
		if i := strings.IndexByte(val, '('); i >= 0 {
			suffix := strings.TrimSuffix(val[i+1:], ")")
			val = val[:i]
			for kv := range strings.SplitSeq(suffix, " ") {
				if k, v, ok := strings.Cut(kv, "="); ok && strings.EqualFold(k, "appName") {
					u.App = v
				}
			}
		}
		used, max, found := strings.Cut(strings.TrimSpace(val), "/")
		var err1, err2 error
		u.Used, err1 = strconv.ParseInt(strings.TrimSpace(used), 10, 64)
		u.Max, err2 = strconv.ParseInt(strings.TrimSpace(max), 10, 64)
		if !found || err1 != nil || err2 != nil {
			continue
		}
		if u.Name == "api-usage" {
			l.APIUsage = u
		}
		l.Usages = append(l.Usages, u)
	}
	return l, len(l.Usages) > 0
}
