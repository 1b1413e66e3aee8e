//! Frames: what the typesetter hands to the PDF writer. Pages of positioned
//! items in points, origin at the top left, y downwards; nothing else.
//!
//! **In:** made by the typesetter's stages. **Out:** read by `pdf/` (and by
//! tests that measure the layout). **Must not:** refer to the model or to
//! Markdown: a frame knows glyphs, faces, rules and images, not paragraphs.

use std::fmt::Write;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use super::shape::FaceId;

/// The print edition as the PDF writer sees it: pages, and what a viewer
/// offers to move through them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Document {
    /// The pages, first to last.
    pub pages: Vec<Page>,
    /// The bookmarks (the PDF outline), nested: chapters, their sections,
    /// and the subsections of those.
    pub outline: Vec<Bookmark>,
    /// How the pages are numbered, as ranges each starting at a page; the
    /// first starts at page 0. A viewer shows these numbers (PDF
    /// `/PageLabels`), the ones printed on the pages.
    pub labels: Vec<LabelRange>,
}

/// One page.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Page {
    /// Width in points.
    pub width: f32,
    /// Height in points.
    pub height: f32,
    /// What a chapter's layout put on it, drawn first: shared, not copied,
    /// by every build that takes the chapter from a cache.
    pub sheet: Arc<Sheet>,
    /// What is drawn over the sheet, in drawing order (the book's assembly
    /// adds the running head and the folio here).
    pub items: Vec<Positioned>,
    /// Areas that go somewhere when clicked.
    pub links: Vec<Link>,
}

impl Page {
    /// An empty page of the given size.
    pub fn new(width: f32, height: f32) -> Page {
        Page {
            width,
            height,
            sheet: Arc::default(),
            items: Vec::new(),
            links: Vec::new(),
        }
    }

    /// Everything on the page, in drawing order: the sheet's items, then
    /// the page's own.
    pub fn all_items(&self) -> impl Iterator<Item = &Positioned> + Clone {
        self.sheet.items().iter().chain(&self.items)
    }

    /// Makes the items so far the page's sheet (after any it had).
    pub fn seal(&mut self) {
        let mut items = self.sheet.items().to_vec();
        items.append(&mut self.items);
        self.sheet = Arc::new(Sheet::new(items));
    }
}

/// Items set once and never changed, with what a reader of them asks for
/// at every build (what they draw, their print), made the first time it is
/// asked for and kept.
#[derive(Debug, Default, Clone)]
pub struct Sheet {
    /// The items, in drawing order; read from `packed` when first asked
    /// for.
    items: OnceLock<Vec<Positioned>>,
    /// The items as a cache kept them (postcard), for a sheet read back
    /// from a cache: most builds that take a sheet need only its drawing
    /// and its print, and never read its items.
    packed: Option<Box<[u8]>>,
    drawing: OnceLock<Drawing>,
    print: OnceLock<Print>,
}

/// What a sheet draws, for the PDF's glyph tables (every build needs it).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Drawing {
    /// The clusters drawn ([`clusters`]), in the order first drawn; a
    /// cluster of one glyph appears once with the first text it stands
    /// for, and again each time it stands for another.
    pub drawn: Vec<Drawn>,
    /// The images drawn (their indices), each once, in order.
    pub images: Vec<usize>,
}

impl Drawing {
    /// What `items` draw.
    pub fn of(items: &[Positioned]) -> Drawing {
        let mut images: Vec<usize> = items
            .iter()
            .filter_map(|p| match p.item {
                Item::Image { image, .. } => Some(image),
                _ => None,
            })
            .collect();
        images.sort_unstable();
        images.dedup();
        Drawing {
            drawn: drawn(items),
            images,
        }
    }
}

/// What tells a sheet apart, for a cache's keys (a build without a cache
/// never makes it).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Print {
    /// A hash (XXH3-128) of every field of every item: two sheets with the
    /// same fingerprint hold the same items, bit for bit.
    pub fingerprint: u128,
    /// The glyphs drawn, as (face, glyph id), each once, in order.
    pub glyphs: Vec<(FaceId, u32)>,
}

