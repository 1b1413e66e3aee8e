//! The printed book's pages, checked from quire's own layout (the
//! typesetter's [`Report`] of what each page holds, and the frames it
//! draws) on the sample book, the medium and large corpora, and books made
//! here of the hard cases:
//!
//! - every note starts on the page of its first call;
//! - no widow (a paragraph's last line alone at a page's head), no orphan
//!   (its first line alone at a foot), no heading at a page's foot, and no
//!   warning that one could not be avoided;
//! - every chapter opens on a recto (an odd page), blank pages are blank;
//! - every contents entry prints the folio of its heading's page, and
//!   links there; every bookmark lands on its heading's page;
//! - page labels: roman in the front matter, arabic from the first
//!   chapter, which is page 1.
//!
//! `cargo test --release --test pages -- --nocapture` prints the figures.

mod common;

use quire::typeset::Typeset;
use quire::typeset::book::{PageKind, Report};
use quire::typeset::flow::Role;
use quire::typeset::frame::{Bookmark, Numbering, Target};
use quire::typeset::style::Style;
use quire::world::SystemWorld;

/// The figures of a book's pages.
#[derive(Debug, Default)]
#[allow(dead_code)] // `pages` is printed.
struct Figures {
    pages: usize,
    notes: usize,
    notes_on_call_page: usize,
    continued: usize,
    widows: usize,
    orphans: usize,
    headings_at_foot: usize,
    short_pages: usize,
    /// Pages without notes (not a chapter's last) whose body stops more
    /// than a point above the foot.
    ragged_pages: usize,
}

/// Typesets the book in `dir` (relative to the repository, or absolute).
fn typeset(dir: &std::path::Path) -> (Typeset, quire::model::Book, Style) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let world = SystemWorld::new(&root, Some(1_735_787_045)).expect("the book folder");
    let compiled = quire::compile(&world);
    assert!(!compiled.has_errors(), "{:#?}", compiled.diagnostics);
    // The book as the editions see it: with its source appendix.
    let book = quire::appendix::with_appendix(
        &compiled.book.expect("the book compiles"),
        compiled.timestamp,
        None,
    );
    let config = compiled.config.expect("book.toml parses");
    let fonts = compiled.fonts.expect("the fonts load");
    let set = quire::typeset::typeset(&book, &config, &fonts, compiled.timestamp);
    let style = Style::new(&config, &fonts);
    (set, book, style)
}

