//! The build manifest: what a build read, what it wrote, and with what.
//!
//! **In:** a compiled book (the files it read with their SHA-256, its
//! effective configuration, timestamp and git commit) and the editions
//! rendered from it; or the JSON text of a manifest. **Out:** a
//! [`Manifest`] and its JSON (the CLI writes it as `<slug>.manifest.json`
//! beside the editions), and the [`Difference`]s between two manifests,
//! which is what `quire build --verify` reports. **Must not:** touch the
//! file system or the clock, or record anything that depends on where the
//! book folder is: paths are relative to the book, lists are sorted or in
//! the editions' order, JSON objects are ordered maps, so the same inputs
//! and `SOURCE_DATE_EPOCH` give the same bytes in any folder.
//!
//! Format 1, with every key always present (`null` where there is no
//! value):
//!
//! ```text
//! {
//!   "format": 1,
//!   "tool": { "name": "quire", "version": "0.1.0" },
//!   "source-date-epoch": 1735787045,          // or null
//!   "git-commit": null,                       // or 40 hex digits
//!   "inputs": [ { "path": "book.toml", "sha256": "…" }, … ],   // sorted by path
//!   "outputs": [ { "edition": "epub", "name": "….epub", "sha256": "…", "size": 123456 }, … ],
//!   "config": { "book": { … }, "epub": { … }, "hyphenation": { … }, "pdf": { … } }
//! }
//! ```
//!
//! The inputs are the files of the book the engine read (`book.toml`, the
//! chapters, saved originals, images, the book's own fonts and templates);
//! the fonts and templates built into quire are covered by the tool's
//! version. `config` is the parsed `book.toml` with its defaults filled in,
//! written as `book.toml` would write it (see [`crate::config`]).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::world::BookPath;
use crate::{Compiled, Edition, Output};

/// The version of the manifest's format this quire writes and reads.
pub const FORMAT: u32 = 1;

/// A build manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Manifest {
    /// The format's version, [`FORMAT`].
    pub format: u32,
    /// What made the build.
    pub tool: Tool,
    /// The build timestamp (`SOURCE_DATE_EPOCH`), if there was one.
    pub source_date_epoch: Option<i64>,
    /// The git commit the book folder was at, as the source appendix
    /// records it.
    pub git_commit: Option<String>,
    /// Every file of the book that was read, sorted by path.
    pub inputs: Vec<Input>,
    /// The editions written, in the order they were made.
    pub outputs: Vec<OutputFile>,
    /// The effective configuration (`null` if `book.toml` could not be
    /// read).
    pub config: Value,
}

/// The program that made a build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    /// `quire`.
    pub name: String,
    /// Its version (`0.1.0`).
    pub version: String,
}

impl Tool {
    /// This quire.
    pub fn current() -> Tool {
        Tool {
            name: env!("CARGO_PKG_NAME").to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

impl fmt::Display for Tool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.name, self.version)
    }
}

/// A file a build read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Input {
    /// Its path in the book.
    pub path: BookPath,
    /// The SHA-256 of its bytes.
    pub sha256: Sha256,
}

/// An edition a build wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputFile {
    /// Which edition.
    pub edition: Edition,
    /// Its file name (`<slug>.epub`), without a folder.
    pub name: String,
    /// The SHA-256 of its bytes.
    pub sha256: Sha256,
    /// Its size in bytes.
    pub size: u64,
}

impl OutputFile {
    /// The record of an edition made in memory.
    pub fn of(output: &Output) -> OutputFile {
        OutputFile {
            edition: output.edition,
            name: output.name.clone(),
            sha256: output.sha256.clone(),
            size: output.bytes.len() as u64,
        }
    }
}

/// The SHA-256 of each edition, kept from one build to the next in one
/// process (`quire watch`) so that the next build's digest is taken up from
/// where its bytes first differ. SHA-256 reads its input in order: the
/// state after a stretch of bytes the two versions share is the same in
/// both, and an edit to one chapter leaves every byte before it as it was.
/// The digests are those [`Sha256::of`] gives.
#[derive(Debug, Default)]
pub struct DigestCache {
    last: std::sync::Mutex<rustc_hash::FxHashMap<String, Resumable>>,
}

