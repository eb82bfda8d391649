package main

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

// docxText is the text of a DOCX as Word shows it: a line per paragraph,
// a table row as its cells joined by " | ", and the page size as
// "page W×H" (twips), read from word/document.xml.
func docxText(t *testing.T, data []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("not a DOCX (zip) file: %v", err)
	}
	var raw []byte
	for _, f := range zr.File {
		if f.Name != "word/document.xml" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		raw, err = io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	if raw == nil {
		t.Fatal("the DOCX has no word/document.xml")
	}
	var out strings.Builder
	var cells []string
	var para strings.Builder
	inText, inRow := false, false
	dec := xml.NewDecoder(bytes.NewReader(raw))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("word/document.xml: %v", err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			switch el.Name.Local {
			case "t":
				inText = true
			case "p":
				para.Reset()
			case "tr":
				inRow, cells = true, nil
			case "pgSz":
				var w, h string
				for _, a := range el.Attr {
					switch a.Name.Local {
					case "w":
						w = a.Value
					case "h":
						h = a.Value
					}
				}
				out.WriteString("page " + w + "×" + h + "\n")
			}
		case xml.CharData:
			if inText {
				para.Write(el)
			}
		case xml.EndElement:
			switch el.Name.Local {
			case "t":
				inText = false
			case "p":
				if inRow {
					cells = append(cells, para.String())
				} else {
					out.WriteString(para.String() + "\n")
				}
			case "tr":
				inRow = false
				out.WriteString(strings.Join(cells, " | ") + "\n")
			}
		}
	}
	return out.String()
}
