package sfgen

import (
	"bytes"
	"cmp"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
)

// stager puts files in place in two steps, so that they can be written
// while the generator still works and yet a failed run changes nothing.
// stage writes a file's data under a temporary name beside it (nothing
// when the file already holds the data: its modification time stays);
// commit renames every staged file into place, unless a stage failed;
// abort, after a failure, removes the temporary files and the folders
// stage created. A reader never sees half a file. Safe for concurrent use.
type stager struct {
	mu      sync.Mutex
	err     error // the first failure of stage
	staged  []stagedFile
	created []string        // folders stage made, parents first
	exists  map[string]bool // folders known to exist
	done    bool
}

type stagedFile struct{ tmp, path string }

func newStager() *stager { return &stager{exists: map[string]bool{}} }

// stage stages a file; a failure is reported by commit.
func (s *stager) stage(path string, data []byte) {
	if err := s.write(path, data); err != nil {
		s.mu.Lock()
		s.err = cmp.Or(s.err, err)
		s.mu.Unlock()
	}
}

func (s *stager) write(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	dir := filepath.Dir(path)
	if err := s.mkdir(dir); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.staged = append(s.staged, stagedFile{tmp.Name(), path})
	s.mu.Unlock()
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Chmod(tmp.Name(), 0o644)
}

// mkdir makes dir and its missing parents, remembering the ones it made.
func (s *stager) mkdir(dir string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.exists[dir] {
		return nil
	}
	var missing []string
	for d := dir; !s.exists[d]; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil {
			break
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	for _, d := range slices.Backward(missing) {
		if err := os.Mkdir(d, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
		s.created = append(s.created, d)
	}
	s.exists[dir] = true
	return nil
}

// commit renames the staged files into place, or reports the first
// failure of stage.
func (s *stager) commit() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	for i, f := range s.staged {
		if err := os.Rename(f.tmp, f.path); err != nil {
			s.staged = s.staged[i:]
			return err
		}
	}
	s.staged, s.created, s.done = nil, nil, true
	return nil
}

// abort removes what stage left, unless commit succeeded.
func (s *stager) abort() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return
	}
	for _, f := range s.staged {
		os.Remove(f.tmp)
	}
	for _, d := range slices.Backward(s.created) {
		os.Remove(d) // only if empty: a folder someone wrote into stays
	}
	s.staged, s.created = nil, nil
}
