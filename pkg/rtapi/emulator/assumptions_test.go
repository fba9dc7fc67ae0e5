package emulator

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestAssumptionsDocumented keeps docs/emulator.md, the one list of the
// emulator's assumed behaviours, honest: every entry has an id, is marked
// assumed, names the tests that lean on it and says whether it can be
// configured; and the figures it quotes are the ones the code uses.
func TestAssumptionsDocumented(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "emulator.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	// The entries: from the first section to the emulator-only features.
	list := doc[strings.Index(doc, "\n## "):]
	list = list[:strings.Index(list, "\n## Emulator-only")]
	entry := regexp.MustCompile(`(?m)^- \*\*([A-Z]+\d+) · [^*]+\*\* \(\*assumed\*[^)]*\)\.`)
	starts := regexp.MustCompile(`(?m)^- \*\*`).FindAllStringIndex(list, -1)
	if len(starts) < 30 {
		t.Fatalf("%d entries; the list has lost some", len(starts))
	}
	seen := map[string]bool{}
	modelSetting := regexp.MustCompile("Configurable: .*`(" + SettingSyncDelay + "|" + SettingOfflineReport + "|" + SettingHighlightsCap + ")`")
	modelled := 0
	for i, s := range starts {
		end := len(list)
		if i+1 < len(starts) {
			end = starts[i+1][0]
		}
		text := list[s[0]:end]
		if h := strings.Index(text, "\n## "); h >= 0 {
			text = text[:h]
		}
		m := entry.FindStringSubmatch(text)
		if m == nil {
			t.Errorf("entry without an id or the assumed mark: %.60s", text)
			continue
		}
		if seen[m[1]] {
			t.Errorf("id %s used twice", m[1])
		}
		seen[m[1]] = true
		// A model of an unknown names the setting that selects it.
		flat := strings.Join(strings.Fields(text), " ")
		if strings.Contains(flat, "unknown on the real API, modelled for tests") && !modelSetting.MatchString(flat) {
			t.Errorf("%s is modelled but its Configurable line names no setting", m[1])
		}
		if strings.Contains(flat, "(*assumed*; unknown on the real API, modelled for tests)") {
			modelled++
		}
		for _, field := range []string{"\n  Tests: ", "\n  Configurable: "} {
			if !strings.Contains(text, field) {
				t.Errorf("%s has no %q line", m[1], strings.TrimSpace(field))
			}
		}
	}
	if modelled != 3 {
		t.Errorf("%d entries marked as models of an unknown, want 3 (AD1, AD2, F1)", modelled)
	}
	for _, fig := range []string{
		memberName,
		fmt.Sprintf("always answers the %d days before today", summaryDays),
		fmt.Sprintf("the last %d days", int(feedWindow/(24*time.Hour))),
		fmt.Sprintf("more than %d,%03d days", maxRangeDays/1000, maxRangeDays%1000),
		fmt.Sprintf("the last %d days, today included", alertDays),
		fmt.Sprintf("over %d MiB", maxBodyBytes>>20),
		"overview `" + offlineCategory + "`",
		"Productivity 0",
		// The models of the unknowns, under the names every way of setting them uses.
		"`" + SettingSyncDelay + "`", "`" + SettingOfflineReport + "`", "`" + SettingHighlightsCap + "`",
		"`" + string(OfflineAsPosted) + "`", "`" + string(OfflineOtherName) + "`", "`" + string(OfflineHidden) + "`",
		"Activity `" + OtherNameActivity + "`", "`" + OtherNameCategory + "`",
		fmt.Sprintf("%d minutes on Premium, %d on Lite", PremiumSyncInterval/time.Minute, LiteSyncInterval/time.Minute),
		fmt.Sprintf("a duration up to %dh", maxSyncDelay/time.Hour),
		"/_emulator/model?account=KEY",
	} {
		if !strings.Contains(doc, fig) {
			t.Errorf("docs/emulator.md does not quote %q", fig)
		}
	}
}
