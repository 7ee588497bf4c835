package sfgen

import (
	"bytes"
	"strconv"
	"unicode/utf8"
)

// omap is a JSON object or YAML mapping that keeps its keys in insertion
// order, so that the document is written byte for byte the same each time.
type omap struct {
	keys []string
	vals []any // string, bool, int, []string, []any, *omap
}

func newMap() *omap { return &omap{} }

// set appends a key; it returns m for chaining.
func (m *omap) set(k string, v any) *omap {
	m.keys = append(m.keys, k)
	m.vals = append(m.vals, v)
	return m
}

// obj builds an omap from alternating keys and values.
func obj(kv ...any) *omap {
	m := &omap{keys: make([]string, 0, len(kv)/2), vals: make([]any, 0, len(kv)/2)}
	for i := 0; i+1 < len(kv); i += 2 {
		m.set(kv[i].(string), kv[i+1])
	}
	return m
}

// writeJSONString writes s as a double-quoted string that is valid both in
// JSON and in YAML: quotes, backslashes and control characters escaped,
// everything else (including non-ASCII) kept; invalid UTF-8 becomes U+FFFD.
func writeJSONString(b *bytes.Buffer, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	// Most strings need no escape at all: their printable ASCII prefix is
	// copied in one go.
	i := 0
	for i < len(s) && s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\' {
		i++
	}
	b.WriteString(s[:i])
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			case c == '\n':
				b.WriteString(`\n`)
			case c == '\t':
				b.WriteString(`\t`)
			case c < 0x20 || c == 0x7f:
				b.WriteString(`\u00`)
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&0xf])
			default:
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\ufffd`)
		case r == 0x2028 || r == 0x2029 || r == 0x85 || r == 0xfeff:
			// line and paragraph separators, NEL and BOM: YAML treats them
			// as breaks or marks, so escape them.
			b.WriteString(`\u`)
			b.WriteString(strconv.FormatInt(int64(r)|0x10000, 16)[1:])
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte('"')
}

// writeYAML appends the block-style YAML form of v at the given indent.
// Plain scalars are used only where they cannot be misread; everything else
// is double-quoted with JSON escapes, which YAML 1.2 reads the same way.
func writeYAML(b *bytes.Buffer, v any, indent int) {
	switch v := v.(type) {
	case *omap:
		if len(v.keys) == 0 {
			b.WriteString(" {}\n")
			return
		}
		b.WriteByte('\n')
		writeEntries(b, v, indent)
	default:
		writeYAMLValue(b, v, indent)
	}
}

// writeEntries appends the entries of m, one "key: value" a line at the
// given indent.
func writeEntries(b *bytes.Buffer, m *omap, indent int) {
	for i, k := range m.keys {
		writeIndent(b, indent)
		writeYAMLScalar(b, k)
		b.WriteByte(':')
		writeYAMLValue(b, m.vals[i], indent)
	}
}

func writeYAMLValue(b *bytes.Buffer, v any, indent int) {
	switch v := v.(type) {
	case *omap:
		writeYAML(b, v, indent+2)
	case []any:
		if len(v) == 0 {
			b.WriteString(" []\n")
			return
		}
		b.WriteByte('\n')
		for _, e := range v {
			writeIndent(b, indent)
			b.WriteString("-")
			if m, ok := e.(*omap); ok && len(m.keys) > 0 {
				// "- key: value" with the rest of the mapping aligned under it.
				b.WriteByte(' ')
				for i, k := range m.keys {
					if i > 0 {
						writeIndent(b, indent+2)
					}
					writeYAMLScalar(b, k)
					b.WriteByte(':')
					writeYAMLValue(b, m.vals[i], indent+2)
				}
				continue
			}
			writeYAMLValue(b, e, indent+2)
		}
	case []string:
		// Flow style keeps enum lists short and readable.
		b.WriteString(" [")
		for i, e := range v {
			if i > 0 {
				b.WriteString(", ")
			}
			writeYAMLScalar(b, e)
		}
		b.WriteString("]\n")
	case string:
		b.WriteByte(' ')
		writeYAMLScalar(b, v)
		b.WriteByte('\n')
	case bool:
		b.WriteByte(' ')
		b.WriteString(strconv.FormatBool(v))
		b.WriteByte('\n')
	case int:
		b.WriteByte(' ')
		b.WriteString(strconv.Itoa(v))
		b.WriteByte('\n')
	default:
		panic("sfgen: unsupported node type")
	}
}

func writeIndent(b *bytes.Buffer, n int) {
	for range n {
		b.WriteByte(' ')
	}
}

// writeYAMLScalar writes s plain when it is a simple word that YAML reads as
// that same string, else quoted.
func writeYAMLScalar(b *bytes.Buffer, s string) {
	if plainSafe(s) {
		b.WriteString(s)
		return
	}
	writeJSONString(b, s)
}

func plainSafe(s string) bool {
	if s == "" {
		return false
	}
	switch s {
	case "true", "false", "null", "yes", "no", "on", "off", "y", "n", "True", "False", "Null", "NULL",
		"TRUE", "FALSE", "Yes", "No", "YES", "NO", "On", "Off", "ON", "OFF", "Y", "N", "~":
		return false
	}
	c := s[0]
	if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '/' || c == '_') {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' || c == '/' || c == '{' || c == '}') {
			return false
		}
	}
	// A leading "{" would start a flow mapping, excluded above; braces
	// inside a plain scalar (path templates) are fine.
	return true
}