/// Checks every rule of the module doc on a typeset book; gives its
/// figures.
fn check(set: &Typeset, book: &quire::model::Book, style: &Style, what: &str) -> Figures {
    let report: &Report = &set.report;
    let pages = &set.document.pages;
    assert_eq!(report.pages.len(), pages.len(), "{what}: a report per page");
    let mut figures = Figures {
        pages: pages.len(),
        ..Figures::default()
    };

    // No page warnings: nothing had to be forced.
    let forced: Vec<_> = set
        .diagnostics
        .iter()
        .filter(|d| d.code.starts_with("page-"))
        .collect();
    assert!(forced.is_empty(), "{what}: {forced:#?}");

    // Notes: the page of each one's first call and of its start.
    let mut call_page = std::collections::BTreeMap::new();
    let mut start_page = std::collections::BTreeMap::new();
    for (index, page) in report.pages.iter().enumerate() {
        let Some(chapter) = page.chapter else {
            continue;
        };
        for &note in &page.info.calls {
            assert!(
                call_page.insert((chapter, note), index).is_none(),
                "{what}: note {note} of chapter {chapter} first called twice"
            );
        }
        for &note in &page.info.notes {
            assert!(
                start_page.insert((chapter, note), index).is_none(),
                "{what}: note {note} of chapter {chapter} starts twice"
            );
        }
        figures.continued += usize::from(page.info.continued.is_some());
    }
    let total: usize = book.chapters.iter().map(|c| c.footnotes.len()).sum();
    figures.notes = start_page.len();
    assert_eq!(figures.notes, total, "{what}: every note is set");
    for (note, page) in &start_page {
        if call_page.get(note) == Some(page) {
            figures.notes_on_call_page += 1;
        } else {
            println!(
                "{what}: note {note:?} starts on page {} but is called on {:?}",
                page + 1,
                call_page.get(note).map(|p| p + 1)
            );
        }
    }

    // Each call links to its note's page, and the note back to its call's.
    let mut places = std::collections::BTreeSet::new();
    for (index, page) in pages.iter().enumerate() {
        for link in &page.links {
            if let Target::Place { page: to, .. } = link.target {
                places.insert((index, to));
            }
        }
    }
    for (note, start) in &start_page {
        let call = call_page[note];
        assert!(
            places.contains(&(call, *start)),
            "{what}: note {note:?}: a link from its call"
        );
        assert!(
            places.contains(&(*start, call)),
            "{what}: note {note:?}: a link back"
        );
    }

    // Widows, orphans, headings at the foot; openings on rectos.
    let front = report.front;
    assert!(
        front.is_multiple_of(2),
        "{what}: the front matter has an even count"
    );
    for (index, page) in report.pages.iter().enumerate() {
        match page.kind {
            PageKind::Chapter { opening } => {
                if opening {
                    assert!(
                        index % 2 == 0,
                        "{what}: chapter {:?} opens on page {}, a verso",
                        page.chapter,
                        index + 1
                    );
                    let number: usize = page.label.parse().expect("an arabic label");
                    assert!(number % 2 == 1, "{what}: opening folio {number} is odd");
                    assert_eq!(page.head, None, "{what}: no running head on an opening");
                } else {
                    assert!(page.head.is_some(), "{what}: page {} has a head", index + 1);
                }
                assert_eq!(page.folio.as_deref(), Some(page.label.as_str()));
                if let Some(Role::Text {
                    first: false,
                    last: true,
                }) = page.info.first
                {
                    figures.widows += 1;
                    println!("{what}: widow at the head of page {}", index + 1);
                }
                let last_page_of_chapter = report
                    .pages
                    .get(index + 1)
                    .is_none_or(|next| next.chapter != page.chapter);
                if !last_page_of_chapter {
                    if let Some(Role::Text {
                        first: true,
                        last: false,
                    }) = page.info.last
                    {
                        figures.orphans += 1;
                        println!("{what}: orphan at the foot of page {}", index + 1);
                    }
                    if page.info.last == Some(Role::Heading) {
                        figures.headings_at_foot += 1;
                        println!("{what}: heading at the foot of page {}", index + 1);
                    }
                }
            }
            PageKind::Blank => {
                assert!(
                    pages[index].all_items().next().is_none(),
                    "{what}: blank page {} is blank",
                    index + 1
                );
            }
            _ => {}
        }
    }

    // Labels: i, ii, … then 1, 2, … from the first chapter.
    let labels = &set.document.labels;
    assert_eq!(labels.len(), 2, "{what}: {labels:?}");
    assert_eq!(
        (labels[0].start, labels[0].style, labels[0].first),
        (0, Numbering::LowerRoman, 1)
    );
    assert_eq!(
        (labels[1].start, labels[1].style, labels[1].first),
        (front, Numbering::Arabic, 1)
    );
    assert_eq!(report.pages[0].label, "i");
    assert_eq!(report.pages[front].label, "1");
    assert_eq!(
        report.pages[front].kind,
        PageKind::Chapter { opening: true }
    );

    // The contents: each entry's number is the folio of its heading's page.
    let chapters_listed = report.contents.iter().filter(|e| e.level == 1).count();
    assert_eq!(
        chapters_listed,
        book.chapters.len(),
        "{what}: every chapter listed"
    );
    for entry in &report.contents {
        let page = &report.pages[entry.page];
        assert_eq!(page.label, entry.printed, "{what}: {:?}", entry.title);
        assert_eq!(page.folio.as_deref(), Some(entry.printed.as_str()));
        assert!(
            page.info
                .headings
                .iter()
                .any(|(h, _)| h.title == entry.title),
            "{what}: {:?} is on the page its entry names",
            entry.title
        );
    }
    // … and links to it, from a contents page.
    let mut links = 0;
    for (index, page) in pages.iter().enumerate() {
        if report.pages[index].kind != PageKind::Contents {
            continue;
        }
        for link in &page.links {
            let Target::Place { page: to, .. } = link.target else {
                panic!("{what}: a contents link to a place");
            };
            assert!(
                report.contents.iter().any(|e| e.page == to),
                "{what}: a contents link goes to an entry's page"
            );
            links += 1;
        }
    }
    assert_eq!(links, report.contents.len(), "{what}: a link per entry");

    // Bookmarks land on their headings' pages.
    fn walk(bookmarks: &[Bookmark], depth: usize, out: &mut Vec<(usize, String, usize)>) {
        for bookmark in bookmarks {
            if let Target::Place { page, .. } = bookmark.target {
                out.push((depth, bookmark.title.clone(), page));
            }
            walk(&bookmark.children, depth + 1, out);
        }
    }
    let mut bookmarks = Vec::new();
    walk(&set.document.outline, 0, &mut bookmarks);
    let chapters_marked = bookmarks
        .iter()
        .filter(|(depth, title, _)| *depth == 0 && title != "Contents")
        .count();
    assert_eq!(
        chapters_marked,
        book.chapters.len(),
        "{what}: a bookmark per chapter"
    );
    for (_, title, page) in &bookmarks {
        let found = &report.pages[*page];
        let lands = found.info.headings.iter().any(|(h, _)| &h.title == title)
            || (title == "Contents" && found.kind == PageKind::Contents);
        assert!(
            lands,
            "{what}: bookmark {title:?} lands on page {}",
            page + 1
        );
    }

    // Short pages: room for another line between the body and the foot
    // (or the notes), on a page that is not its chapter's last.
    let leading = style.size * style.leading_ratio;
    for (index, page) in report.pages.iter().enumerate() {
        let chapter_goes_on = report
            .pages
            .get(index + 1)
            .is_some_and(|next| next.chapter.is_some() && next.chapter == page.chapter);
        if matches!(page.kind, PageKind::Chapter { .. }) && chapter_goes_on {
            let notes = !page.info.notes.is_empty() || page.info.continued.is_some();
            if page.info.room > 1.0 && !notes {
                figures.ragged_pages += 1;
                println!(
                    "{what}: page {} stops {:.1} pt above the foot",
                    index + 1,
                    page.info.room
                );
            }
            if page.info.room > leading - 0.01 {
                figures.short_pages += 1;
                println!(
                    "{what}: page {} is {:.1} pt short",
                    index + 1,
                    page.info.room
                );
            }
            // What the frames show agrees: without notes, the lowest body
            // line is that far above the foot.
            if page.info.notes.is_empty() && page.info.continued.is_none() {
                let foot = style.top + style.block_height;
                let lowest = pages[index]
                    .all_items()
                    .filter(|item| item.y < foot + 1.0)
                    .map(|item| item.y)
                    .fold(0.0f32, f32::max);
                assert!(
                    (foot - lowest - page.info.room).abs() < 0.5,
                    "{what}: page {}: room {} but the lowest line is {} above the foot",
                    index + 1,
                    page.info.room,
                    foot - lowest
                );
            }
        }
    }
    println!("{what}: {figures:?}");
    figures
}

