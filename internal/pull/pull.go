package pull

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/typedforce/typedforce/internal/describe"
)

// DefaultParallel is how many describe requests a pull keeps in flight by
// default.
const DefaultParallel = 4

// Options says what a pull fetches and where it writes.
type Options struct {
	// Dir is the describe folder: <Name>.json per object and the manifest.
	// It is created when missing.
	Dir string
	// Names are the objects to pull, matched case-insensitively against the
	// org's global describe; any object the org lists may be named. An
	// unknown name fails the pull before anything is fetched.
	Names []string
	// Select chooses among the org's queryable objects when Names is empty
	// (nil: all of them). Typically [sfgen.Config.Selects].
	Select func(name string) bool
	// Parallel bounds the describe requests in flight (default
	// [DefaultParallel]).
	Parallel int
	// Force ignores the cache: every object is fetched in full.
	Force bool
	// Prune removes the files of earlier pulls whose objects this pull does
	// not fetch. Without it they are kept and listed in [Result.Stale].
	Prune bool
	// Progress, when set, is called after each object with the number done
	// and the total. Calls never overlap.
	Progress func(done, total int)
}

// Result reports a successful pull.
type Result struct {
	// Objects are the objects pulled, sorted.
	Objects []string
	// Written are the objects whose file was created or changed.
	Written []string
	// NotModified counts the objects the org answered 304 Not Modified for.
	NotModified int
	// Pruned are the files removed by [Options.Prune]; Stale the files of
	// earlier pulls that were kept although this pull did not fetch them.
	Pruned, Stale []string
	// Requests counts the API requests of the pull (the global describe,
	// one per object, one more per request rejected for an expired
	// session); TokenRequests the tokens minted meanwhile.
	Requests, TokenRequests int64
}

// Pull fetches the describes opts asks for into opts.Dir.
//
// Files change only when every describe succeeded: describes are staged in
// a temporary folder inside Dir (whose name starts with ".", so generate
// ignores it), then each changed file replaces the old one by a rename, and
// the manifest last. A file whose content did not change is not touched. On
// failure Dir is as it was (and not created if it did not exist).
//
// A failure that concerns the whole pull (credentials, API limit, network,
// API version) stops it at once and is returned as an [*Error]. Objects
// that fail on their own (permission, unusable describe) do not stop the
// others; they are returned together as [Errors].
func (c *Client) Pull(ctx context.Context, opts Options) (*Result, error) {
	if opts.Dir == "" {
		return nil, errors.New("pull: no folder")
	}
	if opts.Parallel <= 0 {
		opts.Parallel = DefaultParallel
	}
	requests0, tokens0 := c.Requests(), c.TokenRequests()

	objs, err := c.Objects(ctx)
	if err != nil {
		return nil, err
	}
	names, err := choose(objs, opts)
	if err != nil {
		return nil, err
	}
	org, err := c.identity(ctx)
	if err != nil {
		return nil, err
	}

	p := &puller{c: c, opts: opts,
		prev: readManifest(opts.Dir),
		cur:  &manifest{Format: manifestFormat, APIVersion: c.version, Org: org, Objects: map[string]*entry{}},
	}
	defer p.cleanup()
	outcomes, err := p.run(ctx, names)
	if err != nil {
		p.undo()
		return nil, err
	}
	res, err := p.commit(outcomes)
	if err != nil {
		p.undo()
		return nil, err
	}
	res.Requests, res.TokenRequests = c.Requests()-requests0, c.TokenRequests()-tokens0
	return res, nil
}

// choose resolves the objects to pull, in the org's order.
func choose(objs []Object, opts Options) ([]string, error) {
	var names []string
	if len(opts.Names) == 0 {
		for _, o := range objs {
			if o.Queryable && (opts.Select == nil || opts.Select(o.Name)) {
				names = append(names, o.Name)
			}
		}
		if len(names) == 0 {
			return nil, errors.New("no object selected: the include/exclude patterns match none of the org's queryable objects (see typedforce objects)")
		}
		return names, nil
	}
	byLower := make(map[string]string, len(objs))
	for _, o := range objs {
		byLower[strings.ToLower(o.Name)] = o.Name
	}
	seen := map[string]bool{}
	var unknown Errors
	for _, n := range opts.Names {
		n = strings.TrimSpace(n)
		if n == "" || seen[strings.ToLower(n)] {
			continue
		}
		seen[strings.ToLower(n)] = true
		name, ok := byLower[strings.ToLower(n)]
		if !ok {
			unknown = append(unknown, unknownObject(n, objs))
			continue
		}
		names = append(names, name)
	}
	if len(unknown) > 0 {
		return nil, sortErrors(unknown)
	}
	if len(names) == 0 {
		return nil, errors.New("no object named")
	}
	return names, nil
}

// makeDir creates dir when missing and returns the top-most folder it
// created ("" when dir existed), for [puller.undo].
func makeDir(dir string) (string, error) {
	top := ""
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil {
			break
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		top = d
		if filepath.Dir(d) == d {
			break
		}
	}
	if top == "" {
		return "", nil
	}
	return top, os.MkdirAll(dir, 0o755)
}

type puller struct {
	c         *Client
	opts      Options
	prev, cur *manifest

	mu      sync.Mutex
	done    int    // objects done, for Progress
	stage   string // the staging folder, made by the first file to write
	created string // the top-most folder made for Dir, if any
}

// write stages a file: the staging folder (and Dir) are made on the first
// call, so that a pull that changes nothing touches nothing.
func (p *puller) write(name string, data []byte) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stage == "" {
		created, err := makeDir(p.opts.Dir)
		p.created = created
		if err != nil {
			return err
		}
		if p.stage, err = os.MkdirTemp(p.opts.Dir, ".typedforce-pull-"); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(p.stage, name), data, 0o644)
}

