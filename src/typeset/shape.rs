//! Shape: a run of text in one face → positioned glyphs, by HarfBuzz's rules
//! (harfrust): kerning, ligatures, marks, Korean, the features asked for.
//!
//! **In:** text, a face of the [`FontSet`], a size in points, the language
//! and the OpenType features (old-style figures, small capitals…).
//! **Out:** [`Shaped`]: glyphs with advances and offsets in points and the
//! byte offset of the cluster each belongs to, and the run's width.
//! **Must not:** choose faces (the caller splits text into runs by face
//! before), break lines or position runs on a page.
//!
//! Results are cached by (face, size, features, language, text), so each
//! word of a book is shaped once per build (per thread), and so are
//! harfrust's shaping plans and which face covers which character. The
//! caches are keyed so that a hit allocates nothing and hashes only the
//! text, with a fast non-cryptographic hash (the keys are the book's own
//! words; nothing iterates the maps, so their order never shows).

use std::str::FromStr;
use std::sync::Arc;

use harfrust::{
    Buffer, Direction, Feature, Language, Script, ShapeOptions, ShapePlan, ShaperFont, Tag,
};
use read_fonts::model::Font;
use rustc_hash::FxHashMap;

use crate::fonts::FontSet;

/// A face of the font set, by its index in [`FontSet::faces`].
pub type FaceId = usize;

/// One positioned glyph.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Glyph {
    /// The glyph in its face.
    pub id: u32,
    /// Byte offset in the run's text of the cluster the glyph belongs to.
    pub cluster: u32,
    /// How far the pen moves after it, in points.
    pub advance: f32,
    /// Horizontal shift from the pen position, in points.
    pub x_offset: f32,
    /// Vertical shift, in points (up is positive).
    pub y_offset: f32,
}

/// A shaped run.
#[derive(Debug, Clone, PartialEq)]
pub struct Shaped {
    /// The face.
    pub face: FaceId,
    /// The size, in points.
    pub size: f32,
    /// The glyphs in visual (= logical, left-to-right) order.
    pub glyphs: Vec<Glyph>,
    /// The sum of the advances, in points.
    pub width: f32,
}

impl Shaped {
    /// The width of the glyphs whose clusters start in `range` (bytes of
    /// the run's text).
    pub fn width_of(&self, range: std::ops::Range<usize>) -> f32 {
        self.glyphs
            .iter()
            .filter(|g| range.contains(&(g.cluster as usize)))
            .map(|g| g.advance)
            .sum()
    }

    /// The run as a frame's text run over `text` (the text it was shaped
    /// from): each glyph stands for its cluster's bytes.
    pub fn to_run(&self, text: &str) -> super::frame::TextRun {
        let glyphs = self
            .glyphs
            .iter()
            .enumerate()
            .map(|(n, glyph)| {
                let start = glyph.cluster as usize;
                let end = self
                    .glyphs
                    .get(n + 1)
                    .map_or(text.len(), |g| g.cluster as usize)
                    .max(start);
                super::frame::PlacedGlyph {
                    id: glyph.id,
                    advance: glyph.advance,
                    x_offset: glyph.x_offset,
                    y_offset: glyph.y_offset,
                    text: super::frame::offset(start)..super::frame::offset(end),
                }
            })
            .collect();
        super::frame::TextRun {
            face: self.face,
            size: self.size,
            glyphs,
            text: text.to_string(),
            expansion: 1.0,
        }
    }

    /// Whether a break between bytes `at - 1` and `at` falls between two
    /// clusters (not inside a ligature).
    pub fn is_cluster_boundary(&self, at: usize) -> bool {
        self.glyphs.iter().any(|g| g.cluster as usize == at)
    }
}

/// OpenType features a run asks for, beyond the shaper's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Features {
    /// Old-style (text) figures: `onum`.
    pub old_style_figures: bool,
    /// Small capitals: `smcp`.
    pub small_caps: bool,
    /// No ligatures (code): `liga`, `clig` and `calt` off.
    pub no_ligatures: bool,
}

