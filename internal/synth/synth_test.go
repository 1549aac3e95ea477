package synth

import (
	"bytes"
	"encoding/xml"
	"io"
	"testing"
)

func TestWriteIsWellFormed(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, Options{Pools: 3, Sites: 2}); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !bytes.HasPrefix(b, []byte("\uFEFF<?xml")) || !bytes.Contains(b, []byte("\r\n")) || bytes.Contains(bytes.ReplaceAll(b, []byte("\r\n"), nil), []byte("\n")) {
		t.Fatal("want a BOM and CRLF line endings only")
	}
	d := xml.NewDecoder(bytes.NewReader(b[3:]))
	adds := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "site" {
			adds++
		}
	}
	if adds != 2 {
		t.Fatalf("%d sites, want 2", adds)
	}
}