impl Print {
    /// The print of `items`, which draw `drawing`.
    pub fn of(items: &[Positioned], drawing: &Drawing) -> Print {
        let mut glyphs: Vec<(FaceId, u32)> = drawing
            .drawn
            .iter()
            .flat_map(|d| d.ids.iter().map(move |&id| (d.face, id)))
            .collect();
        glyphs.sort_unstable();
        glyphs.dedup();
        Print {
            fingerprint: fingerprint(items),
            glyphs,
        }
    }
}

/// A cluster drawn: the glyphs of one face that stand together for a
/// stretch of a run's text, and that text.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Drawn {
    /// The face.
    pub face: FaceId,
    /// The glyph ids, in order (never none).
    pub ids: Box<[u32]>,
    /// The text they stand for (empty when the run's range is not text).
    pub text: Box<str>,
}

/// The glyphs of a run in clusters: stretches of glyphs that stand for the
/// same text range.
pub fn clusters(glyphs: &[PlacedGlyph]) -> impl Iterator<Item = &[PlacedGlyph]> {
    glyphs.chunk_by(|a, b| a.text == b.text)
}

/// The clusters `items` draw, in the order first drawn (a cluster of one
/// glyph once for the first text it stands for, and again each time it
/// stands for another).
pub fn drawn(items: &[Positioned]) -> Vec<Drawn> {
    // A glyph alone, by the first text it stood for: almost always the
    // only one. (A glyph seen again with another text is listed again;
    // listing one twice changes nothing for a reader of the list.)
    let mut seen: rustc_hash::FxHashMap<(FaceId, u32), &str> = Default::default();
    let mut drawn = Vec::new();
    for positioned in items {
        let Item::Text(run) = &positioned.item else {
            continue;
        };
        for cluster in clusters(&run.glyphs) {
            let text = run.text.get(cluster[0].bytes()).unwrap_or("");
            if cluster.len() == 1 {
                match seen.entry((run.face, cluster[0].id)) {
                    std::collections::hash_map::Entry::Occupied(first) => {
                        if *first.get() == text {
                            continue;
                        }
                    }
                    std::collections::hash_map::Entry::Vacant(slot) => {
                        slot.insert(text);
                    }
                }
            }
            drawn.push(Drawn {
                face: run.face,
                ids: cluster.iter().map(|g| g.id).collect(),
                text: text.into(),
            });
        }
    }
    drawn
}

impl Sheet {
    /// A sheet of `items`.
    pub fn new(items: Vec<Positioned>) -> Sheet {
        Sheet {
            items: OnceLock::from(items),
            packed: None,
            drawing: OnceLock::new(),
            print: OnceLock::new(),
        }
    }

    /// The items, in drawing order. (Those of a sheet read back from a
    /// cache are decoded here, once; the cache's checksum and format
    /// stand for their bytes, so they decode: were they not to, the sheet
    /// would be empty.)
    pub fn items(&self) -> &[Positioned] {
        self.items.get_or_init(|| {
            self.packed
                .as_deref()
                .and_then(|bytes| postcard::from_bytes(bytes).ok())
                .unwrap_or_default()
        })
    }

    /// What the items draw, found once.
    pub fn drawing(&self) -> &Drawing {
        self.drawing.get_or_init(|| Drawing::of(self.items()))
    }

    /// The items' print, made once.
    pub fn print(&self) -> &Print {
        self.print
            .get_or_init(|| Print::of(self.items(), self.drawing()))
    }
}

impl PartialEq for Sheet {
    fn eq(&self, other: &Sheet) -> bool {
        self.items() == other.items()
    }
}

/// A sheet as it is kept: its items (as one string of bytes, so that
/// reading the sheet back need not decode them), their drawing and their
/// print (made now if they were not yet, so that a build reading the sheet
/// back need not make them).
impl serde::Serialize for Sheet {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let packed = match (&self.packed, self.items.get()) {
            (Some(packed), _) => std::borrow::Cow::Borrowed(&**packed),
            (None, items) => std::borrow::Cow::Owned(
                postcard::to_stdvec(items.map_or(&[][..], Vec::as_slice))
                    .map_err(serde::ser::Error::custom)?,
            ),
        };
        serde::Serialize::serialize(
            &(serde_bytes_of(&packed), self.drawing(), self.print()),
            serializer,
        )
    }
}

