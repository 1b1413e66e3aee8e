//! One page's content stream: its text runs, rules and images as PDF
//! operators.
//!
//! **In:** a frame [`Page`] (points from the top left, y down) and the
//! tables of the faces it uses. **Out:** the page's content stream
//! (uncompressed; [`super`] compresses it), and its cache [`key`].
//! **Must not:** depend on anything but the page and the tables: pages are
//! drawn in parallel, and a page whose key is unchanged is not drawn again.
//!
//! Text: one `BT`…`ET` for each stretch of text items; `Tf` and `Tz` (the
//! run's expansion, which widens the glyph shapes as the frame's advances
//! already are) only when they change; a `Tm` at each run's origin (PDF
//! space is bottom-up: y = page height − the frame's y); the glyphs as 2-byte
//! CIDs in a `TJ` whose numbers move the pen where the frame's advances and
//! x offsets differ from the font's widths; `Ts` for a y offset.
//!
//! Copying: each glyph's ToUnicode text is fixed for the document
//! ([`super::font`]). Where a glyph does not stand for exactly that text —
//! a cluster of several glyphs, a glyph that stands for nothing (the start
//! of a line continuing a hyphenated word), a hyphen that carries the rest
//! of its word, a glyph seen with another text first — the stretch is
//! wrapped in `/Span <</ActualText (…)>> BDC … EMC`, so a reader copies the
//! text the frame says.

use crate::typeset::frame::{Drawing, Item, Page, Print, TextRun, clusters};

use super::cache::Key;
use super::font::{FaceTable, gid};

/// Places of decimals positions, sizes and rises are written with
/// (thousandths of a point).
const POINT_SCALE: f32 = 1000.0;

/// Places of decimals of `TJ` numbers (tenths of a thousandth of an em);
/// each number makes up for the rounding of those before it, so the pen
/// never strays more than half that from the frame's position.
const ADJUST_SCALE: f64 = 10.0;

/// The tables of the used faces by face index, for a page to look its
/// glyphs up in.
pub(super) type Tables<'a> = [Option<&'a FaceTable>];

/// The key of a page's content stream in the cache: a hash of everything
/// that goes into its bytes. That is the page's items (its sheet's
/// fingerprint, made once however many builds share the sheet, and its
/// own items'), and what the stream takes from the document for the glyphs
/// and images they draw: each glyph's fingerprint in `tables` (its CID,
/// width and ToUnicode text, which change when the document's glyph set
/// does) and whether each image is drawn. `drawing` is what the page's
/// own items draw.
pub(super) fn key(
    page: &Page,
    drawing: &Drawing,
    tables: &Tables,
    drawable: &dyn Fn(usize) -> bool,
) -> u128 {
    let own = Print::of(&page.items, drawing);
    let sheet = page.sheet.print();
    let images = page.sheet.drawing().images.iter().chain(&drawing.images);
    let mut key = Key::new(b"page");
    key.bytes(&page.height.to_bits().to_le_bytes());
    key.bytes(&sheet.fingerprint.to_le_bytes());
    key.bytes(&own.fingerprint.to_le_bytes());
    let mut prints: Vec<u8> = Vec::with_capacity(8 * (sheet.glyphs.len() + own.glyphs.len()));
    for &(face, id) in sheet.glyphs.iter().chain(&own.glyphs) {
        let table = tables.get(face).copied().flatten();
        let print = table.map_or(0, |t| t.prints[usize::from(t.cid(id))]);
        prints.extend(print.to_le_bytes());
    }
    key.u64(prints.len() as u64).bytes(&prints);
    for &image in images {
        key.u64(image as u64).bytes(&[u8::from(drawable(image))]);
    }
    key.value()
}

