//! The print edition's blocks, measured on the positioned pages of small
//! books written to a temp folder: code blocks (real spaces, fixed widths,
//! wrapped inside the measure with a continuation sign), tables (widths from
//! the content, bold header, booktabs rules, alignment, rows kept whole),
//! struck text and task-list boxes.

mod common;

use quire::typeset::frame::{Item, Page, TextRun};
use quire::typeset::style::Style;
use quire::world::SystemWorld;

/// A book of one chapter, typeset.
struct Typeset {
    pages: Vec<Page>,
    style: Style,
}

impl Typeset {
    /// Sets `markdown` as the one chapter of a 5 × 7.5 in book at 10 pt.
    fn new(markdown: &str) -> Typeset {
        Typeset::with(&[markdown], "")
    }

    /// Sets each of `chapters` as a chapter of a 5 × 7.5 in book at 10 pt,
    /// with `pdf` added to its `[pdf]` table.
    fn with(chapters: &[&str], pdf: &str) -> Typeset {
        let dir = common::temp();
        let names: Vec<String> = (0..chapters.len()).map(|n| format!("\"{n}.md\"")).collect();
        common::write(
            dir.path(),
            "book.toml",
            format!(
                "[book]\ntitle = \"Blocks\"\nauthors = [\"A. Tester\"]\nlanguage = \"en\"\n\
                 chapters = [{}]\n\n[pdf]\ntrim-size = \"5in x 7.5in\"\nfont-size = \"10pt\"\n{pdf}\n",
                names.join(", ")
            ),
        );
        for (n, markdown) in chapters.iter().enumerate() {
            common::write(
                dir.path(),
                &format!("{n}.md"),
                format!("# Blocks\n\n{markdown}"),
            );
        }
        let world = SystemWorld::new(dir.path(), None).expect("the book folder");
        let compiled = quire::compile(&world);
        let book = compiled.book.expect("the book compiles");
        let config = compiled.config.expect("book.toml parses");
        let fonts = compiled.fonts.expect("the fonts load");
        let style = Style::new(&config, &fonts);
        let set = quire::typeset::typeset(&book, &config, &fonts, None);
        // The body's pages: the front matter (an even number of pages) left
        // out, so page 0 is the first chapter's opening.
        let pages = set.document.pages[set.report.front..].to_vec();
        Typeset { pages, style }
    }

    /// The left edge of the text block on page `n` (from 0).
    fn left(&self, n: usize) -> f32 {
        if n.is_multiple_of(2) {
            self.style.inner
        } else {
            self.style.outer
        }
    }

    /// Every text run: page, x, baseline and run (running heads and folios
    /// left out).
    fn runs(&self) -> Vec<(usize, f32, f32, &TextRun)> {
        let foot = self.style.page_height - self.style.bottom;
        let head = self.style.top;
        self.pages
            .iter()
            .enumerate()
            .flat_map(|(n, page)| {
                page.all_items().filter_map(move |p| match &p.item {
                    Item::Text(run) if p.y < foot + self.style.size && p.y > head => {
                        Some((n, p.x, p.y, run))
                    }
                    _ => None,
                })
            })
            .collect()
    }

    /// The runs of code text in the mono face (not the continuation signs,
    /// which have no text).
    fn code_runs(&self) -> Vec<(usize, f32, f32, &TextRun)> {
        let mono = self.style.faces.mono;
        self.runs()
            .into_iter()
            .filter(|(_, _, _, run)| run.face == mono && !run.text.is_empty())
            .collect()
    }

    /// Every rule: page, x, top, width and thickness.
    fn rules(&self) -> Vec<(usize, f32, f32, f32, f32)> {
        self.pages
            .iter()
            .enumerate()
            .flat_map(|(n, page)| {
                page.all_items().filter_map(move |p| match p.item {
                    Item::Rule { width, height } => Some((n, p.x, p.y, width, height)),
                    _ => None,
                })
            })
            .collect()
    }