fn assert_clean(figures: &Figures, what: &str) {
    assert_eq!(
        figures.notes_on_call_page, figures.notes,
        "{what}: notes on their call's page"
    );
    assert_eq!(figures.widows, 0, "{what}: widows");
    assert_eq!(figures.orphans, 0, "{what}: orphans");
    assert_eq!(
        figures.headings_at_foot, 0,
        "{what}: headings at a page's foot"
    );
}

#[test]
fn sample_book_pages() {
    let (set, book, style) = typeset(std::path::Path::new("book"));
    let figures = check(&set, &book, &style, "book");
    assert_clean(&figures, "book");
    assert!(figures.notes > 0);
}

#[test]
fn medium_corpus_pages() {
    let (set, book, style) = typeset(std::path::Path::new("tests/corpus/medium"));
    let figures = check(&set, &book, &style, "medium");
    assert_clean(&figures, "medium");
    assert_eq!(figures.notes, 157);
}

#[test]
fn large_corpus_pages() {
    let (set, book, style) = typeset(std::path::Path::new("tests/corpus/large"));
    let figures = check(&set, &book, &style, "large");
    assert_clean(&figures, "large");
    assert_eq!(figures.notes, 1052);
}

/// A book of the hard cases: a chapter of one line, notes crowded at page
/// ends (three calls on one line, again and again, and notes that call
/// notes of their own), and a note longer than a page.
#[test]
fn hard_cases() {
    let dir = common::temp();
    common::write(
        dir.path(),
        "book.toml",
        "[book]\ntitle = \"Hard Cases\"\nauthors = [\"A. Tester\"]\n\
         chapters = [\"one.md\", \"crowded.md\", \"long.md\"]\n",
    );
    common::write(
        dir.path(),
        "one.md",
        "# One Line\n\nA chapter of one line.\n",
    );
    let mut crowded = String::from("# Crowded\n\n");
    let mut notes = String::new();
    for n in 0..40 {
        let words = "word ".repeat(20 + (n * 7) % 45);
        crowded.push_str(&format!(
            "Paragraph {n} {words}ends with three calls.[^a{n}][^b{n}][^c{n}]\n\n"
        ));
        for (label, length) in [("a", 6 + n % 5), ("b", 25 + (n * 3) % 30), ("c", 3)] {
            // Some notes call a note of their own, called nowhere else.
            let inner = if label == "c" && n % 10 == 3 {
                format!(
                    " A call in a note.[^inner{n}]\n\n[^inner{n}]: {}inner.",
                    "text ".repeat(30)
                )
            } else {
                String::new()
            };
            notes.push_str(&format!(
                "[^{label}{n}]: Note {label}{n}: {}end.{inner}\n",
                "text ".repeat(length)
            ));
        }
    }
    crowded.push_str(&notes);
    common::write(dir.path(), "crowded.md", crowded);
    let long = format!(
        "# Long Note\n\nA paragraph with a long note.[^long] {}\n\n[^long]: {}\n",
        "After the call. ".repeat(60),
        "This note runs over more than one page of the book. ".repeat(180)
    );
    common::write(dir.path(), "long.md", long);
    let (set, book, style) = typeset(dir.path());
    let figures = check(&set, &book, &style, "hard cases");
    assert_clean(&figures, "hard cases");
    assert_eq!(figures.notes, 125);
    assert!(
        figures.continued >= 2,
        "the long note runs over pages: {figures:?}"
    );
    // The one-line chapter is a page of its own, and the next chapter
    // opens on the recto after a blank verso.
    let report = &set.report;
    let one = report.front;
    assert_eq!(report.pages[one].info.lines, 2, "the title and the line");
    assert_eq!(report.pages[one + 1].kind, PageKind::Blank);
    assert_eq!(
        report.pages[one + 2].kind,
        PageKind::Chapter { opening: true }
    );
    // The long note: it starts on its call's page and its continuation
    // opens the notes of the pages after.
    let chapter = 2;
    let pages: Vec<_> = report
        .pages
        .iter()
        .filter(|p| p.chapter == Some(chapter))
        .collect();
    assert!(pages[0].info.calls.contains(&0) && pages[0].info.notes.contains(&0));
    assert_eq!(pages[1].info.continued, Some(0));
}