/// The content stream of `page`. `drawable(image)` says whether the
/// image was embedded (one that was not is left out).
pub(super) fn content(page: &Page, tables: &Tables, drawable: &dyn Fn(usize) -> bool) -> Vec<u8> {
    let mut writer = Writer {
        out: Vec::with_capacity(8192),
        height: page.height,
        in_text: false,
        font: None,
        scaling: 1.0,
        rise: 0.0,
    };
    for positioned in page.all_items() {
        match &positioned.item {
            Item::Text(run) => {
                if let Some(Some(table)) = tables.get(run.face)
                    && !run.glyphs.is_empty()
                {
                    writer.text(positioned.x, positioned.y, run, table);
                }
            }
            Item::Rule { width, height } => {
                writer.end_text();
                let y = page.height - positioned.y - height;
                writer.num(positioned.x);
                writer.num(y);
                writer.num(*width);
                writer.num(*height);
                writer.op(b"re f\n");
            }
            Item::Image {
                image,
                width,
                height,
                ..
            } => {
                if !drawable(*image) {
                    continue;
                }
                writer.end_text();
                // The unit square scaled to the box, its top at y.
                writer.op(b"q ");
                writer.num(*width);
                writer.op(b"0 0 ");
                writer.num(*height);
                writer.num(positioned.x);
                writer.num(page.height - positioned.y - height);
                writer.op(b"cm /Im");
                writer.int(*image as i64);
                writer.op(b" Do Q\n");
            }
        }
    }
    writer.end_text();
    writer.out
}

/// Writes operators, remembering the text state.
struct Writer {
    out: Vec<u8>,
    height: f32,
    in_text: bool,
    /// The face and size `Tf` set last.
    font: Option<(usize, f32)>,
    /// The horizontal scaling `Tz` set last (1 = 100 %).
    scaling: f32,
    /// The rise `Ts` set last.
    rise: f32,
}

impl Writer {
    fn op(&mut self, op: &[u8]) {
        self.out.extend_from_slice(op);
    }