impl<'de> serde::Deserialize<'de> for Sheet {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Sheet, D::Error> {
        let (packed, drawing, print): (&[u8], Drawing, Print) =
            serde::Deserialize::deserialize(deserializer)?;
        Ok(Sheet {
            items: OnceLock::new(),
            packed: Some(packed.into()),
            drawing: OnceLock::from(drawing),
            print: OnceLock::from(print),
        })
    }
}

/// Bytes that serialize as one string of bytes (not a sequence of
/// numbers).
fn serde_bytes_of(bytes: &[u8]) -> BytesOf<'_> {
    BytesOf(bytes)
}

struct BytesOf<'a>(&'a [u8]);

impl serde::Serialize for BytesOf<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(self.0)
    }
}

/// The XXH3-128 hash of `items`, field by field (see
/// [`Print::fingerprint`]).
pub fn fingerprint(items: &[Positioned]) -> u128 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut scratch: Vec<u8> = Vec::with_capacity(4096);
    for positioned in items {
        scratch.clear();
        scratch.extend(positioned.x.to_bits().to_le_bytes());
        scratch.extend(positioned.y.to_bits().to_le_bytes());
        match &positioned.item {
            Item::Text(run) => {
                scratch.push(0);
                scratch.extend((run.face as u64).to_le_bytes());
                scratch.extend(run.size.to_bits().to_le_bytes());
                scratch.extend(run.expansion.to_bits().to_le_bytes());
                scratch.extend((run.text.len() as u64).to_le_bytes());
                scratch.extend(run.text.as_bytes());
                scratch.extend((run.glyphs.len() as u64).to_le_bytes());
                for glyph in &run.glyphs {
                    let mut record = [0u8; 32];
                    record[0..4].copy_from_slice(&glyph.id.to_le_bytes());
                    record[4..8].copy_from_slice(&glyph.advance.to_bits().to_le_bytes());
                    record[8..12].copy_from_slice(&glyph.x_offset.to_bits().to_le_bytes());
                    record[12..16].copy_from_slice(&glyph.y_offset.to_bits().to_le_bytes());
                    record[16..24].copy_from_slice(&(glyph.text.start as u64).to_le_bytes());
                    record[24..32].copy_from_slice(&(glyph.text.end as u64).to_le_bytes());
                    scratch.extend_from_slice(&record);
                }
            }
            Item::Rule { width, height } => {
                scratch.push(1);
                scratch.extend(width.to_bits().to_le_bytes());
                scratch.extend(height.to_bits().to_le_bytes());
            }
            Item::Image {
                image,
                width,
                height,
                alt,
            } => {
                scratch.push(2);
                scratch.extend((*image as u64).to_le_bytes());
                scratch.extend(width.to_bits().to_le_bytes());
                scratch.extend(height.to_bits().to_le_bytes());
                scratch.extend((alt.len() as u64).to_le_bytes());
                scratch.extend(alt.as_bytes());
            }
        }
        hasher.update(&scratch);
    }
    hasher.digest128()
}

/// A clickable area of a page.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Link {
    /// Left edge, in points from the page's left edge.
    pub x: f32,
    /// Top edge, in points from the page's top edge.
    pub y: f32,
    /// Width in points.
    pub width: f32,
    /// Height in points.
    pub height: f32,
    /// Where it goes.
    pub target: Target,
}

/// Where a link or a bookmark goes.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Target {
    /// A place in this document: a page (its index, from 0) and a point on
    /// it, in points from the page's top-left corner (the view puts this
    /// point at its top left).
    Place {
        /// The page's index.
        page: usize,
        /// From the page's left edge.
        x: f32,
        /// From the page's top edge.
        y: f32,
    },
    /// An address outside the document.
    Uri(String),
}

/// An entry of the outline.
#[derive(Debug, Clone, PartialEq)]
pub struct Bookmark {
    /// What the viewer lists.
    pub title: String,
    /// Where it goes: always a [`Target::Place`].
    pub target: Target,
    /// Entries under it.
    pub children: Vec<Bookmark>,
}

