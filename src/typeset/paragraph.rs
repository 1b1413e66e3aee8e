//! Paragraph: styled text → shaped, hyphenated, optimally broken and
//! justified lines.
//!
//! **In:** a paragraph as styled [`Span`]s of text, the measure, the style
//! (size, leading, indent, justified or ragged, hyphenation) and the
//! [`Shaper`]. **Out:** [`SetLine`]s: glyph runs positioned along a baseline,
//! each line exactly the measure wide when justified, with the facts the
//! page builder and the quality checks need (ratio, hyphenated, overfull).
//! **Must not:** place lines on pages or know the model's block structure.
//!
//! The items for Knuth–Plass: a box per piece of word between break
//! opportunities (UAX #14) and hyphenation points, glue for each space
//! (TeX's stretch ½ and shrink ⅓ of the space), a flagged penalty with the
//! hyphen's width at each hyphenation point, and TeX's paragraph end. A
//! word is shaped whole (so kerning and ligatures inside it hold) and cut at
//! cluster boundaries; a point inside a ligature is not offered.

use std::ops::Range;
use std::sync::Arc;

use super::clock;
use super::frame::{PlacedGlyph, TextRun, offset};
use super::hyphenate::Hyphenator;
use super::linebreak::{self, Item, Params};
use super::shape::{FaceId, Features, Shaper};
use crate::progress::Part;

/// A run of text in one style.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    /// The text.
    pub text: String,
    /// How it is set.
    pub style: SpanStyle,
}

/// The style of a span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SpanStyle {
    /// The face for the span's characters (the body face of its style);
    /// characters it lacks come from the fallbacks.
    pub face: FaceId,
    /// Whether the span may be hyphenated (not code, not a URL).
    pub hyphenate: bool,
    /// OpenType features.
    pub features: Features,
    /// Raised and smaller: a footnote call.
    pub superior: bool,
    /// A forced line break after the span's text.
    pub break_after: bool,
    /// Code as written: one unbreakable piece whose spaces are part of the
    /// text, set at their natural width (never stretched, copied as
    /// U+0020). The caller wraps what is too wide (`flow`'s code blocks).
    pub verbatim: bool,
    /// Struck through: the set line says where ([`SetLine::strikes`]).
    pub strike: bool,
    /// Inline code: set at [`CODE_SIZE`] of the paragraph's size.
    pub code: bool,
    /// A mark of the caller's (a note call, a link): the set line says
    /// where the span's text is ([`SetLine::marks`]).
    pub mark: Option<u32>,
}

/// The size of code, as a fraction of the surrounding text's: a mono face
/// of the same size looks large beside a book face (DejaVu Sans Mono's
/// x-height is 0.55 em, Libertinus Serif's 0.43 em).
pub const CODE_SIZE: f32 = 0.85;

/// How the paragraph is set.
#[derive(Debug, Clone)]
pub struct Setting<'a> {
    /// Type size in points.
    pub size: f32,
    /// Width of every line, in points.
    pub measure: f32,
    /// Indent of the first line, in points.
    pub indent: f32,
    /// Justified (else ragged right).
    pub justify: bool,
    /// How far the glyphs of a justified line may widen or narrow, as a
    /// fraction of their width (font expansion; 0.02 is microtype's
    /// default); 0 for none. Ragged lines are never expanded.
    pub expansion: f32,
    /// Faces tried, in order, for characters the span's face lacks.
    pub fallbacks: &'a [FaceId],
    /// The language (for shaping).
    pub language: Option<Arc<str>>,
    /// Line-breaking parameters.
    pub params: Params,
    /// Whether a word wider than the measure is broken between letters
    /// (else it stays whole, past the measure: for measuring a word).
    pub emergency: bool,
}

impl<'a> Setting<'a> {
    /// A ragged-right setting of `size` on `measure`: no indent, no
    /// expansion, words broken between letters only if wider than the line.
    pub fn ragged(
        size: f32,
        measure: f32,
        fallbacks: &'a [FaceId],
        language: Option<Arc<str>>,
        params: Params,
    ) -> Setting<'a> {
        Setting {
            size,
            measure,
            indent: 0.0,
            justify: false,
            expansion: 0.0,
            fallbacks,
            language,
            params,
            emergency: true,
        }
    }
}

/// A line, set.
#[derive(Debug, Clone, PartialEq)]
pub struct SetLine {
    /// Runs with their x position from the line's start.
    pub runs: Vec<(f32, TextRun)>,
    /// The adjustment ratio the line was set at.
    pub ratio: f64,
    /// Whether it ends with a hyphen.
    pub hyphenated: bool,
    /// Whether it is wider than the measure.
    pub overfull: bool,
    /// Whether it ends inside a word at an emergency break (between two
    /// letters, no hyphen): the word alone is wider than the measure.
    pub broken: bool,
    /// Whether it is looser than the tolerance allows (set by the
    /// emergency pass).
    pub loose: bool,
    /// Whether it is the paragraph's last line (set ragged).
    pub last: bool,
    /// The width of its inter-word spaces as set, in points (for quality
    /// measures); empty when it has none.
    pub spaces: Vec<f32>,
    /// Where its struck-through text is, as x ranges from the line's start
    /// (text and spaces struck in a row make one range).
    pub strikes: Vec<Range<f32>>,
    /// Where the text of marked spans is ([`SpanStyle::mark`]): the mark and
    /// an x range from the line's start, in the order of the text.
    pub marks: Vec<(u32, Range<f32>)>,
}

/// A box's content: glyphs of one face, with the text they stand for.
#[derive(Debug, Clone)]
struct Piece {
    face: FaceId,
    size: f32,
    rise: f32,
    glyphs: Vec<PlacedGlyph>,
    text: String,
}

/// What an item stands for. Cloning one is cheap (a word's pieces are
/// shared with the [`WordCache`]).
#[derive(Debug, Clone)]
enum Content {
    /// Glyph pieces.
    Pieces(Arc<[Piece]>),
    /// A space: the face and size whose space glyph it uses, and that
    /// glyph (none when the face has no space).
    Space {
        face: FaceId,
        size: f32,
        glyph: Option<u32>,
    },
    /// A hyphen to set if the line breaks here.
    Hyphen { piece: Arc<Piece> },
    /// An emergency break inside a word: nothing to draw.
    Emergency,
    /// Nothing to draw (indent, paragraph end, forced break).
    Nothing,
}

/// The cost of an emergency break between two letters: below
/// [`linebreak::INF_PENALTY`], above anything else a paragraph offers.
const EMERGENCY_PENALTY: f64 = 9_000.0;

/// Sets a paragraph. A word wider than the measure is broken between two
/// letters (no hyphen; [`SetLine::broken`]) rather than let a line past the
/// margin: when the breaking has an overfull line, the paragraph is broken
/// again with an emergency break at every cluster boundary.
pub fn set(
    spans: &[Span],
    setting: &Setting,
    shaper: &mut Shaper,
    hyphenator: Option<&mut Hyphenator>,
) -> Vec<SetLine> {
    set_with_variants(spans, setting, shaper, hyphenator, false, None).0
}

