package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/typedforce/typedforce/sftest"
)

// The files of a user's module in TestInstallInFreshModule: the README's
// go:generate lines word for word, a configuration and a program like the
// README's, and a test of the program on sftest.
const (
	installConfig = `describe: schema/describe
out: sfmodel
openapi: schema/sobjects.yaml
include: [Account, Contact, User]
`
	// The directives are assembled so that this file holds no line that
	// go generate would run in this repository.
	installGenerate = "package main\n\n" +
		"//" + "go:generate go tool typedforce describe -config typedforce.yaml -prune\n" +
		"//" + "go:generate go tool typedforce generate -config typedforce.yaml\n"
	installMain = `// Command app creates an Account in the org of the SF_* variables and
// reads it back, with the types generated into sfmodel.
package main

import (
	"context"
	"fmt"
	"os"

	"example.com/app/sfmodel"
	"example.com/app/sfmodel/fields"
	"example.com/app/sfmodel/picklists"
	"github.com/typedforce/typedforce/sobjects"
)

func main() {
	ctx := context.Background()
	c, err := sobjects.NewFromEnv(ctx, sobjects.WithAPIVersion(sfmodel.APIVersion))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	acc, err := createAndRead(ctx, c, "Acme")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(*acc.Name, *acc.Industry)
}

func createAndRead(ctx context.Context, c *sobjects.Client, name string) (sfmodel.Account, error) {
	acct := sfmodel.AccountCreate{Name: name, Industry: new(picklists.AccountIndustryValueAgriculture)}
	id, err := sobjects.Create(ctx, c, acct)
	if err != nil {
		return sfmodel.Account{}, err
	}
	return sobjects.Get[sfmodel.Account](ctx, c, id, sobjects.Fields(fields.Account_Name, fields.Account_Industry))
}
`
	installMainTest = `package main

import (
	"context"
	"testing"

	"example.com/app/sfmodel/picklists"
	"github.com/typedforce/typedforce/sftest"
)

func TestCreateAndRead(t *testing.T) {
	org := sftest.NewOrg(t, sftest.WithDescribeDir("schema/describe"))
	acc, err := createAndRead(context.Background(), org.Client(), "Acme")
	if err != nil {
		t.Fatal(err)
	}
	if *acc.Name != "Acme" || *acc.Industry != picklists.AccountIndustryValueAgriculture {
		t.Fatalf("read back %q %q", *acc.Name, *acc.Industry)
	}
	if n := org.Count("Account"); n != 1 {
		t.Fatalf("%d accounts in the org, want 1", n)
	}
}
`
)

// TestInstallInFreshModule runs the README's installation in a new module:
// go get -tool, the go:generate lines (describe from a loopback fake org,
// then generate), and a program and a test on the generated package, built,
// vetted, tested and run. The go commands resolve every module from the
// module cache (GOPROXY=off), which `go mod download` fills.
func TestInstallInFreshModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the generator and a module of its own: a few seconds to a minute")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("the repository root: %v", err)
	}
	org := sftest.NewServer(t) // the sample org, on loopback: what describe pulls from
	app := t.TempDir()
	env := offlineGoEnv(nil)
	for k, v := range org.Env() {
		env = append(env, k+"="+v)
	}
	run := func(args ...string) string {
		t.Helper()
		out, err := runGo(app, env, args...)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}

	run("mod", "init", "example.com/app")
	run("mod", "edit", "-replace", "github.com/typedforce/typedforce="+root)
	run("get", "-tool", "github.com/typedforce/typedforce/cmd/typedforce")
	writeFile(t, filepath.Join(app, "typedforce.yaml"), []byte(installConfig))
	writeFile(t, filepath.Join(app, "generate.go"), []byte(installGenerate))
	// A describe committed earlier (the sample org's, as the fake serves it):
	// describe keeps or rewrites it and adds the others.
	acct, err := os.ReadFile(filepath.Join(bundled, "Account.json"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(app, "schema", "describe", "Account.json"), acct)

	out := run("generate", "./...")
	for _, want := range []string{"typedforce: described 3 objects into schema/describe", "typedforce: generated 3 objects into sfmodel"} {
		if !strings.Contains(out, want) {
			t.Errorf("go generate printed no %q:\n%s", want, out)
		}
	}
	for _, f := range []string{
		"schema/describe/Account.json", "schema/describe/Contact.json", "schema/describe/User.json",
		"schema/sobjects.yaml",
		"sfmodel/account.gen.go", "sfmodel/contact.gen.go", "sfmodel/user.gen.go",
		"sfmodel/picklists/picklists.gen.go",
		"sfmodel/fields/field-names.gen.go",
	} {
		if _, err := os.Stat(filepath.Join(app, f)); err != nil {
			t.Errorf("after go generate: %v", err)
		}
	}

	writeFile(t, filepath.Join(app, "main.go"), []byte(installMain))
	writeFile(t, filepath.Join(app, "main_test.go"), []byte(installMainTest))
	run("build", "./...")
	run("vet", "./...")
	run("test", "-count=1", "./...")
	if got := run("run", "."); strings.TrimSpace(got) != "Acme Agriculture" {
		t.Errorf("the program against the loopback org printed %q, want %q", got, "Acme Agriculture")
	}
	if n := org.Count("Account"); n != 1 {
		t.Errorf("the loopback org holds %d accounts after the program ran, want 1", n)
	}
}

