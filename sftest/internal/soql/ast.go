// Package soql parses the subset of SOQL that the fake org of package sftest
// answers: SELECT lists of fields and parent relationship paths or COUNT(),
// FROM one object, WHERE with comparisons, LIKE, IN and NOT IN joined by
// AND, OR and NOT with parentheses, ORDER BY with ASC/DESC and NULLS
// FIRST/LAST, LIMIT and OFFSET.
//
// Everything else is an [*Error] that names the construct, so that the fake
// never gives a wrong answer to a query it does not understand. Parsing is
// purely syntactic: names are resolved against the schema by the caller.
package soql

import "time"

// Query is a parsed SELECT statement.
type Query struct {
	// Count is true for SELECT COUNT() FROM …; Fields is then empty.
	Count bool
	// Fields lists the selected fields in order.
	Fields []Path
	// From is the sObject queried (a single name).
	From Path
	// Where is the filter, nil when there is none.
	Where Expr
	// OrderBy lists the sort keys in order.
	OrderBy []Order
	// Limit and Offset are -1 when absent.
	Limit, Offset int
	// LimitPos and OffsetPos are the positions of their numbers.
	LimitPos, OffsetPos int
}

// Path is a field name or a relationship path such as Account.Owner.Name,
// as written (names are case-insensitive).
type Path struct {
	Parts []string
	Pos   int // byte offset of its first character in the statement
}

// String returns the path as written, parts joined by dots.
func (p Path) String() string {
	s := ""
	for i, part := range p.Parts {
		if i > 0 {
			s += "."
		}
		s += part
	}
	return s
}

// Expr is a WHERE condition: *And, *Or, *Not, *Compare or *In.
type Expr interface{ expr() }

// And holds when every term holds.
type And struct{ Terms []Expr }

// Or holds when some term holds.
type Or struct{ Terms []Expr }

// Not holds when X does not.
type Not struct{ X Expr }

// Compare is Field Op Value, Op one of = != < <= > >= LIKE (<> is read as
// !=).
type Compare struct {
	Field Path
	Op    string
	OpPos int
	Value Value
}

// In is Field IN (Values…), or NOT IN when Not is set.
type In struct {
	Field  Path
	Not    bool
	OpPos  int
	Values []Value
}

func (*And) expr()     {}
func (*Or) expr()      {}
func (*Not) expr()     {}
func (*Compare) expr() {}
func (*In) expr()      {}

// Order is one ORDER BY key. NullsLast defaults to Desc (nulls sort
// first in ascending order and last in descending order).
type Order struct {
	Field     Path
	Desc      bool
	NullsLast bool
}

// Kind is the kind of a literal.
type Kind int

// The kinds of literals.
const (
	String Kind = iota + 1
	Number
	Bool
	Null
	Date
	DateTime
)

func (k Kind) String() string {
	switch k {
	case String:
		return "string"
	case Number:
		return "number"
	case Bool:
		return "boolean"
	case Null:
		return "null"
	case Date:
		return "date"
	case DateTime:
		return "dateTime"
	}
	return "unknown"
}

// Value is a literal of the statement.
type Value struct {
	Kind Kind
	Pos  int
	Text string // as written

	Str      string     // String: the decoded text (LIKE wildcards as plain % and _)
	Like     []LikeChar // String: the text as a LIKE pattern
	Num      float64    // Number
	Bool     bool       // Bool
	Date     string     // Date: YYYY-MM-DD
	DateTime time.Time  // DateTime, in UTC

	escWild bool // the string escapes % or _, which only LIKE allows
}

// LikeChar is one element of a LIKE pattern: a literal rune, or a wildcard
// (AnyRun for %, AnyOne for _).
type LikeChar struct {
	R    rune
	Wild Wildcard
}

// Wildcard tells the wildcards of a LIKE pattern apart.
type Wildcard int

// The wildcards; None is a literal rune.
const (
	None Wildcard = iota
	AnyRun
	AnyOne
)

// Error is a statement the package cannot parse, or a construct outside the
// subset (Unsupported). Pos is the byte offset where it was found.
type Error struct {
	Pos         int
	Msg         string
	Unsupported bool
}

func (e *Error) Error() string { return e.Msg }