/// `[pdf] folios = "head"` and `[pdf.running-heads]`: folios at the outer
/// end of the head line (at the foot on an opening), the section's title on
/// versos, nothing on rectos.
#[test]
fn folios_at_the_head_and_section_heads() {
    let dir = common::temp();
    common::write(
        dir.path(),
        "book.toml",
        "[book]\ntitle = \"Heads\"\nauthors = [\"A. Tester\"]\nchapters = [\"a.md\"]\n\n\
         [pdf]\nfolios = \"head\"\n\n[pdf.running-heads]\nverso = \"section\"\nrecto = \"none\"\n",
    );
    let mut chapter = String::from("# The Chapter\n\n");
    for section in ["First Part", "Second Part"] {
        chapter.push_str(&format!("## {section}\n\n"));
        for n in 0..40 {
            chapter.push_str(&format!(
                "Paragraph {n} of {section}: {}\n\n",
                "words ".repeat(40)
            ));
        }
    }
    common::write(dir.path(), "a.md", chapter);
    let (set, _, style) = typeset(dir.path());
    let report = &set.report;
    let mut section: Option<String> = None;
    let mut heads = 0;
    for (index, page) in report.pages.iter().enumerate() {
        let PageKind::Chapter { opening } = page.kind else {
            continue;
        };
        let recto = index % 2 == 0;
        // The section in effect at the page's top.
        let at_top = section.clone();
        for (heading, _) in &page.info.headings {
            if heading.level == 2 {
                section = Some(heading.title.clone());
            }
        }
        let expected = if opening || recto {
            None
        } else {
            at_top.or_else(|| section.clone())
        };
        assert_eq!(page.head, expected, "page {}", index + 1);
        heads += usize::from(page.head.is_some());
        // The folio's run: above the block, or below it on the opening.
        let folio = page.folio.as_deref().expect("a folio");
        let runs: Vec<(f32, f32, f32)> = set.document.pages[index]
            .all_items()
            .filter_map(|item| match &item.item {
                quire::typeset::frame::Item::Text(run) if run.text == folio => {
                    Some((item.x, item.y, run.width()))
                }
                _ => None,
            })
            .collect();
        assert_eq!(runs.len(), 1, "page {}: one folio", index + 1);
        let (x, y, width) = runs[0];
        if opening {
            assert!(
                y > style.top + style.block_height,
                "the opening's folio is at the foot"
            );
        } else {
            assert!(
                y < style.top,
                "page {}: the folio is at the head",
                index + 1
            );
            let left = if recto { style.inner } else { style.outer };
            if recto {
                assert!(
                    (x + width - (left + style.measure)).abs() < 0.01,
                    "flush right"
                );
            } else {
                assert!((x - left).abs() < 0.01, "flush left");
            }
        }
    }
    assert!(heads >= 2, "versos have heads");
}