impl Features {
    fn to_harfrust(self) -> Vec<Feature> {
        let mut features = Vec::new();
        let mut set = |tag: &[u8; 4], value: u32| {
            features.push(Feature::new(Tag::new(tag), value, ..));
        };
        if self.old_style_figures {
            set(b"onum", 1);
        }
        if self.small_caps {
            set(b"smcp", 1);
        }
        if self.no_ligatures {
            set(b"liga", 0);
            set(b"clig", 0);
            set(b"calt", 0);
        }
        features
    }
}

/// What a run is shaped with, beside its text: one entry of the cache.
struct Setup {
    face: FaceId,
    /// The size's bits (sizes are compared exactly).
    size: u32,
    features: Features,
    language: Option<Arc<str>>,
    /// The runs shaped so far with this setup, by text.
    runs: FxHashMap<Box<str>, Arc<Shaped>>,
}

impl Setup {
    fn is(&self, face: FaceId, size: u32, features: Features, language: Option<&Arc<str>>) -> bool {
        self.face == face
            && self.size == size
            && self.features == features
            && self.language.as_deref() == language.map(|l| &**l)
    }
}

/// A shaping plan harfrust made (the features and lookups that apply to a
/// face, script, language and feature set), kept: making one costs more
/// than shaping a word with it.
struct Plan {
    face: FaceId,
    direction: Direction,
    script: Option<Script>,
    language: Option<Language>,
    features: Features,
    plan: ShapePlan,
}

/// Characters below this are looked up in a table per face when asking
/// whether a face covers them (Latin, Greek, Cyrillic, general
/// punctuation); others in a map.
const COVERAGE_TABLE: usize = 0x2100;

/// Whether a face maps characters, asked once per face and character.
struct Coverage {
    /// By character below [`COVERAGE_TABLE`]: 0 not asked yet, 1 no, 2 yes.
    table: Vec<u8>,
    /// The characters above.
    others: FxHashMap<char, bool>,
    /// Whether every printable ASCII character is there, once asked.
    ascii: Option<bool>,
}

/// A shaper's caches, taken from it ([`Shaper::take_caches`]): only to be
/// dropped, wherever that costs least.
pub struct Caches {
    _runs: Vec<Setup>,
    _words: super::paragraph::WordCache,
}

/// Shapes runs of one build, with a cache. One per thread: it is not
/// shared, so its caches need no locks.
pub struct Shaper<'a> {
    set: &'a FontSet,
    fonts: Vec<Option<Font>>,
    /// Shaped runs, by setup, then text; few setups, each with many runs.
    cache: Vec<Setup>,
    /// The setup asked for last: runs come in long stretches of one.
    last: usize,
    plans: Vec<Plan>,
    /// Per face, made on first use.
    coverage: Vec<Option<Coverage>>,
    buffer: Option<Buffer>,
    /// Words made into a paragraph's items, for `paragraph`.
    pub(super) words: super::paragraph::WordCache,
}

impl<'a> Shaper<'a> {
    /// A shaper for the faces of `set`.
    pub fn new(set: &'a FontSet) -> Self {
        let fonts = set
            .faces
            .iter()
            .map(|face| Font::new(face.blob(), 0))
            .collect();
        Shaper {
            set,
            fonts,
            cache: Vec::new(),
            last: 0,
            plans: Vec::new(),
            coverage: set.faces.iter().map(|_| None).collect(),
            buffer: Some(Buffer::new()),
            words: Default::default(),
        }
    }

    /// Takes what the shaper has cached (every run and word shaped), to
    /// be freed elsewhere; it goes on with empty caches.
    pub fn take_caches(&mut self) -> Caches {
        self.last = 0;
        Caches {
            _runs: std::mem::take(&mut self.cache),
            _words: std::mem::take(&mut self.words),
        }
    }