/// A ragged paragraph of several lines, balanced: set again on the
/// narrowest measure that still gives as many lines (none broken between
/// letters or past the margin), so its last line is not a lone word under
/// a full one. `lines` is its setting on `setting`'s measure. Not
/// hyphenated.
pub fn balance(
    spans: &[Span],
    setting: &Setting,
    shaper: &mut Shaper,
    lines: Vec<SetLine>,
) -> Vec<SetLine> {
    let count = lines.len();
    if count < 2 {
        return lines;
    }
    let (mut low, mut high) = (setting.measure / count as f32, setting.measure);
    let mut best = lines;
    // Eight halvings: within half a percent of the measure.
    for _ in 0..8 {
        let middle = (low + high) / 2.0;
        let narrower = Setting {
            measure: middle,
            ..setting.clone()
        };
        let tried = set(spans, &narrower, shaper, None);
        if tried.len() == count && !tried.iter().any(|l| l.overfull || l.broken) {
            best = tried;
            high = middle;
        } else {
            low = middle;
        }
    }
    best
}

/// Another setting of a paragraph, a line shorter or longer than its best.
#[derive(Debug, Clone)]
pub struct Variant {
    /// −1 for a line fewer, +1 for a line more.
    pub looseness: i32,
    /// The lines.
    pub lines: Vec<SetLine>,
    /// Its demerits over the best setting's (TeX's measure of how much
    /// worse it is).
    pub demerits: f64,
}

/// A chapter's body paragraphs as shaped and broken when it was first set,
/// kept in order so that setting it again with variants (see
/// [`set_with_variants`]) neither shapes nor breaks them a second time.
///
/// Its first setting [`keeps`](Memo::keeping) each paragraph; the second
/// takes them back in the same order. A paragraph taken back must be the
/// one kept: the same text on the same measure; anything else (which a
/// deterministic layout never asks) is set afresh.
#[derive(Default)]
pub struct Memo {
    /// The paragraphs kept, each until it is taken back.
    kept: Vec<Option<Kept>>,
    /// The next paragraph to take back.
    next: usize,
    keeping: bool,
}

/// One paragraph kept: what its items were built from, the items, and its
/// best breaking.
struct Kept {
    spans: usize,
    bytes: usize,
    measure: f32,
    built: Built,
    breaking: linebreak::Breaking,
}

impl Memo {
    /// A memo that keeps every paragraph set with it.
    pub fn keeping() -> Memo {
        Memo {
            keeping: true,
            ..Memo::default()
        }
    }

    /// From here on, paragraphs set with the memo are taken back from it,
    /// from the first kept.
    pub fn replay(&mut self) {
        self.keeping = false;
        self.next = 0;
    }

    /// The next paragraph kept, if it is the one of `spans` on `measure`.
    fn take(&mut self, spans: &[Span], measure: f32) -> Option<(Built, linebreak::Breaking)> {
        if self.keeping {
            return None;
        }
        let at = self.next;
        self.next += 1;
        let slot = self.kept.get_mut(at)?;
        let kept = slot.as_ref()?;
        if kept.spans != spans.len() || kept.bytes != text_bytes(spans) || kept.measure != measure {
            return None;
        }
        let kept = slot.take()?;
        Some((kept.built, kept.breaking))
    }

    /// Keeps a paragraph's items and breaking, when keeping.
    fn keep(&mut self, spans: &[Span], measure: f32, built: Built, breaking: linebreak::Breaking) {
        if self.keeping {
            self.kept.push(Some(Kept {
                spans: spans.len(),
                bytes: text_bytes(spans),
                measure,
                built,
                breaking,
            }));
        }
    }
}

/// The bytes of the spans' text.
fn text_bytes(spans: &[Span]) -> usize {
    spans.iter().map(|span| span.text.len()).sum()
}

/// Sets a paragraph as [`set`] does and, when `variants` is asked for and
/// its best setting is within tolerance, also a line shorter and a line
/// longer (TeX's `\looseness` of −1 and +1), each only if it can be had
/// within tolerance: what a page builder may choose to fill a page.
///
/// With a `memo`, the paragraph is kept in it or taken back from it (see
/// [`Memo`]); the lines are the same either way.
pub fn set_with_variants(
    spans: &[Span],
    setting: &Setting,
    shaper: &mut Shaper,
    mut hyphenator: Option<&mut Hyphenator>,
    variants: bool,
    mut memo: Option<&mut Memo>,
) -> (Vec<SetLine>, Vec<Variant>) {
    let measure = setting.measure as f64;
    let taken = memo
        .as_deref_mut()
        .and_then(|memo| memo.take(spans, setting.measure));
    let (built, breaking) = match taken {
        Some(taken) => taken,
        None => {
            let mut built = clock::timed(Part::Shape, || {
                build(spans, setting, shaper, hyphenator.as_deref_mut(), false)
            });
            let mut breaking = clock::timed(Part::Break, || {
                linebreak::break_lines(&built.items, &|_| measure, &setting.params)
            });
            if setting.emergency && breaking.lines.iter().any(|line| line.overfull) {
                built = clock::timed(Part::Shape, || {
                    build(spans, setting, shaper, hyphenator, true)
                });
                breaking = clock::timed(Part::Break, || {
                    linebreak::break_lines(&built.items, &|_| measure, &setting.params)
                });
            }
            (built, breaking)
        }
    };
    let set = clock::timed(Part::Break, || {
        let within = |pass: linebreak::Pass| {
            matches!(pass, linebreak::Pass::First | linebreak::Pass::Second)
        };
        let mut others = Vec::new();
        if variants && within(breaking.pass) {
            let count = breaking.lines.len() as i32;
            let loosenesses: &[i32] = if count > 1 { &[-1, 1] } else { &[1] };
            let breakings = linebreak::break_loose(
                &built.items,
                &|_| measure,
                &setting.params,
                loosenesses,
                linebreak::Pass::Second,
            );
            for (other, &looseness) in breakings.into_iter().zip(loosenesses) {
                let Some(other) = other else { continue };
                if within(other.pass) && other.lines.len() as i32 == count + looseness {
                    others.push(Variant {
                        looseness,
                        lines: finish(&other, &built, setting),
                        demerits: (other.demerits - breaking.demerits).max(0.0),
                    });
                }
            }
        }
        (set_breaking(&breaking, &built, setting), others)
    });
    if let Some(memo) = memo {
        memo.keep(spans, setting.measure, built, breaking);
    }
    set
}

/// The lines of a paragraph's breaking, with the final-hyphen rule's last
/// resort undone when it cost spaces over half an em.
fn set_breaking(breaking: &linebreak::Breaking, built: &Built, setting: &Setting) -> Vec<SetLine> {
    let measure = setting.measure as f64;
    let lines = finish(breaking, built, setting);
    // Keeping the tail of a hyphenated word off the last line is not worth
    // a line with spaces over half an em: then the best breaking within
    // tolerance stands, final hyphen and all.
    let too_loose = |lines: &[SetLine]| {
        lines
            .iter()
            .any(|l| l.loose && l.spaces.iter().any(|&space| space > 0.5 * setting.size))
    };
    if setting.params.final_hyphen_last_resort
        && breaking.pass == linebreak::Pass::Emergency
        && too_loose(&lines)
    {
        let params = Params {
            final_hyphen_last_resort: false,
            ..setting.params.clone()
        };
        let within = linebreak::break_lines(&built.items, &|_| measure, &params);
        if matches!(
            within.pass,
            linebreak::Pass::First | linebreak::Pass::Second
        ) {
            return finish(&within, built, setting);
        }
    }
    lines
}

