package typedforce

import (
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const modulePath = "github.com/typedforce/typedforce/"

// goList runs go list in the module root and returns its output lines.
func goList(t *testing.T, args ...string) []string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list"}, args...)...).Output()
	if err != nil {
		t.Fatalf("go list %s: %v", strings.Join(args, " "), err)
	}
	return strings.Split(strings.TrimSpace(string(out)), "\n")
}

// TestReadmeDeps checks the README's go list -deps output against go list.
func TestReadmeDeps(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	const cmd = "$ go list -deps ./sobjects ./auth ./sftest | grep typedforce\n"
	_, block, ok := strings.Cut(string(readme), cmd)
	if !ok {
		t.Fatalf("README.md shows no %q", strings.TrimSpace(cmd))
	}
	block, _, _ = strings.Cut(block, "```")
	var want []string
	for _, p := range goList(t, "-deps", "./sobjects", "./auth", "./sftest") {
		if strings.Contains(p, "typedforce") {
			want = append(want, p)
		}
	}
	if got := strings.Fields(block); !slices.Equal(got, want) {
		t.Errorf("README.md shows\n%s\ngo list -deps gives\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestReadmeImportTable checks, for each row of the README's table of
// imports that names one of this module's packages, the packages of this
// module it lists against what go list reports.
func TestReadmeImportTable(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	imports := map[string][]string{} // package (relative) -> its imports of this module
	for _, line := range goList(t, "-f", `{{.ImportPath}}: {{join .Imports " "}}`, "./...") {
		pkg, deps, _ := strings.Cut(line, ": ")
		var own []string
		for _, d := range strings.Fields(deps) {
			if rel, ok := strings.CutPrefix(d, modulePath); ok {
				own = append(own, rel)
			}
		}
		slices.Sort(own)
		imports[strings.TrimPrefix(pkg, modulePath)] = own
	}
	code := regexp.MustCompile("`([^`]+)`")
	_, table, ok := strings.Cut(string(readme), "Which package may import which")
	if !ok {
		t.Fatal("README.md has no table of imports")
	}
	rows := 0
	for line := range strings.SplitSeq(table, "\n") {
		cells := strings.Split(line, "|")
		if !strings.HasPrefix(line, "| `") || len(cells) != 4 {
			if rows > 0 && !strings.HasPrefix(line, "|") {
				break
			}
			continue
		}
		pkg := code.FindStringSubmatch(cells[1])[1]
		own, known := imports[pkg]
		if !known {
			t.Errorf("README.md lists the imports of %q, which go list does not know", pkg)
			continue
		}
		rows++
		var listed []string
		for _, m := range code.FindAllStringSubmatch(cells[2], -1) {
			if _, ok := imports[m[1]]; ok {
				listed = append(listed, m[1])
			}
		}
		slices.Sort(listed)
		if !slices.Equal(listed, own) {
			t.Errorf("README.md: %s imports %v of this module; go list: %v", pkg, listed, own)
		}
	}
	if rows < 8 {
		t.Errorf("checked %d rows of the table of imports, want the runtime, generator and command packages", rows)
	}
}
