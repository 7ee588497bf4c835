package sftest

import "testing"

func TestIDs(t *testing.T) {
	for _, tt := range []struct{ id15, want string }{
		{"001xx000003DGb2", "001xx000003DGb2AAG"}, // the wire facts' example
		{"003RM0000068xVC", "003RM0000068xVCYAY"},
		{"00Dxx0000001gPF", "00Dxx0000001gPFEAY"},
	} {
		if got, ok := normID(tt.id15); !ok || got != tt.want {
			t.Errorf("normID(%s) = %s, want %s", tt.id15, got, tt.want)
		}
		if got, ok := normID(tt.want); !ok || got != tt.want {
			t.Errorf("normID(%s) = %s", tt.want, got)
		}
	}
	for _, bad := range []string{"", "001", "001xx000003DGb2AA", "001xx000003DGb2-AG", "001xx000003DGb2AAGX"} {
		if _, ok := normID(bad); ok {
			t.Errorf("normID(%q) accepted", bad)
		}
	}
	seen := map[string]bool{}
	for _, n := range []int{1, 2, 61, 62, 63, 62 * 62, 1e9} {
		id := newID("a01", n)
		if len(id) != 18 || id[:5] != "a01xx" || seen[id] {
			t.Errorf("newID(a01, %d) = %s", n, id)
		}
		if norm, _ := normID(id); norm != id {
			t.Errorf("newID(a01, %d) = %s has a bad suffix", n, id)
		}
		seen[id] = true
	}
	if got := newID("001", 1); got != "001xx0000000001AAA" {
		t.Errorf("first Account id %s", got)
	}
}
