//! The faces a document uses, as embedded PDF fonts: which glyphs each page
//! needs, what text each glyph stands for, and the subset, widths and
//! ToUnicode map of each face.
//!
//! **In:** every text run of the document, and the [`FontSet`] its faces
//! index. **Out:** a [`FaceTable`] per used face (the CID of each glyph,
//! its width, its ToUnicode text) that the pages are drawn with, and the
//! face's objects: a Type0 font with Identity-H over a CIDFontType0 (CFF
//! outlines, `FontFile3` / `CIDFontType0C`) or CIDFontType2 (TrueType
//! outlines, `FontFile2`, `CIDToGIDMap /Identity`), its `/W` widths, font
//! descriptor and ToUnicode CMap. **Must not:** depend on the order pages
//! are drawn in or on the number of threads: the tables are made in one
//! pass over the pages in order, before any page is drawn.
//!
//! A glyph's CID is its place among the face's used glyphs sorted by glyph
//! id (`.notdef` first), so a subset is a function of its glyph set alone.
//! A glyph's ToUnicode text is the first text it stands for alone in the
//! document (a cluster of that one glyph; a ligature stands for all its
//! letters), else the first text of a cluster it leads; where a glyph on a
//! page stands for anything else, the page wraps it in `/ActualText`
//! ([`super::page`]).

use std::sync::Arc;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Chunk, Finish, Name, Rect, Ref, Str};
use skrifa::MetadataProvider;
use skrifa::instance::{LocationRef, Size};

use super::cache::{Key, PageCache};
use crate::diag::Diagnostic;
use crate::fonts::{Face, FontSet};
use crate::typeset::frame::{Document, Drawing, PlacedGlyph};

/// The CIDSystemInfo of every font: Adobe-Identity-0, as Identity-H wants.
const SYSTEM_INFO: SystemInfo = SystemInfo {
    registry: Str(b"Adobe"),
    ordering: Str(b"Identity"),
    supplement: 0,
};

/// What the document asks of one face while the pages are read.
struct Usage<'a> {
    /// The face's character map, to know a glyph's own character.
    charmap: Option<skrifa::charmap::Charmap<'a>>,
    /// By glyph id: whether used, and the texts found for it.
    slots: Vec<Slot>,
}

#[derive(Default, Clone)]
struct Slot {
    used: bool,
    /// The first character the glyph stands for alone that the face's
    /// character map gives it.
    natural: Option<char>,
    /// A character found not to be natural (not tried again at once).
    tried: Option<char>,
    /// The first text the glyph stands for alone.
    alone: Option<Box<str>>,
    /// The first text of a cluster of several glyphs that it leads.
    lead: Option<Box<str>>,
}

/// A face as the document uses it: the glyphs, in CID order, with their
/// widths and the text each stands for.
pub(super) struct FaceTable {
    /// The face's index in the [`FontSet`].
    pub face: usize,
    /// The glyph ids of the subset, in CID order: `.notdef` (0) first,
    /// then ascending.
    pub gids: Vec<u16>,
    /// By glyph id: its CID (0 for a glyph the document does not use).
    cids: Vec<u16>,
    /// By CID: the advance width in thousandths of an em, as `/W` says it.
    pub widths: Vec<f32>,
    /// By CID: the text the ToUnicode map gives it.
    pub texts: Vec<Option<Box<str>>>,
    /// By CID: a fingerprint of the CID, width and text, for page keys.
    pub prints: Vec<u64>,
}

impl FaceTable {
    /// The CID of glyph `gid` (0 when out of the face's range).
    #[inline]
    pub fn cid(&self, gid: u32) -> u16 {
        self.cids.get(gid as usize).copied().unwrap_or(0)
    }

    /// The ToUnicode text of glyph `gid`.
    #[inline]
    pub fn text(&self, gid: u32) -> Option<&str> {
        self.texts[usize::from(self.cid(gid))].as_deref()
    }
}

/// The glyph id a frame glyph stands for in the font (`.notdef` when it is
/// out of a font's range, which a shaper never gives).
#[inline]
pub(super) fn gid(glyph: &PlacedGlyph) -> u16 {
    gid_of(glyph.id)
}

/// The glyph id a frame glyph id stands for in the font (as [`gid`]).
#[inline]
pub(super) fn gid_of(id: u32) -> u16 {
    u16::try_from(id).unwrap_or(0)
}

/// What each page of `document` draws: its sheet's drawing, found once
/// per sheet (made here, in parallel, where it is not yet), and the
/// drawing of its own items (the head and folio: few), which this returns
/// in page order.
pub(super) fn drawings(document: &Document) -> Vec<Drawing> {
    use rayon::prelude::*;
    document
        .pages
        .par_iter()
        .map(|page| {
            page.sheet.drawing();
            Drawing::of(&page.items)
        })
        .collect()
}

