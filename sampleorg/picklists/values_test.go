package picklists

import (
	"sync"
	"testing"
)

// The table behind Values is checked against the constants by
// TestTortureOrgBuilds in internal/sfgen, on hostile values.

func TestValues(t *testing.T) {
	got := Values[AccountIndustryValue]()
	if len(got) != 32 || got[0] != AccountIndustryValueAgriculture || got[2] != AccountIndustryValueBanking || got[31] != AccountIndustryValueOther {
		t.Fatalf("Values[AccountIndustryValue]() = %q", got)
	}
	got[0] = "changed"
	if again := Values[AccountIndustryValue](); again[0] != AccountIndustryValueAgriculture {
		t.Errorf("a change to a returned slice shows in the next: %q", again[0])
	}
	if v := Values[string](); v != nil {
		t.Errorf("Values[string]() = %q, want nil", v)
	}
}

func TestValuesConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			if v := Values[LeadStatusValue](); len(v) != 4 || v[3] != LeadStatusValueClosedNotConverted {
				t.Errorf("Values[LeadStatusValue]() = %q", v)
			}
		})
	}
	wg.Wait()
}
