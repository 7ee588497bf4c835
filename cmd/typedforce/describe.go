package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/typedforce/typedforce/auth"
	"github.com/typedforce/typedforce/internal/describe"
	"github.com/typedforce/typedforce/internal/pull"
	"github.com/typedforce/typedforce/internal/sfgen"
)

// requestTimeout bounds one HTTP request (the token endpoint's included).
const requestTimeout = 2 * time.Minute

// orgFlags holds the flags of the commands that talk to the org.
type orgFlags struct {
	configFile string
	version    string
}

// newOrgFlags returns the flag set of a command that talks to the org,
// with the flags describe and objects share.
func newOrgFlags(name string, stderr io.Writer) (*flag.FlagSet, *orgFlags) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := &orgFlags{}
	fs.StringVar(&o.configFile, "config", "", "YAML configuration `file` shared with generate (include/exclude patterns, describe folder, apiVersion)")
	fs.StringVar(&o.version, "api-version", "", "Salesforce REST API `version` (default: the config's apiVersion, else $SF_API_VERSION, else "+sfgen.DefaultAPIVersion+")")
	return fs, o
}

// parse parses args into fs, then loads the configuration file and
// settles the API version. When ok is false the command exits with code:
// 0 for -h, 2 for a usage error, 1 for a bad configuration (reported).
func (o *orgFlags) parse(fs *flag.FlagSet, args []string, stderr io.Writer) (cfg *sfgen.Config, version string, code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, "", 0, false
		}
		return nil, "", 2, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return nil, "", 2, false
	}
	if o.version != "" {
		if _, err := describe.ParseVersion(o.version); err != nil {
			fmt.Fprintf(stderr, "%s: -api-version: %v\n", fs.Name(), err)
			return nil, "", 2, false
		}
	}
	cfg, version, err := o.setup()
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", fs.Name(), err)
		return nil, "", 1, false
	}
	return cfg, version, 0, true
}

// setup loads the configuration file and settles the API version.
func (o *orgFlags) setup() (*sfgen.Config, string, error) {
	cfg := &sfgen.Config{}
	if o.configFile != "" {
		c, err := sfgen.LoadConfig(o.configFile)
		if err != nil {
			return nil, "", err
		}
		cfg = c
	}
	version, from := sfgen.DefaultAPIVersion, ""
	for _, v := range []struct{ value, from string }{
		{o.version, "-api-version"}, {cfg.APIVersion, "apiVersion in " + o.configFile}, {os.Getenv("SF_API_VERSION"), "SF_API_VERSION"},
	} {
		if strings.TrimSpace(v.value) != "" {
			version, from = v.value, v.from
			break
		}
	}
	v, err := describe.ParseVersion(version)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", from, err)
	}
	return cfg, v, nil
}

// withClient runs fn with a client for the org of the SF_* variables, on a
// context that an interrupt cancels (a pull then stops and leaves its
// folder as it was). It returns the exit code: 1, with the error on
// stderr, when fn fails.
func withClient(cmd, version string, stderr io.Writer, fn func(context.Context, *pull.Client) error) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	c, release, err := connect(ctx, version)
	if err == nil {
		defer release()
		err = fn(ctx, c)
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
		return 1
	}
	return 0
}

// connect returns a client for the org of the SF_* variables, and the
// function that releases its connections.
func connect(ctx context.Context, version string) (*pull.Client, func(), error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	hc := &http.Client{Transport: tr, Timeout: requestTimeout}
	// The token flows take their HTTP client from the context.
	src, err := auth.FromEnv(context.WithValue(ctx, oauth2.HTTPClient, hc))
	if err != nil {
		return nil, nil, err
	}
	c, err := pull.New(src, version, hc)
	if err != nil {
		return nil, nil, err
	}
	return c, tr.CloseIdleConnections, nil
}