/// The lines of a breaking, set, with broken words carried whole.
fn finish(breaking: &linebreak::Breaking, built: &Built, setting: &Setting) -> Vec<SetLine> {
    let Built {
        items, contents, ..
    } = built;
    let count = breaking.lines.len();
    let mut lines: Vec<SetLine> = breaking
        .lines
        .iter()
        .enumerate()
        .map(|(n, line)| {
            let last = n + 1 == count;
            let mut set = commit(line, last, setting.expansion, built);
            set.loose = line.badness > setting.params.tolerance && !last && line.ratio > 0.0;
            set
        })
        .collect();
    // A word broken across two lines copies whole: the line that breaks it
    // stands for the rest of it (its hyphen, or its last glyph, carries that
    // text), and the next line's start stands for nothing.
    // (A line wholly inside a word, as in a word broken over three lines,
    // stands for nothing: the first line has it all.)
    let words = Words::new(items, contents);
    let mut inside = false;
    for n in 0..count.saturating_sub(1) {
        let end = breaking.lines[n].end;
        let raw = words.rest_bytes(items, end);
        if raw == 0 {
            inside = false;
            continue;
        }
        let hyphen = matches!(contents.get(end), Some(Content::Hyphen { .. }));
        let rest = if inside {
            String::new()
        } else {
            words.rest(items, contents, end)
        };
        carry(&mut lines[n], &rest, hyphen);
        inside = drop_prefix(&mut lines[n + 1], raw);
    }
    lines
}

/// Where words end among a paragraph's items, and how many bytes of text
/// come before each item, so the rest of a word broken at any break is
/// found without scanning the word again (a word of 200,000 letters broken
/// over a thousand lines stays linear).
struct Words {
    /// For each item, the index of the space or forced break that ends
    /// the word it is in (or the item count).
    end: Vec<usize>,
    /// For each item, the bytes of piece text before it.
    before: Vec<usize>,
}

impl Words {
    fn new(items: &[Item], contents: &[Content]) -> Words {
        let mut end = vec![items.len(); items.len() + 1];
        for i in (0..items.len()).rev() {
            let ends = matches!(contents[i], Content::Space { .. })
                || matches!(items[i], Item::Penalty { cost, .. } if cost <= linebreak::EJECT_PENALTY);
            end[i] = if ends { i } else { end[i + 1] };
        }
        let mut before = Vec::with_capacity(items.len() + 1);
        let mut bytes = 0;
        for content in contents {
            before.push(bytes);
            if let Content::Pieces(pieces) = content {
                bytes += pieces.iter().map(|p| p.text.len()).sum::<usize>();
            }
        }
        before.push(bytes);
        Words { end, before }
    }

    /// The bytes of the rest of a word broken at item `at` (0 when the
    /// break is between words).
    fn rest_bytes(&self, items: &[Item], at: usize) -> usize {
        if !matches!(items.get(at), Some(Item::Penalty { cost, .. }) if *cost > linebreak::EJECT_PENALTY)
        {
            return 0;
        }
        let from = (at + 1).min(items.len());
        self.before[self.end[from]] - self.before[from]
    }

    /// The rest of the word broken at item `at`, soft hyphens left out.
    fn rest(&self, items: &[Item], contents: &[Content], at: usize) -> String {
        let from = (at + 1).min(items.len());
        let mut rest = String::new();
        for content in &contents[from..self.end[from]] {
            if let Content::Pieces(pieces) = content {
                for piece in pieces.iter() {
                    rest.extend(piece.text.chars().filter(|&c| c != '\u{AD}'));
                }
            }
        }
        rest
    }
}

/// Makes the end of a line stand for `rest` too: its hyphen's text becomes
/// the rest (the hyphen is not part of the word), or the rest is added to
/// its last glyph's.
fn carry(line: &mut SetLine, rest: &str, hyphen: bool) {
    let Some((_, run)) = line.runs.last_mut() else {
        return;
    };
    if hyphen && run.text.ends_with('-') {
        run.text.pop();
    }
    let start = if hyphen {
        run.text.len()
    } else {
        run.glyphs
            .last()
            .map_or(run.text.len(), |g| g.bytes().start)
    };
    run.text.push_str(rest);
    if let Some(glyph) = run.glyphs.last_mut() {
        glyph.text = offset(start.min(run.text.len()))..offset(run.text.len());
    }
}

/// Removes the first `bytes` bytes of a line's text (the rest of a word the
/// line before stands for): the glyphs that showed them stand for nothing.
/// Whether that was all of the line's text.
fn drop_prefix(line: &mut SetLine, mut bytes: usize) -> bool {
    for (_, run) in &mut line.runs {
        if bytes == 0 {
            return false;
        }
        let mut cut = bytes.min(run.text.len());
        // (Always a boundary, as the pieces' texts are; never panic if not.)
        while !run.text.is_char_boundary(cut) {
            cut -= 1;
        }
        run.text.drain(..cut);
        let shift = offset(cut);
        for glyph in &mut run.glyphs {
            glyph.text =
                glyph.text.start.saturating_sub(shift)..glyph.text.end.saturating_sub(shift);
        }
        bytes -= cut;
    }
    line.runs.iter().all(|(_, run)| run.text.is_empty())
}

/// A paragraph's items, what each stands for, and which are struck
/// through.
struct Built {
    items: Vec<Item>,
    contents: Vec<Content>,
    struck: Vec<Range<usize>>,
    /// The items of each marked span, with its mark.
    marked: Vec<(u32, Range<usize>)>,
}

/// How a span's words are set: everything a word's items depend on but
/// its text.
#[derive(Debug, Clone, Copy, PartialEq)]
struct WordSetup<'a> {
    face: FaceId,
    size: u32,
    rise: u32,
    features: Features,
    hyphenate: bool,
    emergency: bool,
    fallbacks: &'a [FaceId],
    language: Option<&'a str>,
    justify: bool,
    expansion: u32,
    paragraph_size: u32,
    hyphen_penalty: u64,
}

/// A word's items and what each stands for.
#[derive(Debug)]
struct WordItems {
    items: Vec<Item>,
    contents: Vec<Content>,
}

/// Words made into items (cut into face runs, shaped, hyphenated, split
/// at their hyphenation points), by setup and then text: a book's words
/// recur, each is made once per thread and copied after (its glyph pieces
/// shared, not copied). Kept in the [`Shaper`] of the thread, so for one
/// build and one font set; nothing iterates it, so its order never shows.
#[derive(Debug, Default)]
pub struct WordCache {
    setups: Vec<(OwnedSetup, SetupWords)>,
    /// The setup asked for last: spans come in long stretches of one.
    last: usize,
}

