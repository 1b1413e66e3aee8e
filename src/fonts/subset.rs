//! Subsetting a face for embedding in an e-book: only the glyphs the text
//! needs, still a complete OpenType font a reading system can use.
//!
//! **In:** a [`Face`] and the characters to keep. **Out:** the bytes of an
//! OpenType font with those characters in its `cmap`, the glyphs they reach
//! through the layout features a browser applies (ligatures, kerning, small
//! capitals, old-style figures…), and the `GSUB`/`GPOS` tables cut to match.
//! **Must not:** change a glyph's outline or metrics.
//!
//! `skera` (the Rust port of HarfBuzz's subsetter) plans the subset and
//! writes every table but CFF outlines, which it leaves out. For a CFF face
//! the outlines come from `subsetter` (Typst's PDF subsetter) given the very
//! same glyph order, and the two are joined into one `OTTO` font here.

use read_fonts::FontRef;
use read_fonts::collections::IntSet;
use read_fonts::types::{GlyphId, NameId, Tag};

use super::Face;

/// Layout features kept besides HarfBuzz's defaults: those quire's style
/// sheet or a reader's settings can turn on.
const EXTRA_FEATURES: [&[u8; 4]; 9] = [
    b"smcp", b"c2sc", b"onum", b"lnum", b"pnum", b"tnum", b"sups", b"subs", b"ordn",
];

/// Tables no reading system needs.
const DROPPED_TABLES: [&[u8; 4]; 10] = [
    b"DSIG", b"JSTF", b"LTSH", b"PCLT", b"EBDT", b"EBLC", b"EBSC", b"morx", b"mort", b"kerx",
];

/// Why a face could not be subset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubsetError(pub String);

impl std::fmt::Display for SubsetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A font with the characters `chars` (and what shaping them can reach).
pub fn subset(face: &Face, chars: &[char]) -> Result<Vec<u8>, SubsetError> {
    let error = |what: &str, e: &dyn std::fmt::Display| {
        SubsetError(format!("{}: {what}: {e}", face.file_name))
    };
    let font = FontRef::new(face.bytes()).map_err(|e| error("unreadable", &e))?;

    let mut unicodes = IntSet::<u32>::empty();
    unicodes.extend(chars.iter().map(|&c| c as u32));
    let mut drop = IntSet::<Tag>::empty();
    drop.extend(DROPPED_TABLES.iter().map(|t| Tag::new(t)));
    let mut scripts = IntSet::<Tag>::empty();
    scripts.invert();
    let mut features = IntSet::<Tag>::empty();
    features.extend(skera::DEFAULT_LAYOUT_FEATURES.iter().copied());
    features.extend(EXTRA_FEATURES.iter().map(|t| Tag::new(t)));
    // Family, style, version, PostScript name and the licence records.
    let mut names = IntSet::<NameId>::empty();
    names.insert_range(NameId::from(0)..=NameId::from(14));
    let mut languages = IntSet::<u16>::empty();
    languages.insert(0x0409);

    let plan = skera::Plan::new(
        &IntSet::<GlyphId>::empty(),
        &unicodes,
        &font,
        skera::SubsetFlags::default(),
        &drop,
        &scripts,
        &features,
        &names,
        &languages,
    );
    let planned = skera::subset_font(&font, &plan).map_err(|e| error("cannot subset", &e))?;
    let cff = Tag::new(b"CFF ");
    if font.table_data(cff).is_none() {
        return Ok(planned);
    }

    // The CFF outlines, in skera's glyph order.
    let mut order: Vec<(u32, u32)> = plan
        .old_to_new_glyph_mapping()
        .map(|(old, new)| (old.to_u32(), new.to_u32()))
        .collect();
    order.sort_by_key(|&(_, new)| new);
    let mut remapper = subsetter::GlyphRemapper::new();
    for (position, &(old, new)) in order.iter().enumerate() {
        let old = u16::try_from(old).map_err(|e| error("glyph id", &e))?;
        if new as usize != position || u32::from(remapper.remap(old)) != new {
            return Err(SubsetError(format!(
                "{}: the glyph orders of the two subsetters differ",
                face.file_name
            )));
        }
    }
    let outlines = subsetter::subset(face.bytes(), 0, &remapper)
        .map_err(|e| error("cannot subset its CFF outlines", &format!("{e:?}")))?;
    let outlines = FontRef::new(&outlines).map_err(|e| error("CFF subset", &e))?;
    let planned = FontRef::new(&planned).map_err(|e| error("subset", &e))?;
    let mut tables: Vec<(Tag, &[u8])> = planned
        .table_directory
        .table_records()
        .iter()
        .filter(|record| record.tag() != cff)
        .filter_map(|record| Some((record.tag(), planned.table_data(record.tag())?.as_bytes())))
        .collect();
    let cff_data = outlines.table_data(cff).ok_or_else(|| {
        SubsetError(format!(
            "{}: the CFF subset has no outlines",
            face.file_name
        ))
    })?;
    tables.push((cff, cff_data.as_bytes()));
    Ok(assemble(u32::from_be_bytes(*b"OTTO"), &mut tables))
}