    /// The run holding `text`, with the x where `text` starts and ends in it.
    fn find(&self, text: &str) -> (usize, f32, f32, f32) {
        let (page, x, y, run) = self
            .runs()
            .into_iter()
            .find(|(_, _, _, run)| run.text.contains(text))
            .unwrap_or_else(|| panic!("a run holds {text:?}"));
        let start = run.text.find(text).unwrap();
        let end = start + text.len();
        let before = |at: usize| -> f32 {
            run.glyphs
                .iter()
                .filter(|g| g.bytes().start < at)
                .map(|g| g.advance)
                .sum()
        };
        (page, y, x + before(start), x + before(end))
    }

    /// The run that is `text` and nothing else: page, baseline, start, end.
    fn exact(&self, text: &str) -> (usize, f32, f32, f32) {
        self.runs()
            .into_iter()
            .find(|(_, _, _, run)| run.text == text)
            .map(|(page, x, y, run)| (page, y, x, x + run.width()))
            .unwrap_or_else(|| panic!("a run {text:?}"))
    }
}

/// A code line far wider than the measure, indented, with spaces, a slash
/// path and a run with no break opportunity.
const LONG_CODE: &str = "```\nfn main() {\n    let path = \"usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf\"; \
     let hex = \"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\";\n}\n```\n";

#[test]
fn a_long_code_line_wraps_inside_the_measure() {
    let set = Typeset::new(LONG_CODE);
    let runs = set.code_runs();
    assert!(runs.len() >= 4, "the long line is cut: {runs:#?}");
    for (page, x, _, run) in &runs {
        let right = set.left(*page) + set.style.measure;
        assert!(
            x + run.width() <= right + 0.01,
            "{:?} ends at {} past the margin {right}",
            run.text,
            x + run.width()
        );
    }
    // Cut where the text allows: after a space or a slash, or inside the
    // hexadecimal run only; the pieces put back together are the line.
    let text: String = runs.iter().map(|(_, _, _, r)| r.text.as_str()).collect();
    assert_eq!(
        text,
        "fn main() {    let path = \"usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf\"; \
         let hex = \"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\";}"
    );
    for (_, _, _, run) in &runs[1..runs.len() - 2] {
        let last = run.text.chars().last().unwrap();
        assert!(
            last == ' ' || last == '/' || run.text.contains("0123"),
            "a piece ends at a break opportunity: {:?}",
            run.text
        );
    }
}

#[test]
fn continuation_lines_hang_after_a_sign_that_copies_as_nothing() {
    let set = Typeset::new(LONG_CODE);
    let mono = set.style.faces.mono;
    let signs: Vec<_> = set
        .runs()
        .into_iter()
        .filter(|(_, _, _, run)| run.text.is_empty() && !run.glyphs.is_empty())
        .collect();
    let code = set.code_runs();
    let pieces: Vec<_> = code.iter().collect();
    // Line 1, then line 2 cut into pieces, then line 3: every piece but the
    // first of line 2 is a continuation.
    assert_eq!(signs.len(), pieces.len() - 3, "{signs:#?}");
    let first = pieces[1];
    let column = first.3.glyphs[0].advance;
    for (page, x, y, run) in &signs {
        assert_eq!(run.face, mono, "the sign is the mono face's");
        assert!(run.glyphs.iter().all(|g| g.id != 0), "the face has it");
        // Under the line's text (after its four spaces of indent), and the
        // continuation two columns further.
        assert!((x - (set.left(*page) + 4.0 * column)).abs() < 0.01);
        let text = pieces
            .iter()
            .find(|(p, _, py, _)| p == page && py == y)
            .expect("the sign's line has text");
        assert!((text.1 - (x + 2.0 * column)).abs() < 0.01);
    }
    // The line's own indentation is kept, as spaces in its first piece.
    assert!(first.3.text.starts_with("    let"), "{:?}", first.3.text);
    assert!((first.1 - set.left(first.0)).abs() < 0.01);
}

