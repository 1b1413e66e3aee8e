//! The quality of the print edition's lines, measured on quire's own layout
//! (not on the PDF), so that a regression fails the build:
//!
//! - no line wider than its measure;
//! - at least 99 % of justified lines that do not end a paragraph flush with
//!   the right edge;
//! - inter-word spaces on justified lines: 95th percentile ≤ 0.36 em and at
//!   most 0.5 % of lines with a space looser than 0.5 em;
//! - never more than 2 hyphenated line ends in a row, at most 9 % of lines
//!   hyphenated, and at most 2 % of paragraphs whose last line starts with
//!   the end of a hyphenated word (it stays only where avoiding it would
//!   take a line with spaces over half an em).
//!
//! `cargo test --test layout -- --nocapture` prints the figures.

use quire::typeset::flow::{self, Flow, Hyphenators, Line};
use quire::typeset::shape::Shaper;
use quire::typeset::style::Style;
use quire::world::SystemWorld;

/// The figures of one book.
#[derive(Debug)]
struct Figures {
    lines: usize,
    overfull: usize,
    justified: usize,
    flush: usize,
    p95_space_em: f32,
    loose_lines: usize,
    hyphenated: usize,
    longest_hyphen_run: usize,
    /// Paragraphs whose last line starts with the end of a hyphenated word.
    final_hyphens: usize,
    /// Paragraphs (last lines).
    paragraphs: usize,
}

fn measure(dir: &str) -> Figures {
    let world = SystemWorld::new(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir),
        None,
    )
    .expect("the book folder");
    let compiled = quire::compile(&world);
    let book = compiled.book.expect("the book compiles");
    let config = compiled.config.expect("book.toml parses");
    let fonts = compiled.fonts.expect("the fonts load");
    let style = Style::new(&config, &fonts);
    let mut shaper = Shaper::new(&fonts);
    let mut hyphenators = Hyphenators::new(Default::default(), true);
    let list = flow::chapters(
        &book,
        &style,
        &mut shaper,
        &mut hyphenators,
        &mut Vec::new(),
    );

    let mut figures = Figures {
        lines: 0,
        overfull: 0,
        justified: 0,
        flush: 0,
        p95_space_em: 0.0,
        loose_lines: 0,
        hyphenated: 0,
        longest_hyphen_run: 0,
        final_hyphens: 0,
        paragraphs: 0,
    };
    let mut spaces = Vec::new();
    let mut run = 0;
    // The body's lines, then the notes', chapter by chapter.
    let lines = list.iter().flat_map(|chapter| {
        chapter
            .body
            .iter()
            .filter_map(|element| match element {
                Flow::Line(line) => Some(line),
                Flow::Space(_) => None,
            })
            .chain(chapter.notes.iter().flatten())
    });
    for line in lines {
        let Line {
            set: Some(line),
            items,
            ..
        } = line
        else {
            continue;
        };
        figures.lines += 1;
        let size = line.runs.first().map_or(style.size, |(_, r)| r.size);
        let right = items
            .iter()
            .map(|p| match &p.item {
                quire::typeset::frame::Item::Text(run) => p.x + run.width(),
                _ => p.x,
            })
            .fold(0.0f32, f32::max);
        let left = items.iter().map(|p| p.x).fold(f32::MAX, f32::min);
        if line.overfull || right - left > style.measure + 0.01 {
            figures.overfull += 1;
            let text: String = line.runs.iter().map(|(_, r)| r.text.as_str()).collect();
            println!(
                "overfull ({}, {} pt): {text}",
                line.overfull,
                right - left - style.measure
            );
        }
        figures.paragraphs += usize::from(line.last);
        if line.last && run > 0 {
            figures.final_hyphens += 1;
        }
        if line.hyphenated {
            figures.hyphenated += 1;
            run += 1;
            figures.longest_hyphen_run = figures.longest_hyphen_run.max(run);
        } else {
            run = 0;
        }
        // A justified line: body text that is not a paragraph's last line.
        if !line.last && !line.spaces.is_empty() && (size - style.size).abs() < 0.01 {
            figures.justified += 1;
            if (right - style.measure).abs() < 0.05 || line.ratio.abs() > 0.0 {
                figures.flush += 1;
            }
            let widest = line.spaces.iter().copied().fold(0.0f32, f32::max) / size;
            if widest > 0.5 {
                figures.loose_lines += 1;
            }
            spaces.extend(line.spaces.iter().map(|s| s / size));
        }
    }
    spaces.sort_by(f32::total_cmp);
    if !spaces.is_empty() {
        figures.p95_space_em = spaces[(spaces.len() * 95 / 100).min(spaces.len() - 1)];
    }
    figures
}

/// Asserts the bar of the module doc.
fn assert_meets_the_bar(figures: &Figures) {
    assert!(figures.lines > 100, "the text is set: {figures:?}");
    assert_eq!(figures.overfull, 0, "no line past the measure");
    assert!(
        figures.flush as f64 >= 0.99 * figures.justified as f64,
        "justified lines flush right: {figures:?}"
    );
    assert!(
        figures.p95_space_em <= 0.36,
        "95th percentile space: {figures:?}"
    );
    assert!(
        figures.loose_lines as f64 <= 0.005 * figures.justified as f64,
        "loose lines: {figures:?}"
    );
    assert!(
        figures.longest_hyphen_run <= 2,
        "hyphens in a row: {figures:?}"
    );
    assert!(
        figures.hyphenated as f64 <= 0.09 * figures.lines as f64,
        "hyphenated lines: {figures:?}"
    );
    // Kept only where avoiding it would take a line looser than half an
    // em (the sample has two such paragraphs of two lines).
    assert!(
        figures.final_hyphens as f64 <= 0.02 * figures.paragraphs as f64,
        "last lines starting with the end of a word: {figures:?}"
    );
}

#[test]
fn sample_book_lines_meet_the_bar() {
    let figures = measure("book");
    println!("sample book: {figures:?}");
    assert_meets_the_bar(&figures);
}

/// `tests/corpus/medium`: the generated 15-chapter book of
/// `../shared/corpus/medium` (about 50,000 words).
#[test]
fn medium_corpus_lines_meet_the_bar() {
    let figures = measure("tests/corpus/medium");
    println!("medium corpus: {figures:?}");
    assert_meets_the_bar(&figures);
}
