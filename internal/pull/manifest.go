package pull

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// ManifestFile is the name of the cache manifest in the describe folder.
// typedforce generate skips it, as every file whose name starts with "_".
const ManifestFile = "_pull.json"

// manifestFormat changes when Normalize's output does: files of another
// format are pulled again in full.
const manifestFormat = 1

// manifest records, for each object pulled into a folder, the date to send
// as If-Modified-Since and the hash of the file written, so that a re-pull
// asks only for what changed and notices a file edited by hand.
type manifest struct {
	Format     int    `json:"format"`
	APIVersion string `json:"apiVersion"`
	// Org is a hash of the identity URL of the user who pulled (org and
	// user ids), or of the instance URL: a pull by another user or from
	// another org must not trust this cache.
	Org     string            `json:"org"`
	Objects map[string]*entry `json:"objects"`
}

type entry struct {
	// Since is the If-Modified-Since of the next request (HTTP date); empty
	// when the file cannot be trusted to match the org (pulled by another
	// org, user or API version).
	Since  string `json:"since,omitempty"`
	SHA256 string `json:"sha256"`
}

// readManifest reads dir's manifest. A missing or unreadable one is an
// empty manifest: the cache only saves requests.
func readManifest(dir string) *manifest {
	m := &manifest{}
	data, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil || json.Unmarshal(data, m) != nil {
		m = &manifest{}
	}
	if m.Objects == nil {
		m.Objects = map[string]*entry{}
	}
	for name, e := range m.Objects {
		// Names become file names: nothing but an API name is trusted.
		if e == nil || !validName(name) {
			delete(m.Objects, name)
		}
	}
	return m
}

// encode returns the manifest as written: sorted keys, two-space indent.
func (m *manifest) encode() []byte {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		panic(err) // strings and ints only
	}
	return append(data, '\n')
}

// since returns the If-Modified-Since for object name, or the zero time
// when the cache cannot be trusted for it: no entry, another org or
// version, a file missing or changed since it was written.
func (m *manifest) since(dir, name string, cur *manifest) time.Time {
	e := m.Objects[name]
	if e == nil || e.Since == "" || m.Format != cur.Format || m.APIVersion != cur.APIVersion || m.Org != cur.Org {
		return time.Time{}
	}
	t, err := http.ParseTime(e.Since)
	if err != nil {
		return time.Time{}
	}
	data, err := os.ReadFile(filepath.Join(dir, name+".json"))
	if err != nil || hash(data) != e.SHA256 {
		return time.Time{}
	}
	return t
}

func hash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// readIfExists returns the content of path, or nil when there is none.
func readIfExists(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return data, err
}

// sameFile reports whether path holds exactly data.
func sameFile(path string, data []byte) (bool, error) {
	old, err := readIfExists(path)
	if err != nil {
		return false, err
	}
	return old != nil && bytes.Equal(old, data), nil
}
