package auth

import "time"

// SetWaitHook makes s call fn whenever a caller is about to wait for a
// refresh. Set it before s is used.
func SetWaitHook(s *Session, fn func()) { s.waitHook = fn }

// SetClock replaces the clock of s. Set it before s is used.
func SetClock(s *Session, now func() time.Time) { s.now = now }
