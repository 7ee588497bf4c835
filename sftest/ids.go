package sftest

import "strings"

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// newID returns the 18-character id of the n-th record with the key
// prefix: the prefix, the pod "xx", a reserved "0", n in base 62 on nine
// characters, then the case-safe suffix.
func newID(prefix string, n int) string {
	var b [15]byte
	copy(b[:], prefix)
	b[3], b[4] = 'x', 'x'
	for i := 5; i < 15; i++ {
		b[i] = '0'
	}
	for i := 14; i >= 6 && n > 0; i-- {
		b[i] = base62[n%62]
		n /= 62
	}
	return string(b[:]) + idSuffix(string(b[:]))
}

// idSuffix is the three-character suffix that makes a 15-character id
// case-insensitive: for each group of five characters, a bit per uppercase
// letter, as an index into A–Z0–5.
func idSuffix(id15 string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
	var s [3]byte
	for g := range 3 {
		bits := 0
		for i := range 5 {
			if c := id15[g*5+i]; c >= 'A' && c <= 'Z' {
				bits |= 1 << i
			}
		}
		s[g] = alphabet[bits]
	}
	return string(s[:])
}

// normID returns the 18-character form of a 15- or 18-character id, and
// false when s is not an id. The suffix of an 18-character id is
// recomputed, as Salesforce does.
func normID(s string) (string, bool) {
	if len(s) != 15 && len(s) != 18 {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune(base62, rune(s[i])) {
			return "", false
		}
	}
	return s[:15] + idSuffix(s[:15]), true
}