/// The used faces of `document`, each with its table, in face order. One
/// pass over the clusters each page draws, in page order: its sheet's, as
/// the sheet's [drawing](crate::typeset::frame::Sheet::drawing) lists them,
/// then its own items' (`own`, from [`drawings`]).
///
/// A glyph's ToUnicode text is, in this order of preference: the first
/// character it stands for alone that the face maps to it (so a hyphen is
/// `-` even where the first one drawn carries the rest of a broken word);
/// the first text it stands for alone (a ligature: its letters); the first
/// text of a cluster it leads; none (`.notdef` never has one).
pub(super) fn tables(document: &Document, own: &[Drawing], fonts: &FontSet) -> Vec<FaceTable> {
    let fonts_read: Vec<Option<skrifa::FontRef>> = fonts
        .faces
        .iter()
        .map(|face| skrifa::FontRef::new(face.bytes()).ok())
        .collect();
    let mut usage: Vec<Option<Usage>> = (0..fonts.faces.len()).map(|_| None).collect();
    let drawn = document
        .pages
        .iter()
        .zip(own)
        .flat_map(|(page, own)| page.sheet.drawing().drawn.iter().chain(&own.drawn));
    for drawn in drawn {
        let Some(slot) = usage.get_mut(drawn.face) else {
            continue;
        };
        let usage = slot.get_or_insert_with(|| {
            let font = fonts_read[drawn.face].as_ref();
            Usage {
                charmap: font.map(|f| f.charmap()),
                slots: vec![
                    Slot::default();
                    font.map_or(0, |f| {
                        f.metrics(Size::unscaled(), LocationRef::default())
                            .glyph_count as usize
                    })
                ],
            }
        });
        for &id in &drawn.ids {
            let gid = usize::from(gid_of(id));
            if gid >= usage.slots.len() {
                usage.slots.resize(gid + 1, Slot::default());
            }
            usage.slots[gid].used = true;
        }
        let gid = gid_of(drawn.ids[0]);
        let slot = &mut usage.slots[usize::from(gid)];
        let several = drawn.ids.len() > 1;
        // Most glyphs were settled at their first appearance.
        let settled = if several {
            slot.lead.is_some()
        } else {
            slot.natural.is_some()
        };
        if settled || drawn.text.is_empty() {
            continue;
        }
        let text = &*drawn.text;
        if several {
            slot.lead = Some(text.into());
            continue;
        }
        if slot.alone.is_none() {
            slot.alone = Some(text.into());
        }
        let mut chars = text.chars();
        if let (Some(c), None) = (chars.next(), chars.next())
            && slot.tried != Some(c)
        {
            let mapped = usage.charmap.as_ref().and_then(|m| m.map(c));
            if mapped.is_some_and(|g| g.to_u32() == u32::from(gid)) {
                slot.natural = Some(c);
            } else {
                slot.tried = Some(c);
            }
        }
    }
    usage
        .into_iter()
        .enumerate()
        .filter_map(|(face, usage)| Some(table(face, &fonts.faces[face], usage?.slots)))
        .collect()
}

fn table(index: usize, face: &Face, slots: Vec<Slot>) -> FaceTable {
    let font = skrifa::FontRef::new(face.bytes()).ok();
    let upem = font
        .as_ref()
        .map(|f| {
            f.metrics(Size::unscaled(), LocationRef::default())
                .units_per_em
        })
        .filter(|&u| u > 0)
        .unwrap_or(1000);
    let metrics = font
        .as_ref()
        .map(|f| f.glyph_metrics(Size::unscaled(), LocationRef::default()));
    let mut gids = vec![0u16];
    let mut cids = vec![0u16; slots.len()];
    for (gid, slot) in slots.iter().enumerate().skip(1) {
        if slot.used {
            cids[gid] = gids.len() as u16;
            gids.push(gid as u16);
        }
    }
    let widths: Vec<f32> = gids
        .iter()
        .map(|&gid| {
            let advance = metrics
                .as_ref()
                .and_then(|m| m.advance_width(skrifa::GlyphId::new(u32::from(gid))))
                .unwrap_or(0.0);
            round(advance * 1000.0 / f32::from(upem), 100.0)
        })
        .collect();
    let mut slots = slots;
    let texts: Vec<Option<Box<str>>> = gids
        .iter()
        .map(|&gid| {
            let slot = slots.get_mut(usize::from(gid)).filter(|_| gid != 0)?;
            match slot.natural {
                Some(c) => Some(c.to_string().into()),
                None => slot.alone.take().or_else(|| slot.lead.take()),
            }
        })
        .collect();
    let prints = (0..gids.len())
        .map(|cid| {
            use std::hash::{Hash, Hasher};
            let mut hasher = rustc_hash::FxHasher::default();
            cid.hash(&mut hasher);
            widths[cid].to_bits().hash(&mut hasher);
            texts[cid].hash(&mut hasher);
            Hasher::finish(&hasher)
        })
        .collect();
    FaceTable {
        face: index,
        gids,
        cids,
        widths,
        texts,
        prints,
    }
}

