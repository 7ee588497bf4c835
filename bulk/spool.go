package bulk

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
)

// rowCell is one non-empty cell of a row: its column and its text in
// row.buf.
type rowCell struct {
	col        int
	start, end int
	esc        int // length of the text as a CSV cell, once spool.fits measured it; 0 before
}

// row is the record being written: the unescaped texts of its cells.
type row struct {
	buf   []byte
	cells []rowCell
}

func (r *row) reset() { r.buf, r.cells = r.buf[:0], r.cells[:0] }

// field writes the field v of column col with enc.
func (r *row) field(col int, enc fieldEncoder, v reflect.Value) error {
	start := len(r.buf)
	out, st, err := enc(r.buf, v)
	if err != nil {
		r.buf = r.buf[:start]
		return err
	}
	switch {
	case st == null:
		out = append(out[:start], nullCell...)
	case st == unset || len(out) == start:
		r.buf = out[:start]
		return nil
	}
	r.buf = out
	r.cells = append(r.cells, rowCell{col: col, start: start, end: len(out)})
	return nil
}

// text writes a text cell of column col.
func (r *row) text(col int, s string) {
	start := len(r.buf)
	r.buf = append(r.buf, s...)
	r.cells = append(r.cells, rowCell{col: col, start: start, end: len(r.buf)})
}

// hash identifies the row by its cells, as a result row echoes them.
func (r *row) hash() uint64 {
	h := newRowHash()
	for _, c := range r.cells {
		h = h.add(c.col, r.buf[c.start:c.end])
	}
	return uint64(h)
}

// rowHash is FNV-1a over the column numbers and texts of a row's
// non-empty cells, in column order.
type rowHash uint64

func newRowHash() rowHash { return 14695981039346656037 }

func (h rowHash) add(col int, text []byte) rowHash {
	const prime = 1099511628211
	h = (h ^ rowHash(col) ^ 0xff00) * prime
	for _, c := range text {
		h = (h ^ rowHash(c)) * prime
	}
	return (h ^ 0xfe) * prime
}

// spool collects the rows of one job in a temporary file, counting the
// size of the CSV they make, then writes that CSV.
type spool struct {
	dir   string
	names []string
	delim byte
	eol   string
	limit int64

	nameLen []int64 // escaped length of each name, for the header

	f       *os.File
	w       *bufio.Writer
	used    []bool
	nused   int
	header  int64 // escaped names of the used columns
	cells   int64 // escaped cells of the rows
	rows    int
	hashes  []uint64
	scratch []byte
	seq     int
}

func newSpool(dir string, names []string, delim byte, eol LineEnding, limit int64) *spool {
	s := &spool{dir: dir, names: names, delim: delim, eol: "\n", limit: limit, used: make([]bool, len(names)),
		nameLen: make([]int64, len(names))}
	for i, name := range names {
		s.nameLen[i] = int64(escapedLen([]byte(name), delim))
	}
	if eol == CRLF {
		s.eol = "\r\n"
	}
	return s
}

// csvSize is the size of the CSV of rows rows of nused columns.
func (s *spool) csvSize(nused int, header, cells int64, rows int) int64 {
	if nused == 0 {
		return 0
	}
	perLine := int64(nused - 1 + len(s.eol))
	return header + cells + int64(rows+1)*perLine
}

// fits reports whether the job's CSV stays within the limit with r added,
// and the CSV size r alone would make. It measures r's cells for add.
func (s *spool) fits(r *row) (ok bool, alone int64) {
	nused, header, cells := s.nused, s.header, s.cells
	var aloneHeader, aloneCells int64
	for i := range r.cells {
		c := &r.cells[i]
		c.esc = escapedLen(r.buf[c.start:c.end], s.delim)
		n := int64(c.esc)
		cells += n
		aloneCells += n
		hn := s.nameLen[c.col]
		aloneHeader += hn
		if !s.used[c.col] {
			nused++
			header += hn
		}
	}
	alone = s.csvSize(len(r.cells), aloneHeader, aloneCells, 1)
	return s.csvSize(nused, header, cells, s.rows+1) <= s.limit, alone
}

