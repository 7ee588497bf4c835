package bulk

import (
	"errors"
	"strings"
)

// Errors of this package; a [*JobError] matches them with errors.Is.
var (
	// ErrJobFailed means Salesforce failed the job: JobError.Message
	// holds its errorMessage, such as "InvalidBatch : Field name not
	// found : Foo".
	ErrJobFailed = errors.New("bulk: job failed")

	// ErrJobAborted means the job was aborted, by Salesforce, by someone
	// else, or by this package when the caller's context ended (the
	// error then also matches the context's error).
	ErrJobAborted = errors.New("bulk: job aborted")
)

// JobState is the state of a Bulk API 2.0 job.
type JobState string

// The states of a job.
const (
	StateOpen           JobState = "Open"
	StateUploadComplete JobState = "UploadComplete"
	StateInProgress     JobState = "InProgress"
	StateJobComplete    JobState = "JobComplete"
	StateFailed         JobState = "Failed"
	StateAborted        JobState = "Aborted"
)

// terminal reports whether a job in state s will not change any more.
func (s JobState) terminal() bool {
	return s == StateJobComplete || s == StateFailed || s == StateAborted
}

// JobError is the error of a Bulk API 2.0 job. Read it with errors.As;
// errors.Is matches [ErrJobFailed], [ErrJobAborted] and, through Err, the
// sentinels and error codes of package sobjects and the context's errors.
type JobError struct {
	// Op says what was being done: "insert Account", "query".
	Op string
	// JobID is the id of the job; "" when the job could not be created.
	JobID string
	// State is the job's last known state; "" when unknown.
	State JobState
	// Message is the job's errorMessage, for a job that Salesforce failed.
	Message string
	// Err is the cause: an [*sobjects.Error], a context error,
	// [ErrJobFailed], [ErrJobAborted].
	Err error
}

// Error returns a one-line description such as
// "bulk: insert Account: job 750xx0000000001AAA: Failed: InvalidBatch : …".
func (e *JobError) Error() string {
	var b strings.Builder
	b.WriteString("bulk: ")
	b.WriteString(e.Op)
	if e.JobID != "" {
		b.WriteString(": job ")
		b.WriteString(e.JobID)
	}
	if e.State != "" {
		b.WriteString(": ")
		b.WriteString(string(e.State))
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.Err != nil && e.Err != ErrJobFailed && e.Err != ErrJobAborted {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *JobError) Unwrap() error { return e.Err }