// cleanup removes the staging folder.
func (p *puller) cleanup() {
	if p.stage != "" {
		os.RemoveAll(p.stage)
	}
}

// undo removes the folders the pull made for Dir.
func (p *puller) undo() {
	if p.created != "" {
		os.RemoveAll(p.created)
	}
}

// outcome is one object pulled.
type outcome struct {
	name        string
	entry       *entry
	written     bool // staged: the file changes
	notModified bool
}

// run pulls every object with bounded parallelism. A fatal failure cancels
// the rest; other failures are collected.
func (p *puller) run(ctx context.Context, names []string) ([]outcome, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	outcomes := make([]outcome, len(names))
	errs := make([]error, len(names))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(p.opts.Parallel, len(names)) {
		wg.Go(func() {
			for i := range jobs {
				outcomes[i], errs[i] = p.one(ctx, names[i])
				var e *Error
				if errs[i] != nil && (!errors.As(errs[i], &e) || e.fatal()) {
					cancel(errs[i])
				}
				p.progress(len(names))
			}
		})
	}
feed:
	for i := range names {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if cause := context.Cause(ctx); cause != nil {
		return nil, cause
	}
	var failed Errors
	for _, err := range errs {
		if e := (*Error)(nil); errors.As(err, &e) {
			failed = append(failed, e)
		}
	}
	if len(failed) > 0 {
		return nil, sortErrors(failed)
	}
	return outcomes, nil
}

func (p *puller) progress(total int) {
	if p.opts.Progress == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	p.opts.Progress(p.done, total)
}

// one pulls one object into the staging folder when its file changes.
func (p *puller) one(ctx context.Context, name string) (outcome, error) {
	out := outcome{name: name}
	var since time.Time
	if !p.opts.Force {
		since = p.prev.since(p.opts.Dir, name, p.cur)
	}
	d, err := p.c.describe(ctx, name, since)
	if err != nil {
		return out, err
	}
	if d.notModified {
		out.notModified, out.entry = true, p.prev.Objects[name]
		return out, nil
	}
	data, err := Normalize(d.body)
	if err != nil {
		return out, &Error{Object: name, StatusCode: http.StatusOK,
			Message: "the describe is " + err.Error() + "; the body starts with " + excerpt(string(d.body))}
	}
	o, err := describe.Parse(name+".json", data)
	if err != nil {
		return out, &Error{Object: name, Message: err.Error(), Err: err,
			Hint: "typedforce generate could not use it: leave the object out, or report it"}
	}
	if !strings.EqualFold(o.Name, name) {
		return out, &Error{Object: name, StatusCode: http.StatusOK, Message: fmt.Sprintf("the org answered with the describe of %q", o.Name)}
	}
	out.entry = &entry{Since: d.since.Format(http.TimeFormat), SHA256: hash(data)}
	same, err := sameFile(filepath.Join(p.opts.Dir, name+".json"), data)
	if err != nil {
		return out, err
	}
	if same {
		// Keep the cached date when it still holds: the manifest changes
		// only when a file does.
		if old := p.prev.Objects[name]; old != nil && old.Since != "" && old.SHA256 == out.entry.SHA256 && p.prev.trusted(p.cur) {
			out.entry = old
		}
		return out, nil
	}
	out.written = true
	return out, p.write(name+".json", data)
}

// trusted reports whether m was written by a pull like cur: same format,
// API version and identity.
func (m *manifest) trusted(cur *manifest) bool {
	return m.Format == cur.Format && m.APIVersion == cur.APIVersion && m.Org == cur.Org
}

// commit moves the staged files into place, prunes or lists the files of
// earlier pulls, and writes the manifest when it changed.
func (p *puller) commit(outcomes []outcome) (*Result, error) {
	dir := p.opts.Dir
	res := &Result{}
	for _, o := range outcomes {
		res.Objects = append(res.Objects, o.name)
		p.cur.Objects[o.name] = o.entry
		if o.notModified {
			res.NotModified++
		}
		if o.written {
			res.Written = append(res.Written, o.name)
		}
	}
	slices.Sort(res.Objects)
	slices.Sort(res.Written)
	for _, name := range res.Written {
		if err := os.Rename(filepath.Join(p.stage, name+".json"), filepath.Join(dir, name+".json")); err != nil {
			return nil, err
		}
	}
	for _, name := range slices.Sorted(maps.Keys(p.prev.Objects)) {
		if p.cur.Objects[name] != nil {
			continue
		}
		old := *p.prev.Objects[name]
		file := filepath.Join(dir, name+".json")
		data, err := readIfExists(file)
		if err != nil {
			return nil, err
		}
		if data == nil {
			continue // gone: forget it
		}
		if p.opts.Prune && hash(data) == old.SHA256 {
			if err := os.Remove(file); err != nil {
				return nil, err
			}
			res.Pruned = append(res.Pruned, name+".json")
			continue
		}
		res.Stale = append(res.Stale, name+".json")
		if !p.prev.trusted(p.cur) {
			old.Since = ""
		}
		p.cur.Objects[name] = &old
	}
	data := p.cur.encode()
	path := filepath.Join(dir, ManifestFile)
	if same, err := sameFile(path, data); err != nil || same {
		return res, err
	}
	if err := p.write(ManifestFile, data); err != nil {
		return nil, err
	}
	return res, os.Rename(filepath.Join(p.stage, ManifestFile), path)
}