/// The words of one setup, by their text.
type SetupWords = rustc_hash::FxHashMap<Box<str>, WordItems>;

/// A [`WordSetup`] kept.
#[derive(Debug)]
struct OwnedSetup {
    fixed: WordSetup<'static>,
    fallbacks: Vec<FaceId>,
    language: Option<Box<str>>,
}

impl OwnedSetup {
    fn is(&self, setup: &WordSetup) -> bool {
        let fixed = WordSetup {
            fallbacks: &[],
            language: None,
            ..*setup
        };
        self.fixed == fixed
            && self.fallbacks == setup.fallbacks
            && self.language.as_deref() == setup.language
    }
}

impl WordCache {
    /// The slot of `setup`, made on first use.
    fn slot(&mut self, setup: &WordSetup) -> usize {
        if let Some((kept, _)) = self.setups.get(self.last)
            && kept.is(setup)
        {
            return self.last;
        }
        self.last = match self.setups.iter().position(|(kept, _)| kept.is(setup)) {
            Some(at) => at,
            None => {
                let kept = OwnedSetup {
                    fixed: WordSetup {
                        fallbacks: &[],
                        language: None,
                        ..*setup
                    },
                    fallbacks: setup.fallbacks.to_vec(),
                    language: setup.language.map(Box::from),
                };
                self.setups.push((kept, Default::default()));
                self.setups.len() - 1
            }
        };
        self.last
    }

    fn get(&self, slot: usize, word: &str) -> Option<&WordItems> {
        self.setups[slot].1.get(word)
    }

    fn put(&mut self, slot: usize, word: &str, items: WordItems) {
        self.setups[slot].1.insert(word.into(), items);
    }
}

/// The items of a paragraph and what each stands for; with `emergency`, a
/// break between every two clusters of a word too.
fn build(
    spans: &[Span],
    setting: &Setting,
    shaper: &mut Shaper,
    mut hyphenator: Option<&mut Hyphenator>,
    emergency: bool,
) -> Built {
    // About an item for every two bytes of text (a word's boxes and its
    // hyphenation points, a space's glue): room made once, not grown.
    let room = text_bytes(spans) / 2 + 8;
    let mut items: Vec<Item> = Vec::with_capacity(room);
    let mut contents: Vec<Content> = Vec::with_capacity(room);
    // The items of struck spans (items are only ever inserted inside the
    // span being added, so an earlier span's range stays put).
    let mut struck: Vec<Range<usize>> = Vec::new();
    // The items of marked spans, likewise.
    let mut marked: Vec<(u32, Range<usize>)> = Vec::new();
    if setting.indent > 0.0 {
        items.push(Item::boxed(setting.indent as f64));
        contents.push(Content::Nothing);
    }
    for span in spans {
        let size = if span.style.superior {
            setting.size * 0.65
        } else {
            setting.size
        };
        let size = if span.style.code {
            size * CODE_SIZE
        } else {
            size
        };
        let rise = if span.style.superior {
            setting.size * 0.35
        } else {
            0.0
        };
        let space = shaper
            .shape(" ", span.style.face, size, None, span.style.features)
            .width;
        // The glyph drawn for a space, so copied text has its spaces.
        let space_glyph = shaper
            .shape(" ", span.style.face, size, None, Features::default())
            .glyphs
            .first()
            .map(|glyph| glyph.id);
        let setup = WordSetup {
            face: span.style.face,
            size: size.to_bits(),
            rise: rise.to_bits(),
            features: span.style.features,
            hyphenate: span.style.hyphenate && hyphenator.is_some(),
            emergency,
            fallbacks: setting.fallbacks,
            language: setting.language.as_deref(),
            justify: setting.justify,
            expansion: setting.expansion.to_bits(),
            paragraph_size: setting.size.to_bits(),
            hyphen_penalty: setting.params.hyphen_penalty.to_bits(),
        };
        let slot = shaper.words.slot(&setup);
        let first = items.len();
        for (token, kind) in tokens(&span.text, span.style.verbatim) {
            match kind {
                Token::Space => {
                    let (stretch, shrink) = if setting.justify {
                        (space / 2.0, space / 3.0)
                    } else {
                        (0.0, 0.0)
                    };
                    items.push(Item::Glue {
                        width: space as f64,
                        stretch: stretch as f64,
                        shrink: shrink as f64,
                    });
                    contents.push(Content::Space {
                        face: span.style.face,
                        size,
                        glyph: space_glyph,
                    });
                    if !setting.justify {
                        // Ragged right: TeX's \raggedright, a stretchable
                        // space at every break and none inside a line.
                        let last = items.len() - 1;
                        items.insert(
                            last,
                            Item::Glue {
                                width: 0.0,
                                stretch: setting.measure as f64 / 3.0,
                                shrink: 0.0,
                            },
                        );
                        contents.insert(last, Content::Nothing);
                        items.insert(last + 1, Item::penalty(0.0));
                        contents.insert(last + 1, Content::Nothing);
                        items.insert(
                            last + 2,
                            Item::Glue {
                                width: 0.0,
                                stretch: -setting.measure as f64 / 3.0,
                                shrink: 0.0,
                            },
                        );
                        contents.insert(last + 2, Content::Nothing);
                    }
                }
                Token::Word(allowed_after) => {
                    if let Some(cached) = shaper.words.get(slot, token) {
                        items.extend_from_slice(&cached.items);
                        contents.extend(cached.contents.iter().cloned());
                    } else {
                        let from = items.len();
                        word(
                            token,
                            span,
                            size,
                            rise,
                            setting,
                            shaper,
                            hyphenator.as_deref_mut(),
                            emergency,
                            &mut items,
                            &mut contents,
                        );
                        shaper.words.put(
                            slot,
                            token,
                            WordItems {
                                items: items[from..].to_vec(),
                                contents: contents[from..].to_vec(),
                            },
                        );
                    }
                    if allowed_after && token.ends_with('\u{AD}') && !span.style.verbatim {
                        // A soft hyphen: a hyphen break the author placed
                        // (TeX's `\-`), open to every pass.
                        let (item, content) =
                            hyphen(shaper, span.style.face, size, rise, span, setting, false);
                        items.push(item);
                        contents.push(content);
                    } else if allowed_after {
                        // A break the text allows without a space (after a
                        // dash or a slash): a plain penalty.
                        items.push(Item::penalty(if token.ends_with(['-', '\u{2010}']) {
                            setting.params.ex_hyphen_penalty
                        } else {
                            0.0
                        }));
                        contents.push(Content::Nothing);
                    }
                }
            }
        }
        if span.style.break_after {
            items.push(Item::Glue {
                width: 0.0,
                stretch: linebreak::FIL,
                shrink: 0.0,
            });
            contents.push(Content::Nothing);
            items.push(Item::penalty(linebreak::EJECT_PENALTY));
            contents.push(Content::Nothing);
        }
        if span.style.strike {
            struck.push(first..items.len());
        }
        if let Some(mark) = span.style.mark {
            marked.push((mark, first..items.len()));
        }
    }
    // No paragraph ends with a space.
    while matches!(items.last(), Some(Item::Glue { .. })) {
        items.pop();
        contents.pop();
    }
    for item in Item::paragraph_end() {
        items.push(item);
        contents.push(Content::Nothing);
    }
    Built {
        items,
        contents,
        struck,
        marked,
    }
}