/// The numbering of a run of pages, from [`LabelRange::start`] to the next
/// range's start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabelRange {
    /// The index of the range's first page, from 0.
    pub start: usize,
    /// How its numbers are written.
    pub style: Numbering,
    /// The number of its first page.
    pub first: u32,
}

/// How page numbers are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numbering {
    /// i, ii, iii (front matter).
    LowerRoman,
    /// 1, 2, 3.
    Arabic,
}

impl Numbering {
    /// `number` written in this style.
    pub fn format(self, number: u32) -> String {
        match self {
            Numbering::Arabic => number.to_string(),
            Numbering::LowerRoman => roman(number),
        }
    }
}

/// `number` in lower-case Roman numerals (`0` has none: empty).
fn roman(mut number: u32) -> String {
    const DIGITS: [(u32, &str); 13] = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut out = String::new();
    for (value, digits) in DIGITS {
        while number >= value {
            out.push_str(digits);
            number -= value;
        }
    }
    out
}

/// An item at a place on the page.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Positioned {
    /// Left edge, in points from the page's left edge.
    pub x: f32,
    /// For text, the baseline; for rules and images, the top edge; in
    /// points from the page's top edge.
    pub y: f32,
    /// The item.
    pub item: Item,
}

/// What can be drawn.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Item {
    /// A run of glyphs of one face and size.
    Text(TextRun),
    /// A filled rectangle (a rule).
    Rule {
        /// Width in points.
        width: f32,
        /// Thickness in points.
        height: f32,
    },
    /// An image of the book, scaled to the box.
    Image {
        /// Index into the book's images.
        image: usize,
        /// Width in points.
        width: f32,
        /// Height in points.
        height: f32,
        /// Alternative text.
        alt: String,
    },
}

/// Glyphs set in one face at one size, with the text they stand for.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TextRun {
    /// The face.
    pub face: FaceId,
    /// Size in points.
    pub size: f32,
    /// The glyphs, left to right (kept packed: see [`packed`]).
    #[serde(with = "packed")]
    pub glyphs: Vec<PlacedGlyph>,
    /// The text the glyphs' ranges index into: what copying the run gives.
    pub text: String,
    /// Horizontal scale of the glyph shapes (font expansion of a justified
    /// line): 1 for none. Advances and offsets are already scaled.
    pub expansion: f32,
}

impl TextRun {
    /// The run's advance width.
    pub fn width(&self) -> f32 {
        self.glyphs.iter().map(|g| g.advance).sum()
    }
}

/// A glyph in a run.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PlacedGlyph {
    /// The glyph in its face.
    pub id: u32,
    /// How far the pen moves after it, in points (justification included).
    pub advance: f32,
    /// Horizontal shift, in points.
    pub x_offset: f32,
    /// Vertical shift, in points, up positive.
    pub y_offset: f32,
    /// The bytes of [`TextRun::text`] it stands for; glyphs of one cluster
    /// share a range, and a range may be empty (the second half of a
    /// hyphenated word, whose first half stands for the whole word).
    /// Offsets are 32-bit (a run's text is a line's), which keeps a glyph
    /// at 24 bytes: a book holds millions of them.
    pub text: Range<u32>,
}

impl PlacedGlyph {
    /// [`text`](Self::text), for slicing the run's text.
    #[inline]
    pub fn bytes(&self) -> Range<usize> {
        self.text.start as usize..self.text.end as usize
    }
}

