package sobjects

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/typedforce/typedforce/gen"
	"github.com/typedforce/typedforce/sobjects/sftype"
)

// How far back getUpdated and getDeleted reach, in days before the day of
// the call (UTC).
const (
	UpdatedWindowDays = 30
	DeletedWindowDays = 15
)

// Updated is the result of [GetUpdated].
type Updated struct {
	// IDs are the records created or updated in the window.
	IDs []string `json:"ids"`
	// LatestDateCovered is where the next window should start.
	LatestDateCovered sftype.DateTime `json:"latestDateCovered"`
}

// Deleted is the result of [GetDeleted].
type Deleted struct {
	Records               []DeletedRecord `json:"deletedRecords"`
	EarliestDateAvailable sftype.DateTime `json:"earliestDateAvailable"`
	LatestDateCovered     sftype.DateTime `json:"latestDateCovered"`
}

// DeletedRecord is a record deleted in the window of [GetDeleted].
type DeletedRecord struct {
	ID          string          `json:"id"`
	DeletedDate sftype.DateTime `json:"deletedDate"`
}

// GetUpdated lists the records of T's sObject created or updated from
// start to end (GET /sobjects/{sObject}/updated), for replication. T names
// the sObject only, as in GetUpdated[sfmodel.Account](ctx, c, from, to).
//
// Salesforce's window rules are checked before anything is sent, with
// [ErrInvalidArgument]: seconds are ignored, so start must come before end
// once both are truncated to the minute, and start may not be more than 30
// days before the day of the call (UTC). Salesforce answers
// EXCEEDED_ID_LIMIT for more than 600,000 ids: narrow the window.
func GetUpdated[T any](ctx context.Context, c *Client, start, end time.Time, opts ...CallOption) (Updated, error) {
	obj, op, cfg, err := prepare[T]("get updated", opts)
	if err == nil {
		err = c.checkWindow(op, start, end, UpdatedWindowDays)
	}
	if err != nil {
		return Updated{}, err
	}
	params := &gen.GetUpdatedParams{Start: windowTime(start), End: windowTime(end)}
	return readOne[Updated](ctx, c, op, cfg, func(eds []gen.RequestEditorFn) (*http.Response, error) {
		return c.gen.GetUpdated(ctx, obj, params, eds...)
	})
}

// GetDeleted lists the records of T's sObject deleted from start to end
// (GET /sobjects/{sObject}/deleted), with the same rules as [GetUpdated]
// but a window of 15 days back (the recycle bin).
func GetDeleted[T any](ctx context.Context, c *Client, start, end time.Time, opts ...CallOption) (Deleted, error) {
	obj, op, cfg, err := prepare[T]("get deleted", opts)
	if err == nil {
		err = c.checkWindow(op, start, end, DeletedWindowDays)
	}
	if err != nil {
		return Deleted{}, err
	}
	params := &gen.GetDeletedParams{Start: windowTime(start), End: windowTime(end)}
	return readOne[Deleted](ctx, c, op, cfg, func(eds []gen.RequestEditorFn) (*http.Response, error) {
		return c.gen.GetDeleted(ctx, obj, params, eds...)
	})
}

// windowTime formats a window bound as Salesforce takes it: UTC, to the
// minute.
func windowTime(t time.Time) string {
	return t.UTC().Truncate(time.Minute).Format("2006-01-02T15:04:05+00:00")
}

// checkWindow applies the window rules of getUpdated and getDeleted.
func (c *Client) checkWindow(op string, start, end time.Time, days int) error {
	s, e := start.UTC().Truncate(time.Minute), end.UTC().Truncate(time.Minute)
	earliest := c.tr.now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -days)
	switch {
	case start.IsZero() || end.IsZero():
		return fmt.Errorf("%w: %s: start and end are required", ErrInvalidArgument, op)
	case !s.Before(e):
		return fmt.Errorf("%w: %s: start %s is not before end %s (to the minute)", ErrInvalidArgument, op,
			s.Format(time.RFC3339), e.Format(time.RFC3339))
	case s.Before(earliest):
		return fmt.Errorf("%w: %s: start %s is more than %d days before today (earliest %s)", ErrInvalidArgument, op,
			s.Format(time.RFC3339), days, earliest.Format(time.RFC3339))
	}
	return nil
}
