// Package fleet runs a fleet of worker processes that share one set of
// credentials, for the tests of auth/redisstore and the fleetbench command
// of the bench module: the program re-executes itself as each worker, which
// runs its callers once per "call" line on stdin and answers
// "done <ok> <failed>".
package fleet

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/typedforce/typedforce/auth"
)

// Tagged names the worker in every request (header X-Worker), so that the
// org knows which process holds the lease.
type Tagged struct {
	ID   string
	Next http.RoundTripper // nil: http.DefaultTransport
}

// RoundTrip sends a clone of r with the X-Worker header.
func (t Tagged) RoundTrip(r *http.Request) (*http.Response, error) {
	next := t.Next
	if next == nil {
		next = http.DefaultTransport
	}
	r = r.Clone(r.Context())
	r.Header.Set("X-Worker", t.ID)
	return next.RoundTrip(r)
}

// Call sends one GET of url, authorized by s and sent through d (its
// Wrap), within 30 seconds, and checks that it succeeded.
func Call(ctx context.Context, s *auth.Session, d auth.Doer, url string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	if err := s.RequestEditor(ctx, req); err != nil {
		return err
	}
	resp, err := d.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return nil
}

// Serve is the loop of a worker process: it prints "ready", then for each
// line on stdin runs call(0) to call(callers-1) concurrently and prints
// "done <ok> <failed>". Each failure is printed to errs unless it is nil.
func Serve(callers int, call func(i int) error, errs io.Writer) {
	in := bufio.NewScanner(os.Stdin)
	fmt.Println("ready")
	for in.Scan() {
		var mu sync.Mutex
		var ok, failed int
		var wg sync.WaitGroup
		for i := range callers {
			wg.Go(func() {
				err := call(i)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					failed++
					if errs != nil {
						fmt.Fprintln(errs, "call failed:", err)
					}
					return
				}
				ok++
			})
		}
		wg.Wait()
		fmt.Printf("done %d %d\n", ok, failed)
	}
}

// Fleet is a set of worker processes.
type Fleet struct {
	procs map[string]*proc
}

type proc struct {
	cmd  *exec.Cmd
	in   io.WriteCloser
	out  *bufio.Scanner
	dead bool
}

// Start starts n workers, named w0 to w<n-1>, each from the command that
// command returns for its name, and waits until each is ready. On failure
// it stops the workers it started.
func Start(n int, command func(id string) *exec.Cmd) (*Fleet, error) {
	f := &Fleet{procs: map[string]*proc{}}
	for i := range n {
		id := "w" + strconv.Itoa(i)
		cmd := command(id)
		in, err := cmd.StdinPipe()
		if err != nil {
			f.Stop()
			return nil, err
		}
		out, err := cmd.StdoutPipe()
		if err != nil {
			f.Stop()
			return nil, err
		}
		if err := cmd.Start(); err != nil {
			f.Stop()
			return nil, err
		}
		p := &proc{cmd: cmd, in: in, out: bufio.NewScanner(out)}
		f.procs[id] = p
		if !p.out.Scan() || p.out.Text() != "ready" {
			f.Stop()
			return nil, fmt.Errorf("worker %s did not start", id)
		}
	}
	return f, nil
}

// ErrTimeout means a worker did not finish its calls in time: a deadlock.
var ErrTimeout = errors.New("a worker did not finish its calls in time: deadlock")

// Round makes every live worker run its callers once, runs during (if not
// nil) while they do, and returns the calls that succeeded and failed. A
// worker that dies or answers garbage counts for nothing. With timeout
// above zero, it fails with ErrTimeout when a worker has not answered by
// then.
func (f *Fleet) Round(during func(), timeout time.Duration) (ok, failed int, err error) {
	var live []*proc
	for _, p := range f.procs {
		if p.dead {
			continue
		}
		if _, err := io.WriteString(p.in, "call\n"); err != nil {
			return 0, 0, fmt.Errorf("worker: %w", err)
		}
		live = append(live, p)
	}
	if during != nil {
		during()
	}
	type result struct{ ok, failed int }
	results := make(chan result, len(live))
	for _, p := range live {
		go func() {
			var r result
			if p.dead || !p.out.Scan() {
				results <- result{-1, -1}
				return
			}
			if _, err := fmt.Sscanf(p.out.Text(), "done %d %d", &r.ok, &r.failed); err != nil {
				r = result{-1, -1}
			}
			results <- r
		}()
	}
	var expired <-chan time.Time
	if timeout > 0 {
		expired = time.After(timeout)
	}
	for range live {
		select {
		case r := <-results:
			if r.ok >= 0 {
				ok, failed = ok+r.ok, failed+r.failed
			}
		case <-expired:
			return ok, failed, ErrTimeout
		}
	}
	return ok, failed, nil
}

// Kill ends worker id with SIGKILL and waits for it; false when there is
// no such worker.
func (f *Fleet) Kill(id string) bool {
	p := f.procs[id]
	if p == nil {
		return false
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	_ = p.cmd.Wait()
	p.dead = true
	return true
}

// Stop closes the stdin of every live worker and waits until they exited.
func (f *Fleet) Stop() {
	for _, p := range f.procs {
		if !p.dead {
			p.in.Close()
		}
	}
	for _, p := range f.procs {
		if !p.dead {
			_ = p.cmd.Wait()
			p.dead = true
		}
	}
}

// Hold lets a fake org hold a token request mid-flight, so that a test can
// kill the worker that sent it (the lease holder). Its zero value holds
// nothing. It is safe for concurrent use.
type Hold struct {
	mu      sync.Mutex
	worker  chan string
	release chan struct{}
}

// Next makes the next request that calls [Hold.Wait] send its X-Worker
// header to worker and wait until release is closed.
func (h *Hold) Next() (worker <-chan string, release chan<- struct{}) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.worker, h.release = make(chan string, 1), make(chan struct{})
	return h.worker, h.release
}

// Wait holds r if [Hold.Next] asked for it, until its release; false when
// r's client went away meanwhile (a process killed mid-refresh): the
// request must then be dropped unprocessed.
func (h *Hold) Wait(r *http.Request) bool {
	h.mu.Lock()
	worker, release := h.worker, h.release
	h.worker, h.release = nil, nil
	h.mu.Unlock()
	if worker == nil {
		return true
	}
	worker <- r.Header.Get("X-Worker")
	select {
	case <-release:
		return true
	case <-r.Context().Done():
		return false
	}
}