/// An OpenType file from its tables: the table directory sorted by tag, each
/// table 4-byte aligned with its checksum, and `head.checkSumAdjustment` set
/// so the whole file sums to the magic number.
pub(super) fn assemble(version: u32, tables: &mut [(Tag, &[u8])]) -> Vec<u8> {
    tables.sort_by_key(|(tag, _)| *tag);
    let count = tables.len() as u16;
    let selector = (15 - count.max(1).leading_zeros()) as u16; // floor(log2(count))
    let search_range = (1u16 << selector) * 16;
    let mut out = Vec::new();
    out.extend(version.to_be_bytes());
    out.extend(count.to_be_bytes());
    out.extend(search_range.to_be_bytes());
    out.extend(selector.to_be_bytes());
    out.extend((count * 16 - search_range).to_be_bytes());
    let mut body: Vec<u8> = Vec::new();
    let start = 12 + 16 * tables.len();
    let mut head_adjustment = None;
    for (tag, data) in tables.iter() {
        let offset = start + body.len();
        let mut data = data.to_vec();
        if *tag == Tag::new(b"head") && data.len() >= 12 {
            data[8..12].fill(0);
            head_adjustment = Some(offset + 8);
        }
        out.extend(tag.to_be_bytes());
        out.extend(checksum(&data).to_be_bytes());
        out.extend((offset as u32).to_be_bytes());
        out.extend((data.len() as u32).to_be_bytes());
        body.extend(&data);
        body.resize(body.len().next_multiple_of(4), 0);
    }
    out.extend(body);
    if let Some(at) = head_adjustment {
        let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at..at + 4].copy_from_slice(&adjustment.to_be_bytes());
    }
    out
}

/// The OpenType checksum: the sum of big-endian 32-bit words, zero-padded.
fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, chunk| {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

#[cfg(test)]
mod tests {
    use super::super::FontSet;
    use super::*;
    use read_fonts::TableProvider;

    fn glyph_count(font: &[u8]) -> u16 {
        FontRef::new(font).unwrap().maxp().unwrap().num_glyphs()
    }

    fn maps(font: &[u8], c: char) -> bool {
        let font = FontRef::new(font).unwrap();
        font.cmap()
            .unwrap()
            .map_codepoint(c)
            .is_some_and(|g| g.to_u32() != 0)
    }

    #[test]
    fn cff_face_keeps_its_characters_outlines_and_layout() {
        let set = FontSet::embedded();
        let face = set.family("Libertinus Serif").next().unwrap();
        let small = subset(face, &"office".chars().collect::<Vec<_>>()).unwrap();
        assert!(
            small.len() * 10 < face.bytes().len(),
            "{} bytes",
            small.len()
        );
        assert!(small.starts_with(b"OTTO"));
        let font = FontRef::new(&small).unwrap();
        for tag in [b"CFF ", b"cmap", b"GSUB", b"GPOS", b"hmtx", b"name"] {
            assert!(font.table_data(Tag::new(tag)).is_some(), "{tag:?} kept");
        }
        assert!(maps(&small, 'f') && maps(&small, 'o') && !maps(&small, 'x'));
        // The `ffi` ligature and small capitals are reachable, so more glyphs
        // than characters; far fewer than the face has.
        let glyphs = glyph_count(&small);
        assert!(
            glyphs > 5 && glyphs * 10 < glyph_count(face.bytes()),
            "{glyphs} glyphs"
        );
        // The whole file sums to the magic number.
        assert_eq!(checksum(&small), 0xB1B0_AFBA);
    }

    #[test]
    fn korean_fallback_stays_small() {
        let set = FontSet::embedded();
        let face = set.family("Nanum Myeongjo").next().unwrap();
        let chars: Vec<char> = "회고록 《세기와 더불어》".chars().collect();
        let small = subset(face, &chars).unwrap();
        assert!(maps(&small, '회') && maps(&small, '》') && !maps(&small, '한'));
        assert!(small.len() < 64 * 1024, "{} bytes", small.len());
        assert!(face.bytes().len() > 3_000_000);
    }
}