/// A byte offset in a run's text as [`PlacedGlyph::text`] keeps it (past
/// 4 GiB, which no run reaches, the last offset kept).
#[inline]
pub fn offset(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A run's glyphs as they are kept on disk: one byte string of short
/// records, which reads back an order of magnitude faster than a
/// field-by-field encoding (a cache hit reads every glyph of every page it
/// takes). A record is a byte of flags, the id (two bytes, four when it
/// does not fit), the advance's bits, then only what is not the usual: the
/// x and y offsets when not zero, the text's start when not where the
/// glyph before ended, its end when the text is not one byte (varints).
/// Most glyphs take 7 bytes (a third of fixed 24-byte records: the layout
/// cache of the large corpus book went from 50 to about 20 MB).
mod packed {
    use super::PlacedGlyph;

    /// The id takes four bytes, not two.
    const WIDE: u8 = 1;
    /// The horizontal offset is not zero (its bits follow).
    const X: u8 = 2;
    /// The vertical offset is not zero.
    const Y: u8 = 4;
    /// The text does not start where the glyph before's ended (its start
    /// follows).
    const START: u8 = 8;
    /// The text is not one byte long (its end follows).
    const END: u8 = 16;

    pub fn serialize<S: serde::Serializer>(
        glyphs: &[PlacedGlyph],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        // Most glyphs: the flags, a two-byte id and the advance.
        let mut bytes = Vec::with_capacity(glyphs.len() * 7 + 8);
        let mut ended = 0;
        for glyph in glyphs {
            let wide = glyph.id > u32::from(u16::MAX);
            let (x, y) = (glyph.x_offset.to_bits(), glyph.y_offset.to_bits());
            let text = &glyph.text;
            let flags = if wide { WIDE } else { 0 }
                | if x != 0 { X } else { 0 }
                | if y != 0 { Y } else { 0 }
                | if text.start != ended { START } else { 0 }
                | if Some(text.end) != text.start.checked_add(1) {
                    END
                } else {
                    0
                };
            bytes.push(flags);
            if wide {
                bytes.extend(glyph.id.to_le_bytes());
            } else {
                bytes.extend((glyph.id as u16).to_le_bytes());
            }
            bytes.extend(glyph.advance.to_bits().to_le_bytes());
            if x != 0 {
                bytes.extend(x.to_le_bytes());
            }
            if y != 0 {
                bytes.extend(y.to_le_bytes());
            }
            if flags & START != 0 {
                varint(&mut bytes, u64::from(text.start));
            }
            if flags & END != 0 {
                varint(&mut bytes, u64::from(text.end));
            }
            ended = text.end;
        }
        serializer.serialize_bytes(&bytes)
    }

    /// `n` in seven-bit groups, lowest first, the high bit set on all but
    /// the last.
    fn varint(bytes: &mut Vec<u8>, mut n: u64) {
        while n >= 0x80 {
            bytes.push((n as u8) | 0x80);
            n >>= 7;
        }
        bytes.push(n as u8);
    }

    /// Reads glyph records; `None` for bytes that are not whole records.
    struct Reader<'a> {
        bytes: &'a [u8],
    }

    impl Reader<'_> {
        fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
            let (head, rest) = self.bytes.split_first_chunk::<N>()?;
            self.bytes = rest;
            Some(*head)
        }

        /// A varint, `None` past 32 bits (no text offset is).
        fn varint(&mut self) -> Option<u32> {
            let mut n: u64 = 0;
            for shift in (0..64).step_by(7) {
                let [byte] = self.take::<1>()?;
                n |= u64::from(byte & 0x7f).checked_shl(shift)?;
                if byte & 0x80 == 0 {
                    return u32::try_from(n).ok();
                }
            }
            None
        }

        fn glyph(&mut self, ended: u32) -> Option<PlacedGlyph> {
            let [flags] = self.take::<1>()?;
            if flags & !(WIDE | X | Y | START | END) != 0 {
                return None;
            }
            let id = if flags & WIDE != 0 {
                u32::from_le_bytes(self.take()?)
            } else {
                u32::from(u16::from_le_bytes(self.take()?))
            };
            let advance = f32::from_bits(u32::from_le_bytes(self.take()?));
            let mut offset = |flag: u8| -> Option<f32> {
                Some(if flags & flag != 0 {
                    f32::from_bits(u32::from_le_bytes(self.take()?))
                } else {
                    0.0
                })
            };
            let x_offset = offset(X)?;
            let y_offset = offset(Y)?;
            let start = if flags & START != 0 {
                self.varint()?
            } else {
                ended
            };
            let end = if flags & END != 0 {
                self.varint()?
            } else {
                start.checked_add(1)?
            };
            Some(PlacedGlyph {
                id,
                advance,
                x_offset,
                y_offset,
                text: start..end,
            })
        }
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<PlacedGlyph>, D::Error> {
        let bytes: &[u8] = serde::Deserialize::deserialize(deserializer)?;
        let mut reader = Reader { bytes };
        let mut glyphs = Vec::with_capacity(bytes.len() / 7);
        let mut ended = 0;
        while !reader.bytes.is_empty() {
            let glyph = reader
                .glyph(ended)
                .ok_or_else(|| serde::de::Error::custom("cut or bad glyph records"))?;
            ended = glyph.text.end;
            glyphs.push(glyph);
        }
        Ok(glyphs)
    }
}

