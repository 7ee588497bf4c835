// Command typedforce generates typed Go packages from a Salesforce org's
// schema.
//
//	typedforce describe -out DIR [-objects A,B,C] [-config FILE] [-parallel N] [-prune] [-force]
//	typedforce objects [-custom] [-queryable] [-config FILE]
//	typedforce generate -describe DIR -out DIR [-package NAME] [-openapi FILE] [-config FILE]
//
// describe pulls the describe JSON of an org's objects into a folder, with
// the credentials of the SF_* environment variables (see docs/DESCRIBE.md);
// objects lists what the org has.
//
// generate reads a folder of sObject describe JSON (one file per object, as
// GET /services/data/vXX.X/sobjects/{Name}/describe returns it) and writes
// an OpenAPI 3.0 document and the Go package oapi-codegen produces from it,
// with its subpackages picklists and fields. In a module of your own,
// install it with
//
//	go get -tool github.com/typedforce/typedforce/cmd/typedforce
//
// and one line does it:
//
//	//go:generate go tool typedforce generate -describe schema/describe -out sfmodel
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/typedforce/typedforce/internal/sfgen"
)

func main() {
	// A short-lived generator that builds large in-memory trees: fewer
	// collections cost some memory and save a fifth of the run on a
	// 1,000-object org. GOGC in the environment still wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	// ... within a bound: past 384 MiB of heap the collector runs as
	// often as it must, which keeps a 1,000-object run under 512 MB of
	// RSS (see docs/BENCHMARKS.md). GOMEMLIMIT in the environment wins.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(384 << 20)
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `usage: typedforce <command> [flags]

commands:
  describe   pull the describe JSON of an org's objects into a folder (auth: SF_* variables)
  objects    list the org's objects: name, label, custom or not
  generate   describe JSON folder -> OpenAPI document + Go package
  fake-org   serve a fake org (package sftest) on a loopback address, for trying clients by hand

Run "typedforce <command> -h" for the flags of a command.
`

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "generate":
		return generate(args[1:], stdout, stderr)
	case "describe":
		return describeCmd(args[1:], stdout, stderr)
	case "objects":
		return objectsCmd(args[1:], stdout, stderr)
	case "fake-org":
		return fakeOrgCmd(args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "typedforce: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
}

func generate(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("typedforce generate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		configFile = fs.String("config", "", "YAML configuration `file` (paths in it relative to it; include/exclude patterns, name overrides, ...)")
		describe   = fs.String("describe", "", "`folder` of sObject describe JSON files")
		out        = fs.String("out", "", "output `folder` of the Go package")
		pkg        = fs.String("package", "", "Go package `name` (default: the output folder's name)")
		importPath = fs.String("import-path", "", "import `path` of the output package (default: from the go.mod above the output folder)")
		openapi    = fs.String("openapi", "", "where to write the OpenAPI `file` (default: OUT/openapi.yaml)")
		version    = fs.String("api-version", "", "Salesforce API `version` recorded in the document (default "+sfgen.DefaultAPIVersion+")")
		quiet      = fs.Bool("q", false, "print nothing on success")
	)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "typedforce generate: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	cfg := &sfgen.Config{}
	if *configFile != "" {
		c, err := sfgen.LoadConfig(*configFile)
		if err != nil {
			fmt.Fprintf(stderr, "typedforce generate: %v\n", err)
			return 1
		}
		cfg = c
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	override := func(name string, dst *string, v string) {
		if set[name] {
			*dst = v
		}
	}
	override("describe", &cfg.Describe, *describe)
	override("out", &cfg.Out, *out)
	override("package", &cfg.Package, *pkg)
	override("import-path", &cfg.ImportPath, *importPath)
	override("openapi", &cfg.OpenAPI, *openapi)
	override("api-version", &cfg.APIVersion, *version)
	if cfg.Describe == "" || cfg.Out == "" {
		fmt.Fprintln(stderr, "typedforce generate: -describe and -out are required (flags or config file)")
		fs.Usage()
		return 2
	}
	res, err := sfgen.Run(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "typedforce generate: %v\n", err)
		return 1
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(stderr, "typedforce generate: warning: %s\n", w)
	}
	if !*quiet {
		fmt.Fprintf(stdout, "typedforce: generated %d objects into %s\n", res.Objects, cfg.Out)
	}
	return 0
}