    /// Whether `face` has a glyph for `c` (cached: reading the face's
    /// character map for every character of a book would be slow).
    pub fn covers(&mut self, face: FaceId, c: char) -> bool {
        let set = self.set;
        let Some(slot) = self.coverage.get_mut(face) else {
            return false;
        };
        let coverage = slot.get_or_insert_with(|| Coverage {
            table: vec![0; COVERAGE_TABLE],
            others: FxHashMap::default(),
            ascii: None,
        });
        match coverage.table.get_mut(c as usize) {
            Some(known @ 1..) => *known == 2,
            Some(unknown) => {
                let covered = set.faces[face].covers(c);
                *unknown = if covered { 2 } else { 1 };
                covered
            }
            None => *coverage
                .others
                .entry(c)
                .or_insert_with(|| set.faces[face].covers(c)),
        }
    }

    /// Whether `face` has every printable ASCII character (asked once per
    /// face: then text all in ASCII needs no look-up per character).
    pub fn covers_ascii(&mut self, face: FaceId) -> bool {
        if let Some(Some(coverage)) = self.coverage.get(face)
            && let Some(known) = coverage.ascii
        {
            return known;
        }
        let all = (' '..='~').all(|c| self.covers(face, c));
        if let Some(Some(coverage)) = self.coverage.get_mut(face) {
            coverage.ascii = Some(all);
        }
        all
    }

    /// The first of `face` and `fallbacks` that has `c`.
    pub fn face_for(&mut self, c: char, face: FaceId, fallbacks: &[FaceId]) -> Option<FaceId> {
        std::iter::once(face)
            .chain(fallbacks.iter().copied())
            .find(|&f| self.covers(f, c))
    }

    /// `text` cut into runs of one face: each character in `face`, or the
    /// first of `fallbacks` that has it (in `face` when none has).
    pub fn face_runs(
        &mut self,
        text: &str,
        face: FaceId,
        fallbacks: &[FaceId],
    ) -> Vec<(FaceId, std::ops::Range<usize>)> {
        let mut runs: Vec<(FaceId, std::ops::Range<usize>)> = Vec::new();
        for (at, c) in text.char_indices() {
            let chosen = self.face_for(c, face, fallbacks).unwrap_or(face);
            match runs.last_mut() {
                Some((last, range)) if *last == chosen => range.end = at + c.len_utf8(),
                _ => runs.push((chosen, at..at + c.len_utf8())),
            }
        }
        runs
    }

    /// `text` in `face` at `size` points. A face that cannot be read gives
    /// no glyphs (the font stage warned already).
    pub fn shape(
        &mut self,
        text: &str,
        face: FaceId,
        size: f32,
        language: Option<&Arc<str>>,
        features: Features,
    ) -> Arc<Shaped> {
        let bits = size.to_bits();
        let at = match self.cache.get(self.last) {
            Some(setup) if setup.is(face, bits, features, language) => self.last,
            _ => match self
                .cache
                .iter()
                .position(|setup| setup.is(face, bits, features, language))
            {
                Some(at) => at,
                None => {
                    self.cache.push(Setup {
                        face,
                        size: bits,
                        features,
                        language: language.cloned(),
                        runs: FxHashMap::default(),
                    });
                    self.cache.len() - 1
                }
            },
        };
        self.last = at;
        if let Some(shaped) = self.cache[at].runs.get(text) {
            return shaped.clone();
        }
        let shaped = Arc::new(self.shape_uncached(text, face, size, language, features));
        self.cache[at].runs.insert(text.into(), shaped.clone());
        shaped
    }

