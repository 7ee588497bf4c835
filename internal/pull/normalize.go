package pull

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
)

// Normalize turns a describe response into the bytes written to disk:
//
//   - keys and values stay exactly as Salesforce sent them, in its order
//     (strings and numbers are copied byte for byte);
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
	var compact bytes.Buffer
	if err := walk(&compact, data, false); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.Grow(compact.Len() * 2)
	if err := json.Indent(&out, compact.Bytes(), "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// walk writes the compact form of the valid JSON value v to w. inURLs is
// true for the members of a "urls" object.
func walk(w *bytes.Buffer, v json.RawMessage, inURLs bool) error {
	switch v[0] {
	case '{':
		return walkObject(w, v, inURLs)
	case '[':
		dec := json.NewDecoder(bytes.NewReader(v))
		if _, err := dec.Token(); err != nil {
			return err
		}
		w.WriteByte('[')
		for i := 0; dec.More(); i++ {
			var elem json.RawMessage
			if err := dec.Decode(&elem); err != nil {
				return err
			}
			if i > 0 {
				w.WriteByte(',')
			}
			if err := walk(w, elem, false); err != nil {
				return err
			}
		}
		w.WriteByte(']')
		return nil
	}
	// A scalar: copied as sent.
	return json.Compact(w, v)
}

func walkObject(w *bytes.Buffer, v json.RawMessage, inURLs bool) error {
	dec := json.NewDecoder(bytes.NewReader(v))
	if _, err := dec.Token(); err != nil {
		return err
	}
	w.WriteByte('{')
	n := 0
	for dec.More() {
		keyTok, err := dec.Token()
		if err != nil {
			return err
		}
		key, ok := keyTok.(string)
		if !ok {
			return fmt.Errorf("object key %v is not a string", keyTok)
		}
		// The raw key as sent: re-read it from the input at the decoder's
		// position so that its escapes are kept.
		rawKey := lastString(v[:dec.InputOffset()])
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return err
		}
		if inURLs && absoluteURL(val) {
			continue
		}
		if n > 0 {
			w.WriteByte(',')
		}
		n++
		w.Write(rawKey)
		w.WriteByte(':')
		if err := walk(w, val, key == "urls"); err != nil {
			return err
		}
	}
	w.WriteByte('}')
	return nil
}

// lastString returns the JSON string literal that b ends with (after the
// decoder read an object key, b ends with it, or with the key and a colon
// and spaces).
func lastString(b []byte) []byte {
	b = bytes.TrimRight(b, " \t\r\n:")
	end := len(b)
	// Walk back to the opening quote, skipping escaped characters.
	for i := end - 2; i >= 0; i-- {
		if b[i] != '"' {
			continue
		}
		backslashes := 0
		for j := i - 1; j >= 0 && b[j] == '\\'; j-- {
			backslashes++
		}
		if backslashes%2 == 0 {
			return b[i:end]
		}
	}
	return b
}

// absoluteURL reports whether the JSON value v is a string holding an
// absolute URL (scheme and host).
func absoluteURL(v json.RawMessage) bool {
	if len(v) == 0 || v[0] != '"' {
		return false
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme != "" && u.Host != ""
}
