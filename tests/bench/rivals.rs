//! The other tools the build benchmark measures beside quire, on the same
//! corpus and the same way (as processes, [`process::run`]): Typst, through
//! its Python package (`pip install typst`), making the PDF of the corpus
//! converted by [`typst`](crate::typst); and pandoc, when it is on the
//! `PATH`, making an EPUB of the chapters.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::corpus::Book;
use crate::measure::Sample;
use crate::process;

/// What runs Typst: the input and output paths are its arguments.
const TYPST_SCRIPT: &str = "import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2])";

/// Typst's Python package, found.
pub struct Typst {
    /// Its version (`0.15.2`).
    pub version: String,
}

impl Typst {
    /// Typst, if `python3 -c "import typst"` works.
    pub fn find() -> Option<Typst> {
        let output = Command::new("python3")
            .args([
                "-c",
                "import typst; print(getattr(typst, '__version__', 'unknown version'))",
            ])
            .stderr(Stdio::null())
            .output()
            .ok()?;
        output.status.success().then(|| Typst {
            version: String::from_utf8_lossy(&output.stdout).trim().to_string(),
        })
    }

    /// Writes `book` as a Typst document into `dir`: its path.
    pub fn source(book: &Book, dir: &Path) -> Result<PathBuf, String> {
        let mut chapters = Vec::new();
        for file in &book.chapters {
            let path = book.path().join(file);
            chapters.push(
                std::fs::read_to_string(&path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?,
            );
        }
        let chapters: Vec<&str> = chapters.iter().map(String::as_str).collect();
        let setup = crate::typst::Setup {
            title: &book.title,
            author: &book.author,
            language: &book.language,
        };
        let path = dir.join("book.typ");
        std::fs::write(&path, crate::typst::document(&setup, &chapters))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        Ok(path)
    }

    /// Starts Python and imports the package, measured: what
    /// [`pdf`](Self::pdf) spends before Typst begins.
    pub fn startup() -> Result<Sample, String> {
        process::run(Command::new("python3").args(["-c", "import sys, typst"]))
    }

    /// Makes the PDF of `source` into `pdf`, measured.
    pub fn pdf(source: &Path, pdf: &Path) -> Result<Sample, String> {
        let _ = std::fs::remove_file(pdf);
        let sample = process::run(
            Command::new("python3")
                .args(["-c", TYPST_SCRIPT])
                .arg(source)
                .arg(pdf),
        )?;
        if !pdf.is_file() {
            return Err(format!("Typst wrote no {}", pdf.display()));
        }
        Ok(sample)
    }
}

/// Whether `pandoc` is on the `PATH`.
pub fn pandoc_found() -> bool {
    Command::new("pandoc")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// Makes an EPUB of `book`'s chapters with pandoc into `epub`, measured.
pub fn pandoc_epub(book: &Book, epub: &Path) -> Result<Sample, String> {
    let _ = std::fs::remove_file(epub);
    let sample = process::run(
        Command::new("pandoc")
            .current_dir(book.path())
            .arg("--from=markdown")
            .arg("--metadata")
            .arg(format!("title={}", book.title))
            .arg("--metadata")
            .arg(format!("author={}", book.author))
            .arg("--metadata")
            .arg(format!("lang={}", book.language))
            .arg("-o")
            .arg(epub)
            .args(&book.chapters),
    )?;
    if !epub.is_file() {
        return Err(format!("pandoc wrote no {}", epub.display()));
    }
    Ok(sample)
}

/// How many pages the PDF at `path` has, if `pdfinfo` is there to say.
pub fn pages(path: &Path) -> Option<usize> {
    let output = Command::new("pdfinfo")
        .arg(path)
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text.lines().find(|l| l.starts_with("Pages:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
