package pull

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	in := `{"z":1,"a":{"urls":{"uiDetailTemplate":"https://acme.my.salesforce.com/{ID}","sobject":"/services/data/v62.0/sobjects/A","uiNewRecord":"https://acme.my.salesforce.com/001/e"}},` +
		`"s":"\u00e9\"<&>\/é","n":[1.50,-0,2e10,true,false,null,[],{}],"urls":{"uiEditTemplate":"http://x/{ID}/e","rowTemplate":"/x/{ID}","n":null,"o":{"x":"https://keep.me/"},` +
		`"rel":"x/y","mail":"mailto:a@b.c"},"rt":[{"urls":{"layout":"/l","abs":"https://h/l"}}]}`
	want := `{
  "z": 1,
  "a": {
    "urls": {
      "sobject": "/services/data/v62.0/sobjects/A"
    }
  },
  "s": "\u00e9\"<&>\/é",
  "n": [
    1.50,
    -0,
    2e10,
    true,
    false,
    null,
    [],
    {}
  ],
  "urls": {
    "rowTemplate": "/x/{ID}",
    "n": null,
    "o": {
      "x": "https://keep.me/"
    },
    "rel": "x/y",
    "mail": "mailto:a@b.c"
  },
  "rt": [
    {
      "urls": {
        "layout": "/l"
      }
    }
  ]
}
`
	got, err := Normalize([]byte("\ufeff \n" + in + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("Normalize:\n%s\nwant\n%s", got, want)
	}
	again, err := Normalize(got)
	if err != nil || !bytes.Equal(again, got) {
		t.Errorf("Normalize of its output changed it (%v):\n%s", err, again)
	}

	for _, bad := range []string{"", "  ", "[]", `"x"`, "null", `{"a":`, `{"a":1}{`, `{"a":1} x`, "{\"a\":\"\x00\"}"} {
		if out, err := Normalize([]byte(bad)); err == nil {
			t.Errorf("Normalize(%q) = %q, want an error", bad, out)
		}
	}
}

// TestNormalizeBundled: the bundled org's describes are what a pull writes
// (they hold no absolute URL), and the real describes lose exactly their
// three ui* URLs.
func TestNormalizeBundled(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "sampleorg", "describe", "*.json"))
	real, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "real-describes", "*.json"))
	if len(files) == 0 {
		t.Fatal("no bundled describes")
	}
	for _, path := range append(files, real...) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, data); err != nil {
			t.Fatal(err)
		}
		got, err := Normalize(compact.Bytes())
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if strings.Contains(path, "real-describes") {
			if strings.HasSuffix(path, "global-describe.json") {
				continue
			}
			dropped := bytes.Count(data, []byte("https://example.my.salesforce.com"))
			if dropped != 3 || bytes.Contains(got, []byte("https://")) || bytes.Count(got, []byte("\n")) != bytes.Count(data, []byte("\n"))-dropped {
				t.Errorf("%s: %d absolute URLs in, want exactly 3 dropped", path, dropped)
			}
			continue
		}
		if !bytes.Equal(got, data) {
			t.Errorf("%s: Normalize of the compacted file differs from it", path)
		}
	}
}

// FuzzNormalize: no panic; the output is valid JSON, stable, and equal to
// json.Indent of the input when there is no "urls" key.
func FuzzNormalize(f *testing.F) {
	f.Add([]byte(`{"urls":{"a":"https://h/x","b":"/x"},"c":[1,{"urls":{"d":"http://h"}}]}`))
	f.Add([]byte(`{"a":"\"urls\"","b":{"\u0075rls":{"x":"https://h"}}}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := Normalize(data)
		if err != nil {
			return
		}
		if !json.Valid(got) {
			t.Fatalf("invalid output %q", got)
		}
		again, err := Normalize(got)
		if err != nil || !bytes.Equal(again, got) {
			t.Fatalf("not stable: %q -> %q (%v)", got, again, err)
		}
		if !bytes.Contains(data, []byte(`"urls"`)) {
			var want bytes.Buffer
			if err := json.Indent(&want, bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\ufeff"))), "", "  "); err != nil {
				t.Fatal(err)
			}
			want.WriteByte('\n')
			if !bytes.Equal(got, want.Bytes()) {
				t.Fatalf("Normalize(%q) = %q, json.Indent gives %q", data, got, want.Bytes())
			}
		}
	})
}

func BenchmarkNormalize(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("..", "..", "sampleorg", "describe", "Account.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Normalize(data); err != nil {
			b.Fatal(err)
		}
	}
}
