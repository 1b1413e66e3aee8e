//! What the document says about itself: the document information
//! dictionary and the XMP metadata stream, with the same facts.
//!
//! **In:** [`PdfMeta`] and the document's ID. **Out:** `/Info` (title,
//! authors, subject, keywords, creator, creation and modification dates)
//! and an XMP packet (Dublin Core, XMP basic, PDF and media-management
//! properties). **Must not:** read the clock: the only date is
//! [`PdfMeta::timestamp`].

use pdf_writer::{Chunk, Date, Finish, Name, Ref, TextStr};

use super::PdfMeta;
use crate::date::Civil;
use crate::xml::XmlWriter;

/// The tool, as `/Creator` and `xmp:CreatorTool` name it.
pub(super) fn creator() -> String {
    format!("quire {}", env!("CARGO_PKG_VERSION"))
}

/// Writes the document information dictionary (the trailer's `/Info`).
pub(super) fn write_info(pdf: &mut pdf_writer::Pdf, id: Ref, meta: &PdfMeta) {
    let mut info = pdf.document_info(id);
    if !meta.title.is_empty() {
        info.title(TextStr(&meta.title));
    }
    if !meta.authors.is_empty() {
        info.author(TextStr(&meta.authors.join(", ")));
    }
    if let Some(description) = &meta.description {
        info.subject(TextStr(description));
    }
    if !meta.keywords.is_empty() {
        info.keywords(TextStr(&meta.keywords.join(", ")));
    }
    info.creator(TextStr(&creator()));
    if let Some(timestamp) = meta.timestamp {
        let civil = Civil::from_timestamp(timestamp);
        let date = Date::new(civil.year.clamp(0, 9999) as u16)
            .month(civil.month as u8)
            .day(civil.day as u8)
            .hour(civil.hour as u8)
            .minute(civil.minute as u8)
            .second(civil.second as u8)
            .utc_offset_hour(0)
            .utc_offset_minute(0);
        info.creation_date(date);
        info.modified_date(date);
    }
    info.finish();
}

/// Writes the XMP metadata stream at `id`; `document_id` is the hex form
/// of the document's ID.
pub(super) fn write_xmp(
    chunk: &mut Chunk,
    id: Ref,
    meta: &PdfMeta,
    document_id: &str,
    pages: usize,
) {
    let xmp = xmp(meta, document_id, pages);
    chunk
        .stream(id, xmp.as_bytes())
        .pair(Name(b"Type"), Name(b"Metadata"))
        .pair(Name(b"Subtype"), Name(b"XML"));
}

/// The XMP packet (uncompressed, as tools that scan for it expect).
pub(super) fn xmp(meta: &PdfMeta, document_id: &str, pages: usize) -> String {
    let mut x = XmlWriter::new();
    // quire's own markup: the packet's wrapper and its byte-order mark.
    x.raw_markup("<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>")
        .newline();
    x.start("x:xmpmeta").attr("xmlns:x", "adobe:ns:meta/");
    x.start("rdf:RDF")
        .attr("xmlns:rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#");
    x.start("rdf:Description")
        .attr("rdf:about", "")
        .attr("xmlns:dc", "http://purl.org/dc/elements/1.1/")
        .attr("xmlns:xmp", "http://ns.adobe.com/xap/1.0/")
        .attr("xmlns:pdf", "http://ns.adobe.com/pdf/1.3/")
        .attr("xmlns:xmpMM", "http://ns.adobe.com/xap/1.0/mm/")
        .attr("xmlns:xmpTPg", "http://ns.adobe.com/xap/1.0/t/pg/");
    x.element("dc:format", "application/pdf");
    if !meta.title.is_empty() {
        alternative(&mut x, "dc:title", &meta.title);
    }
    if !meta.authors.is_empty() {
        // One entry with every author, as in `/Author` (PDF/A's advice, so
        // that readers of either give the same list).
        x.start("dc:creator").start("rdf:Seq");
        x.start("rdf:li").text(&meta.authors.join(", ")).end();
        x.end().end();
    }
    if let Some(description) = &meta.description {
        alternative(&mut x, "dc:description", description);
    }
    if !meta.language.is_empty() {
        x.start("dc:language").start("rdf:Bag");
        x.element("rdf:li", &meta.language);
        x.end().end();
    }
    if !meta.keywords.is_empty() {
        x.element("pdf:Keywords", &meta.keywords.join(", "));
    }
    x.element("xmp:CreatorTool", &creator());
    if let Some(timestamp) = meta.timestamp {
        let c = Civil::from_timestamp(timestamp);
        let date = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            c.year, c.month, c.day, c.hour, c.minute, c.second
        );
        x.element("xmp:CreateDate", &date);
        x.element("xmp:ModifyDate", &date);
    }
    x.element("xmpTPg:NPages", &pages.to_string());
    x.element(
        "xmpMM:DocumentID",
        &format!("uuid:{}", uuid_form(document_id)),
    );
    x.element(
        "xmpMM:InstanceID",
        &format!("uuid:{}", uuid_form(document_id)),
    );
    x.end().end().end();
    x.newline().raw_markup("<?xpacket end=\"r\"?>");
    x.finish()
}

/// A text property with one `x-default` alternative.
fn alternative(x: &mut XmlWriter, name: &'static str, text: &str) {
    x.start(name).start("rdf:Alt");
    x.start("rdf:li")
        .attr("xml:lang", "x-default")
        .text(text)
        .end();
    x.end().end();
}

/// 32 hex digits in a UUID's groups (8-4-4-4-12).
fn uuid_form(hex: &str) -> String {
    let hex = format!("{hex:0<32}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}