    fn shape_uncached(
        &mut self,
        text: &str,
        face: FaceId,
        size: f32,
        language: Option<&Arc<str>>,
        features: Features,
    ) -> Shaped {
        let empty = Shaped {
            face,
            size,
            glyphs: Vec::new(),
            width: 0.0,
        };
        let Some(Some(font)) = self.fonts.get(face) else {
            return empty;
        };
        let shaper = ShaperFont::new(font);
        let scale = size / f32::from(font.units_per_em().max(1));
        let mut buffer = self.buffer.take().unwrap_or_default();
        buffer.clear();
        buffer.push_str(text);
        if let Some(language) = language.and_then(|l| Language::from_str(l).ok()) {
            buffer.set_language(Some(language));
        }
        buffer.guess_segment_properties();
        let harfrust_features = features.to_harfrust();
        // The plan harfrust would make for this run, made once.
        let (direction, script) = (buffer.direction(), buffer.script());
        let plan = if direction == Direction::Invalid {
            None
        } else {
            let found = self.plans.iter().position(|p| {
                p.face == face
                    && p.direction == direction
                    && p.script == script
                    && p.language.as_ref() == buffer.language()
                    && p.features == features
            });
            let at = found.unwrap_or_else(|| {
                self.plans.push(Plan {
                    face,
                    direction,
                    script,
                    language: buffer.language().cloned(),
                    features,
                    plan: ShapePlan::new(
                        font,
                        direction,
                        script,
                        buffer.language(),
                        &harfrust_features,
                    ),
                });
                self.plans.len() - 1
            });
            Some(&self.plans[at].plan)
        };
        let shaped = harfrust::shape(
            &shaper,
            &mut buffer,
            ShapeOptions::new().features(&harfrust_features).plan(plan),
        );
        let mut result = empty;
        if shaped.is_ok() {
            for (info, position) in buffer.glyph_infos().iter().zip(buffer.glyph_positions()) {
                let advance = position.x_advance as f32 * scale;
                result.width += advance;
                result.glyphs.push(Glyph {
                    id: info.glyph_id,
                    cluster: info.cluster,
                    advance,
                    x_offset: position.x_offset as f32 * scale,
                    y_offset: position.y_offset as f32 * scale,
                });
            }
        }
        buffer.clear();
        self.buffer = Some(buffer);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face(set: &FontSet, family: &str) -> FaceId {
        set.faces.iter().position(|f| &*f.family == family).unwrap()
    }

    #[test]
    fn ligatures_kerning_and_clusters() {
        let set = FontSet::embedded();
        let body = face(&set, "Libertinus Serif");
        let mut shaper = Shaper::new(&set);
        // "ffi" becomes one glyph whose cluster starts at the first `f`.
        let office = shaper.shape("office", body, 10.0, None, Features::default());
        assert_eq!(office.glyphs.len(), 4, "{:?}", office.glyphs);
        assert!(office.is_cluster_boundary(1) && office.is_cluster_boundary(4));
        assert!(!office.is_cluster_boundary(2) && !office.is_cluster_boundary(3));
        let plain = shaper.shape(
            "office",
            body,
            10.0,
            None,
            Features {
                no_ligatures: true,
                ..Features::default()
            },
        );
        assert_eq!(plain.glyphs.len(), 6);
        // Kerning: "AV" is narrower than "A" plus "V".
        let av = shaper
            .shape("AV", body, 10.0, None, Features::default())
            .width;
        let a = shaper
            .shape("A", body, 10.0, None, Features::default())
            .width;
        let v = shaper
            .shape("V", body, 10.0, None, Features::default())
            .width;
        assert!(av < a + v - 0.1, "{av} vs {}", a + v);
        // Size scales linearly; the cache hands back the same run.
        let big = shaper.shape("office", body, 20.0, None, Features::default());
        assert!((big.width - 2.0 * office.width).abs() < 1e-3);
        let again = shaper.shape("office", body, 10.0, None, Features::default());
        assert!(Arc::ptr_eq(&office, &again));
    }

    #[test]
    fn korean_shapes_in_its_face() {
        let set = FontSet::embedded();
        let korean = face(&set, "Nanum Myeongjo");
        let mut shaper = Shaper::new(&set);
        let word = shaper.shape(
            "회고록",
            korean,
            10.0,
            Some(&"ko".into()),
            Features::default(),
        );
        assert_eq!(word.glyphs.len(), 3);
        assert!(word.glyphs.iter().all(|g| g.id != 0));
        assert_eq!(
            word.glyphs.iter().map(|g| g.cluster).collect::<Vec<_>>(),
            vec![0, 3, 6]
        );
    }
}
