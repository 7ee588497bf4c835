package sobjects_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/typedforce/typedforce/auth"
	"github.com/typedforce/typedforce/sobjects"
	"github.com/typedforce/typedforce/sobjects/sftype"
)

// pattern is a blob of any size that is never held in memory: byte i is
// byte(i % 251).
type pattern struct{}

// patternTable holds the pattern from every phase: patternTable[k:] starts
// at byte k of it.
var patternTable = func() []byte {
	b := make([]byte, 251+64<<10)
	for i := range b {
		b[i] = byte(i % 251)
	}
	return b
}()

// patternAt returns up to n bytes of the pattern from offset off.
func patternAt(off int64, n int) []byte {
	k := int(off % 251)
	return patternTable[k : k+min(n, len(patternTable)-k)]
}

func (pattern) ReadAt(p []byte, off int64) (int, error) {
	for i := 0; i < len(p); {
		i += copy(p[i:], patternAt(off+int64(i), len(p)-i))
	}
	return len(p), nil
}

type contentVersion struct {
	Attributes *sftype.Attributes `json:"attributes,omitempty" sobject:"ContentVersion"`
	Title      *string            `json:"Title,omitempty"`
}

// checkingWriter checks that it receives the pattern and counts it.
type checkingWriter struct {
	n   int64
	bad bool
}

func (w *checkingWriter) Write(p []byte) (int, error) {
	for i := 0; i < len(p); {
		want := patternAt(w.n+int64(i), len(p)-i)
		if !bytes.Equal(p[i:i+len(want)], want) {
			w.bad = true
		}
		i += len(want)
	}
	w.n += int64(len(p))
	return len(p), nil
}

// TestBlobFlatMemory uploads and downloads a 200 MB blob through a
// loopback server and checks that the bytes allocated meanwhile (client
// and server, in this process) stay a small fraction of it: the blob is
// streamed, never held.
func TestBlobFlatMemory(t *testing.T) {
	size := int64(200 << 20)
	if testing.Short() {
		size = 20 << 20
	}
	var received atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodPost:
			if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data; boundary=") {
				http.Error(w, "not multipart", http.StatusBadRequest)
				return
			}
			n, _ := io.Copy(io.Discard, r.Body)
			received.Store(n)
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, `{"id":"068xx0000000001AAA","success":true,"errors":[]}`)
		case http.MethodGet:
			_, _ = io.Copy(w, io.NewSectionReader(pattern{}, 0, size))
		}
	}))
	defer srv.Close()
	c, err := sobjects.New(auth.NewSession(auth.StaticToken(srv.URL, token)), sobjects.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	id, err := sobjects.UploadBlob(ctx, c, contentVersion{Title: new("big")}, "VersionData",
		sobjects.BlobFromReaderAt("big.bin", pattern{}, size))
	if err != nil || id == "" {
		t.Fatal(id, err)
	}
	var w checkingWriter
	n, err := sobjects.DownloadBlob[contentVersion](ctx, c, id, "VersionData", &w)
	if err != nil || n != size || w.n != size || w.bad {
		t.Fatalf("download: %d bytes (%d written, bad %v), %v", n, w.n, w.bad, err)
	}
	runtime.ReadMemStats(&after)
	if got := received.Load(); got < size {
		t.Fatalf("server received %d bytes for a %d-byte blob", got, size)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("%d MB up and down: %.1f MB allocated", size>>20, float64(alloc)/(1<<20))
	if alloc > uint64(size/8) {
		t.Errorf("%d bytes allocated to move %d bytes each way: the blob is held in memory", alloc, size)
	}
}
