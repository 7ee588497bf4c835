package sfgen

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
)

// oapi-codegen keeps its options and document in package variables, so one
// process runs one Generate at a time (see codegenMu). To use more than one
// CPU, GoFiles also hands chunks to worker processes: copies of the
// generator started by Config.WorkerCommand that run ServeWorker. A worker
// receives a chunk's objects (names and schema nodes, not the describes),
// runs the same code as the generator's own process (generateChunk) and
// sends back the formatted files, so the output is the same byte for byte
// whoever made it.
//
// The conversation is a sequence of frames on the worker's stdin and
// stdout, each a uvarint length and that many bytes:
//
//	request  = header (once) | chunk
//	header   = 'H' package importPath
//	chunk    = 'C' uvarint(objects) { api goName create update uvarint(picklists) { goName field } node }
//	response = 0 uvarint(files) { name data } | 1 message
//	node     = 's' string | 'T' | 'F' | 'i' varint | 'l' uvarint(n) { string } | 'a' uvarint(n) { node }
//	         | 'm' uvarint(n) { key node }
//
// where strings and data are a uvarint length and bytes.

// WorkerCommandName is the hidden typedforce command that runs ServeWorker.
const WorkerCommandName = "internal-codegen-worker"

// maxFrame bounds a frame: a chunk of 60 objects is a few megabytes.
const maxFrame = 1 << 30

// ServeWorker answers chunk requests from r on w until r ends: the worker
// side of GoFiles. Errors in a chunk are sent back; it returns an error only
// when the conversation itself breaks.
func ServeWorker(r io.Reader, w io.Writer) error {
	in, out := bufio.NewReaderSize(r, 1<<16), bufio.NewWriterSize(w, 1<<16)
	frame, err := readFrame(in)
	if err != nil {
		return fmt.Errorf("codegen worker: read the header: %w", err)
	}
	d := &decoder{b: frame}
	if d.byte() != 'H' {
		return errors.New("codegen worker: the first frame is not a header")
	}
	cfg := &Config{Package: d.str(), ImportPath: d.str()}
	if d.err != nil {
		return fmt.Errorf("codegen worker: header: %w", d.err)
	}
	opts, optsErr := codegenOptions(cfg)
	for {
		frame, err := readFrame(in)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("codegen worker: read a chunk: %w", err)
		}
		var e encoder
		objs, err := decodeChunk(frame)
		if err == nil {
			err = optsErr
		}
		var files []File
		if err == nil {
			files, err = generateChunk(objs, opts, cfg)
		}
		if err != nil {
			e.byte(1)
			e.str(err.Error())
		} else {
			size := 16
			for _, f := range files {
				size += len(f.Name) + len(f.Data) + 2*binary.MaxVarintLen64
			}
			e.b.Grow(size)
			e.byte(0)
			e.uvarint(uint64(len(files)))
			for _, f := range files {
				e.str(f.Name)
				e.bytes(f.Data)
			}
		}
		if err := writeFrame(out, e.b.Bytes()); err != nil {
			return fmt.Errorf("codegen worker: write a result: %w", err)
		}
	}
}

// worker is the generator's side of one worker process.
type worker struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	in     *bufio.Writer
	out    *bufio.Reader
	stderr *tailBuffer
	broken error // set when the conversation broke; the process has been waited for
}

// startWorker starts a worker process and sends it the header.
func startWorker(cfg *Config) (*worker, error) {
	cmd := cfg.WorkerCommand()
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	w := &worker{cmd: cmd, stdin: stdin, in: bufio.NewWriterSize(stdin, 1<<16), out: bufio.NewReaderSize(stdout, 1<<16), stderr: &tailBuffer{max: 4096}}
	cmd.Stderr = w.stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start a codegen worker: %w", err)
	}
	if err := writeFrame(w.in, encodeHeader(cfg)); err != nil {
		return nil, w.fail(err)
	}
	return w, nil
}

