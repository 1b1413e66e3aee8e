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

use super::frame::{PlacedGlyph, TextRun};
use super::hyphenate::Hyphenator;
use super::linebreak::{self, Item, Params};
use super::shape::{FaceId, Features, Shaper};

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
}

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
    /// Whether it is the paragraph's last line (set ragged).
    pub last: bool,
    /// The width of its inter-word spaces as set, in points (for quality
    /// measures); empty when it has none.
    pub spaces: Vec<f32>,
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

/// What an item stands for.
#[derive(Debug, Clone)]
enum Content {
    /// Glyph pieces.
    Pieces(Vec<Piece>),
    /// A space: the face and size whose space glyph it uses.
    Space { face: FaceId, size: f32 },
    /// A hyphen to set if the line breaks here.
    Hyphen { piece: Piece },
    /// Nothing to draw (indent, paragraph end, forced break).
    Nothing,
}

/// Sets a paragraph.
pub fn set(
    spans: &[Span],
    setting: &Setting,
    shaper: &mut Shaper,
    mut hyphenator: Option<&mut Hyphenator>,
) -> Vec<SetLine> {
    let mut items: Vec<Item> = Vec::new();
    let mut contents: Vec<Content> = Vec::new();
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
        let rise = if span.style.superior {
            setting.size * 0.35
        } else {
            0.0
        };
        let space = shaper
            .shape(" ", span.style.face, size, None, span.style.features)
            .width;
        for (token, kind) in tokens(&span.text) {
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
                    word(
                        token,
                        span,
                        size,
                        rise,
                        setting,
                        shaper,
                        hyphenator.as_deref_mut(),
                        &mut items,
                        &mut contents,
                    );
                    if allowed_after {
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
    let measure = setting.measure as f64;
    let breaking = linebreak::break_lines(&items, &|_| measure, &setting.params);
    let count = breaking.lines.len();
    breaking
        .lines
        .iter()
        .enumerate()
        .map(|(n, line)| commit(line, n + 1 == count, &items, &contents, shaper))
        .collect()
}

/// Turns a line of items into positioned runs.
fn commit(
    line: &linebreak::Line,
    last: bool,
    items: &[Item],
    contents: &[Content],
    shaper: &mut Shaper,
) -> SetLine {
    let mut runs: Vec<(f32, TextRun)> = Vec::new();
    let mut spaces = Vec::new();
    let mut x = 0.0f32;
    let ratio = line.ratio;
    let glue_width = |width: f64, stretch: f64, shrink: f64| -> f32 {
        let adjust = if ratio >= 0.0 {
            if stretch >= linebreak::FIL {
                0.0
            } else {
                stretch * ratio
            }
        } else {
            shrink * ratio
        };
        (width + adjust) as f32
    };
    // The expansion of the line's glyphs: every expandable box of a line
    // is scaled by the same factor, as its glue.
    let mut expansion = 1.0f32;
    let end = line.end.min(items.len());
    for index in line.start..end {
        match (&items[index], &contents[index]) {
            (
                Item::Box {
                    width,
                    stretch,
                    shrink,
                },
                Content::Pieces(pieces),
            ) => {
                let set = glue_width(*width, *stretch, *shrink);
                let scale = if *width > 0.0 && set != *width as f32 {
                    set / *width as f32
                } else {
                    1.0
                };
                if scale != 1.0 {
                    expansion = scale;
                }
                for piece in pieces {
                    let piece = scaled(piece, scale);
                    append(&mut runs, x, &piece, expansion);
                    x += piece.glyphs.iter().map(|g| g.advance).sum::<f32>();
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
                if let Content::Space { face, size } = content {
                    spaces.push(set);
                    // The space as a glyph, so copied text has its spaces.
                    let shaped = shaper.shape(" ", *face, *size, None, Features::default());
                    if let Some(glyph) = shaped.glyphs.first() {
                        let piece = Piece {
                            face: *face,
                            size: *size,
                            rise: 0.0,
                            glyphs: vec![PlacedGlyph {
                                id: glyph.id,
                                advance: set,
                                x_offset: 0.0,
                                y_offset: 0.0,
                                text: 0..1,
                            }],
                            text: " ".into(),
                        };
                        append(&mut runs, x, &piece, expansion);
                    }
                }
                x += set;
            }
            _ => {}
        }
    }
    // A hyphen where the line breaks at one.
    // (Its advance is as breaking counted it, unscaled; its shape is
    // drawn at the line's expansion like the rest.)
    if let Some(Content::Hyphen { piece }) = contents.get(line.end) {
        append(&mut runs, x, piece, expansion);
    }
    SetLine {
        runs,
        ratio,
        hyphenated: line.hyphenated,
        overfull: line.overfull,
        last,
        spaces,
    }
}

/// A piece with its advances and offsets scaled by `scale`.
fn scaled(piece: &Piece, scale: f32) -> std::borrow::Cow<'_, Piece> {
    if scale == 1.0 {
        return std::borrow::Cow::Borrowed(piece);
    }
    let mut piece = piece.clone();
    for glyph in &mut piece.glyphs {
        glyph.advance *= scale;
        glyph.x_offset *= scale;
    }
    std::borrow::Cow::Owned(piece)
}

/// Adds a piece to the runs, joining the last run when face, size,
/// expansion and baseline agree (and the piece starts where that run ends).
fn append(runs: &mut Vec<(f32, TextRun)>, x: f32, piece: &Piece, expansion: f32) {
    if let Some((start, run)) = runs.last_mut()
        && run.face == piece.face
        && run.size == piece.size
        && run.expansion == expansion
        && piece.rise == 0.0
        && (*start + run.width() - x).abs() < 0.01
    {
        let offset = run.text.len();
        run.text.push_str(&piece.text);
        run.glyphs.extend(piece.glyphs.iter().map(|g| PlacedGlyph {
            text: g.text.start + offset..g.text.end + offset,
            ..g.clone()
        }));
        return;
    }
    runs.push((
        x,
        TextRun {
            face: piece.face,
            size: piece.size,
            glyphs: piece
                .glyphs
                .iter()
                .map(|g| PlacedGlyph {
                    y_offset: g.y_offset + piece.rise,
                    ..g.clone()
                })
                .collect(),
            text: piece.text.clone(),
            expansion,
        },
    ));
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Token {
    Space,
    /// A piece of a word; `true` when a line may break after it (UAX #14)
    /// though no space follows.
    Word(bool),
}

/// Splits text into spaces and word pieces at UAX #14 break opportunities.
fn tokens(text: &str) -> Vec<(&str, Token)> {
    let mut out = Vec::new();
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
    let mut runs: Vec<(FaceId, Range<usize>)> = Vec::new();
    for (at, c) in token.char_indices() {
        let face = std::iter::once(span.style.face)
            .chain(setting.fallbacks.iter().copied())
            .find(|&face| shaper.covers(face, c))
            .unwrap_or(span.style.face);
        match runs.last_mut() {
            Some((last, range)) if *last == face => range.end = at + c.len_utf8(),
            _ => runs.push((face, at..at + c.len_utf8())),
        }
    }
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
    // Cut points: hyphenation points that fall on a cluster boundary.
    let cuts: Vec<usize> = points
        .into_iter()
        .filter(|&at| {
            shaped.iter().any(|(_, range, s)| {
                range.start < at && at < range.end && s.is_cluster_boundary(at - range.start)
            })
        })
        .collect();
    let mut bounds = vec![0];
    bounds.extend(&cuts);
    bounds.push(token.len());
    for (n, window) in bounds.windows(2).enumerate() {
        let (from, to) = (window[0], window[1]);
        let mut pieces = Vec::new();
        for (face, range, s) in &shaped {
            let mut piece = Piece {
                face: *face,
                size,
                rise,
                glyphs: Vec::new(),
                text: String::new(),
            };
            let mut last_cluster = None;
            for glyph in &s.glyphs {
                let at = range.start + glyph.cluster as usize;
                if at < from || at >= to {
                    continue;
                }
                // Glyphs of one cluster share its text: up to the next
                // cluster of the run.
                let text = match (last_cluster, piece.glyphs.last()) {
                    (Some(previous), Some(g)) if previous == at => g.text.clone(),
                    _ => {
                        let next = s
                            .glyphs
                            .iter()
                            .map(|g| range.start + g.cluster as usize)
                            .filter(|&c| c > at)
                            .min()
                            .unwrap_or(range.end)
                            .min(to);
                        let start = piece.text.len();
                        piece.text.push_str(&token[at..next]);
                        start..piece.text.len()
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
        contents.push(Content::Pieces(pieces));
        if n + 1 < bounds.len() - 1 {
            // A hyphenation point: the hyphen in the face of the text
            // before it.
            let face = shaped
                .iter()
                .find(|(_, range, _)| range.start < to && to <= range.end)
                .map_or(span.style.face, |(face, _, _)| *face);
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
            items.push(Item::Penalty {
                width: hyphen.width as f64,
                cost: setting.params.hyphen_penalty,
                flagged: true,
                hyphenation: true,
            });
            contents.push(Content::Hyphen { piece });
        }
    }
}