    /// An integer and a space.
    fn int(&mut self, n: i64) {
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        let mut rest = n.unsigned_abs();
        loop {
            at -= 1;
            digits[at] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        if n < 0 {
            self.out.push(b'-');
        }
        self.out.extend_from_slice(&digits[at..]);
    }

    /// A number rounded to `places` decimals (`scale` = 10^places) with its
    /// trailing zeros dropped, and a space.
    fn fixed(&mut self, value: f64, scale: u32, places: usize) {
        let scaled = (value * f64::from(scale)).round();
        let scaled = if scaled.is_finite() { scaled as i64 } else { 0 };
        let (whole, mut fraction) = (scaled / i64::from(scale), (scaled % i64::from(scale)).abs());
        if scaled < 0 && whole == 0 {
            self.out.push(b'-');
        }
        self.int(whole);
        if fraction != 0 {
            self.out.push(b'.');
            let mut digits = [b'0'; 8];
            for place in (0..places).rev() {
                digits[place] = b'0' + (fraction % 10) as u8;
                fraction /= 10;
            }
            let mut end = places;
            while digits[end - 1] == b'0' {
                end -= 1;
            }
            self.out.extend_from_slice(&digits[..end]);
        }
        self.out.push(b' ');
    }

    /// A length in points.
    fn num(&mut self, value: f32) {
        self.fixed(f64::from(value), POINT_SCALE as u32, 3);
    }

    fn begin_text(&mut self) {
        if !self.in_text {
            self.op(b"BT\n");
            self.in_text = true;
        }
    }

    fn end_text(&mut self) {
        if self.in_text {
            self.op(b"ET\n");
            self.in_text = false;
        }
    }

    fn set_rise(&mut self, rise: f32) {
        let rise = super::font::round(rise, POINT_SCALE);
        if rise != self.rise {
            self.num(rise);
            self.op(b"Ts\n");
            self.rise = rise;
        }
    }

    /// A text run with its origin (baseline, left) at `x`, `y`.
    fn text(&mut self, x: f32, y: f32, run: &TextRun, table: &FaceTable) {
        self.begin_text();
        let size = super::font::round(run.size, POINT_SCALE);
        if self.font != Some((run.face, size)) {
            self.op(b"/F");
            self.int(run.face as i64);
            self.op(b" ");
            self.num(size);
            self.op(b"Tf\n");
            self.font = Some((run.face, size));
        }
        let scaling = super::font::round(run.expansion * 100.0, POINT_SCALE) / 100.0;
        if scaling != self.scaling {
            self.num(scaling * 100.0);
            self.op(b"Tz\n");
            self.scaling = scaling;
        }
        self.op(b"1 0 0 1 ");
        self.num(x);
        self.num(self.height - y);
        self.op(b"Tm\n");

        // Thousandths of an em per point of the frame: frames hold advances
        // already widened by the expansion, which `Tz` applies to the pen.
        let per_point = 1000.0 / (f64::from(run.size) * f64::from(run.expansion));
        let per_point = if per_point.is_finite() {
            per_point
        } else {
            0.0
        };
        let mut pen = Pen {
            target: 0.0,
            at: 0.0,
            per_point,
        };
        let mut shown = Shown::default();
        for segment in segments(run, table) {
            if let Some(actual) = segment.actual {
                // The pen moves to the span's first glyph before the span,
                // so a span of one glyph is shown with `Tj`.
                pen.shift(&segment.glyphs[0], &mut shown);
                self.flush(&mut shown);
                self.op(b"/Span <</ActualText ");
                text_string(&mut self.out, actual);
                self.op(b">> BDC\n");
                self.glyphs(segment.glyphs, run, table, &mut pen, &mut shown);
                self.flush(&mut shown);
                self.op(b"EMC\n");
            } else {
                self.glyphs(segment.glyphs, run, table, &mut pen, &mut shown);
            }
        }
        self.flush(&mut shown);
        self.set_rise(0.0);
    }

    /// Adds glyphs to the text being shown, a `TJ` number before each whose
    /// position the font's widths would not give.
    fn glyphs(
        &mut self,
        glyphs: &[crate::typeset::frame::PlacedGlyph],
        run: &TextRun,
        table: &FaceTable,
        pen: &mut Pen,
        shown: &mut Shown,
    ) {
        for glyph in glyphs {
            let rise = super::font::round(glyph.y_offset, POINT_SCALE);
            if rise != self.rise {
                self.flush(shown);
                self.set_rise(rise);
            }
            let cid = table.cid(glyph.id);
            pen.shift(glyph, shown);
            shown.glyph(cid);
            pen.at += f64::from(table.widths[usize::from(cid)]);
            pen.target += f64::from(glyph.advance) * pen.per_point;
        }
        let _ = run;
    }

    /// Writes the text gathered so far: `Tj` for one string alone, else a
    /// `TJ` array.
    fn flush(&mut self, shown: &mut Shown) {
        if shown.items.is_empty() {
            return;
        }
        let single = matches!(shown.items[..], [ShownItem::Glyphs(_, _)]);
        if !single {
            self.op(b"[");
        }
        for item in &shown.items {
            match *item {
                ShownItem::Glyphs(start, end) => {
                    self.out.push(b'(');
                    for &cid in &shown.cids[start..end] {
                        literal16(&mut self.out, cid);
                    }
                    self.out.push(b')');
                }
                ShownItem::Adjust(amount) => {
                    self.out.push(b' ');
                    self.fixed(amount, ADJUST_SCALE as u32, 1);
                }
            }
        }
        self.op(if single { b" Tj\n" } else { b"] TJ\n" });
        shown.items.clear();
        shown.cids.clear();
    }
}

/// The pen along a run, in thousandths of an em from its origin.
struct Pen {
    /// Where the frame puts the next glyph's origin.
    target: f64,
    /// Where the PDF's pen is.
    at: f64,
    per_point: f64,
}

impl Pen {
    /// Moves the PDF's pen to where `glyph` goes (its origin plus its x
    /// offset), rounded, with a `TJ` number.
    fn shift(&mut self, glyph: &crate::typeset::frame::PlacedGlyph, shown: &mut Shown) {
        let wanted = self.target + f64::from(glyph.x_offset) * self.per_point;
        let shift = ((wanted - self.at) * ADJUST_SCALE).round() / ADJUST_SCALE;
        if shift != 0.0 {
            shown.adjust(-shift);
            self.at += shift;
        }
    }
}

/// The strings and numbers of a `TJ` being gathered (kept between runs to
/// spare allocations).
#[derive(Default)]
struct Shown {
    cids: Vec<u16>,
    items: Vec<ShownItem>,
}

#[derive(Clone, Copy)]
enum ShownItem {
    /// The CIDs `cids[start..end]`, one string.
    Glyphs(usize, usize),
    /// A `TJ` number (thousandths of an em, positive moves left).
    Adjust(f64),
}

impl Shown {
    fn glyph(&mut self, cid: u16) {
        let at = self.cids.len();
        self.cids.push(cid);
        match self.items.last_mut() {
            Some(ShownItem::Glyphs(_, end)) => *end = at + 1,
            _ => self.items.push(ShownItem::Glyphs(at, at + 1)),
        }
    }