/// What cannot be broken well still gives pages, every line of it, with a
/// warning at the source: sixty headings in a row, a table row taller than a
/// page, a note with a long code block, a paragraph of some 250 lines.
#[test]
fn hostile_pages() {
    let dir = common::temp();
    common::write(
        dir.path(),
        "book.toml",
        "[book]\ntitle = \"Hostile\"\nauthors = [\"A. Tester\"]\nchapters = [\"a.md\"]\n",
    );
    let mut chapter = String::from("# Hostile\n\n");
    for n in 0..60 {
        chapter.push_str(&format!("## Heading {n}\n\n"));
    }
    chapter.push_str(&format!(
        "| A | B |\n|---|---|\n| {} | b |\n\nA call.[^code]\n\n",
        "cell ".repeat(3000)
    ));
    chapter.push_str(&format!(
        "{}\n\n",
        "Long paragraph text here. ".repeat(3_000)
    ));
    chapter.push_str(&format!(
        "[^code]: A note with code:\n\n    {}\n",
        (0..300)
            .map(|n| format!("line {n}"))
            .collect::<Vec<_>>()
            .join("\n    ")
    ));
    common::write(dir.path(), "a.md", chapter);
    let (set, book, _) = typeset(dir.path());
    let report = &set.report;
    // Every heading is on a page, the note starts on its call's page.
    let headings: usize = report
        .pages
        .iter()
        .filter(|p| p.chapter == Some(0))
        .map(|p| p.info.headings.iter().filter(|(h, _)| h.level == 2).count())
        .sum();
    assert_eq!(headings, 60);
    let calls: Vec<usize> = (0..report.pages.len())
        .filter(|&p| report.pages[p].info.calls.contains(&0))
        .collect();
    let starts: Vec<usize> = (0..report.pages.len())
        .filter(|&p| report.pages[p].info.notes.contains(&0))
        .collect();
    assert_eq!(calls, starts, "the note starts on its call's page");
    assert_eq!(book.chapters[0].footnotes.len(), 1);
    // The heading chain and the tall row had to be broken: said so.
    let codes: Vec<&str> = set.diagnostics.iter().map(|d| d.code).collect();
    assert!(codes.contains(&"page-keep"), "{codes:?}");
    assert!(
        set.diagnostics
            .iter()
            .filter(|d| d.code.starts_with("page-"))
            .all(|d| d.location.is_some()),
        "page warnings point at the source"
    );
    assert!(report.pages.len() > 20, "{} pages", report.pages.len());
}

/// A running head too long for its line is cut at a word, with an
/// ellipsis, inside the measure.
#[test]
fn a_long_running_head_is_cut_with_an_ellipsis() {
    let dir = common::temp();
    let title = "A Book Whose Title Is Far Too Long To Fit On The Running Head Of Any Page";
    common::write(
        dir.path(),
        "book.toml",
        format!("[book]\ntitle = \"{title}\"\nchapters = [\"a.md\"]\n"),
    );
    let text = format!("{}\n\n", "Some words of text here. ".repeat(40)).repeat(20);
    common::write(dir.path(), "a.md", format!("# Chapter\n\n{text}"));
    let (set, _, style) = typeset(dir.path());
    let report = &set.report;
    let verso = (report.front..report.pages.len())
        .find(|&n| n % 2 == 1 && report.pages[n].head.is_some())
        .expect("a verso with a head");
    let head: Vec<_> = set.document.pages[verso]
        .all_items()
        .filter(|item| item.y < style.top)
        .filter_map(|item| match &item.item {
            quire::typeset::frame::Item::Text(run) => Some((item.x, run)),
            _ => None,
        })
        .collect();
    let text: String = head.iter().map(|(_, run)| run.text.as_str()).collect();
    assert!(text.ends_with('\u{2026}'), "{text:?}");
    assert!(
        title.starts_with(text.trim_end_matches('\u{2026}')),
        "{text:?}"
    );
    let right = head
        .iter()
        .map(|(x, run)| x + run.width())
        .fold(0.0, f32::max);
    assert!(right <= style.outer + style.measure, "inside the measure");
}
