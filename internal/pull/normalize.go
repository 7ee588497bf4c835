package pull

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
)

// Normalize turns a describe response into the bytes written to disk:
//
//   - keys and values stay exactly as Salesforce sent them, in its order
//     (strings and numbers are copied byte for byte, escapes included);
//   - in every "urls" object, entries whose value is an absolute URL are
//     dropped: the ui* entries (uiDetailTemplate, uiEditTemplate,
//     uiNewRecord) carry the org's own host, so files would differ between
//     a sandbox and production and leak My Domain names into a repository;
//   - the result is indented by two spaces and ends with a newline.
//
// The same input always gives the same output, and Normalize of its own
// output changes nothing. data must hold one JSON object.
func Normalize(data []byte) ([]byte, error) {
	data = bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\ufeff")))
	if len(data) == 0 || data[0] != '{' {
		return nil, errors.New("not a JSON object")
	}
	if !json.Valid(data) {
		return nil, errors.New("invalid JSON")
	}
	s := scanner{in: data}
	s.out = make([]byte, 0, len(data)*2)
	s.value(0, false)
	return append(s.out, '\n'), nil
}

// scanner copies valid JSON (as json.Valid checks) indented by two
// spaces, as json.Indent would, dropping the absolute URLs of "urls"
// objects.
type scanner struct {
	in  []byte
	i   int
	out []byte
}

func (s *scanner) space() {
	for s.i < len(s.in) {
		switch s.in[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return
		}
	}
}

// newline starts a line indented for depth.
func (s *scanner) newline(depth int) {
	s.out = append(s.out, '\n')
	for range depth {
		s.out = append(s.out, ' ', ' ')
	}
}

// value copies the value at s.i, which is nested depth deep; inURLs is
// true for the members of a "urls" object.
func (s *scanner) value(depth int, inURLs bool) {
	s.space()
	switch s.in[s.i] {
	case '{':
		s.object(depth, inURLs)
	case '[':
		s.i++
		s.out = append(s.out, '[')
		n := 0
		for ; ; n++ {
			s.space()
			if s.in[s.i] == ']' {
				break
			}
			if s.in[s.i] == ',' {
				s.i++
				s.out = append(s.out, ',')
			}
			s.newline(depth + 1)
			s.value(depth+1, false)
			s.space()
		}
		s.i++
		s.close(depth, n, ']')
	case '"':
		s.out = append(s.out, s.str()...)
	default: // number, true, false, null
		start := s.i
	scalar:
		for ; s.i < len(s.in); s.i++ {
			switch s.in[s.i] {
			case ',', '}', ']', ' ', '\t', '\r', '\n':
				break scalar
			}
		}
		s.out = append(s.out, s.in[start:s.i]...)
	}
}

// close ends an object or array of n members.
func (s *scanner) close(depth, n int, c byte) {
	if n > 0 {
		s.newline(depth)
	}
	s.out = append(s.out, c)
}

func (s *scanner) object(depth int, inURLs bool) {
	s.i++
	s.out = append(s.out, '{')
	n := 0
	for {
		s.space()
		switch s.in[s.i] {
		case '}':
			s.i++
			s.close(depth, n, '}')
			return
		case ',':
			s.i++
			s.space()
		}
		key := s.str()
		s.space()
		s.i++ // ':'
		s.space()
		if inURLs && s.in[s.i] == '"' {
			start := s.i
			if val := s.str(); absoluteURL(val) {
				continue
			}
			s.i = start
		}
		if n > 0 {
			s.out = append(s.out, ',')
		}
		n++
		s.newline(depth + 1)
		s.out = append(s.out, key...)
		s.out = append(s.out, ':', ' ')
		s.value(depth+1, string(key) == `"urls"`)
	}
}

// str returns the string literal at s.i, quotes and escapes as they are.
func (s *scanner) str() []byte {
	start := s.i
	s.i++
	for s.in[s.i] != '"' {
		if s.in[s.i] == '\\' {
			s.i++
		}
		s.i++
	}
	s.i++
	return s.in[start:s.i]
}

// absoluteURL reports whether the JSON string literal lit holds an
// absolute URL (scheme and host).
func absoluteURL(lit []byte) bool {
	var v string
	if json.Unmarshal(lit, &v) != nil {
		return false
	}
	u, err := url.Parse(v)
	return err == nil && u.Scheme != "" && u.Host != ""
}