// describeCmd pulls describe JSON from the org into a folder.
func describeCmd(args []string, stdout, stderr io.Writer) int {
	fs, org := newOrgFlags("typedforce describe", stderr)
	var (
		out      = fs.String("out", "", "`folder` to write <Name>.json describes into (default: the config's describe)")
		objects  = fs.String("objects", "", "comma-separated object `names` to pull (default: the org's queryable objects the config's include/exclude select)")
		parallel = fs.Int("parallel", pull.DefaultParallel, "at most `n` describe requests in flight")
		force    = fs.Bool("force", false, "ignore the cache: fetch every describe in full")
		prune    = fs.Bool("prune", false, "remove the files of earlier pulls whose objects this pull does not fetch")
		quiet    = fs.Bool("q", false, "print nothing but errors")
	)
	cfg, version, code, ok := org.parse(fs, args, stderr)
	if !ok {
		return code
	}
	if *parallel < 1 || *parallel > 64 {
		fmt.Fprintf(stderr, "typedforce describe: -parallel %d: want 1 to 64\n", *parallel)
		return 2
	}
	dir := *out
	if dir == "" {
		dir = cfg.Describe
	}
	if dir == "" {
		fmt.Fprintln(stderr, "typedforce describe: -out is required (flag, or describe in the config file)")
		fs.Usage()
		return 2
	}
	opts := pull.Options{Dir: dir, Parallel: *parallel, Force: *force, Prune: *prune, Select: cfg.Selects}
	if *objects != "" {
		opts.Names = strings.Split(*objects, ",")
	}
	return withClient(fs.Name(), version, stderr, func(ctx context.Context, c *pull.Client) error {
		var prog *progress
		if !*quiet {
			prog = &progress{w: stderr, tty: isTerminal(stderr)}
			opts.Progress = prog.report
		}
		res, err := c.Pull(ctx, opts)
		prog.end()
		if err != nil {
			return fmt.Errorf("%w\n%s: no file was changed in %s", err, fs.Name(), dir)
		}
		if !*quiet {
			printSummary(stdout, dir, res)
		}
		return nil
	})
}

// printSummary reports a pull in a line, and the files of earlier pulls
// removed or kept.
func printSummary(w io.Writer, dir string, res *pull.Result) {
	unchanged := fmt.Sprintf("%d unchanged", len(res.Objects)-len(res.Written))
	if res.NotModified > 0 {
		unchanged += fmt.Sprintf(" (%d not modified)", res.NotModified)
	}
	fmt.Fprintf(w, "typedforce: described %s into %s: %d written, %s; %s, %s\n",
		plural(len(res.Objects), "object"), dir, len(res.Written), unchanged,
		plural(int(res.Requests), "API request"), plural(int(res.TokenRequests), "token request"))
	if len(res.Pruned) > 0 {
		fmt.Fprintf(w, "typedforce: removed %s of earlier pulls: %s\n", plural(len(res.Pruned), "file"), strings.Join(res.Pruned, ", "))
	}
	if len(res.Stale) > 0 {
		fmt.Fprintf(w, "typedforce: kept %s of earlier pulls that this one did not fetch (-prune removes them): %s\n",
			plural(len(res.Stale), "file"), strings.Join(res.Stale, ", "))
	}
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// progress shows "N of M objects" on stderr: rewritten in place on a
// terminal; elsewhere one line per tenth of a pull of 20 objects or more.
type progress struct {
	w       io.Writer
	tty     bool
	shown   int // tenths shown (not a terminal)
	pending bool
}

// progressMin is the smallest pull whose progress is logged when stderr is
// not a terminal.
const progressMin = 20

func (p *progress) report(done, total int) {
	if p.tty {
		fmt.Fprintf(p.w, "\rtypedforce describe: %d of %d objects", done, total)
		p.pending = done < total
		if !p.pending {
			fmt.Fprintln(p.w)
		}
		return
	}
	if total < progressMin {
		return
	}
	if tenth := done * 10 / total; tenth > p.shown {
		p.shown = tenth
		fmt.Fprintf(p.w, "typedforce describe: %d of %d objects\n", done, total)
	}
}

// end ends a progress line left open by a pull that stopped.
func (p *progress) end() {
	if p != nil && p.pending {
		fmt.Fprintln(p.w)
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