/// A text form of positioned pages, for golden files and for reading a
/// layout without a PDF viewer: a line `page N WxH` per page, then one line
/// per item in drawing order:
///
/// ```text
/// 1 72.00 96.50 text face=2 size=10.00 exp=1.000 w=216.00 "Every morning"
/// 1 72.00 400.00 rule 60.00x0.40
/// 1 72.00 420.00 image 0 120.00x80.00 "alt text"
/// ```
///
/// The fields are the page number (from 1), x and y of
/// [`Positioned`], the kind, then for text the face index, size, expansion
/// ([`TextRun::expansion`]), advance width and text of the run, for rules
/// width × thickness, for images the index, size and alternative text.
/// Lengths are in points to two decimals and expansion to three, with `-0`
/// written as `0`, so the text is the same on every machine and a change
/// below the rounding does not show. Strings are quoted with Rust's `{:?}`.
pub fn dump(pages: &[Page]) -> String {
    let mut out = String::new();
    for (n, page) in pages.iter().enumerate() {
        let n = n + 1;
        let _ = writeln!(
            out,
            "page {n} {}x{}",
            fixed(page.width, 2),
            fixed(page.height, 2)
        );
        for positioned in page.all_items() {
            let (x, y) = (fixed(positioned.x, 2), fixed(positioned.y, 2));
            let _ = match &positioned.item {
                Item::Text(run) => writeln!(
                    out,
                    "{n} {x} {y} text face={} size={} exp={} w={} {:?}",
                    run.face,
                    fixed(run.size, 2),
                    fixed(run.expansion, 3),
                    fixed(run.width(), 2),
                    run.text
                ),
                Item::Rule { width, height } => {
                    writeln!(
                        out,
                        "{n} {x} {y} rule {}x{}",
                        fixed(*width, 2),
                        fixed(*height, 2)
                    )
                }
                Item::Image {
                    image,
                    width,
                    height,
                    alt,
                } => writeln!(
                    out,
                    "{n} {x} {y} image {image} {}x{} {alt:?}",
                    fixed(*width, 2),
                    fixed(*height, 2)
                ),
            };
        }
    }
    out
}