// add appends r to the job.
func (s *spool) add(r *row) error {
	if s.f == nil {
		f, err := os.CreateTemp(s.dir, "rows-*")
		if err != nil {
			return err
		}
		s.f, s.w = f, bufio.NewWriterSize(f, 64<<10)
	}
	b := s.scratch[:0]
	for _, c := range r.cells {
		if !s.used[c.col] {
			s.used[c.col] = true
			s.nused++
			s.header += s.nameLen[c.col]
		}
		text := r.buf[c.start:c.end]
		n := c.esc
		if n == 0 {
			n = escapedLen(text, s.delim)
		}
		s.cells += int64(n)
		b = binary.AppendUvarint(b, uint64(c.col)+1)
		b = binary.AppendUvarint(b, uint64(n))
		if n == len(text) { // nothing to quote: quoting adds at least 2
			b = append(b, text...)
		} else {
			b = appendQuoted(b, text)
		}
	}
	b = append(b, 0)
	s.scratch = b
	s.rows++
	s.hashes = append(s.hashes, r.hash())
	_, err := s.w.Write(b)
	return err
}

// spooled is a job's CSV, written and ready to upload.
type spooled struct {
	csv    string // path of the CSV file
	size   int64  // its size
	cols   []int  // the columns of its header, in order
	hashes string // path of the file of the rows' hashes
	rows   int
}

// finish writes the CSV of the rows added so far and starts a new job.
func (s *spool) finish() (*spooled, error) {
	if s.rows == 0 {
		return nil, nil
	}
	defer s.reset()
	if err := s.w.Flush(); err != nil {
		return nil, err
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	s.seq++
	out := &spooled{rows: s.rows}
	for col, u := range s.used {
		if u {
			out.cols = append(out.cols, col)
		}
	}
	path := filepath.Join(s.dir, "job-"+strconv.Itoa(s.seq)+".csv")
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	out.csv = path
	w := bufio.NewWriterSize(f, 64<<10)
	line := make([]byte, 0, 256)
	for i, col := range out.cols {
		if i > 0 {
			line = append(line, s.delim)
		}
		line = appendCell(line, []byte(s.names[col]), s.delim)
	}
	line = append(line, s.eol...)
	_, _ = w.Write(line)
	out.size = int64(len(line))
	slot := make([]int, len(s.names)) // column -> position in the header
	for i, col := range out.cols {
		slot[col] = i
	}
	r := bufio.NewReaderSize(s.f, 64<<10)
	var cell []byte
	for range s.rows {
		line = line[:0]
		pos := 0
		for {
			col, err := binary.ReadUvarint(r)
			if err != nil {
				_ = f.Close()
				return nil, fmt.Errorf("reading the spool: %w", err)
			}
			if col == 0 {
				break
			}
			n, err := binary.ReadUvarint(r)
			if err == nil {
				cell = slices.Grow(cell[:0], int(n))[:n]
				_, err = io.ReadFull(r, cell)
			}
			if err != nil {
				_ = f.Close()
				return nil, fmt.Errorf("reading the spool: %w", err)
			}
			for at := slot[col-1]; pos < at; pos++ {
				line = append(line, s.delim)
			}
			line = append(line, cell...)
		}
		for ; pos < len(out.cols)-1; pos++ {
			line = append(line, s.delim)
		}
		line = append(line, s.eol...)
		if _, err := w.Write(line); err != nil {
			_ = f.Close()
			return nil, err
		}
		out.size += int64(len(line))
	}
	err = w.Flush()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	out.hashes = filepath.Join(s.dir, "job-"+strconv.Itoa(s.seq)+".hash")
	hf, err := os.Create(out.hashes)
	if err != nil {
		return nil, err
	}
	hw := bufio.NewWriterSize(hf, 64<<10)
	var hb [8]byte
	for _, h := range s.hashes {
		binary.LittleEndian.PutUint64(hb[:], h)
		_, _ = hw.Write(hb[:])
	}
	err = hw.Flush()
	if cerr := hf.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// reset drops the rows of the finished job.
func (s *spool) reset() {
	if s.f != nil {
		_ = s.f.Close()
		_ = os.Remove(s.f.Name())
	}
	s.f, s.w = nil, nil
	clear(s.used)
	s.nused, s.header, s.cells, s.rows = 0, 0, 0, 0
	s.hashes = s.hashes[:0]
}

func escapedLen(text []byte, delim byte) int {
	if !needsQuotes(text, delim) {
		return len(text)
	}
	n := len(text) + 2
	for _, c := range text {
		if c == '"' {
			n++
		}
	}
	return n
}