func encodeHeader(cfg *Config) []byte {
	var e encoder
	e.byte('H')
	e.str(cfg.Package)
	e.str(cfg.ImportPath)
	return e.b.Bytes()
}

// generate has the worker generate the files of a chunk of objects.
func (w *worker) generate(objs []*Object) ([]File, error) {
	if w.broken != nil {
		return nil, w.broken
	}
	if err := writeFrame(w.in, encodeChunk(objs)); err != nil {
		return nil, w.fail(err)
	}
	frame, err := readFrame(w.out)
	if err != nil {
		return nil, w.fail(noEOF(err))
	}
	d := &decoder{b: frame}
	if d.byte() == 1 {
		msg := d.str()
		if d.err != nil {
			return nil, w.fail(d.err)
		}
		return nil, errors.New(msg)
	}
	files := d.files()
	if d.err != nil {
		return nil, w.fail(d.err)
	}
	return files, nil
}

// close ends the conversation and waits for the process to exit.
func (w *worker) close() error {
	if w.broken != nil {
		return nil // already reported
	}
	w.stdin.Close()
	if err := w.cmd.Wait(); err != nil {
		return w.describe(err)
	}
	return nil
}

// fail ends a broken conversation: it stops the process and returns an
// error with its exit status and the end of what it wrote to stderr.
func (w *worker) fail(err error) error {
	w.stdin.Close()
	w.cmd.Process.Kill()
	if werr := w.cmd.Wait(); werr != nil {
		err = fmt.Errorf("%w (%v)", err, werr)
	}
	w.broken = w.describe(err)
	return w.broken
}

func (w *worker) describe(err error) error {
	if msg := strings.TrimSpace(w.stderr.String()); msg != "" {
		return fmt.Errorf("codegen worker: %w: %s", err, msg)
	}
	return fmt.Errorf("codegen worker: %w", err)
}

func encodeChunk(objs []*Object) []byte {
	var e encoder
	e.byte('C')
	e.uvarint(uint64(len(objs)))
	for _, o := range objs {
		e.str(o.API)
		e.str(o.GoName)
		e.str(o.Create)
		e.str(o.Update)
		e.uvarint(uint64(len(o.Picklists)))
		for _, pl := range o.Picklists {
			e.str(pl.GoName)
			e.str(pl.Field)
		}
		e.node(o.schemas())
	}
	return e.b.Bytes()
}

// decodeChunk rebuilds the objects of a chunk with what generateChunk
// reads: names, picklists and schemas.
func decodeChunk(frame []byte) ([]*Object, error) {
	d := &decoder{b: frame}
	if d.byte() != 'C' {
		return nil, errors.New("codegen worker: a frame is not a chunk")
	}
	objs := make([]*Object, d.count(5))
	for i := range objs {
		o := &Object{API: d.str(), GoName: d.str(), Create: d.str(), Update: d.str()}
		o.Picklists = make([]*Picklist, d.count(2))
		for j := range o.Picklists {
			o.Picklists[j] = &Picklist{GoName: d.str(), Field: d.str()}
		}
		m, ok := d.node().(*omap)
		if !ok && d.err == nil {
			d.err = errors.New("an object's schemas are not a mapping")
		}
		o.schemasOnce.Do(func() { o.schemaMap = m })
		objs[i] = o
	}
	if d.err != nil {
		return nil, fmt.Errorf("codegen worker: bad chunk: %w", d.err)
	}
	return objs, nil
}

func writeFrame(w *bufio.Writer, p []byte) error {
	var n [binary.MaxVarintLen64]byte
	if _, err := w.Write(n[:binary.PutUvarint(n[:], uint64(len(p)))]); err != nil {
		return err
	}
	if _, err := w.Write(p); err != nil {
		return err
	}
	return w.Flush()
}