/// `value` rounded to a multiple of `1 / scale`.
#[inline]
pub(super) fn round(value: f32, scale: f32) -> f32 {
    (value * scale).round() / scale
}

/// A face made ready to write: its subset program (compressed) and what
/// its dictionaries say.
pub(super) struct Prepared {
    /// The compressed font program: the bare CFF table (CFF faces) or the
    /// TrueType subset.
    program: Arc<[u8]>,
    cff: bool,
    /// `TAG+PostScriptName`.
    base_font: String,
    flags: FontFlags,
    bbox: Rect,
    italic_angle: f32,
    ascent: f32,
    descent: f32,
    cap_height: f32,
    stem_v: f32,
    /// The compressed ToUnicode CMap.
    cmap: Vec<u8>,
}

impl Prepared {
    /// About how many bytes its objects take.
    pub fn size(&self) -> usize {
        self.program.len() + self.cmap.len() + 512
    }
}

/// Subsets `face` to the glyphs of `table` and reads its metrics; the
/// subset's compressed program comes from `cache` when an earlier export
/// made it from the same face and glyphs.
pub(super) fn prepare(
    face: &Face,
    table: &FaceTable,
    level: u32,
    cache: Option<&PageCache>,
) -> Result<Prepared, Diagnostic> {
    let failed = |why: String| {
        Diagnostic::error(
            "pdf-failed",
            format!(
                "the PDF cannot be made: the font `{}` cannot be embedded ({why})",
                face.file_name
            ),
        )
    };
    let font = skrifa::FontRef::new(face.bytes()).map_err(|e| failed(e.to_string()))?;
    use skrifa::raw::TableProvider;
    let cff = font.cff().is_ok();
    if !cff && font.glyf().is_err() {
        return Err(failed("it has neither CFF nor TrueType outlines".into()));
    }
    let make = || -> Result<Vec<u8>, Diagnostic> {
        let mut remapper = subsetter::GlyphRemapper::new();
        for &gid in &table.gids {
            remapper.remap(gid);
        }
        let subset =
            subsetter::subset(face.bytes(), 0, &remapper).map_err(|e| failed(e.to_string()))?;
        let program = if cff {
            // The bare CFF table: `/CIDFontType0C`.
            let subset = skrifa::FontRef::new(&subset).map_err(|e| failed(e.to_string()))?;
            subset
                .table_data(skrifa::raw::types::Tag::new(b"CFF "))
                .ok_or_else(|| failed("its subset has no CFF table".into()))?
                .as_bytes()
                .to_vec()
        } else {
            subset
        };
        Ok(super::deflate(&program, level))
    };
    let program: Arc<[u8]> = match cache {
        Some(cache) => {
            let mut key = Key::new(b"font");
            key.bytes(&cache.face_print(&face.data).to_le_bytes())
                .u64(u64::from(level));
            for &gid in &table.gids {
                key.bytes(&gid.to_le_bytes());
            }
            cache.get_or_make(key.value(), make)?
        }
        None => make()?.into(),
    };

    let metrics = font.metrics(Size::unscaled(), LocationRef::default());
    let scale = 1000.0 / f32::from(metrics.units_per_em.max(1));
    let to_pdf = |v: f32| round(v * scale, 1.0);
    let postscript = font
        .localized_strings(skrifa::string::StringId::POSTSCRIPT_NAME)
        .english_or_first()
        .map(|s| s.chars().collect::<String>())
        .unwrap_or_default();
    // A name's regular characters only (PDF names may hold others escaped,
    // but a PostScript name never should).
    let mut postscript: String = postscript
        .chars()
        .filter(|c| c.is_ascii_graphic() && !"()<>[]{}/%#".contains(*c))
        .take(100)
        .collect();
    if postscript.is_empty() {
        postscript = "Font".into();
    }
    let base_font = format!("{}+{postscript}", subset_tag(&postscript, &table.gids));
    let mut flags = FontFlags::SYMBOLIC;
    flags.set(FontFlags::SERIF, postscript.contains("Serif"));
    flags.set(FontFlags::FIXED_PITCH, metrics.is_monospace);
    flags.set(FontFlags::ITALIC, metrics.italic_angle != 0.0);
    let bbox = match metrics.bounds {
        Some(b) => Rect::new(
            to_pdf(b.x_min),
            to_pdf(b.y_min),
            to_pdf(b.x_max),
            to_pdf(b.y_max),
        ),
        None => Rect::new(0.0, to_pdf(metrics.descent), 1000.0, to_pdf(metrics.ascent)),
    };
    let weight = font.attributes().weight.value();
    Ok(Prepared {
        program,
        cff,
        base_font,
        flags,
        bbox,
        italic_angle: metrics.italic_angle,
        ascent: to_pdf(metrics.ascent),
        descent: to_pdf(metrics.descent),
        cap_height: to_pdf(metrics.cap_height.unwrap_or(metrics.ascent)),
        // The usual estimate from the weight (no font file states it).
        stem_v: round(10.0 + 0.244 * (weight - 50.0), 1.0),
        cmap: super::deflate(&to_unicode(table), level),
    })
}