/// The bytes an edition had, and the digest's state after each whole
/// [`MARK`] of them (the first: before any).
#[derive(Debug)]
struct Resumable {
    bytes: Vec<u8>,
    marks: Vec<sha2::Sha256>,
}

/// How far apart the kept states are (a whole number of SHA-256's 64-byte
/// blocks).
const MARK: usize = 64 * 1024;

impl DigestCache {
    /// The digest of `bytes`, the edition named `name`, taken up from the
    /// last build's state where they first differ from its bytes.
    pub fn sha256(&self, name: &str, bytes: &[u8]) -> Sha256 {
        use sha2::Digest;
        let last = self
            .last
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .remove(name);
        let (mut marks, from) = match last {
            Some(last) => {
                let same = last
                    .bytes
                    .chunks(MARK)
                    .zip(bytes.chunks(MARK))
                    .take_while(|(old, new)| old.len() == MARK && old == new)
                    .count();
                let at = same.min(last.marks.len() - 1);
                let mut marks = last.marks;
                marks.truncate(at + 1);
                (marks, at * MARK)
            }
            None => (vec![sha2::Sha256::new()], 0),
        };
        let mut hasher = marks[marks.len() - 1].clone();
        for chunk in bytes[from..].chunks(MARK) {
            hasher.update(chunk);
            if chunk.len() == MARK {
                marks.push(hasher.clone());
            }
        }
        let digest = Sha256(crate::hex_of(&hasher.finalize()));
        self.last
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(
                name.to_string(),
                Resumable {
                    bytes: bytes.to_vec(),
                    marks,
                },
            );
        digest
    }
}

/// A SHA-256 digest: 64 lower-case hexadecimal digits (a manifest with
/// anything else there is refused).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Sha256(String);

impl Sha256 {
    /// The digest of `bytes`.
    pub fn of(bytes: &[u8]) -> Sha256 {
        Sha256(crate::sha256_hex(bytes))
    }

