//! The build benchmark's in-process measurements, each made in a fresh
//! child process of the bench binary so that every figure is that book's
//! alone. A child prints one `row\twall cpu peak` line per row of the
//! table (and `pages N`) for the parent to read.
//!
//! - `stages`: the pipeline stage by stage, as `quire::render` runs it for
//!   the PDF and then the EPUB, but one after the other. Load and parse are
//!   timed by a [`Progress`] listener given to `quire::compile_with`, at the
//!   `begin` and `end` of each stage (the images, none in the corpora, go
//!   with load); the source appendix `render` adds, the typesetting, the
//!   PDF and the EPUB by [`measure`]. The typesetting's parts (shape, break,
//!   paginate) come from [`Progress::spent`].
//! - `build`: both editions the way `quire build` makes them (`compile`,
//!   then `render`, which makes the two at once), files not written.

use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use quire::progress::{Part, Progress, Stage};

use crate::measure::{Sample, Start, measure};

/// Hears `compile_with`: what each of its stages cost, begin to end.
#[derive(Default)]
struct StageClock {
    /// The stage going on (they follow one another), and when it began.
    begun: Mutex<Option<(Stage, Start)>>,
    /// The stages done, in order.
    done: Mutex<Vec<(Stage, Sample)>>,
}

impl Progress for StageClock {
    fn begin(&self, stage: Stage, _total: usize) {
        *self.begun.lock().expect("not poisoned") = Some((stage, Start::now()));
    }

    fn end(&self, stage: Stage) {
        let begun = self.begun.lock().expect("not poisoned").take();
        if let Some((begun, start)) = begun
            && begun == stage
        {
            let sample = start.sample();
            self.done
                .lock()
                .expect("not poisoned")
                .push((stage, sample));
        }
    }
}

impl StageClock {
    /// What `stages` cost together: wall and CPU times added, the highest
    /// peak. `None` if none of them was heard.
    fn total(&self, stages: &[Stage]) -> Option<Sample> {
        let done = self.done.lock().expect("not poisoned");
        let mut found = done
            .iter()
            .filter(|(s, _)| stages.contains(s))
            .map(|(_, x)| *x);
        let first = found.next()?;
        Some(found.fold(first, |all, one| Sample {
            wall: all.wall + one.wall,
            cpu: all.cpu.zip(one.cpu).map(|(a, b)| a + b),
            peak_kib: all.peak_kib.max(one.peak_kib),
        }))
    }
}

/// Hears the typesetting: the time threads spent on each part, summed.
#[derive(Default)]
struct PartClock {
    spent: Mutex<[Duration; Part::ALL.len()]>,
}

impl Progress for PartClock {
    fn spent(&self, part: Part, time: Duration) {
        self.spent.lock().expect("not poisoned")[part as usize] += time;
    }
}

/// Prints a row for the parent.
fn report(row: &str, sample: Sample) {
    println!("{row}\t{}", sample.to_line());
}

/// In a child: makes the measurement `mode` of the book in `dir`.
pub fn child(mode: &str, dir: &Path) {
    // The parent sets the same SOURCE_DATE_EPOCH for every child and for
    // `quire build`, whose world takes it from there too.
    let timestamp = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|t| t.parse().ok());
    let world = quire::world::SystemWorld::new(dir, timestamp).expect("the book folder");
    match mode {
        "stages" => stages(&world),
        "build" => {
            let (outputs, sample) = measure(|| {
                let mut compiled = quire::compile(&world);
                let outputs =
                    quire::render(&mut compiled, &[quire::Edition::Epub, quire::Edition::Pdf]);
                assert!(!compiled.has_errors(), "{:#?}", compiled.diagnostics);
                outputs
            });
            report("in-process build", sample);
            assert_eq!(outputs.len(), 2, "both editions are made");
        }
        other => panic!("unknown bench child mode `{other}`"),
    }
}

/// The stages one by one.
fn stages(world: &quire::world::SystemWorld) {
    let clock = StageClock::default();
    let compiled = quire::compile_with(world, &clock);
    assert!(!compiled.has_errors(), "{:#?}", compiled.diagnostics);
    report(
        "load",
        clock
            .total(&[Stage::Load, Stage::Images])
            .expect("load heard"),
    );
    report("parse", clock.total(&[Stage::Parse]).expect("parse heard"));
    let book = compiled.book.as_ref().expect("a book");
    let config = compiled.config.as_ref().expect("a config");
    let templates = compiled.templates.as_ref().expect("templates");
    let fonts = compiled.fonts.as_ref().expect("fonts");
    let timestamp = compiled.timestamp;

    let (book, sample) =
        measure(|| quire::appendix::with_appendix(book, timestamp, compiled.git_commit.as_deref()));
    report("appendix", sample);

    let parts = PartClock::default();
    let (set, typeset) =
        measure(|| quire::typeset::typeset_with(&book, config, fonts, timestamp, &parts));
    let document = set.document;
    report("typeset", typeset);
    // The parts are interleaved paragraph by paragraph on every thread:
    // their wall time is the stage's, shared out as their thread time is.
    let spent = parts.spent.into_inner().expect("not poisoned");
    let total: f64 = spent.iter().map(Duration::as_secs_f64).sum();
    for part in Part::ALL {
        let time = spent[part as usize].as_secs_f64();
        let share = if total > 0.0 { time / total } else { 0.0 };
        let sample = Sample {
            wall: typeset.wall * share,
            cpu: Some(time),
            peak_kib: typeset.peak_kib,
        };
        report(part.name(), sample);
    }
    println!("pages {}", document.pages.len());

    // As `quire::render` makes them.
    let meta = quire::pdf_meta(&book, timestamp);
    let silent = quire::progress::Silent;
    let (pdf, sample) =
        measure(|| quire::pdf::export_with(&document, fonts, &book.images, &meta, &silent));
    report("pdf", sample);
    assert!(pdf.expect("the PDF").starts_with(b"%PDF-"));
    drop(document);

    let options = quire::epub::EpubOptions {
        numbering: config.epub.footnote_numbering,
        timestamp,
    };
    let (epub, sample) =
        measure(|| quire::epub::export_with(&book, &options, templates, fonts, &silent));
    report("epub", sample);
    assert!(!epub.expect("the EPUB").bytes.is_empty());
}