// readFrame returns io.EOF only when the stream ends between frames.
func readFrame(r *bufio.Reader) ([]byte, error) {
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return nil, err
	}
	if n > maxFrame {
		return nil, fmt.Errorf("frame of %d bytes", n)
	}
	p := make([]byte, n)
	if _, err := io.ReadFull(r, p); err != nil {
		return nil, noEOF(err)
	}
	return p, nil
}

func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

type encoder struct{ b bytes.Buffer }

func (e *encoder) byte(c byte) { e.b.WriteByte(c) }

func (e *encoder) uvarint(v uint64) {
	e.b.Write(binary.AppendUvarint(e.b.AvailableBuffer(), v))
}

func (e *encoder) str(s string) {
	e.uvarint(uint64(len(s)))
	e.b.WriteString(s)
}

func (e *encoder) bytes(p []byte) {
	e.uvarint(uint64(len(p)))
	e.b.Write(p)
}

func (e *encoder) node(v any) {
	switch v := v.(type) {
	case string:
		e.byte('s')
		e.str(v)
	case bool:
		if v {
			e.byte('T')
		} else {
			e.byte('F')
		}
	case int:
		e.byte('i')
		e.b.Write(binary.AppendVarint(e.b.AvailableBuffer(), int64(v)))
	case []string:
		e.byte('l')
		e.uvarint(uint64(len(v)))
		for _, s := range v {
			e.str(s)
		}
	case []any:
		e.byte('a')
		e.uvarint(uint64(len(v)))
		for _, x := range v {
			e.node(x)
		}
	case *omap:
		e.byte('m')
		e.uvarint(uint64(len(v.keys)))
		for i, k := range v.keys {
			e.str(k)
			e.node(v.vals[i])
		}
	default:
		panic(fmt.Sprintf("sfgen: unsupported node type %T", v))
	}
}

// decoder reads what encoder wrote. The first error sticks: later reads
// return zero values, and the caller checks err once.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(msg string) {
	if d.err == nil {
		d.err = errors.New(msg)
	}
	d.b = nil
}

func (d *decoder) byte() byte {
	if len(d.b) == 0 {
		d.fail("truncated")
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("bad length")
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads a number of items, each at least min bytes long.
func (d *decoder) count(min int) int {
	n := d.uvarint()
	if n > uint64(len(d.b)/min) {
		d.fail("count beyond the frame")
		return 0
	}
	return int(n)
}

func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail("truncated")
		return nil
	}
	p := d.b[:n:n]
	d.b = d.b[n:]
	return p
}

func (d *decoder) str() string { return string(d.bytes()) }

// files reads what ServeWorker writes after a 0: a count, then each
// file's name and data.
func (d *decoder) files() []File {
	files := make([]File, d.count(2))
	for i := range files {
		files[i] = File{Name: d.str(), Data: d.bytes()}
	}
	return files
}

func (d *decoder) node() any {
	switch d.byte() {
	case 's':
		return d.str()
	case 'T':
		return true
	case 'F':
		return false
	case 'i':
		v, n := binary.Varint(d.b)
		if n <= 0 {
			d.fail("bad integer")
			return 0
		}
		d.b = d.b[n:]
		return int(v)
	case 'l':
		v := make([]string, d.count(1))
		for i := range v {
			v[i] = d.str()
		}
		return v
	case 'a':
		v := make([]any, d.count(1))
		for i := range v {
			v[i] = d.node()
		}
		return v
	case 'm':
		n := d.count(2)
		m := &omap{keys: make([]string, n), vals: make([]any, n)}
		for i := range n {
			m.keys[i] = d.str()
			m.vals[i] = d.node()
		}
		return m
	default:
		d.fail("bad node")
		return nil
	}
}

// tailBuffer keeps the last max bytes written to it. Safe for concurrent
// use: exec copies the worker's stderr into it from a goroutine of its own.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = append(t.b[:0], t.b[len(t.b)-t.max:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}
