package sftype

import "time"

// text is the input of the hand-written parsers: a string (ParseX,
// UnmarshalText) or the bytes inside a JSON string (UnmarshalJSON), so that
// neither has to be converted, and copied, into the other.
type text interface{ ~string | ~[]byte }

// num2 returns the two-digit decimal number at s[i:i+2], or -1.
// The caller checks that len(s) >= i+2.
func num2[S text](s S, i int) int {
	a, b := uint(s[i])-'0', uint(s[i+1])-'0'
	if a > 9 || b > 9 {
		return -1
	}
	return int(a*10 + b)
}

// daysIn returns the number of days of month m in year y.
func daysIn(m time.Month, y int) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// validDate reports whether y-m-d is a calendar date with a four-digit year.
func validDate(y int, m time.Month, d int) bool {
	return 0 <= y && y <= 9999 && time.January <= m && m <= time.December && 1 <= d && d <= daysIn(m, y)
}

// validClock reports whether h:m:s.ns is a time of day (no leap second).
func validClock(h, m, s, ns int) bool {
	return 0 <= h && h < 24 && 0 <= m && m < 60 && 0 <= s && s < 60 && 0 <= ns && ns < 1e9
}

// parseYMD parses "yyyy-MM-dd" at the start of s, validating each field.
func parseYMD[S text](s S) (y int, m time.Month, d int, ok bool) {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return 0, 0, 0, false
	}
	hi, lo, mm, dd := num2(s, 0), num2(s, 2), num2(s, 5), num2(s, 8)
	if hi < 0 || lo < 0 || mm < 0 || dd < 0 {
		return 0, 0, 0, false
	}
	y, m, d = hi*100+lo, time.Month(mm), dd
	return y, m, d, validDate(y, m, d)
}

// parseClock parses "HH:mm:ss" at s[i:] and an optional fraction of one to
// nine digits, validating each field. next is the index after what it read.
func parseClock[S text](s S, i int) (h, m, sec, ns, next int, ok bool) {
	if len(s) < i+8 || s[i+2] != ':' || s[i+5] != ':' {
		return 0, 0, 0, 0, 0, false
	}
	h, m, sec = num2(s, i), num2(s, i+3), num2(s, i+6)
	if !validClock(h, m, sec, 0) {
		return 0, 0, 0, 0, 0, false
	}
	next = i + 8
	if next == len(s) || s[next] != '.' {
		return h, m, sec, 0, next, true
	}
	next++
	start, scale := next, int(1e9)
	for ; next < len(s) && next-start < 9; next++ {
		c := uint(s[next]) - '0'
		if c > 9 {
			break
		}
		ns = ns*10 + int(c)
		scale /= 10
	}
	if next == start || (next < len(s) && uint(s[next])-'0' <= 9) {
		// No digit after the point, or more than nine: leave it to time.Parse.
		return 0, 0, 0, 0, 0, false
	}
	return h, m, sec, ns * scale, next, true
}

// parseZone parses s[i:], which must be all of "Z", "±hhmm" or "±hh:mm" with
// hh < 24 and mm < 60, and returns the offset east of UTC in seconds.
func parseZone[S text](s S, i int) (offset int, ok bool) {
	n := len(s) - i
	if n == 1 && s[i] == 'Z' {
		return 0, true
	}
	var hh, mm int
	switch {
	case n == 5:
		hh, mm = num2(s, i+1), num2(s, i+3)
	case n == 6 && s[i+3] == ':':
		hh, mm = num2(s, i+1), num2(s, i+4)
	default:
		return 0, false
	}
	if !validClock(hh, mm, 0, 0) {
		return 0, false
	}
	offset = (hh*60 + mm) * 60
	switch s[i] {
	case '+':
		return offset, true
	case '-':
		return -offset, true
	}
	return 0, false
}

// zoneSuffixInRange reports whether the time zone that ends s, already
// accepted by time.Parse, has hh < 24 and mm < 60 (time.Parse lets "+2460" by).
func zoneSuffixInRange(s string) bool {
	n := len(s)
	switch {
	case n > 0 && s[n-1] == 'Z':
		return true
	case n >= 6 && s[n-3] == ':':
		_, ok := parseZone(s, n-6)
		return ok
	case n >= 5:
		_, ok := parseZone(s, n-5)
		return ok
	}
	return false
}

// unixDays returns the number of days from 1970-01-01 to y-m-d in the
// proleptic Gregorian calendar (the "days from civil" algorithm of
// Howard Hinnant), for a valid date with 0 <= y <= 9999.
func unixDays(y int, m time.Month, d int) int64 {
	// Shift by 400 years (146097 days) so that y stays positive for year 0.
	y += 400
	mp := int(m) - 3 // months from March
	if mp < 0 {
		y--
		mp += 12
	}
	era := y / 400
	yoe := y - era*400
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468 - 146097
}

// appendPadded appends v in decimal with at least width (at most 19) digits.
func appendPadded(b []byte, v, width int) []byte {
	if width == 2 && uint(v) < 100 { // the common case, unrolled
		return append(b, byte('0'+v/10), byte('0'+v%10))
	}
	u := uint64(v)
	if v < 0 {
		b = append(b, '-')
		u = -u
	}
	var buf [20]byte
	i := len(buf)
	for w := 0; w < width || u > 0; w++ {
		i--
		buf[i] = byte('0' + u%10)
		u /= 10
	}
	return append(b, buf[i:]...)
}
