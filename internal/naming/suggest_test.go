package naming

import (
	"slices"
	"testing"
)

func TestClosest(t *testing.T) {
	names := []string{"Account", "AccountContactRole", "Contact", "Contract", "Widget__c", "Case", "Lead"}
	tests := []struct {
		name string
		want []string
	}{
		{"Acount", []string{"Account"}},
		{"ACCOUNTS", []string{"Account"}},
		{"Contct", []string{"Contact", "Contract"}},
		{"widget", []string{"Widget__c"}},
		{"Widget_c", []string{"Widget__c"}},
		{"Cas", []string{"Case"}},
		{"Xyzzy", nil},
		{"", nil},
	}
	for _, tt := range tests {
		if got := Closest(tt.name, names); !slices.Equal(got, tt.want) {
			t.Errorf("Closest(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
	if got := Closest("inlcude", []string{"package", "include", "exclude"}); !slices.Equal(got, []string{"include"}) {
		t.Errorf("Closest(inlcude) = %v", got)
	}
	if d := distance("kitten", "sitting"); d != 3 {
		t.Errorf("distance = %d, want 3", d)
	}
}
