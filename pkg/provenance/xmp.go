package provenance

import (
	"bytes"
	"encoding/xml"
	"strings"
)

// xmpNS is the namespace of this package's XMP properties.
const xmpNS = "https://novita.ai/ns/cli/1.0/"

// xmpPacket is a complete XMP packet holding the record (novita:provenance) and the parameters text
// (novita:parameters, also as dc:description so file browsers show it).
func xmpPacket(record []byte, params string) []byte {
	var b strings.Builder
	b.WriteString("<?xpacket begin=\"\ufeff\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n")
	b.WriteString(`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">`)
	b.WriteString(`<rdf:Description rdf:about="" xmlns:novita="` + xmpNS + `" xmlns:dc="http://purl.org/dc/elements/1.1/">`)
	b.WriteString("<novita:provenance>")
	xml.EscapeText(&b, record)
	b.WriteString("</novita:provenance><novita:parameters>")
	xml.EscapeText(&b, []byte(params))
	b.WriteString(`</novita:parameters><dc:description><rdf:Alt><rdf:li xml:lang="x-default">`)
	xml.EscapeText(&b, []byte(params))
	b.WriteString("</rdf:li></rdf:Alt></dc:description></rdf:Description></rdf:RDF></x:xmpmeta>\n")
	b.WriteString(`<?xpacket end="w"?>`)
	return []byte(b.String())
}

// ourXMP reports whether an XMP packet is one this package wrote.
func ourXMP(packet []byte) bool { return bytes.Contains(packet, []byte(xmpNS)) }

// xmpRecord extracts novita:provenance from an XMP packet; nil when absent.
func xmpRecord(packet []byte) []byte {
	d := xml.NewDecoder(bytes.NewReader(packet))
	d.Strict = false
	for {
		tok, err := d.Token()
		if err != nil {
			return nil
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Space == xmpNS && se.Name.Local == "provenance" {
			var s string
			if d.DecodeElement(&s, &se) != nil {
				return nil
			}
			return []byte(s)
		}
	}
}
