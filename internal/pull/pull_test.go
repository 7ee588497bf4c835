package pull

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/typedforce/typedforce/auth"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestPullCancel: a pull whose context ends while describes are in flight
// returns the context's error at once, writes nothing and leaks nothing.
func TestPullCancel(t *testing.T) {
	arrived := make(chan struct{}, 8)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/sobjects") {
			w.Write([]byte(`{"sobjects":[{"name":"A","queryable":true},{"name":"B","queryable":true},{"name":"C","queryable":true}]}`))
			return
		}
		arrived <- struct{}{}
		<-r.Context().Done() // never answers
	}))
	defer srv.Close()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c, err := New(auth.StaticToken(srv.URL, "tok"), "62.0", &http.Client{Transport: tr})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	dir := filepath.Join(t.TempDir(), "describe")
	done := make(chan error)
	go func() {
		_, err := c.Pull(ctx, Options{Dir: dir, Parallel: 2})
		done <- err
	}()
	<-arrived
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Pull = %v, want context.Canceled", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("folder created (%v)", err)
	}
}

func TestNewErrors(t *testing.T) {
	if _, err := New(auth.StaticToken("https://x.invalid", "t"), "latest", nil); err == nil {
		t.Error("New accepted API version latest")
	}
	if _, err := New(nil, "62.0", nil); err == nil {
		t.Error("New accepted a nil token source")
	}
}