#[test]
fn code_keeps_real_spaces_at_fixed_widths() {
    let set = Typeset::new("```\nlet  x = 1;\n    two   spaced  out\n```\n");
    let runs = set.code_runs();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0].3.text, "let  x = 1;");
    assert_eq!(runs[1].3.text, "    two   spaced  out");
    for (_, _, _, run) in &runs {
        assert!(!run.text.contains('\u{a0}'));
        assert_eq!(run.expansion, 1.0, "no font expansion");
        let advance = run.glyphs[0].advance;
        assert!(
            run.glyphs
                .iter()
                .all(|g| (g.advance - advance).abs() < 1e-4),
            "one advance for every character, spaces too: {run:?}"
        );
        // Each glyph stands for one character (a space copies as a space).
        assert_eq!(run.glyphs.len(), run.text.chars().count());
    }
}

/// A table with a short column, a long wrapped one and a right-aligned
/// and a centred column.
const TABLE: &str = "\
| Term | Meaning | Count | Mark |
|:-----|:--------|------:|:----:|
| Kerning | The adjustment of space between particular pairs of letters, so that a word looks evenly spaced. | 12 | Q |
| Leading | Space between lines. | 3456 | QQQ |
| Measure | The length of a line. | 7 | WW |

After the table.
";

#[test]
fn a_table_has_booktabs_rules_and_a_bold_header() {
    let set = Typeset::new(TABLE);
    let rules = set.rules();
    assert_eq!(rules.len(), 3, "top, header and bottom rules: {rules:?}");
    let (top, middle, bottom) = (rules[0], rules[1], rules[2]);
    assert!(top.2 < middle.2 && middle.2 < bottom.2);
    assert!(top.4 > middle.4 && (top.4 - bottom.4).abs() < 1e-4);
    assert!((top.3 - middle.3).abs() < 1e-4 && (top.3 - bottom.3).abs() < 1e-4);
    let bold = set.style.faces.bold;
    for head in ["Term", "Meaning", "Count", "Mark"] {
        let (run_face, y) = set
            .runs()
            .into_iter()
            .find(|(_, _, _, r)| r.text == head)
            .map(|(_, _, y, r)| (r.face, y))
            .unwrap_or_else(|| panic!("{head} is a run of its own"));
        assert_eq!(run_face, bold, "{head} is bold");
        assert!(top.2 < y && y < middle.2, "{head} is between the rules");
    }
    let (_, y, ..) = set.find("Kerning");
    assert!(middle.2 < y && y < bottom.2);
    assert_ne!(
        set.runs()
            .iter()
            .find(|(_, _, _, r)| r.text == "Kerning")
            .unwrap()
            .3
            .face,
        bold
    );
}

#[test]
fn table_columns_are_as_wide_as_their_content_and_aligned() {
    let set = Typeset::new(TABLE);
    let rules = set.rules();
    let (left, width) = (rules[0].1, rules[0].3);
    let edge = set.left(0);
    // The long column wraps, so the table fills the measure.
    assert!((left - edge).abs() < 0.01 && (width - set.style.measure).abs() < 0.01);
    // The first column is as wide as its widest word, not a quarter.
    let term = set.find("Kerning");
    let meaning = set.find("The adjustment");
    assert!(meaning.2 < edge + set.style.measure / 4.0, "{meaning:?}");
    assert!(meaning.2 > term.3, "the columns do not overlap");
    // Right-aligned figures end at one x; centred marks share a centre.
    let count = ["Count", "12", "3456", "7"].map(|t| set.exact(t));
    let ends = count.map(|(.., end)| end);
    assert!(ends.iter().all(|e| (e - ends[0]).abs() < 0.01), "{ends:?}");
    let centres = ["Mark", "Q", "QQQ", "WW"].map(|t| {
        let (_, _, from, to) = set.exact(t);
        (from + to) / 2.0
    });
    assert!(
        centres.iter().all(|c| (c - centres[0]).abs() < 0.01),
        "{centres:?}"
    );
    // Left-aligned cells start at one x.
    let starts: Vec<f32> = ["Term", "Kerning", "Leading", "Measure"]
        .iter()
        .map(|t| set.find(t).2)
        .collect();
    assert!(starts.iter().all(|s| (s - starts[0]).abs() < 0.01));
    // The wrapped cell is ragged, within its column, and not hyphenated.
    let next_row = set.exact("Leading").1;
    let cell: Vec<_> = set
        .runs()
        .into_iter()
        .filter(|(_, x, y, _)| (x - meaning.2).abs() < 0.01 && *y >= meaning.1 && *y < next_row)
        .collect();
    assert!(cell.len() >= 2, "the long cell wraps: {cell:#?}");
    let count_column = count
        .map(|(_, _, start, _)| start)
        .into_iter()
        .fold(f32::MAX, f32::min);
    for (_, x, _, run) in &cell {
        assert!(!run.text.ends_with('-'));
        assert!(x + run.width() < count_column);
    }
}

