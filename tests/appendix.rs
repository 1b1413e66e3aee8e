//! The source appendix, in both editions of the sample book: its own
//! XHTML in the EPUB's spine, nav and landmarks, and the last section of
//! the PDF with its contents entry; the SHA-256 it gives for
//! `book/sources/…` is the file's.

mod common;

use std::process::Command;

use common::{quire, repo, run, temp, unzip};

/// The saved original of the sample chapter and its SHA-256, computed
/// here.
fn original() -> (String, String) {
    use sha2::Digest;
    let name = "sources/000_60b91b2e5b986131.txt";
    let bytes = std::fs::read(repo().join("book").join(name)).expect("the saved original");
    let hash: String = sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    (name.to_string(), hash)
}

/// Builds the sample book into a temp folder; the folder and the two
/// editions' paths.
fn build() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let out = temp();
    let result = run(quire()
        .args(["build", "--out"])
        .arg(out.path())
        .arg(repo().join("book"))
        .env("SOURCE_DATE_EPOCH", "1735787045"));
    assert_eq!(result.code, 0, "build failed:\n{}", result.stderr);
    let find = |extension: &str| {
        std::fs::read_dir(out.path())
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .find(|path| path.extension().is_some_and(|e| e == extension))
            .expect("an edition")
    };
    let (epub, pdf) = (find("epub"), find("pdf"));
    (out, epub, pdf)
}

#[test]
fn the_epub_ends_with_the_source_appendix() {
    let (name, hash) = original();
    let (_out, epub, _) = build();
    let entries = unzip(&std::fs::read(epub).unwrap());
    let text = |path: &str| -> String {
        let entry = entries
            .iter()
            .find(|e| e.name == path)
            .unwrap_or_else(|| panic!("{path} in the EPUB"));
        String::from_utf8(entry.data.clone()).unwrap()
    };
    let appendix = text("EPUB/text/sources.xhtml");
    assert!(appendix.contains(r#"epub:type="appendix""#));
    assert!(appendix.contains("Formation of the International Allied Forces"));
    assert!(appendix.contains(&name), "the original's file name");
    assert!(appendix.contains(&hash), "the original's SHA-256, {hash}");
    assert!(appendix.contains("Changes made for this book: Removed the site navigation"));
    assert!(appendix.contains("Site: 회고록 《세기와 더불어》"));
    assert!(appendix.contains("Built: 2025-01-02 03:04:05 UTC"));
    assert!(appendix.contains("Made with quire "));
    // The repository's commit, as git itself reports it.
    let head = Command::new("git")
        .arg("-C")
        .arg(repo())
        .args(["rev-parse", "HEAD"])
        .output();
    match head {
        Ok(head) if head.status.success() => {
            let head = String::from_utf8(head.stdout).unwrap();
            assert!(
                appendix.contains(&format!(
                    "Sources at git commit <code>{}</code>",
                    head.trim()
                )),
                "the book's commit {head}"
            );
        }
        _ => eprintln!("note: not in a git checkout with git; the commit is not checked"),
    }
    // The last document of the spine, in the nav and the landmarks.
    let opf = text("EPUB/package.opf");
    let item = opf
        .lines()
        .find(|line| line.contains(r#"href="text/sources.xhtml""#))
        .expect("the appendix in the manifest");
    let id = item
        .split(r#"id=""#)
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let spine = &opf[opf.find("<spine").unwrap()..];
    let last = spine.rfind("<itemref").unwrap();
    assert!(
        spine[last..].starts_with(&format!(r#"<itemref idref="{id}""#)),
        "{spine}"
    );
    let nav = text("EPUB/nav.xhtml");
    assert!(
        nav.contains(r#"<a href="text/sources.xhtml">Sources</a>"#),
        "{nav}"
    );
    assert!(
        nav.contains(r#"epub:type="backmatter" href="text/sources.xhtml""#),
        "{nav}"
    );
}

#[test]
fn the_pdf_ends_with_the_source_appendix() {
    let has_pdftotext = Command::new("pdftotext").arg("-v").output().is_ok();
    if !has_pdftotext {
        if std::env::var("QUIRE_REQUIRE_PDFTOPPM").is_ok_and(|v| v == "1") {
            panic!("QUIRE_REQUIRE_PDFTOPPM=1 but poppler-utils is not installed");
        }
        eprintln!("note: poppler-utils not installed; skipping the PDF's appendix");
        return;
    }
    let (name, hash) = original();
    let (_out, _, pdf) = build();
    let text = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    let text = String::from_utf8(text.stdout).unwrap();
    let pages: Vec<&str> = text.split('\u{c}').collect();
    // The contents list it; its pages come last.
    let contents = pages
        .iter()
        .find(|p| p.contains("Contents"))
        .expect("contents");
    assert!(contents.contains("Sources"), "{contents}");
    let start = pages
        .iter()
        .rposition(|p| p.contains("Where the text of each chapter came from"))
        .expect("the appendix");
    let appendix: String = pages[start..].concat();
    assert!(appendix.contains(&name));
    // The hash may wrap (its continuation sign copies as nothing).
    let joined: String = appendix.split_whitespace().collect();
    assert!(joined.contains(&hash), "the SHA-256 {hash} in {appendix}");
    assert!(appendix.contains("Built: 2025-01-02 03:04:05 UTC"));
}