    /// A digest already written out; `None` unless it is 64 lower-case
    /// hexadecimal digits.
    pub fn parse(text: &str) -> Option<Sha256> {
        let valid = text.len() == 64
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        valid.then(|| Sha256(text.to_string()))
    }

    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Sha256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Sha256 {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Sha256::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{text}` is not a SHA-256 (64 lower-case hexadecimal digits)"
            ))
        })
    }
}

/// Why the text of a manifest could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestError {
    /// What is wrong.
    pub message: String,
    /// The line where it was found, from 1.
    pub line: usize,
    /// The column where it was found, from 1.
    pub column: usize,
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl ManifestError {
    fn from_json(error: serde_json::Error) -> ManifestError {
        // serde_json's text ends with the position, which is kept apart.
        let text = error.to_string();
        let position = format!(" at line {} column {}", error.line(), error.column());
        ManifestError {
            message: text.strip_suffix(&position).unwrap_or(&text).to_string(),
            line: error.line(),
            column: error.column(),
        }
    }
}

/// The part of a manifest read first: its format, checked before the rest
/// (whose shape depends on it).
#[derive(Deserialize)]
struct Head {
    #[allow(dead_code)] // checked by deserializing it
    format: KnownFormat,
}

/// A format number equal to [`FORMAT`].
struct KnownFormat;

impl<'de> Deserialize<'de> for KnownFormat {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let format = u64::deserialize(deserializer)?;
        if format == u64::from(FORMAT) {
            Ok(KnownFormat)
        } else {
            Err(serde::de::Error::custom(format!(
                "manifest format {format} is not one this quire reads (it reads format {FORMAT})"
            )))
        }
    }
}

impl Manifest {
    /// The manifest of a build: the files `compiled` read, its record and
    /// configuration, and the editions made from it (as given, in order).
    pub fn new(compiled: &Compiled, outputs: &[Output]) -> Manifest {
        Manifest {
            format: FORMAT,
            tool: Tool::current(),
            source_date_epoch: compiled.timestamp,
            git_commit: compiled.git_commit.clone(),
            inputs: compiled
                .inputs
                .iter()
                .map(|read| Input {
                    path: read.path.clone(),
                    sha256: Sha256(read.sha256.clone()),
                })
                .collect(),
            outputs: outputs.iter().map(OutputFile::of).collect(),
            // Serializing a `Config` cannot fail: its keys are strings and
            // its values serialize without errors of their own.
            config: compiled
                .config
                .as_ref()
                .and_then(|config| serde_json::to_value(config).ok())
                .unwrap_or(Value::Null),
        }
    }

    /// Reads a manifest: first its format (an unknown one is refused as
    /// such), then the whole, with every key known and every value of its
    /// form. Errors carry serde_json's line and column (for a value of the
    /// wrong form, such as a digest that is not one, the end of the object
    /// holding it; the message quotes the value).
    pub fn parse(text: &str) -> Result<Manifest, ManifestError> {
        serde_json::from_str::<Head>(text).map_err(ManifestError::from_json)?;
        serde_json::from_str(text).map_err(ManifestError::from_json)
    }

    /// The manifest as pretty-printed JSON with a final newline; the same
    /// manifest always gives the same bytes.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        let mut json = serde_json::to_string_pretty(self)?;
        json.push('\n');
        Ok(json)
    }

    /// The editions the manifest lists, each once, in its order.
    pub fn editions(&self) -> Vec<Edition> {
        let mut editions = Vec::new();
        for output in &self.outputs {
            if !editions.contains(&output.edition) {
                editions.push(output.edition);
            }
        }
        editions
    }
}

/// One way a build differs from the one a manifest records.
#[derive(Debug, Clone, PartialEq)]
pub enum Difference {
    /// Another program or version made it.
    Tool {
        /// In the manifest.
        old: Tool,
        /// Now.
        new: Tool,
    },
    /// Another build timestamp.
    SourceDateEpoch {
        /// In the manifest.
        old: Option<i64>,
        /// Now.
        new: Option<i64>,
    },
    /// Another git commit.
    GitCommit {
        /// In the manifest.
        old: Option<String>,
        /// Now.
        new: Option<String>,
    },
    /// A configuration value differs, or is only on one side.
    Config {
        /// The dotted key (`pdf.margins.top`); empty for the whole.
        key: String,
        /// In the manifest (`None`: no such key).
        old: Option<Value>,
        /// Now.
        new: Option<Value>,
    },
    /// An input's bytes changed.
    InputChanged {
        /// The file.
        path: BookPath,
        /// In the manifest.
        old: Sha256,
        /// Now.
        new: Sha256,
    },
    /// A file read now that the manifest does not list.
    InputAdded {
        /// The file.
        path: BookPath,
        /// Its digest.
        sha256: Sha256,
    },
    /// A file the manifest lists that was not read now (gone, or no longer
    /// needed).
    InputRemoved {
        /// The file.
        path: BookPath,
        /// Its digest in the manifest.
        sha256: Sha256,
    },
    /// An edition's name, bytes or size differ.
    OutputChanged {
        /// In the manifest.
        old: OutputFile,
        /// Now.
        new: OutputFile,
    },
    /// An edition the manifest lists that was not made now.
    OutputMissing(OutputFile),
    /// An edition made now that the manifest does not list.
    OutputAdded(OutputFile),
}

impl Difference {
    /// Whether this is about the inputs.
    pub fn is_input(&self) -> bool {
        matches!(
            self,
            Difference::InputChanged { .. }
                | Difference::InputAdded { .. }
                | Difference::InputRemoved { .. }
        )
    }
}

/// `none`, or the value.
struct OrNone<'a, T>(&'a Option<T>);

impl<T: fmt::Display> fmt::Display for OrNone<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(value) => value.fmt(f),
            None => f.write_str("none"),
        }
    }
}

/// A configuration value as compact JSON, or `(no such key)`.
fn config_value(value: &Option<Value>) -> String {
    match value {
        Some(value) => value.to_string(),
        None => "(no such key)".to_string(),
    }
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Difference::Tool { old, new } => write!(f, "tool: was {old}, now {new}"),
            Difference::SourceDateEpoch { old, new } => write!(
                f,
                "SOURCE_DATE_EPOCH: was {}, now {}",
                OrNone(old),
                OrNone(new)
            ),
            Difference::GitCommit { old, new } => {
                write!(f, "git commit: was {}, now {}", OrNone(old), OrNone(new))
            }
            Difference::Config { key, old, new } => {
                let key = if key.is_empty() { "(all)" } else { key };
                write!(
                    f,
                    "config {key}: was {}, now {}",
                    config_value(old),
                    config_value(new)
                )
            }
            Difference::InputChanged { path, old, new } => {
                write!(f, "input {path} changed: sha256 was {old}, now {new}")
            }
            Difference::InputAdded { path, sha256 } => write!(
                f,
                "input {path} added (read now, not in the manifest): sha256 {sha256}"
            ),
            Difference::InputRemoved { path, sha256 } => write!(
                f,
                "input {path} removed (in the manifest, not read now): sha256 {sha256}"
            ),
            Difference::OutputChanged { old, new } => {
                write!(f, "output {} differs:", old.name)?;
                let mut parts = Vec::new();
                if old.name != new.name {
                    parts.push(format!("name was {}, now {}", old.name, new.name));
                }
                if old.sha256 != new.sha256 {
                    parts.push(format!("sha256 was {}, now {}", old.sha256, new.sha256));
                }
                if old.size != new.size {
                    parts.push(format!(
                        "size was {} bytes, now {} bytes",
                        old.size, new.size
                    ));
                }
                write!(f, " {}", parts.join("; "))
            }
            Difference::OutputMissing(output) => write!(
                f,
                "output {} ({}) was not made now",
                output.name,
                edition_name(output.edition)
            ),
            Difference::OutputAdded(output) => write!(
                f,
                "output {} ({}) was made now but is not in the manifest",
                output.name,
                edition_name(output.edition)
            ),
        }
    }
}

fn edition_name(edition: Edition) -> &'static str {
    match edition {
        Edition::Epub => "EPUB",
        Edition::Pdf => "PDF",
    }
}

/// Every difference between the build `old` records and the build `new`
/// records, in a fixed order: tool, timestamp, commit, configuration (by
/// key), inputs (by path), outputs (in `old`'s order, then those only in
/// `new`). Outputs are matched by edition, so a renamed edition shows as
/// one that differs. Empty when the two builds are the same.
pub fn compare(old: &Manifest, new: &Manifest) -> Vec<Difference> {
    let mut differences = Vec::new();
    if old.tool != new.tool {
        differences.push(Difference::Tool {
            old: old.tool.clone(),
            new: new.tool.clone(),
        });
    }
    if old.source_date_epoch != new.source_date_epoch {
        differences.push(Difference::SourceDateEpoch {
            old: old.source_date_epoch,
            new: new.source_date_epoch,
        });
    }
    if old.git_commit != new.git_commit {
        differences.push(Difference::GitCommit {
            old: old.git_commit.clone(),
            new: new.git_commit.clone(),
        });
    }
    compare_config(
        String::new(),
        Some(&old.config),
        Some(&new.config),
        &mut differences,
    );
    compare_inputs(&old.inputs, &new.inputs, &mut differences);
    compare_outputs(&old.outputs, &new.outputs, &mut differences);
    differences
}

/// Walks two configuration values: objects key by key (in sorted order),
/// anything else (strings, numbers, lists) as a whole.
fn compare_config(
    key: String,
    old: Option<&Value>,
    new: Option<&Value>,
    differences: &mut Vec<Difference>,
) {
    if let (Some(Value::Object(old)), Some(Value::Object(new))) = (old, new) {
        let keys: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
        for name in keys {
            let inner = if key.is_empty() {
                name.clone()
            } else {
                format!("{key}.{name}")
            };
            compare_config(inner, old.get(name), new.get(name), differences);
        }
    } else if old != new {
        differences.push(Difference::Config {
            key,
            old: old.cloned(),
            new: new.cloned(),
        });
    }
}

fn compare_inputs(old: &[Input], new: &[Input], differences: &mut Vec<Difference>) {
    let by_path = |inputs: &[Input]| -> BTreeMap<BookPath, Sha256> {
        inputs
            .iter()
            .map(|input| (input.path.clone(), input.sha256.clone()))
            .collect()
    };
    let (old, mut new) = (by_path(old), by_path(new));
    let mut found = Vec::new();
    for (path, old_sha) in old {
        match new.remove(&path) {
            Some(new_sha) if new_sha == old_sha => {}
            Some(new_sha) => found.push(Difference::InputChanged {
                path,
                old: old_sha,
                new: new_sha,
            }),
            None => found.push(Difference::InputRemoved {
                path,
                sha256: old_sha,
            }),
        }
    }
    for (path, sha256) in new {
        found.push(Difference::InputAdded { path, sha256 });
    }
    // One list by path, whatever the kind of difference.
    found.sort_by(|a, b| input_path(a).cmp(&input_path(b)));
    differences.extend(found);
}

fn input_path(difference: &Difference) -> Option<&BookPath> {
    match difference {
        Difference::InputChanged { path, .. }
        | Difference::InputAdded { path, .. }
        | Difference::InputRemoved { path, .. } => Some(path),
        _ => None,
    }
}

fn compare_outputs(old: &[OutputFile], new: &[OutputFile], differences: &mut Vec<Difference>) {
    let mut unmatched: Vec<&OutputFile> = new.iter().collect();
    for old in old {
        match unmatched.iter().position(|new| new.edition == old.edition) {
            Some(at) => {
                let new = unmatched.remove(at);
                if new != old {
                    differences.push(Difference::OutputChanged {
                        old: old.clone(),
                        new: new.clone(),
                    });
                }
            }
            None => differences.push(Difference::OutputMissing(old.clone())),
        }
    }
    differences.extend(
        unmatched
            .into_iter()
            .map(|new| Difference::OutputAdded(new.clone())),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Digests taken up from an earlier version's are those of the bytes
    /// alone: an edit early, late, at a mark's edge, a longer and a shorter
    /// file, the same file again, and an edition never seen.
    #[test]
    fn digests_taken_up_from_the_last_build_are_the_bytes_own() {
        let cache = DigestCache::default();
        let mut bytes: Vec<u8> = (0..5 * MARK + 1234).map(|i| (i * 7 % 251) as u8).collect();
        let check = |bytes: &[u8]| {
            assert_eq!(cache.sha256("book.pdf", bytes), Sha256::of(bytes));
        };
        check(&bytes);
        bytes[3 * MARK + 10] ^= 1;
        check(&bytes);
        bytes[2 * MARK] ^= 1;
        check(&bytes);
        bytes[2 * MARK - 1] ^= 1;
        check(&bytes);
        check(&bytes);
        bytes.extend_from_slice(&[1; 70_000]);
        check(&bytes);
        bytes.truncate(MARK + 5);
        check(&bytes);
        bytes.truncate(MARK);
        check(&bytes);
        bytes[0] ^= 1;
        check(&bytes);
        check(&[]);
        check(&bytes);
        assert_eq!(cache.sha256("book.epub", b"abc"), Sha256::of(b"abc"));
    }
    use serde_json::json;

    fn sha(digit: char) -> Sha256 {
        Sha256::parse(&digit.to_string().repeat(64)).unwrap()
    }

    fn input(path: &str, digit: char) -> Input {
        Input {
            path: BookPath::parse(path).unwrap(),
            sha256: sha(digit),
        }
    }

    fn output(edition: Edition, name: &str, digit: char, size: u64) -> OutputFile {
        OutputFile {
            edition,
            name: name.to_string(),
            sha256: sha(digit),
            size,
        }
    }

    fn manifest() -> Manifest {
        Manifest {
            format: FORMAT,
            tool: Tool::current(),
            source_date_epoch: Some(1_735_787_045),
            git_commit: None,
            inputs: vec![
                input("book.toml", '1'),
                input("chapters/01.md", '2'),
                input("sources/a.txt", '3'),
            ],
            outputs: vec![
                output(Edition::Epub, "b.epub", 'a', 100),
                output(Edition::Pdf, "b.pdf", 'b', 200),
            ],
            config: json!({
                "book": { "title": "B", "language": "en", "keywords": ["x"] },
                "pdf": { "font-size": "11pt", "margins": { "top": "54pt" } },
            }),
        }
    }

    #[test]
    fn the_same_build_has_no_differences() {
        assert_eq!(compare(&manifest(), &manifest()), []);
    }

    #[test]
    fn inputs_changed_added_and_removed_are_listed_by_path() {
        let old = manifest();
        let mut new = manifest();
        new.inputs = vec![
            input("book.toml", '1'),
            input("chapters/00.md", '4'),
            input("chapters/01.md", '5'),
        ];
        let found = compare(&old, &new);
        assert_eq!(
            found,
            [
                Difference::InputAdded {
                    path: BookPath::parse("chapters/00.md").unwrap(),
                    sha256: sha('4'),
                },
                Difference::InputChanged {
                    path: BookPath::parse("chapters/01.md").unwrap(),
                    old: sha('2'),
                    new: sha('5'),
                },
                Difference::InputRemoved {
                    path: BookPath::parse("sources/a.txt").unwrap(),
                    sha256: sha('3'),
                },
            ]
        );
        assert!(found.iter().all(Difference::is_input));
        assert_eq!(
            found[1].to_string(),
            format!(
                "input chapters/01.md changed: sha256 was {}, now {}",
                sha('2'),
                sha('5')
            )
        );
    }

    #[test]
    fn outputs_are_matched_by_edition() {
        let old = manifest();
        let mut new = manifest();
        new.outputs = vec![
            output(Edition::Pdf, "b.pdf", 'b', 200),
            output(Edition::Epub, "c.epub", 'c', 101),
        ];
        let found = compare(&old, &new);
        assert_eq!(
            found,
            [Difference::OutputChanged {
                old: output(Edition::Epub, "b.epub", 'a', 100),
                new: output(Edition::Epub, "c.epub", 'c', 101),
            }]
        );
        let text = found[0].to_string();
        assert!(
            text.starts_with("output b.epub differs: name was b.epub, now c.epub; sha256 was aaaa")
        );
        assert!(
            text.ends_with("; size was 100 bytes, now 101 bytes"),
            "{text}"
        );
        // Only the size differs: only the size is named.
        new.outputs = vec![
            output(Edition::Epub, "b.epub", 'a', 99),
            output(Edition::Pdf, "b.pdf", 'b', 200),
        ];
        assert_eq!(
            compare(&old, &new)[0].to_string(),
            "output b.epub differs: size was 100 bytes, now 99 bytes"
        );
        new.outputs = vec![output(Edition::Pdf, "b.pdf", 'b', 200)];
        assert_eq!(
            compare(&old, &new),
            [Difference::OutputMissing(output(
                Edition::Epub,
                "b.epub",
                'a',
                100
            ))]
        );
        assert_eq!(
            compare(&new, &old),
            [Difference::OutputAdded(output(
                Edition::Epub,
                "b.epub",
                'a',
                100
            ))]
        );
    }

    #[test]
    fn config_differences_name_the_dotted_key() {
        let old = manifest();
        let mut new = manifest();
        new.config = json!({
            "book": { "title": "B", "language": "en", "keywords": ["x", "y"] },
            "pdf": { "font-size": "12pt", "margins": {} },
            "epub": { "cover": null },
        });
        let found = compare(&old, &new);
        let shown: Vec<String> = found.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            shown,
            [
                r#"config book.keywords: was ["x"], now ["x","y"]"#,
                r#"config epub: was (no such key), now {"cover":null}"#,
                r#"config pdf.font-size: was "11pt", now "12pt""#,
                r#"config pdf.margins.top: was "54pt", now (no such key)"#,
            ]
        );
    }

    #[test]
    fn tool_timestamp_and_commit_are_compared() {
        let old = manifest();
        let mut new = manifest();
        new.tool.version = "9.9.9".into();
        new.source_date_epoch = None;
        new.git_commit = Some("0".repeat(40));
        let shown: Vec<String> = compare(&old, &new).iter().map(|d| d.to_string()).collect();
        assert_eq!(
            shown,
            [
                format!(
                    "tool: was quire {}, now quire 9.9.9",
                    env!("CARGO_PKG_VERSION")
                ),
                "SOURCE_DATE_EPOCH: was 1735787045, now none".to_string(),
                format!("git commit: was none, now {}", "0".repeat(40)),
            ]
        );
    }

    #[test]
    fn json_round_trips_and_is_stable() {
        let manifest = manifest();
        let json = manifest.to_json().unwrap();
        assert!(json.ends_with("}\n"));
        assert!(
            json.starts_with("{\n  \"format\": 1,\n  \"tool\": {"),
            "{json}"
        );
        assert_eq!(Manifest::parse(&json).unwrap(), manifest);
        assert_eq!(Manifest::parse(&json).unwrap().to_json().unwrap(), json);
        assert_eq!(manifest.editions(), [Edition::Epub, Edition::Pdf]);
    }

    #[test]
    fn bad_manifests_are_refused_at_their_place() {
        let json = manifest().to_json().unwrap();
        // Not JSON: cut short.
        let error = Manifest::parse(&json[..40]).unwrap_err();
        assert!(error.message.contains("EOF"), "{error}");
        assert!(error.line > 1);
        // Another format, wherever its key is.
        let later = json.replacen("\"format\": 1,\n", "", 1).replacen(
            "\"config\"",
            "\"format\": 2,\n  \"config\"",
            1,
        );
        let error = Manifest::parse(&later).unwrap_err();
        assert!(
            error
                .message
                .contains("manifest format 2 is not one this quire reads"),
            "{error}"
        );
        let line = later
            .lines()
            .position(|l| l.contains("\"format\""))
            .unwrap()
            + 1;
        assert_eq!(error.line, line);
        // No format at all.
        let error = Manifest::parse("{\"tool\": {}}").unwrap_err();
        assert!(error.message.contains("missing field `format`"), "{error}");
        // A digest that is not one, an absolute path, an unknown key.
        for (from, to, says) in [
            (sha('1').to_string(), "12ab".to_string(), "is not a SHA-256"),
            (
                "\"book.toml\"".to_string(),
                "\"/etc/passwd\"".to_string(),
                "path `/etc/passwd` refused",
            ),
            (
                "\"git-commit\"".to_string(),
                "\"git-comit\"".to_string(),
                "unknown field `git-comit`",
            ),
        ] {
            let bad = json.replacen(&from, &to, 1);
            let error = Manifest::parse(&bad).unwrap_err();
            assert!(error.message.contains(says), "{error}");
            // serde_json places an error in a value's form after the
            // object that holds it: here the next line.
            let line = bad.lines().position(|l| l.contains(&to)).unwrap() + 1;
            assert!((line..=line + 1).contains(&error.line), "{line}: {error}");
            assert!(!error.message.contains(" at line "), "{error}");
        }
    }
}
