package sftest

import (
	"net/http"
	"time"
)

// Windows of getUpdated and getDeleted, back from the day of the call.
const (
	updatedDays = 30
	deletedDays = 15
)

// window reads start and end of a getUpdated or getDeleted request:
// seconds are ignored; start must come before end and no earlier than
// days before the day of the call.
func (o *Org) window(r *http.Request, days int) (start, end time.Time, _ *apiError) {
	q := r.URL.Query()
	start, ok1 := parseDateTime(q.Get("start"))
	end, ok2 := parseDateTime(q.Get("end"))
	if !ok1 || !ok2 {
		return start, end, errorf(http.StatusBadRequest, "INVALID_REPLICATION_DATE", "start and end must be date-times such as 2024-01-31T00:00:00+00:00")
	}
	start, end = start.UTC().Truncate(time.Minute), end.UTC().Truncate(time.Minute)
	earliest := o.now().Truncate(24*time.Hour).AddDate(0, 0, -days)
	switch {
	case !start.Before(end):
		return start, end, errorf(http.StatusBadRequest, "INVALID_REPLICATION_DATE", "startDate must chronologically precede endDate")
	case start.Before(earliest):
		return start, end, errorf(http.StatusBadRequest, "INVALID_REPLICATION_DATE", "startDate cannot be more than %d days ago", days)
	}
	return start, end, nil
}

// updated serves GET /sobjects/{sObject}/updated: the ids of live records
// changed (created or updated) in the window.
func (o *Org) updated(r *http.Request, obj *object) response {
	start, end, apiErr := o.window(r, updatedDays)
	if apiErr != nil {
		return errResponse(apiErr)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	ids := []string{}
	for _, rec := range o.table(obj).recs {
		if !rec.deleted && !rec.modstamp.Before(start) && rec.modstamp.Before(end) {
			ids = append(ids, rec.id)
		}
	}
	return jsonResponse(http.StatusOK, mustJSON(map[string]any{"ids": ids, "latestDateCovered": formatDateTime(end)}))
}

// deleted serves GET /sobjects/{sObject}/deleted: the records deleted in
// the window, with the time of their deletion.
func (o *Org) deleted(r *http.Request, obj *object) response {
	start, end, apiErr := o.window(r, deletedDays)
	if apiErr != nil {
		return errResponse(apiErr)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	type deleted struct {
		ID          string `json:"id"`
		DeletedDate string `json:"deletedDate"`
	}
	recs := []deleted{}
	for _, rec := range o.table(obj).recs {
		if rec.deleted && !rec.modstamp.Before(start) && rec.modstamp.Before(end) {
			recs = append(recs, deleted{rec.id, formatDateTime(rec.modstamp)})
		}
	}
	earliest := o.now().Truncate(24*time.Hour).AddDate(0, 0, -deletedDays)
	return jsonResponse(http.StatusOK, mustJSON(map[string]any{"deletedRecords": recs,
		"earliestDateAvailable": formatDateTime(earliest), "latestDateCovered": formatDateTime(end)}))
}
