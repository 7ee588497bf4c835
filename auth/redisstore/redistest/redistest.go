// Package redistest runs a redis-server of its own for tests and
// benchmarks: on a free loopback port, with persistence off, stopped by
// [Server.Stop]. It needs the redis-server binary on PATH (the Debian
// package redis-server) and fails with a clear error without it, so that a
// missing server never passes as a skipped test.
package redistest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ErrNoServer means redis-server is not on PATH.
var ErrNoServer = errors.New("redistest: redis-server not found on PATH: install the Debian package redis-server (apt-get install -y redis-server)")

// Server is a running redis-server. Its methods are safe for concurrent
// use.
type Server struct {
	// Addr is host:port of the server, on 127.0.0.1.
	Addr string

	bin    string
	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{} // closed once cmd exited
}

// Start starts a redis-server on a free loopback port and waits until it
// answers PING, or until ctx ends.
func Start(ctx context.Context) (*Server, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, ErrNoServer
	}
	var last error
	for range 5 { // the free port may be taken meanwhile: try another
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		s := &Server{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), bin: bin}
		if last = s.Start(ctx); last == nil {
			return s, nil
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, last
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Start starts the server again on its address after [Server.Stop], with
// no data, and waits until it answers PING.
func (s *Server) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return errors.New("redistest: server already running")
	}
	_, port, _ := net.SplitHostPort(s.Addr)
	cmd := exec.Command(s.bin, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		"--dir", os.TempDir(), "--protected-mode", "yes", "--loglevel", "warning")
	out := &strings.Builder{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("redistest: starting redis-server: %w", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	for {
		if ping(s.Addr) == nil {
			s.cmd, s.exited = cmd, exited
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("redistest: redis-server on %s exited: %s", s.Addr, strings.TrimSpace(out.String()))
		case <-ctx.Done():
			_ = cmd.Process.Kill()
			<-exited
			return fmt.Errorf("redistest: redis-server on %s did not answer: %w", s.Addr, ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// ping sends PING and expects PONG.
func ping(addr string) error {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if strings.TrimSpace(line) != "+PONG" {
		return fmt.Errorf("redistest: PING answered %q", strings.TrimSpace(line))
	}
	return nil
}

// Stop kills the server and waits until it exited. It may be
// called more than once.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.exited
	s.cmd = nil
}
