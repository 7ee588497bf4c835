package sfgen

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		names = append(names, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// TestStager: abort leaves the folder as it was; commit puts every staged
// file in place and leaves no temporary file; a file that already holds the
// data is not rewritten.
func TestStager(t *testing.T) {
	root := t.TempDir()
	mine := filepath.Join(root, "mine.go")
	if err := os.WriteFile(mine, []byte("package x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	before := listFiles(t, root)

	st := newStager()
	for _, name := range []string{"out/a.gen.go", "out/sub/deeper/b.gen.go", "mine.go"} {
		st.stage(filepath.Join(root, name), []byte("package y\n"))
	}
	if st.err != nil {
		t.Fatal(st.err)
	}
	st.abort()
	if after := listFiles(t, root); !slices.Equal(before, after) {
		t.Errorf("after abort: %v, want %v", after, before)
	}

	st = newStager()
	defer st.abort()
	for _, name := range []string{"out/a.gen.go", "out/sub/deeper/b.gen.go"} {
		st.stage(filepath.Join(root, name), []byte("package y\n"))
	}
	st.stage(mine, []byte("package x\n")) // unchanged
	if err := st.commit(); err != nil {
		t.Fatal(err)
	}
	st.abort() // after a commit: nothing to undo
	want := []string{".", "mine.go", "out", "out/a.gen.go", "out/sub", "out/sub/deeper", "out/sub/deeper/b.gen.go"}
	if got := listFiles(t, root); !slices.Equal(got, want) {
		t.Errorf("after commit: %v, want %v", got, want)
	}
	// A file that cannot be staged (its folder would be a file) fails the
	// commit, and nothing of that run lands.
	st = newStager()
	st.stage(filepath.Join(root, "out", "new.gen.go"), []byte("package y\n"))
	st.stage(filepath.Join(mine, "below-a-file.gen.go"), []byte("package y\n"))
	if err := st.commit(); err == nil {
		t.Error("commit succeeded after a failed stage")
	}
	st.abort()
	if got := listFiles(t, root); !slices.Equal(got, want) {
		t.Errorf("after a failed stage: %v, want %v", got, want)
	}
	if info, err := os.Stat(mine); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("an unchanged file was rewritten (%v, %v)", info.Mode(), err)
	}
	if info, err := os.Stat(filepath.Join(root, "out/a.gen.go")); err != nil || info.Mode().Perm() != 0o644 {
		t.Errorf("a new file has mode %v (%v), want 0644", info.Mode(), err)
	}
}