#[test]
fn a_long_table_breaks_between_rows_only() {
    let mut table = String::from("| Row | Text |\n|---|---|\n");
    for n in 0..40 {
        table.push_str(&format!(
            "| {n} | a{n}a words enough to fill more than one line of this column, \
             and a few more words for good measure z{n}z |\n"
        ));
    }
    let set = Typeset::new(&table);
    assert!(set.pages.len() >= 3, "the table runs over pages");
    for n in 0..40 {
        let first = set.find(&format!("a{n}a"));
        let last = set.find(&format!("z{n}z"));
        assert_eq!(first.0, last.0, "row {n} is on one page");
        assert!(last.1 > first.1, "row {n} wraps");
    }
}

#[test]
fn struck_text_has_a_rule_through_it() {
    let set = Typeset::new("Plain words, ~~struck words~~ and plain again.\n");
    let rules = set.rules();
    assert_eq!(rules.len(), 1, "{rules:?}");
    let (_, x, top, width, thickness) = rules[0];
    let (_, baseline, from, to) = set.find("struck words");
    assert!((x - from).abs() < 0.01 && (x + width - to).abs() < 0.01);
    // Through the middle of the lower case: about half the x-height.
    let size = set.style.size;
    let middle = baseline - (top + thickness / 2.0);
    assert!(middle > 0.15 * size && middle < 0.3 * size, "{middle}");
    assert!(thickness > 0.02 * size && thickness < 0.08 * size);
}

#[test]
fn a_strike_across_a_line_end_is_one_rule_per_line() {
    let words = "word ".repeat(30);
    let set = Typeset::new(&format!("Before ~~{}end~~ after.\n", words));
    let rules = set.rules();
    let lines: std::collections::BTreeSet<i32> = set
        .runs()
        .iter()
        .filter(|(_, _, _, r)| r.text.contains("word"))
        .map(|(_, _, y, _)| *y as i32)
        .collect();
    assert!(lines.len() >= 2);
    assert_eq!(rules.len(), lines.len(), "{rules:?}");
    let (_, _, _, before_end) = set.find("Before ");
    assert!(
        (rules[0].1 - before_end).abs() < 0.01,
        "starts at the struck text"
    );
    let (_, _, end_from, end_to) = set.find("end");
    let last = rules.last().unwrap();
    assert!(last.1 < end_from && (last.1 + last.3 - end_to).abs() < 0.01);
}

#[test]
fn task_list_boxes_are_glyphs_of_an_embedded_face() {
    let set = Typeset::new("- [x] done\n- [ ] to do\n");
    for mark in ["\u{2611}", "\u{2610}"] {
        let (_, _, _, run) = set
            .runs()
            .into_iter()
            .find(|(_, _, _, r)| r.text == mark)
            .unwrap_or_else(|| panic!("a run {mark}"));
        assert!(!run.glyphs.is_empty());
        assert!(
            run.glyphs.iter().all(|g| g.id != 0),
            "{mark} is no missing glyph"
        );
    }
}

#[test]
fn inline_code_is_smaller_than_the_text_on_its_baseline() {
    let set = Typeset::new("Text with `some_code()` in it.\n");
    let (_, _, code_y, code) = set.code_runs()[0];
    assert_eq!(code.text, "some_code()");
    let size = set.style.size;
    assert!(
        (code.size - 0.85 * size).abs() < 1e-4,
        "the mono face's large x-height is brought to the text's: {}",
        code.size
    );
    let (_, text_y, ..) = set.find("Text with");
    assert_eq!(code_y, text_y);
}

