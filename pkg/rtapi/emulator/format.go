package emulator

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// apiFloat is a float written as the Analytic Data API writes one: always
// with a decimal point, so a whole value is "2.0" or "100.0", never "2" or
// "100" (recorded, 2015). The daily summary does not: it writes "34", "0"
// (recorded), so it uses plain float64. A client that reads "2.0" as an integer, or expects
// "2", is tested against the answer it will meet.
type apiFloat float64

func (f apiFloat) String() string {
	s := strconv.FormatFloat(float64(f), 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// MarshalJSON writes the float as String does. JSON has no NaN nor
// infinity; the emulator never computes one, and refuses to write one.
func (f apiFloat) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
		return nil, fmt.Errorf("apiFloat: %v has no JSON form", float64(f))
	}
	return []byte(f.String()), nil
}
