package bulk

import (
	"fmt"
	"time"

	"github.com/typedforce/typedforce/sobjects"
)

// Option configures one ingest or query. An option that does not apply
// to a call (WithPageSize for an ingest, WithMaxJobBytes for a query) is
// ignored by it.
type Option func(*config)

type config struct {
	delim       Delimiter
	eol         LineEnding
	maxJobBytes int64
	progress    func(Progress)
	pollMin     time.Duration
	pollMax     time.Duration
	tempDir     string
	pageSize    int
	err         error
}

// DefaultMaxJobBytes is the largest CSV one ingest job uploads unless
// [WithMaxJobBytes] says otherwise: Salesforce takes up to 150 MB per job
// after its base64 conversion, about 100 MB of CSV.
const DefaultMaxJobBytes = 100_000_000

func newConfig(opts []Option) (*config, error) {
	c := &config{delim: Comma, eol: LF, maxJobBytes: DefaultMaxJobBytes,
		pollMin: time.Second, pollMax: 15 * time.Second}
	for _, opt := range opts {
		opt(c)
	}
	return c, c.err
}

func (c *config) fail(format string, args ...any) {
	if c.err == nil {
		c.err = fmt.Errorf("%w: bulk: "+format, append([]any{sobjects.ErrInvalidArgument}, args...)...)
	}
}

// WithColumnDelimiter sets the column delimiter of the CSV, for ingest
// and query jobs (default [Comma]).
func WithColumnDelimiter(d Delimiter) Option {
	return func(c *config) {
		if _, ok := delimiterBytes[d]; !ok {
			c.fail("column delimiter %q", d)
			return
		}
		c.delim = d
	}
}

// WithLineEnding sets the line ending of the CSV, for ingest and query
// jobs (default [LF]).
func WithLineEnding(l LineEnding) Option {
	return func(c *config) {
		if l != LF && l != CRLF {
			c.fail("line ending %q", l)
			return
		}
		c.eol = l
	}
}

// WithMaxJobBytes sets the largest CSV one ingest job uploads (default
// [DefaultMaxJobBytes]); input beyond it goes to further jobs, split at
// record boundaries. Salesforce refuses uploads over 150 MB after base64
// conversion, so values above the default risk a refused upload; small
// values are for tests.
func WithMaxJobBytes(n int64) Option {
	return func(c *config) {
		if n < 64 {
			c.fail("max job bytes %d, want at least 64", n)
			return
		}
		c.maxJobBytes = n
	}
}

// Progress is what an ingest reports to the callback of [WithProgress].
type Progress struct {
	Jobs      int // jobs created so far
	Uploaded  int // records uploaded so far
	Processed int // records Salesforce processed (numberRecordsProcessed, summed over the jobs)
	Failed    int // of which failed (numberRecordsFailed)
}

// WithProgress has fn called, from the caller's goroutine, after each job
// is uploaded and after each poll that changed the counts.
func WithProgress(fn func(Progress)) Option { return func(c *config) { c.progress = fn } }

// WithPollInterval sets the backoff of polling a job's state: the first
// wait is first, each further one doubles, up to most (defaults 1s and
// 15s).
func WithPollInterval(first, most time.Duration) Option {
	return func(c *config) {
		if first <= 0 || most < first {
			c.fail("poll interval %v to %v", first, most)
			return
		}
		c.pollMin, c.pollMax = first, most
	}
}

// WithTempDir sets the folder of the temporary files an ingest spools its
// jobs to (default os.TempDir()).
func WithTempDir(dir string) Option { return func(c *config) { c.tempDir = dir } }

// WithPageSize sets how many records one result page of a query holds at
// most (the maxRecords parameter; default: as many as Salesforce sends).
func WithPageSize(n int) Option {
	return func(c *config) {
		if n < 1 {
			c.fail("page size %d", n)
			return
		}
		c.pageSize = n
	}
}
