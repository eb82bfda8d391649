package main

import (
	"os"
	"os/exec"
	"testing"
)

// pdfText reads a PDF back as text with poppler's pdftotext (the pure-Go
// readers garble fpdf's Cyrillic). Without it the test is skipped, except
// in CI, which installs it.
func pdfText(t *testing.T, path string) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("BMJBT_REQUIRE_PDFTOTEXT") != "" {
			t.Fatal("pdftotext is missing and CI requires it (.ci/run installs poppler-utils)")
		}
		t.Skip("pdftotext is missing: apt-get install -y poppler-utils (.ci/run installs it)")
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}
