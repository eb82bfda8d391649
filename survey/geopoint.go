package survey

import (
	"strconv"
	"strings"
)

// ReadPoint reads a place as people type one: "42.87 74.59", "42,87
// 74,59" (a decimal comma), "42.87, 74.59", "42.87;74.59", or ODK's own
// "42.87 74.59 1200 5" (altitude and accuracy). It gives ODK's form,
// "lat lon alt accuracy", with 0 for what was not given; false for what
// is not a point on the Earth (a latitude beyond ±90, a longitude beyond
// ±180).
func ReadPoint(raw string) (string, bool) {
	parts := pointParts(strings.TrimSpace(raw))
	if len(parts) != 2 && len(parts) != 4 {
		return "", false
	}
	nums := make([]float64, len(parts))
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.Replace(strings.Replace(p, "−", "-", 1), ",", ".", 1), 64)
		if err != nil || f != f || f > 1e6 || f < -1e6 { // f != f: NaN
			return "", false
		}
		nums[i] = f
	}
	if nums[0] < -90 || nums[0] > 90 || nums[1] < -180 || nums[1] > 180 {
		return "", false
	}
	if len(nums) == 2 {
		nums = append(nums, 0, 0)
	}
	out := make([]string, len(nums))
	for i, f := range nums {
		out[i] = strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strings.Join(out, " "), true
}

// pointParts splits a typed point into its numbers. Spaces separate them
// when there are spaces (a comma at a number's end goes with the space);
// without spaces, a ";" or the one comma does, unless that comma is the
// only decimal mark a single number could have.
func pointParts(s string) []string {
	if f := strings.Fields(strings.ReplaceAll(s, ";", " ")); len(f) > 1 {
		var out []string
		for _, p := range f {
			if p = strings.Trim(p, ","); p != "" {
				out = append(out, p)
			}
		}
		return out
	}
	switch strings.Count(s, ",") {
	case 1: // "42.87,74.59"; "42,87" is one number with a decimal comma
		if strings.Contains(s, ".") {
			return strings.Split(s, ",")
		}
	case 3: // "42,87,74,59": two numbers with decimal commas
		p := strings.Split(s, ",")
		return []string{p[0] + "," + p[1], p[2] + "," + p[3]}
	}
	return []string{s}
}

// shownPoint is a kept point as a resident reads it: latitude and
// longitude only.
func shownPoint(v string) string {
	f := strings.Fields(v)
	if len(f) < 2 {
		return v
	}
	return f[0] + " " + f[1]
}