// TestInstallNamesMissingModules checks that the install test fails, not
// skips, when the module cache lacks a dependency, and names it.
func TestInstallNamesMissingModules(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	app := t.TempDir()
	env := offlineGoEnv([]string{"GOMODCACHE=" + t.TempDir()}) // an empty module cache
	for _, args := range [][]string{
		{"mod", "init", "example.com/app"},
		{"mod", "edit", "-replace", "github.com/typedforce/typedforce=" + root},
	} {
		if _, err := runGo(app, env, args...); err != nil {
			t.Fatal(err)
		}
	}
	_, err = runGo(app, env, "get", "-tool", "github.com/typedforce/typedforce/cmd/typedforce")
	if err == nil {
		t.Fatal("go get -tool succeeded with an empty module cache and GOPROXY=off")
	}
	t.Log(err)
	for _, want := range []string{"the module cache lacks", "golang.org/x/oauth2", "go mod download"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not say %q:\n%v", want, err)
		}
	}
}

// offlineGoEnv returns the environment of the go commands of the install
// tests: this process's, with every module resolved from the module cache
// and nothing fetched (no proxy, no checksum database, no toolchain
// download), and extra (KEY=value) last.
func offlineGoEnv(extra []string) []string {
	drop := []string{"GOFLAGS", "GOPROXY", "GOSUMDB", "GONOSUMDB", "GONOSUMCHECK", "GOPRIVATE", "GONOPROXY",
		"GOTOOLCHAIN", "GOWORK"}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(drop, k) && !strings.HasPrefix(k, "SF_") {
			env = append(env, kv)
		}
	}
	env = append(env, "GOFLAGS=-mod=mod", "GOPROXY=off", "GOSUMDB=off", "GOTOOLCHAIN=local", "GOWORK=off")
	return append(env, extra...)
}

// runGo runs the go command in dir and returns its combined output. On
// failure the error names the modules missing from the module cache, if
// that is why it failed.
func runGo(dir string, env []string, args ...string) (string, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir, cmd.Env = dir, env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		msg := fmt.Sprintf("go %s: %v\n%s", strings.Join(args, " "), err, out.String())
		if missing := missingModules(out.String()); len(missing) > 0 {
			msg = fmt.Sprintf("the module cache lacks %s (GOPROXY=off): run `go mod download` in the repository first\n%s",
				strings.Join(missing, ", "), msg)
		}
		return out.String(), fmt.Errorf("%s", msg)
	}
	return out.String(), nil
}

// goDownloading matches what the go command tries to fetch because the
// module cache lacks it; goLookupOff what it could then not find.
var (
	goDownloading = regexp.MustCompile(`(?m)^go: downloading (\S+) (\S+)$`)
	goLookupOff   = regexp.MustCompile(`(?m)(\S+): (?:module|import) lookup disabled by GOPROXY=off`)
)

// missingModules returns the modules (or, failing that, packages) that the
// go command's output says it could not get from the module cache.
func missingModules(out string) []string {
	var missing []string
	for _, m := range goDownloading.FindAllStringSubmatch(out, -1) {
		missing = append(missing, m[1]+" "+m[2])
	}
	if len(missing) == 0 {
		for _, m := range goLookupOff.FindAllStringSubmatch(out, -1) {
			missing = append(missing, strings.TrimPrefix(m[1], "go: "))
		}
	}
	slices.Sort(missing)
	return slices.Compact(missing)
}