/// `value` with `decimals` decimals; a value that rounds to zero is `0`
/// whatever its sign, so that `-0.001` and `0.001` read alike.
fn fixed(value: f32, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    match text.strip_prefix('-') {
        Some(rest) if rest.bytes().all(|b| b == b'0' || b == b'.') => rest.to_string(),
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, advances: &[f32], expansion: f32) -> TextRun {
        TextRun {
            face: 3,
            size: 10.0,
            glyphs: advances
                .iter()
                .enumerate()
                .map(|(i, &advance)| PlacedGlyph {
                    id: i as u32,
                    advance,
                    x_offset: 0.0,
                    y_offset: 0.0,
                    text: offset(i)..offset(i + 1),
                })
                .collect(),
            text: text.to_string(),
            expansion,
        }
    }

    #[test]
    fn dump_writes_one_line_per_item() {
        let pages = vec![
            Page {
                width: 360.0,
                height: 540.0,
                sheet: Default::default(),
                items: vec![
                    Positioned {
                        x: 54.004,
                        y: 100.126,
                        item: Item::Text(run("Ab \"c\"", &[5.5, 4.25, 2.0], 1.0137)),
                    },
                    Positioned {
                        x: -0.001,
                        y: 200.0,
                        item: Item::Rule {
                            width: 72.0,
                            height: 0.4,
                        },
                    },
                ],
                links: Vec::new(),
            },
            Page {
                width: 360.0,
                height: 540.0,
                sheet: Default::default(),
                items: vec![Positioned {
                    x: 10.0,
                    y: 20.0,
                    item: Item::Image {
                        image: 1,
                        width: 100.0,
                        height: 50.5,
                        alt: "A map".to_string(),
                    },
                }],
                links: Vec::new(),
            },
        ];
        assert_eq!(
            dump(&pages),
            "page 1 360.00x540.00\n\
             1 54.00 100.13 text face=3 size=10.00 exp=1.014 w=11.75 \"Ab \\\"c\\\"\"\n\
             1 0.00 200.00 rule 72.00x0.40\n\
             page 2 360.00x540.00\n\
             2 10.00 20.00 image 1 100.00x50.50 \"A map\"\n"
        );
    }

    fn text_at(y: f32, text: &str) -> Positioned {
        Positioned {
            x: 72.0,
            y,
            item: Item::Text(run(text, &[5.0, 4.0, 3.0], 1.0)),
        }
    }

    #[test]
    fn a_sealed_page_keeps_its_items_in_order_under_the_ones_added_after() {
        let mut page = Page::new(360.0, 540.0);
        page.items.push(text_at(100.0, "abc"));
        page.items.push(text_at(112.0, "def"));
        page.seal();
        assert!(page.items.is_empty());
        assert_eq!(page.sheet.items().len(), 2);
        page.items.push(text_at(520.0, "12"));
        let texts: Vec<&str> = page
            .all_items()
            .map(|p| match &p.item {
                Item::Text(run) => run.text.as_str(),
                _ => "",
            })
            .collect();
        assert_eq!(texts, ["abc", "def", "12"]);
        // A clone shares the sheet, it does not copy it.
        let copy = page.clone();
        assert!(Arc::ptr_eq(&copy.sheet, &page.sheet));
    }

    #[test]
    fn a_sheets_drawing_and_print_tell_apart_any_change_and_survive_the_cache() {
        let items = vec![
            text_at(100.0, "abc"),
            Positioned {
                x: 10.0,
                y: 20.0,
                item: Item::Image {
                    image: 4,
                    width: 100.0,
                    height: 50.0,
                    alt: "A map".into(),
                },
            },
            text_at(112.0, "bca"),
        ];
        let sheet = Sheet::new(items.clone());
        let drawing = sheet.drawing().clone();
        let print = sheet.print().clone();
        assert_eq!(drawing, Drawing::of(&items));
        assert_eq!(print, Print::of(&items, &drawing));
        // Each glyph once, by face and id; each image once.
        assert_eq!(print.glyphs, [(3, 0), (3, 1), (3, 2)]);
        assert_eq!(drawing.images, [4]);
        // One advance a hundredth of a point wider, one character of the
        // alternative text: another fingerprint.
        let print_of = |items: &[Positioned]| Print::of(items, &Drawing::of(items)).fingerprint;
        let mut wider = items.clone();
        if let Item::Text(run) = &mut wider[2].item {
            run.glyphs[1].advance += 0.01;
        }
        assert_ne!(print_of(&wider), print.fingerprint);
        let mut alt = items.clone();
        if let Item::Image { alt, .. } = &mut alt[1].item {
            alt.push('s');
        }
        assert_ne!(print_of(&alt), print.fingerprint);
        // The clusters drawn, in order: each glyph of `abc` and `bca` is
        // a cluster of its own, and `b` stands for `b` then for `c`.
        let drawn: Vec<(u32, &str)> = drawing.drawn.iter().map(|d| (d.ids[0], &*d.text)).collect();
        assert_eq!(
            drawn,
            [(0, "a"), (1, "b"), (2, "c"), (0, "b"), (1, "c"), (2, "a")]
        );
        let twice = Drawing::of(&[items[0].clone(), items[0].clone()]);
        assert_eq!(twice.drawn.len(), 3, "a cluster drawn again is listed once");
        // Kept as bytes and read back: the drawing and print at once, the
        // items when asked for.
        let bytes = postcard::to_stdvec(&sheet).unwrap();
        let back: Sheet = postcard::from_bytes(&bytes).unwrap();
        assert!(back.items.get().is_none(), "not decoded yet");
        assert_eq!((back.drawing(), back.print()), (&drawing, &print));
        assert!(back.items.get().is_none(), "neither needs the items");
        assert_eq!(back, sheet);
        assert_eq!(back.items(), &items[..]);
        // Kept again without being read: the same bytes.
        let again: Sheet = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(postcard::to_stdvec(&again).unwrap(), bytes);
    }

    #[test]
    fn glyphs_are_kept_as_short_records_and_bad_ones_are_refused() {
        let mut glyphs = run("xyz", &[5.5, -0.25, 3.0], 1.0);
        let bytes = postcard::to_stdvec(&glyphs).unwrap();
        let back: TextRun = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(back, glyphs);
        // Three plain glyphs, each a byte of flags, a two-byte id and a
        // four-byte advance, after their length, somewhere in the run.
        let records: Vec<u8> = glyphs
            .glyphs
            .iter()
            .flat_map(|g| {
                let mut record = vec![0u8];
                record.extend((g.id as u16).to_le_bytes());
                record.extend(g.advance.to_bits().to_le_bytes());
                record
            })
            .collect();
        let at = bytes
            .windows(records.len())
            .position(|w| w == records)
            .expect("the records, packed");
        assert_eq!(bytes[at - 1], 21, "their length");
        // Offsets, a wide id, a text that starts elsewhere or is not one
        // byte long, a -0 offset, a range to the last 32-bit offset: each
        // kept exactly.
        glyphs.glyphs[0].id = 70_000;
        glyphs.glyphs[1].x_offset = 1.5;
        glyphs.glyphs[1].y_offset = -0.0;
        glyphs.glyphs[2].y_offset = -2.0;
        glyphs.glyphs[2].text = 1..3;
        let mut far = glyphs.clone();
        far.glyphs[0].text = 0..u32::MAX;
        for glyphs in [glyphs, far.clone()] {
            let bytes = postcard::to_stdvec(&glyphs).unwrap();
            let back: TextRun = postcard::from_bytes(&bytes).unwrap();
            assert_eq!(back, glyphs);
            let bits = |run: &TextRun| -> Vec<u32> {
                run.glyphs.iter().map(|g| g.y_offset.to_bits()).collect()
            };
            assert_eq!(bits(&back), bits(&glyphs), "-0 stays -0");
        }
        // A record cut short, or with flags no writer sets, does not read.
        let mut cut = bytes.clone();
        cut[at - 1] = 20;
        cut.remove(at + 20);
        assert!(postcard::from_bytes::<TextRun>(&cut).is_err());
        let mut odd = bytes.clone();
        odd[at] = 0x80;
        assert!(postcard::from_bytes::<TextRun>(&odd).is_err());
        // An offset past 32 bits, which no writer makes, does not read.
        let mut past = postcard::to_stdvec(&far).unwrap();
        let end = past
            .windows(5)
            .position(|w| w == [0xff, 0xff, 0xff, 0xff, 0x0f])
            .expect("the last offset, as a varint");
        past[end + 4] = 0x1f;
        assert!(postcard::from_bytes::<TextRun>(&past).is_err());
    }

    #[test]
    fn roman_numerals() {
        let written: Vec<String> = [1, 2, 4, 9, 14, 40, 90, 1999]
            .iter()
            .map(|&n| Numbering::LowerRoman.format(n))
            .collect();
        assert_eq!(
            written,
            ["i", "ii", "iv", "ix", "xiv", "xl", "xc", "mcmxcix"]
        );
        assert_eq!(Numbering::Arabic.format(12), "12");
    }

    #[test]
    fn fixed_drops_the_sign_of_zero() {
        assert_eq!(fixed(-0.004, 2), "0.00");
        assert_eq!(fixed(-0.0, 3), "0.000");
        assert_eq!(fixed(-0.006, 2), "-0.01");
        assert_eq!(fixed(12.345_67, 2), "12.35");
    }
}
