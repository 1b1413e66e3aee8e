//! Diagnostics: the one type every stage reports problems with.
//!
//! **In:** nothing; every stage creates [`Diagnostic`]s. **Out:** a list the
//! CLI renders. **Must not:** render, print or exit; only `cli/` turns a
//! diagnostic into text, with the help of the [`SourceMap`](crate::source::SourceMap).
//!
//! A diagnostic has a severity, a stable machine-readable `code` (kebab-case,
//! e.g. `footnote-unreferenced`), a message, an optional location and hints.
//! Content problems are warnings pushed into a [`Sink`]; errors are what stop
//! an edition from being written (bad config, unreadable files).

use std::fmt;

use crate::source::Span;

/// How bad a diagnostic is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Severity {
    /// The book cannot be built.
    Error,
    /// The book can be built, but something is probably wrong.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// Where a diagnostic points.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Location {
    /// A byte range in a loaded source file.
    Span(Span),
    /// A whole file that could not be loaded (path relative to the book).
    Path(String),
}

/// One problem found in a book.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(into = "Stored")]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable kebab-case identifier, for machines and `--deny` lists.
    pub code: &'static str,
    /// One-line, lower-case message, no trailing full stop.
    pub message: String,
    /// What it points at, if anything.
    pub location: Option<Location>,
    /// Suggestions shown under the excerpt.
    pub hints: Vec<String>,
}

impl Diagnostic {
    /// A new error without location.
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message)
    }

    /// A new warning without location.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, message)
    }

    fn new(severity: Severity, code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            code,
            message: message.into(),
            location: None,
            hints: Vec::new(),
        }
    }

    /// Points the diagnostic at a span.
    pub fn at(mut self, span: Span) -> Self {
        self.location = Some(Location::Span(span));
        self
    }

    /// Points the diagnostic at a whole file.
    pub fn in_file(mut self, path: impl Into<String>) -> Self {
        self.location = Some(Location::Path(path.into()));
        self
    }

    /// Adds a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    /// When `serde_message` is serde's "unknown field `x`, …", gives the
    /// diagnostic `code` and a hint naming the key in `keys` closest to `x`
    /// (if one is close enough to be a likely typo). Both `book.toml` and
    /// front matter report unknown keys this way.
    pub fn for_unknown_key(
        mut self,
        serde_message: &str,
        code: &'static str,
        keys: &[&str],
    ) -> Self {
        let Some(key) = serde_message
            .strip_prefix("unknown field `")
            .and_then(|rest| rest.split('`').next())
        else {
            return self;
        };
        self.code = code;
        match closest(key, keys.iter().copied()) {
            Some(suggestion) => self.hint(format!("did you mean `{suggestion}`?")),
            None => self,
        }
    }
}

/// Result of a stage that can fail with located errors.
pub type SourceResult<T> = Result<T, Vec<Diagnostic>>;

/// Collects the diagnostics of a run, in the order they were found.
#[derive(Debug, Default)]
pub struct Sink {
    diagnostics: Vec<Diagnostic>,
}

impl Sink {
    /// An empty sink.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Records several diagnostics.
    pub fn extend(&mut self, diagnostics: impl IntoIterator<Item = Diagnostic>) {
        self.diagnostics.extend(diagnostics);
    }

    /// Whether any error was recorded.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// Takes the recorded diagnostics out.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.diagnostics
    }
}

/// Edit distance between two short strings (insertions, deletions,
/// substitutions and swaps of neighbours each cost one), to suggest the key a
/// user meant.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|&(d, c)| d > 0 && d <= (c.chars().count() / 3).max(1))
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_keys_only() {
        assert_eq!(edit_distance("titel", "title"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(
            closest("titel", ["title", "subtitle", "authors"]),
            Some("title")
        );
        assert_eq!(closest("author", ["title", "authors"]), Some("authors"));
        assert_eq!(closest("zzz", ["title", "authors"]), None);
    }
}

/// `code` as a `&'static str`: the same string each time it is asked for,
/// made once per process (codes read back from a build cache; there are a
/// few dozen).
pub fn intern(code: &str) -> &'static str {
    static CODES: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());
    let mut codes = CODES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(known) = codes.iter().find(|known| **known == code) {
        return known;
    }
    let made: &'static str = Box::leak(code.to_string().into_boxed_str());
    codes.push(made);
    made
}

/// A [`Diagnostic`] as a build cache keeps it: its code a string, read
/// back [`intern`]ed.
#[derive(serde::Serialize, serde::Deserialize)]
struct Stored {
    severity: Severity,
    code: String,
    message: String,
    location: Option<Location>,
    hints: Vec<String>,
}

impl From<Diagnostic> for Stored {
    fn from(d: Diagnostic) -> Stored {
        Stored {
            severity: d.severity,
            code: d.code.to_string(),
            message: d.message,
            location: d.location,
            hints: d.hints,
        }
    }
}

// By hand: serde's derive would ask the input to outlive `'static` for the
// `&'static str` code, even read through `Stored`.
impl<'de> serde::Deserialize<'de> for Diagnostic {
    fn deserialize<D: serde::Deserializer<'de>>(from: D) -> Result<Diagnostic, D::Error> {
        Stored::deserialize(from).map(Diagnostic::from)
    }
}

impl From<Stored> for Diagnostic {
    fn from(d: Stored) -> Diagnostic {
        Diagnostic {
            severity: d.severity,
            code: intern(&d.code),
            message: d.message,
            location: d.location,
            hints: d.hints,
        }
    }
}