/// Turns a line of the built items into positioned runs, with its struck
/// and marked stretches.
fn commit(line: &linebreak::Line, last: bool, expansion: f32, built: &Built) -> SetLine {
    let Built {
        items,
        contents,
        struck,
        marked,
    } = built;
    let mut strikes = Vec::new();
    let mut marks: Vec<(u32, Range<f32>)> = Vec::new();
    let mut strike = |index: usize, from: f32, to: f32| {
        let drawn = matches!(
            contents.get(index),
            Some(Content::Pieces(_) | Content::Space { .. } | Content::Hyphen { .. })
        );
        if drawn && to > from {
            if struck.iter().any(|r| r.contains(&index)) {
                add_strike(&mut strikes, from..to);
            }
            for (mark, range) in marked {
                if range.contains(&index) {
                    match marks.last_mut() {
                        Some((last, stretch))
                            if last == mark && (stretch.end - from).abs() < 0.01 =>
                        {
                            stretch.end = to
                        }
                        _ => marks.push((*mark, from..to)),
                    }
                }
            }
        }
    };
    let mut runs: Vec<(f32, TextRun)> = Vec::new();
    let mut spaces = Vec::new();
    let mut x = 0.0f32;
    let ratio = line.ratio;
    let end = line.end.min(items.len());
    // What the line's runs will hold, so that a run is made with room for
    // the rest of the line rather than grown word by word.
    let mut room = Room::default();
    for content in &contents[line.start..end] {
        room.add(content);
    }
    if let Some(content @ Content::Hyphen { .. }) = contents.get(line.end) {
        room.add(content);
    }
    // Glyphs widen at most by their expansion (ratio 1): past it the glue
    // takes what they cannot, as pdfTeX does, so the line still ends at
    // the measure.
    let (mut box_stretch, mut glue_stretch) = (0.0, 0.0);
    for item in &items[line.start..end] {
        match *item {
            Item::Box { stretch, .. } => box_stretch += stretch,
            Item::Glue { stretch, .. } if stretch < linebreak::FIL => glue_stretch += stretch,
            _ => {}
        }
    }
    let glue_ratio = if ratio > 1.0 && glue_stretch > 0.0 {
        ratio + (ratio - 1.0) * box_stretch / glue_stretch
    } else {
        ratio
    };
    let glue_width = |width: f64, stretch: f64, shrink: f64| -> f32 {
        let adjust = if glue_ratio >= 0.0 {
            if stretch >= linebreak::FIL {
                0.0
            } else {
                stretch * glue_ratio
            }
        } else {
            shrink * glue_ratio
        };
        (width + adjust) as f32
    };
    // The expansion of the line's glyphs: every expandable box (stretch
    // and shrink are `expansion` × its width) is scaled by one factor, so
    // the line's runs join.
    let factor = (1.0 + f64::from(expansion) * ratio.clamp(-1.0, 1.0)) as f32;
    let mut expansion = 1.0f32;
    for index in line.start..end {
        let before = x;
        match (&items[index], &contents[index]) {
            (
                Item::Box {
                    stretch, shrink, ..
                },
                Content::Pieces(pieces),
            ) => {
                let scale = if *stretch > 0.0 || *shrink > 0.0 {
                    factor
                } else {
                    1.0
                };
                if scale != 1.0 {
                    expansion = scale;
                }
                for piece in pieces.iter() {
                    x += append(&mut runs, &mut room, x, piece, expansion, scale);
                }
            }
            (Item::Box { width, .. }, _) => x += *width as f32,
            (
                Item::Glue {
                    width,
                    stretch,
                    shrink,
                },
                content,
            ) => {
                let set = glue_width(*width, *stretch, *shrink);
                if let Content::Space { face, size, glyph } = content {
                    spaces.push(set);
                    // The space as a glyph, so copied text has its spaces.
                    if let Some(id) = glyph {
                        let glyph = PlacedGlyph {
                            id: *id,
                            advance: set,
                            x_offset: 0.0,
                            y_offset: 0.0,
                            text: 0..1,
                        };
                        append_glyphs(
                            &mut runs,
                            &mut room,
                            x,
                            (*face, *size, 0.0),
                            " ",
                            &[glyph],
                            expansion,
                            1.0,
                        );
                    }
                }
                x += set;
            }
            _ => {}
        }
        strike(index, before, x);
    }
    // A hyphen where the line breaks at one.
    // (Its advance is as breaking counted it, unscaled; its shape is
    // drawn at the line's expansion like the rest.)
    if let Some(Content::Hyphen { piece }) = contents.get(line.end) {
        let width = append(&mut runs, &mut room, x, piece, expansion, 1.0);
        strike(line.end, x, x + width);
    }
    // A run made before a change of face was given room for the whole
    // line: give back what the runs after it took.
    if let Some((_, but_last)) = runs.split_last_mut() {
        for (_, run) in but_last {
            run.glyphs.shrink_to_fit();
            run.text.shrink_to_fit();
        }
    }
    SetLine {
        runs,
        ratio,
        hyphenated: line.hyphenated,
        overfull: line.overfull,
        broken: matches!(contents.get(line.end), Some(Content::Emergency)),
        loose: false,
        last,
        spaces,
        strikes,
        marks,
    }
}

/// Adds a struck stretch to a line's, joining the last when they touch.
fn add_strike(strikes: &mut Vec<Range<f32>>, range: Range<f32>) {
    match strikes.last_mut() {
        Some(last) if (last.end - range.start).abs() < 0.01 => last.end = range.end,
        _ => strikes.push(range),
    }
}

/// The glyphs and text bytes a line's runs are still to take.
#[derive(Default)]
struct Room {
    glyphs: usize,
    text: usize,
}

impl Room {
    /// Counts what an item draws.
    fn add(&mut self, content: &Content) {
        let mut piece = |piece: &Piece| {
            self.glyphs += piece.glyphs.len();
            self.text += piece.text.len();
        };
        match content {
            Content::Pieces(pieces) => pieces.iter().for_each(piece),
            Content::Hyphen { piece: hyphen } => piece(hyphen),
            Content::Space { .. } => {
                self.glyphs += 1;
                self.text += 1;
            }
            _ => {}
        }
    }

    /// Counts off what was drawn.
    fn take(&mut self, glyphs: usize, text: usize) {
        self.glyphs = self.glyphs.saturating_sub(glyphs);
        self.text = self.text.saturating_sub(text);
    }
}

/// Adds a piece to the runs at `x`, its advances and offsets scaled by
/// `scale` (font expansion); what it adds to the line's width.
fn append(
    runs: &mut Vec<(f32, TextRun)>,
    room: &mut Room,
    x: f32,
    piece: &Piece,
    expansion: f32,
    scale: f32,
) -> f32 {
    append_glyphs(
        runs,
        room,
        x,
        (piece.face, piece.size, piece.rise),
        &piece.text,
        &piece.glyphs,
        expansion,
        scale,
    )
}