    fn adjust(&mut self, amount: f64) {
        self.items.push(ShownItem::Adjust(amount));
    }
}

/// Four hex digits of a CID.
/// A CID as two bytes of a literal string, big-endian: half the size of
/// hex, so less to compress. A backslash escapes the string's delimiters
/// and itself, and a carriage return, which a reader would otherwise take
/// for an end of line and read as a line feed (ISO 32000-1, 7.3.4.2).
pub(super) fn literal16(out: &mut Vec<u8>, value: u16) {
    for byte in value.to_be_bytes() {
        match byte {
            b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', byte]),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(byte),
        }
    }
}

fn hex16(out: &mut Vec<u8>, value: u16) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.extend_from_slice(&[
        HEX[usize::from(value >> 12)],
        HEX[usize::from((value >> 8) & 15)],
        HEX[usize::from((value >> 4) & 15)],
        HEX[usize::from(value & 15)],
    ]);
}

/// A PDF text string as a hex string of UTF-16BE with its byte-order mark:
/// nothing in it needs escaping, whatever the text.
pub(super) fn text_string(out: &mut Vec<u8>, text: &str) {
    if text.is_empty() {
        out.extend_from_slice(b"()");
        return;
    }
    out.extend_from_slice(b"<FEFF");
    for unit in text.encode_utf16() {
        hex16(out, unit);
    }
    out.push(b'>');
}

/// A stretch of a run's glyphs, copied as the ToUnicode map says
/// (`actual` is `None`) or as `actual` says.
pub(super) struct Segment<'a> {
    pub glyphs: &'a [crate::typeset::frame::PlacedGlyph],
    pub actual: Option<&'a str>,
}

/// A run's glyphs cut where copying by the ToUnicode map would not give the
/// run's text: each cluster of several glyphs, and each glyph whose text is
/// not its ToUnicode text, is a segment of its own with its text as
/// ActualText; the glyphs between are plain segments.
pub(super) fn segments<'a>(
    run: &'a TextRun,
    table: &'a FaceTable,
) -> impl Iterator<Item = Segment<'a>> + 'a {
    let glyphs = &run.glyphs[..];
    let mut start = 0;
    let mut clusters = clusters(glyphs).peekable();
    let mut at = 0;
    std::iter::from_fn(move || {
        // Plain clusters are gathered into one segment.
        while let Some(cluster) = clusters.peek() {
            let text = run.text.get(cluster[0].bytes()).unwrap_or("");
            let plain = cluster.len() == 1
                && !text.is_empty()
                && table.text(u32::from(gid(&cluster[0]))) == Some(text);
            if !plain {
                break;
            }
            at += cluster.len();
            clusters.next();
        }
        if at > start {
            let segment = Segment {
                glyphs: &glyphs[start..at],
                actual: None,
            };
            start = at;
            return Some(segment);
        }
        let cluster = clusters.next()?;
        let text = run.text.get(cluster[0].bytes()).unwrap_or("");
        at += cluster.len();
        let segment = Segment {
            glyphs: &glyphs[start..at],
            actual: Some(text),
        };
        start = at;
        Some(segment)
    })
}
