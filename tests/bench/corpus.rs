//! A corpus folder (`chNNN.md` + `meta.json`) → a quire book in a temp
//! folder: the chapters copied and a `book.toml` written with the page setup
//! of `tests/corpus/medium/book.toml` (6 × 9 in, 11 pt).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// What the bench reads of `meta.json` (JSON is YAML, so the YAML parser
/// quire already depends on reads it; the per-chapter `source` records and
/// counts are ignored).
#[derive(Deserialize)]
struct Meta {
    title: String,
    subtitle: Option<String>,
    author: String,
    language: String,
    chapters: Vec<MetaChapter>,
}

#[derive(Deserialize)]
struct MetaChapter {
    file: String,
}

/// The `book.toml` written.
#[derive(Serialize)]
struct BookToml {
    book: BookSection,
    pdf: PdfSection,
}

#[derive(Serialize)]
struct BookSection {
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    subtitle: Option<String>,
    authors: Vec<String>,
    language: String,
    /// Fixed, so the EPUB's dates do not depend on the day.
    date: &'static str,
    chapters: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct PdfSection {
    trim_size: &'static str,
    font_size: &'static str,
}

/// A book made from a corpus folder; the folder goes when it drops.
pub struct Book {
    dir: tempfile::TempDir,
    /// The chapter files, in order, in the book folder.
    pub chapters: Vec<String>,
    /// The title.
    pub title: String,
    /// The author.
    pub author: String,
    /// The language (`en`).
    pub language: String,
}

impl Book {
    /// Copies the chapters of `corpus` into a temp folder and writes its
    /// `book.toml`.
    pub fn make(corpus: &Path) -> Result<Book, String> {
        let meta_path = corpus.join("meta.json");
        let text = std::fs::read_to_string(&meta_path)
            .map_err(|e| format!("cannot read {}: {e}", meta_path.display()))?;
        let meta: Meta = serde_saphyr::from_str(&text)
            .map_err(|e| format!("cannot parse {}: {e}", meta_path.display()))?;
        let dir = tempfile::Builder::new()
            .prefix("quire-bench-")
            .tempdir()
            .map_err(|e| format!("cannot make a temp folder: {e}"))?;
        for chapter in &meta.chapters {
            let from = corpus.join(&chapter.file);
            std::fs::copy(&from, dir.path().join(&chapter.file))
                .map_err(|e| format!("cannot copy {}: {e}", from.display()))?;
        }
        let config = BookToml {
            book: BookSection {
                title: meta.title.clone(),
                subtitle: meta.subtitle,
                authors: vec![meta.author.clone()],
                language: meta.language.clone(),
                date: "2026-01-01",
                chapters: meta.chapters.iter().map(|c| c.file.clone()).collect(),
            },
            pdf: PdfSection {
                trim_size: "6in x 9in",
                font_size: "11pt",
            },
        };
        let toml = toml::to_string(&config).map_err(|e| format!("book.toml: {e}"))?;
        std::fs::write(dir.path().join("book.toml"), toml)
            .map_err(|e| format!("cannot write book.toml: {e}"))?;
        Ok(Book {
            dir,
            chapters: meta.chapters.into_iter().map(|c| c.file).collect(),
            title: meta.title,
            author: meta.author,
            language: meta.language,
        })
    }

    /// The book folder.
    pub fn path(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }
}