/// Adds glyphs in (face, size, rise) standing for `text` to the runs,
/// joining the last run when face, size, expansion and baseline agree (and
/// the glyphs start where that run ends); what they add to the width. A
/// new run is made with the `room` the line has left.
#[allow(clippy::too_many_arguments)]
fn append_glyphs(
    runs: &mut Vec<(f32, TextRun)>,
    room: &mut Room,
    x: f32,
    (face, size, rise): (FaceId, f32, f32),
    text: &str,
    glyphs: &[PlacedGlyph],
    expansion: f32,
    scale: f32,
) -> f32 {
    room.take(glyphs.len(), text.len());
    let mut width = 0.0f32;
    let mut placed = |g: &PlacedGlyph, shift: u32, rise: f32| {
        let advance = g.advance * scale;
        width += advance;
        PlacedGlyph {
            id: g.id,
            advance,
            x_offset: g.x_offset * scale,
            y_offset: g.y_offset + rise,
            text: g.text.start.saturating_add(shift)..g.text.end.saturating_add(shift),
        }
    };
    if let Some((start, run)) = runs.last_mut()
        && run.face == face
        && run.size == size
        && run.expansion == expansion
        && rise == 0.0
        && (*start + run.width() - x).abs() < 0.01
    {
        let shift = offset(run.text.len());
        run.text.push_str(text);
        run.glyphs
            .extend(glyphs.iter().map(|g| placed(g, shift, 0.0)));
        return width;
    }
    let mut run_glyphs = Vec::with_capacity(glyphs.len() + room.glyphs);
    run_glyphs.extend(glyphs.iter().map(|g| placed(g, 0, rise)));
    let mut run_text = String::with_capacity(text.len() + room.text);
    run_text.push_str(text);
    runs.push((
        x,
        TextRun {
            face,
            size,
            glyphs: run_glyphs,
            text: run_text,
            expansion,
        },
    ));
    width
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Token {
    Space,
    /// A piece of a word; `true` when a line may break after it (UAX #14)
    /// though no space follows.
    Word(bool),
}

/// Splits text into spaces and word pieces at UAX #14 break opportunities;
/// verbatim text is one piece, spaces and all.
fn tokens(text: &str, verbatim: bool) -> Vec<(&str, Token)> {
    let mut out = Vec::new();
    if verbatim {
        if !text.is_empty() {
            out.push((text, Token::Word(false)));
        }
        return out;
    }
    let opportunities: Vec<usize> = unicode_linebreak::linebreaks(text)
        .map(|(at, _)| at)
        .collect();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c == ' ' {
            if at > start {
                out.push((&text[start..at], Token::Word(false)));
            }
            out.push((&text[at..at + 1], Token::Space));
            start = at + 1;
            continue;
        }
        let next = chars.peek().map_or(text.len(), |&(i, _)| i);
        // The opportunities come in ascending order: a binary search, not
        // a scan per character (which made long spans quadratic).
        if next < text.len()
            && opportunities.binary_search(&next).is_ok()
            && !text[next..].starts_with(' ')
            && c != ' '
        {
            out.push((&text[start..next], Token::Word(true)));
            start = next;
        }
    }
    if start < text.len() {
        out.push((&text[start..], Token::Word(false)));
    }
    out
}

/// Adds a word piece: shaped by face runs, cut at hyphenation points.
#[allow(clippy::too_many_arguments)]
fn word(
    token: &str,
    span: &Span,
    size: f32,
    rise: f32,
    setting: &Setting,
    shaper: &mut Shaper,
    hyphenator: Option<&mut Hyphenator>,
    emergency: bool,
    items: &mut Vec<Item>,
    contents: &mut Vec<Content>,
) {
    // Where the word may be hyphenated (byte offsets in the token).
    let mut points: Vec<usize> = Vec::new();
    if span.style.hyphenate
        && let Some(hyphenator) = hyphenator
    {
        let (start, end) = super::hyphenate::split_word(token);
        if start < end {
            points = hyphenator
                .points(&token[start..end])
                .iter()
                .map(|p| p + start)
                .collect();
        }
    }
    // Face runs: each character in the span's face or the first fallback
    // that has it.
    let runs = shaper.face_runs(token, span.style.face, setting.fallbacks);
    let shaped: Vec<(FaceId, Range<usize>, Arc<super::shape::Shaped>)> = runs
        .into_iter()
        .map(|(face, range)| {
            let shaped = shaper.shape(
                &token[range.clone()],
                face,
                size,
                setting.language.as_ref(),
                span.style.features,
            );
            (face, range, shaped)
        })
        .collect();
    // Per face run, its glyphs ordered by cluster and its cluster starts,
    // so a piece finds its glyphs and a cluster its end by binary search
    // (a word of 200,000 letters cut at every letter stays n log n).
    let indexed: Vec<ClusterIndex> = shaped
        .iter()
        .map(|(_, range, s)| {
            let mut by_cluster: Vec<(usize, usize)> = s
                .glyphs
                .iter()
                .enumerate()
                .map(|(n, g)| (range.start + g.cluster as usize, n))
                .collect();
            by_cluster.sort_unstable();
            let mut starts: Vec<usize> = by_cluster.iter().map(|&(at, _)| at).collect();
            starts.dedup();
            (by_cluster, starts)
        })
        .collect();
    // Cut points: hyphenation points that fall on a cluster boundary.
    let boundary = |at: usize| {
        shaped
            .iter()
            .zip(&indexed)
            .any(|((_, range, _), (_, starts))| {
                range.start < at && at < range.end && starts.binary_search(&at).is_ok()
            })
    };
    let cuts: Vec<usize> = points.into_iter().filter(|&at| boundary(at)).collect();
    // Emergency cuts: every other cluster boundary.
    let mut emergency_cuts: Vec<usize> = Vec::new();
    if emergency {
        for (_, starts) in &indexed {
            for &at in starts {
                if at > 0 && at < token.len() && cuts.binary_search(&at).is_err() {
                    emergency_cuts.push(at);
                }
            }
        }
        emergency_cuts.sort_unstable();
        emergency_cuts.dedup();
    }
    let mut bounds = vec![0];
    bounds.extend(&cuts);
    bounds.extend(&emergency_cuts);
    bounds.sort_unstable();
    bounds.push(token.len());
    for (n, window) in bounds.windows(2).enumerate() {
        let (from, to) = (window[0], window[1]);
        let mut pieces = Vec::new();
        for ((face, range, s), (by_cluster, starts)) in shaped.iter().zip(&indexed) {
            let mut piece = Piece {
                face: *face,
                size,
                rise,
                glyphs: Vec::new(),
                text: String::new(),
            };
            let first = by_cluster.partition_point(|&(at, _)| at < from);
            let last = by_cluster.partition_point(|&(at, _)| at < to);
            let mut inside: Vec<usize> = by_cluster[first..last].iter().map(|&(_, n)| n).collect();
            // In the run's own (visual) order.
            inside.sort_unstable();
            let mut last_cluster = None;
            for glyph in inside.into_iter().map(|n| &s.glyphs[n]) {
                let at = range.start + glyph.cluster as usize;
                // Glyphs of one cluster share its text: up to the next
                // cluster of the run.
                let text = match (last_cluster, piece.glyphs.last()) {
                    (Some(previous), Some(g)) if previous == at => g.text.clone(),
                    _ => {
                        let next = starts
                            .get(starts.partition_point(|&c| c <= at))
                            .copied()
                            .unwrap_or(range.end)
                            .min(to);
                        let start = piece.text.len();
                        piece.text.push_str(&token[at..next]);
                        offset(start)..offset(piece.text.len())
                    }
                };
                last_cluster = Some(at);
                piece.glyphs.push(PlacedGlyph {
                    id: glyph.id,
                    advance: glyph.advance,
                    x_offset: glyph.x_offset,
                    y_offset: glyph.y_offset,
                    text,
                });
            }
            if !piece.glyphs.is_empty() {
                pieces.push(piece);
            }
        }
        let width: f32 = pieces
            .iter()
            .flat_map(|p| &p.glyphs)
            .map(|g| g.advance)
            .sum();
        let give = if setting.justify {
            f64::from(width * setting.expansion)
        } else {
            0.0
        };
        items.push(Item::Box {
            width: width as f64,
            stretch: give,
            shrink: give,
        });
        contents.push(Content::Pieces(pieces.into()));
        if n + 1 < bounds.len() - 1 && emergency_cuts.binary_search(&to).is_ok() {
            // An emergency break: TeX's ragged-right trick, so the line
            // ending here may fall short (its stretch takes the slack)
            // while the + and − stretch cancel when it does not. Three ems
            // of stretch: a line of letters ends within a letter of the
            // margin, so a short line ending here is too loose to choose.
            let fill = f64::from(setting.size) * 3.0;
            let glue = |stretch| Item::Glue {
                width: 0.0,
                stretch,
                shrink: 0.0,
            };
            items.extend([
                Item::penalty(linebreak::INF_PENALTY),
                glue(fill),
                Item::Penalty {
                    width: 0.0,
                    cost: EMERGENCY_PENALTY,
                    flagged: false,
                    hyphenation: true,
                },
                glue(-fill),
            ]);
            contents.extend([
                Content::Nothing,
                Content::Nothing,
                Content::Emergency,
                Content::Nothing,
            ]);
        } else if n + 1 < bounds.len() - 1 {
            // A hyphenation point: the hyphen in the face of the text
            // before it.
            let face = shaped
                .iter()
                .find(|(_, range, _)| range.start < to && to <= range.end)
                .map_or(span.style.face, |(face, _, _)| *face);
            let (item, content) = hyphen(shaper, face, size, rise, span, setting, true);
            items.push(item);
            contents.push(content);
        }
    }
}