/// Six capital letters from a hash of the face's name and glyph set, so
/// that two subsets of one face get different tags and one subset always
/// the same.
pub(super) fn subset_tag(postscript: &str, gids: &[u16]) -> String {
    let mut key = Key::new(b"tag");
    key.bytes(postscript.as_bytes());
    for gid in gids {
        key.bytes(&gid.to_le_bytes());
    }
    let mut hash = key.value();
    (0..6)
        .map(|_| {
            let letter = b'A' + (hash % 26) as u8;
            hash /= 26;
            char::from(letter)
        })
        .collect()
}

/// The ToUnicode CMap of a face: each CID with a text, to that text.
pub(super) fn to_unicode(table: &FaceTable) -> Vec<u8> {
    let mut cmap = UnicodeCmap::<u16>::new(Name(b"Custom"), SYSTEM_INFO);
    for (cid, text) in table.texts.iter().enumerate() {
        if let Some(text) = text {
            cmap.pair_with_multiple(cid as u16, text.chars());
        }
    }
    cmap.finish().into_vec()
}

/// The references of one font's objects.
pub(super) struct FontRefs {
    /// The Type0 font, which pages name.
    pub type0: Ref,
    cid: Ref,
    descriptor: Ref,
    cmap: Ref,
    program: Ref,
}

impl FontRefs {
    /// Five references from `next`.
    pub fn new(next: &mut impl FnMut() -> Ref) -> FontRefs {
        FontRefs {
            type0: next(),
            cid: next(),
            descriptor: next(),
            cmap: next(),
            program: next(),
        }
    }
}

/// Writes a face's objects.
pub(super) fn write(chunk: &mut Chunk, refs: &FontRefs, table: &FaceTable, prepared: &Prepared) {
    let base_font = prepared.base_font.as_bytes();
    let type0_name = if prepared.cff {
        format!("{}-Identity-H", prepared.base_font)
    } else {
        prepared.base_font.clone()
    };
    chunk
        .type0_font(refs.type0)
        .base_font(Name(type0_name.as_bytes()))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(refs.cid)
        .to_unicode(refs.cmap);

    let mut cid = chunk.cid_font(refs.cid);
    cid.subtype(if prepared.cff {
        CidFontType::Type0
    } else {
        CidFontType::Type2
    })
    .base_font(Name(base_font))
    .system_info(SYSTEM_INFO)
    .font_descriptor(refs.descriptor)
    .default_width(0.0);
    if !prepared.cff {
        cid.cid_to_gid_map_predefined(Name(b"Identity"));
    }
    cid.widths().consecutive(0, table.widths.iter().copied());
    cid.finish();

    let mut descriptor = chunk.font_descriptor(refs.descriptor);
    descriptor
        .name(Name(base_font))
        .flags(FontFlags::from_bits_truncate(prepared.flags.bits()))
        .bbox(prepared.bbox)
        .italic_angle(prepared.italic_angle)
        .ascent(prepared.ascent)
        .descent(prepared.descent)
        .cap_height(prepared.cap_height)
        .stem_v(prepared.stem_v);
    if prepared.cff {
        descriptor.font_file3(refs.program);
    } else {
        descriptor.font_file2(refs.program);
    }
    descriptor.finish();

    chunk
        .cmap(refs.cmap, &prepared.cmap)
        .filter(pdf_writer::Filter::FlateDecode);

    let mut program = chunk.stream(refs.program, &prepared.program);
    program.filter(pdf_writer::Filter::FlateDecode);
    if prepared.cff {
        program.pair(Name(b"Subtype"), Name(b"CIDFontType0C"));
    }
    program.finish();
}
