//! The print edition does not depend on the number of threads: the
//! typesetter lays chapters out in parallel (`typeset::typeset`) and the PDF
//! writer draws and compresses pages on rayon's pool (`pdf::export`), yet
//! the pages equal those of the plain sequential loop (one shaper, one set
//! of hyphenators, chapter after chapter) and the PDF's bytes are the same
//! with one thread or several.

use quire::config::Config;
use quire::fonts::FontSet;
use quire::model::Book;
use quire::typeset::flow::Hyphenators;
use quire::typeset::frame::Page;
use quire::typeset::hyphenate::Settings;
use quire::typeset::shape::Shaper;
use quire::typeset::style::Style;
use quire::typeset::{book, typeset};
use quire::world::SystemWorld;

/// The thread counts compared with the sequential layout.
const THREADS: &[usize] = &[1, 2, 5];

fn compile(dir: &str) -> (Book, Config) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let world = SystemWorld::new(&root, Some(0)).expect("the book folder");
    let compiled = quire::compile(&world);
    assert!(!compiled.has_errors(), "{:#?}", compiled.diagnostics);
    (
        compiled.book.expect("the book compiles"),
        compiled.config.expect("book.toml parses"),
    )
}

/// The book set chapter after chapter on this thread, with one shaper and
/// one set of hyphenators throughout.
fn sequential(book: &Book, config: &Config, fonts: &FontSet) -> (Vec<Page>, String) {
    let style = Style::new(config, fonts);
    let mut shaper = Shaper::new(fonts);
    let mut hyphenators = Hyphenators::new(
        Settings::from(&config.hyphenation),
        config.hyphenation.enabled,
    );
    let mut diagnostics = Vec::new();
    let mut chapters = Vec::new();
    for index in 0..book.chapters.len() {
        let (set, mut found) =
            quire::typeset::chapter_pages(book, index, &style, &mut shaper, &mut hyphenators);
        diagnostics.append(&mut found);
        chapters.push(set);
    }
    let (document, _) = book::assemble(book, &style, &mut shaper, chapters, Some(0));
    (document.pages, format!("{diagnostics:?}"))
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool")
}

/// Compares without printing two books of pages on failure.
fn assert_same_pages(expected: &[Page], actual: &[Page], what: &str) {
    assert_eq!(expected.len(), actual.len(), "{what}: page count");
    if let Some(n) = (0..expected.len()).find(|&n| expected[n] != actual[n]) {
        panic!(
            "{what}: page {} differs:\nexpected {:?}\nactual {:?}",
            n + 1,
            expected[n],
            actual[n]
        );
    }
}

fn check(dir: &str) {
    let (book, config) = compile(dir);
    let fonts = FontSet::embedded();
    let (expected, expected_diagnostics) = sequential(&book, &config, &fonts);
    assert!(expected.len() > 1, "{dir}: the book has pages");
    let meta = quire::pdf::PdfMeta {
        title: book.meta.title.clone(),
        language: book.meta.language.clone(),
        timestamp: Some(0),
        ..Default::default()
    };
    let mut first_pdf: Option<Vec<u8>> = None;
    for &threads in THREADS {
        let (pages, pdf) = pool(threads).install(|| {
            let set = typeset(&book, &config, &fonts, Some(0));
            let pdf =
                quire::pdf::export(&set.document, &fonts, &book.images, &meta).expect("a PDF");
            (set, pdf)
        });
        assert_eq!(
            expected_diagnostics,
            format!("{:?}", pages.diagnostics),
            "{dir}, {threads} thread(s): the same warnings in the same order"
        );
        let pages = pages.document.pages;
        assert_same_pages(&expected, &pages, &format!("{dir}, {threads} thread(s)"));
        match &first_pdf {
            None => first_pdf = Some(pdf),
            Some(first) => assert!(
                *first == pdf,
                "{dir}: the PDF with {threads} threads differs from the one with {}",
                THREADS[0]
            ),
        }
    }
}

#[test]
fn the_sample_book_is_the_same_on_any_number_of_threads() {
    check("book");
}

#[test]
fn the_medium_corpus_is_the_same_on_any_number_of_threads() {
    check("tests/corpus/medium");
}
