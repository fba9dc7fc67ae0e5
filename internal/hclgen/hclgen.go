// Package hclgen writes configuration that declares what an account already
// holds (rtctl import), through hclwrite, so that it is formatted as rtctl
// fmt would and every string is quoted and escaped as HCL needs.
package hclgen

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/rtctl/rtctl/pkg/rtapi"
)

// Highlights returns a configuration file declaring hs exactly as the feed
// shows them (date and description: the feed does not return a source), one
// highlight block each, named by date and a digest of the description so
// that importing again names them the same.
func Highlights(hs []rtapi.Highlight, importedOn time.Time) []byte {
	f := hclwrite.NewEmptyFile()
	body := f.Body()
	body.AppendUnstructuredTokens(hclwrite.Tokens{{
		Type: hclsyntax.TokenComment,
		Bytes: []byte(fmt.Sprintf("# Imported by rtctl import highlights on %s: these highlights were in the\n"+
			"# account already. Declared here, the next plan shows them in sync and posts\n"+
			"# nothing. A highlight edited here is held, not posted (see rtctl plan).\n", importedOn.Format("2006-01-02"))),
	}})
	used := map[string]bool{}
	for _, h := range hs {
		date := h.Date.Format(time.DateOnly)
		body.AppendNewline()
		b := body.AppendNewBlock("highlight", []string{blockName(date, h.Description, used)})
		b.Body().SetAttributeValue("date", cty.StringVal(date))
		b.Body().SetAttributeValue("description", cty.StringVal(h.Description))
	}
	return hclwrite.Format(f.Bytes())
}

// blockName names a highlight "imported_2026_11_20_a1b2", unique in used.
func blockName(date, description string, used map[string]bool) string {
	sum := sha256.Sum256([]byte(description))
	base := "imported_" + strings.ReplaceAll(date, "-", "_") + "_" + hex.EncodeToString(sum[:2])
	name := base
	for i := 2; used[name]; i++ {
		name = fmt.Sprintf("%s_%d", base, i)
	}
	used[name] = true
	return name
}