/// A shaped run's glyphs as (cluster start, glyph index) in cluster order,
/// and its distinct cluster starts, ascending.
type ClusterIndex = (Vec<(usize, usize)>, Vec<usize>);

/// A hyphen break: a flagged penalty of `hyphen_penalty` as wide as a
/// hyphen in `face`, and the hyphen to draw when the line ends there.
/// `hyphenation`: found by the patterns (else a soft hyphen the author put).
fn hyphen(
    shaper: &mut Shaper,
    face: FaceId,
    size: f32,
    rise: f32,
    span: &Span,
    setting: &Setting,
    hyphenation: bool,
) -> (Item, Content) {
    let hyphen = shaper.shape("-", face, size, None, span.style.features);
    let piece = Piece {
        face,
        size,
        rise,
        glyphs: hyphen
            .glyphs
            .iter()
            .map(|g| PlacedGlyph {
                id: g.id,
                advance: g.advance,
                x_offset: g.x_offset,
                y_offset: g.y_offset,
                text: 0..1,
            })
            .collect(),
        text: "-".into(),
    };
    let item = Item::Penalty {
        width: hyphen.width as f64,
        cost: setting.params.hyphen_penalty,
        flagged: true,
        hyphenation,
    };
    (
        item,
        Content::Hyphen {
            piece: Arc::new(piece),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::FontSet;

    fn setting(fallbacks: &[FaceId], measure: f32) -> Setting<'_> {
        Setting {
            size: 11.0,
            measure,
            indent: 0.0,
            justify: true,
            expansion: 0.02,
            fallbacks,
            language: None,
            params: Params {
                emergency_stretch: 33.0,
                ..Params::default()
            },
            emergency: true,
        }
    }

    fn width(line: &SetLine) -> f32 {
        line.runs
            .iter()
            .map(|(x, run)| x + run.width())
            .fold(0.0, f32::max)
    }

    /// A word wider than the measure is broken between letters, never set
    /// past the margin, and its text is all there.
    #[test]
    fn a_word_wider_than_the_measure_is_broken_not_overfull() {
        let fonts = FontSet::embedded();
        let mut shaper = Shaper::new(&fonts);
        let long = "x".repeat(300);
        let text = format!("Before it {long} and after.");
        let spans = [Span {
            text: text.clone(),
            style: SpanStyle::default(),
        }];
        let lines = set(&spans, &setting(&[], 200.0), &mut shaper, None);
        assert!(lines.len() > 5, "{} lines", lines.len());
        for line in &lines {
            assert!(!line.overfull);
            assert!(width(line) <= 200.0 + 0.01, "{}", width(line));
        }
        assert!(lines.iter().filter(|l| l.broken).count() >= 4);
        assert!(!lines.iter().any(|l| l.hyphenated), "no hyphen is drawn");
        let copied: String = lines
            .iter()
            .flat_map(|l| &l.runs)
            .map(|(_, run)| run.text.as_str())
            .collect::<Vec<_>>()
            .join("");
        assert_eq!(copied.replace(' ', ""), text.replace(' ', ""));
    }

    /// Paragraphs kept by a memo and taken back are set, variants and all,
    /// as they are without it; one already taken, or not the paragraph
    /// kept, is set afresh.
    #[test]
    fn a_memo_gives_back_the_settings_a_paragraph_has_without_it() {
        let fonts = FontSet::embedded();
        let mut shaper = Shaper::new(&fonts);
        let texts = [
            "The quick brown fox jumps over the lazy dog by the river, again and \
             again, until the evening comes and the dog, at last, gets up and goes \
             home along the road that runs beside the water, past the mill and the \
             bridge, to the farm where the fox was never seen again.",
            "A second paragraph, shorter, with words enough for a few lines on a \
             narrow measure such as this one, and a few more after them.",
        ];
        let paragraphs: Vec<[Span; 1]> = texts
            .iter()
            .map(|text| {
                [Span {
                    text: text.to_string(),
                    style: SpanStyle::default(),
                }]
            })
            .collect();
        type Set = (Vec<SetLine>, Vec<(i32, Vec<SetLine>, f64)>);
        let plain = |(lines, variants): (Vec<SetLine>, Vec<Variant>)| -> Set {
            let variants = variants
                .into_iter()
                .map(|v| (v.looseness, v.lines, v.demerits))
                .collect();
            (lines, variants)
        };
        let mut some_variant = false;
        for measure in (150..=330).step_by(20) {
            let on = setting(&[], measure as f32);
            let mut alone = |spans: &[Span], variants: bool| -> Set {
                plain(set_with_variants(
                    spans,
                    &on,
                    &mut shaper,
                    None,
                    variants,
                    None,
                ))
            };
            let expected: Vec<(Set, Set)> = paragraphs
                .iter()
                .map(|spans| (alone(spans, false), alone(spans, true)))
                .collect();
            let mut memo = Memo::keeping();
            for (spans, (without, _)) in paragraphs.iter().zip(&expected) {
                let kept = set_with_variants(spans, &on, &mut shaper, None, false, Some(&mut memo));
                assert_eq!(&plain(kept), without);
            }
            assert_eq!(memo.kept.len(), 2);
            // Taken back in order, then again, then in another order.
            for order in [[0, 1], [0, 1], [1, 0]] {
                memo.replay();
                for at in order {
                    let set = set_with_variants(
                        &paragraphs[at],
                        &on,
                        &mut shaper,
                        None,
                        true,
                        Some(&mut memo),
                    );
                    let set = plain(set);
                    some_variant |= !set.1.is_empty();
                    assert_eq!(set, expected[at].1, "measure {measure}, order {order:?}");
                }
            }
        }
        assert!(some_variant, "some measure leaves room for a variant");
    }

    /// A soft hyphen is a break that draws a hyphen when taken, and nothing
    /// when not.
    #[test]
    fn a_soft_hyphen_breaks_with_a_visible_hyphen() {
        let fonts = FontSet::embedded();
        let mut shaper = Shaper::new(&fonts);
        let text = "The quick brown fox jumps over the lazy dog by the river, and the \
                    word that ends it is supercalifragilistic\u{AD}expialidocious\u{AD}ness \
                    with some more words after it to fill the last line.";
        let spans = [Span {
            text: text.into(),
            style: SpanStyle::default(),
        }];
        // On some measure the best breaking takes a soft hyphen; on every
        // one, the hyphen is drawn exactly there, and the lines' text gives
        // back the words whole (the broken line stands for the whole word).
        let words = |text: &str| -> Vec<String> {
            text.replace('\u{AD}', "")
                .split_whitespace()
                .map(str::to_string)
                .collect()
        };
        let mut taken = 0;
        for measure in (140..320).step_by(6) {
            let lines = set(&spans, &setting(&[], measure as f32), &mut shaper, None);
            let mut copied = Vec::new();
            for line in &lines {
                assert!(!line.broken && !line.overfull, "at {measure} pt");
                let drawn_hyphen = line.runs.last().is_some_and(|(_, run)| {
                    run.glyphs.last().is_some_and(|g| {
                        shaper
                            .shape("-", run.face, run.size, None, Features::default())
                            .glyphs[0]
                            .id
                            == g.id
                    })
                });
                assert_eq!(line.hyphenated, drawn_hyphen, "at {measure} pt");
                taken += usize::from(line.hyphenated);
                let text: String = line.runs.iter().map(|(_, r)| r.text.as_str()).collect();
                copied.push(text);
            }
            assert_eq!(words(&copied.join(" ")), words(text), "at {measure} pt");
        }
        assert!(taken > 0, "no measure breaks at a soft hyphen");
        let one = set(&spans, &setting(&[], 2000.0), &mut shaper, None);
        assert_eq!(one.len(), 1);
        assert!(!one[0].runs.iter().any(|(_, r)| r.text.contains('-')));
    }

    /// A word broken at its own hyphen or by the patterns copies whole: the
    /// line that breaks it stands for all of it, the next for none.
    #[test]
    fn broken_words_copy_whole() {
        let fonts = FontSet::embedded();
        let mut shaper = Shaper::new(&fonts);
        let mut hyphenator =
            crate::typeset::hyphenate::Hyphenator::new("en", &Default::default()).unwrap();
        let text = "The comrades-in-arms of the international brigade characteristically \
                    transcended nationality, and the Sino-Japanese war was a consideration \
                    of extraordinary importance to the revolutionaries of the period.";
        let spans = [Span {
            text: text.into(),
            style: SpanStyle {
                hyphenate: true,
                ..SpanStyle::default()
            },
        }];
        let mut split = 0;
        for measure in (120..300).step_by(4) {
            let lines = set(
                &spans,
                &setting(&[], measure as f32),
                &mut shaper,
                Some(&mut hyphenator),
            );
            let copied: Vec<String> = lines
                .iter()
                .map(|l| l.runs.iter().map(|(_, r)| r.text.as_str()).collect())
                .collect();
            let copied = copied.join(" ");
            let words: Vec<&str> = copied.split_whitespace().collect();
            assert_eq!(
                words,
                text.split_whitespace().collect::<Vec<_>>(),
                "at {measure} pt"
            );
            split += lines.iter().filter(|l| l.hyphenated).count();
        }
        assert!(split > 10, "the sample breaks words: {split}");
    }

    /// Glyphs never widen past their expansion, however loose the line:
    /// the spaces take the rest, and justified lines still end at the
    /// measure.
    #[test]
    fn expansion_stays_within_its_limit() {
        let fonts = FontSet::embedded();
        let mut shaper = Shaper::new(&fonts);
        let text = "Incomprehensibilities notwithstanding, characteristically \
                    uncompromising typographers acknowledged extraordinarily \
                    disproportionate interword spaces.";
        let spans = [Span {
            text: text.into(),
            style: SpanStyle::default(),
        }];
        let mut loose = 0;
        for measure in (150..260).step_by(5) {
            let lines = set(&spans, &setting(&[], measure as f32), &mut shaper, None);
            for line in &lines {
                for (_, run) in &line.runs {
                    assert!(
                        (0.98 - 1e-4..=1.02 + 1e-4).contains(&run.expansion),
                        "{} at {measure} pt",
                        run.expansion
                    );
                }
                if !line.last && !line.broken {
                    assert!(
                        (width(line) - measure as f32).abs() < 0.05,
                        "at {measure} pt"
                    );
                }
                loose += usize::from(line.ratio > 1.0);
            }
        }
        assert!(loose > 0, "some line is stretched past ratio 1");
    }

    /// Ordinary text never takes the emergency path.
    #[test]
    fn ordinary_text_is_not_broken_inside_words() {
        let fonts = FontSet::embedded();
        let mut shaper = Shaper::new(&fonts);
        let text = "The compositor set the type by hand, one letter at a time, \
                    reading each line upside down in the stick before it went \
                    into the galley with the rest of the page.";
        let spans = [Span {
            text: text.into(),
            style: SpanStyle::default(),
        }];
        let lines = set(&spans, &setting(&[], 200.0), &mut shaper, None);
        assert!(lines.len() >= 3);
        assert!(lines.iter().all(|l| !l.broken && !l.overfull && !l.loose));
    }
}