/// A heading never ends a page: with the heading at every possible height
/// on the page (one more filler line each time), the last line of a page
/// is never the heading's.
#[test]
fn a_heading_never_ends_a_page() {
    let filler = "Line.\n\n";
    let mut seen_split = false;
    for lines in 20..40 {
        let markdown = format!(
            "{}## The Heading\n\nThe paragraph after the heading, long enough to take \
             two lines of the narrow page of this test book, or very nearly so.\n",
            filler.repeat(lines)
        );
        let set = Typeset::new(&markdown);
        let runs = set.runs();
        let (page, _, _, _) = set.find("The Heading");
        let last_on_page = runs
            .iter()
            .filter(|(n, ..)| *n == page)
            .max_by(|a, b| a.2.total_cmp(&b.2))
            .unwrap();
        assert!(
            !last_on_page.3.text.contains("Heading"),
            "with {lines} filler lines the heading ends page {page}"
        );
        seen_split |= page > 0;
    }
    assert!(seen_split, "the loop puts the heading past the first page");
}

/// `figures = "old-style"` sets text figures in running text (other glyphs
/// than the lining default), never in code.
#[test]
fn old_style_figures_as_configured() {
    let text = "In 1941, and `1941` in code.";
    let glyphs = |set: &Typeset, needle: &str, code: bool| -> Vec<u32> {
        let mono = set.style.faces.mono;
        set.runs()
            .into_iter()
            .find(|(_, _, _, run)| run.text.contains(needle) && (run.face == mono) == code)
            .map(|(_, _, _, run)| run.glyphs.iter().map(|g| g.id).collect())
            .expect("the run")
    };
    let lining = Typeset::new(text);
    let old = Typeset::with(&[text], "figures = \"old-style\"");
    assert_ne!(
        glyphs(&lining, "In 1941", false),
        glyphs(&old, "In 1941", false)
    );
    assert_eq!(glyphs(&lining, "1941", true), glyphs(&old, "1941", true));
}

/// `footnote-numbering = "book"` numbers the print edition's note calls on
/// through the chapters, as the EPUB's.
#[test]
fn footnote_numbering_follows_the_config() {
    let chapters = [
        "One[^a] and two[^b].\n\n[^a]: A.\n\n[^b]: B.\n",
        "Three[^c].\n\n[^c]: C.\n",
    ];
    let calls = |set: &Typeset| -> Vec<String> {
        set.runs()
            .into_iter()
            .filter(|(_, _, _, run)| run.size < set.style.size * 0.7)
            .map(|(_, _, _, run)| run.text.clone())
            .collect()
    };
    let per_chapter = Typeset::with(&chapters, "");
    assert_eq!(calls(&per_chapter), ["1", "2", "1"]);
    let book = Typeset::with(&chapters, "footnote-numbering = \"book\"");
    assert_eq!(calls(&book), ["1", "2", "3"]);
}

/// A heading of several lines is balanced: its lines are about as long as each
/// other, not a full line over a lone word.
#[test]
fn a_long_heading_is_balanced() {
    let set = Typeset::new(
        "## Of the formation of the allied forces and of their many consequences\n\nText.\n",
    );
    let runs = set.runs();
    let (page, _, y, _) = set.find("formation");
    let mut lines: Vec<(f32, f32)> = Vec::new();
    for (n, x, baseline, run) in &runs {
        if *n != page || *baseline < y - 0.1 || run.size <= set.style.size * 1.05 {
            continue;
        }
        match lines.iter_mut().find(|(b, _)| (b - baseline).abs() < 0.1) {
            Some((_, width)) => *width = width.max(x + run.width()),
            None => lines.push((*baseline, x + run.width())),
        }
    }
    let left = set.left(page);
    let widths: Vec<f32> = lines.iter().map(|(_, right)| right - left).collect();
    assert!(widths.len() >= 2, "{widths:?}");
    let long = widths.iter().copied().fold(0.0, f32::max);
    let short = widths.iter().copied().fold(f32::MAX, f32::min);
    assert!(short > 0.7 * long, "{widths:?}");
}
