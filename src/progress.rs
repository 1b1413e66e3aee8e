//! Progress: how far the pipeline has got, told to whoever shows it.
//!
//! **In:** calls from the stages as they begin, finish a unit of work (a
//! chapter, a page) and end. **Out:** nothing; a [`Progress`] the caller
//! passes in hears them (the CLI draws bars and times the stages).
//! **Must not:** change what any stage makes: the same book gives the same
//! bytes whoever listens, and the stages never wait on a listener.
//!
//! The units may be done on several threads at once (chapters are set in
//! parallel, and the EPUB is made while the PDF is), so a listener is
//! `Sync` and hears [`Progress::step`] from any thread.

use std::fmt;

/// A stage of the pipeline, as a reader of `--verbose` knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    /// `book.toml`, the chapter files, fonts and templates read.
    Load,
    /// Each chapter's Markdown → the model.
    Parse,
    /// The images found, read and identified.
    Images,
    /// Text shaped, hyphenated, broken into lines and pages, per chapter.
    Typeset,
    /// The pages → PDF bytes.
    Pdf,
    /// The model → XHTML, package and zip.
    Epub,
}

impl Stage {
    /// The stage's name, lower case (`typeset`).
    pub fn name(self) -> &'static str {
        match self {
            Stage::Load => "load",
            Stage::Parse => "parse",
            Stage::Images => "images",
            Stage::Typeset => "typeset",
            Stage::Pdf => "pdf",
            Stage::Epub => "epub",
        }
    }

    /// What the stage counts (`chapters`, `pages`).
    pub fn unit(self) -> &'static str {
        match self {
            Stage::Load => "files",
            Stage::Parse | Stage::Typeset | Stage::Epub => "chapters",
            Stage::Images => "images",
            Stage::Pdf => "pages",
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A part of the typesetting stage, timed apart though the parts are done
/// by turns, paragraph by paragraph ([`Progress::spent`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    /// Words cut into face runs, shaped and hyphenated into a paragraph's
    /// boxes, glue and penalties.
    Shape = 0,
    /// Knuth–Plass line breaking, and the lines set from its breaks.
    Break = 1,
    /// A chapter's lines and notes broken into pages.
    Paginate = 2,
}

impl Part {
    /// Every part, in pipeline order.
    pub const ALL: [Part; 3] = [Part::Shape, Part::Break, Part::Paginate];

    /// The part's name, lower case.
    pub fn name(self) -> &'static str {
        match self {
            Part::Shape => "shape",
            Part::Break => "break",
            Part::Paginate => "paginate",
        }
    }
}

/// Hears the stages. Every method does nothing unless overridden.
pub trait Progress: Sync {
    /// `stage` begins, with `total` units to do (0 when unknown).
    fn begin(&self, stage: Stage, total: usize) {
        let _ = (stage, total);
    }

    /// One unit of `stage` is done (on any thread).
    fn step(&self, stage: Stage) {
        let _ = stage;
    }

    /// `stage` is over.
    fn end(&self, stage: Stage) {
        let _ = stage;
    }

    /// A thread spent `time` on `part` of the typesetting (told after each
    /// chapter, from the thread that set it; the sum over threads is CPU
    /// time, not wall time).
    fn spent(&self, part: Part, time: std::time::Duration) {
        let _ = (part, time);
    }
}

/// Hears nothing: what [`compile`](crate::compile) and
/// [`render`](crate::render) use.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {}
