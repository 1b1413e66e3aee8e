//! The build manifest (`<slug>.manifest.json`) and `quire build --verify`,
//! on copies of the sample book: what the manifest lists (SHA-256s computed
//! here), that it holds no path of the machine, that two folders give the
//! same bytes, and what `--verify` says about an unchanged book, an edited
//! one and a corrupt manifest.

mod common;

use std::path::{Path, PathBuf};

use common::{quire, repo, run, temp};
use serde_json::{Value, json};

/// The timestamp every build here uses.
const EPOCH: &str = "1735787045";
/// The sample book's file names.
const SLUG: &str = "reminiscences-with-the-century";
const CHAPTER: &str = "chapters/01-formation-of-the-allied-forces.md";
const ORIGINAL: &str = "sources/000_60b91b2e5b986131.txt";

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A copy of the sample book at `folder/<under>`.
fn sample_book(folder: &Path, under: &str) -> PathBuf {
    let book = folder.join(under);
    common::copy_dir(&repo().join("book"), &book, &["out"]);
    book
}

/// `quire build BOOK` with the fixed timestamp; the output folder.
fn build(book: &Path) -> PathBuf {
    let result = run(quire()
        .arg("build")
        .arg(book)
        .env("SOURCE_DATE_EPOCH", EPOCH));
    assert_eq!(result.code, 0, "build failed:\n{}", result.stderr);
    assert!(
        result.stdout.contains(&format!("{SLUG}.manifest.json (")),
        "says it wrote the manifest:\n{}",
        result.stdout
    );
    book.join("out")
}

fn manifest_path(out: &Path) -> PathBuf {
    out.join(format!("{SLUG}.manifest.json"))
}

/// `quire build --verify MANIFEST BOOK`.
fn verify(manifest: &Path, book: &Path) -> common::Run {
    run(quire().args(["build", "--verify"]).arg(manifest).arg(book))
}

/// The sample book in two folders (outside any repository): the manifest
/// lists its three files and two editions as they are on disk, names no
/// path of the machine, and both folders give the same EPUB, PDF and
/// manifest, byte for byte.
#[test]
fn the_manifest_lists_what_was_read_and_written_the_same_in_any_folder() {
    let (first, second) = (temp(), temp());
    let book = sample_book(first.path(), "book");
    let other = sample_book(second.path(), "somewhere/else/book");
    let (out, other_out) = (build(&book), build(&other));

    let text = std::fs::read_to_string(manifest_path(&out)).expect("the manifest");
    assert!(text.ends_with("}\n"), "pretty JSON with a final newline");
    for folder in [first.path(), &book, repo()] {
        let folder = folder.to_string_lossy();
        assert!(
            !text.contains(&*folder),
            "{folder} in the manifest:\n{text}"
        );
    }
    let manifest: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(manifest["format"], 1);
    assert_eq!(
        manifest["tool"],
        json!({ "name": "quire", "version": env!("CARGO_PKG_VERSION") })
    );
    assert_eq!(manifest["source-date-epoch"], 1735787045);
    let inputs: Vec<Value> = ["book.toml", CHAPTER, ORIGINAL]
        .iter()
        .map(|path| {
            let bytes = std::fs::read(book.join(path)).expect("a file of the book");
            json!({ "path": path, "sha256": sha256(&bytes) })
        })
        .collect();
    assert_eq!(manifest["inputs"], Value::Array(inputs));
    let outputs: Vec<Value> = ["epub", "pdf"]
        .iter()
        .map(|edition| {
            let name = format!("{SLUG}.{edition}");
            let bytes = std::fs::read(out.join(&name)).expect("an edition");
            json!({
                "edition": edition,
                "name": name,
                "sha256": sha256(&bytes),
                "size": bytes.len(),
            })
        })
        .collect();
    assert_eq!(manifest["outputs"], Value::Array(outputs));
    // The effective configuration: as written, and the defaults.
    let config = &manifest["config"];
    assert_eq!(config["book"]["title"], "Reminiscences: With the Century");
    assert_eq!(config["pdf"]["trim-size"], "6in x 9in");
    assert_eq!(config["pdf"]["margins"]["inner"], "54pt");
    assert_eq!(config["hyphenation"]["right-min"], 3);

    for name in [
        format!("{SLUG}.epub"),
        format!("{SLUG}.pdf"),
        format!("{SLUG}.manifest.json"),
    ] {
        let a = std::fs::read(out.join(&name)).unwrap();
        let b = std::fs::read(other_out.join(&name)).unwrap();
        assert!(a == b, "{name} differs between the two folders");
    }
}

/// `--verify` on the book as built: identical (with the manifest's
/// timestamp, though the environment gives another). After a chapter is
/// edited: exit 1, naming the chapter and both editions, and nothing else
/// of the inputs; nothing is written either time.
#[test]
fn verify_finds_an_unchanged_book_identical_and_names_an_edited_chapter() {
    let folder = temp();
    let book = sample_book(folder.path(), "book");
    let out = build(&book);
    let manifest = manifest_path(&out);
    let written = |out: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        // The files, not the build cache's folder beside them.
        let mut files: Vec<_> = std::fs::read_dir(out)
            .unwrap()
            .map(Result::unwrap)
            .filter(|entry| entry.file_type().is_ok_and(|t| t.is_file()))
            .map(|entry| {
                let path = entry.path();
                let bytes = std::fs::read(&path).unwrap();
                (path, bytes)
            })
            .collect();
        files.sort();
        files
    };
    let before = written(&out);

    let same = run(quire()
        .args(["build", "--verify"])
        .arg(&manifest)
        .arg(&book)
        .env("SOURCE_DATE_EPOCH", "1"));
    assert_eq!(same.code, 0, "{same:?}");
    assert_eq!(same.stdout, "verified: 3 inputs, 2 outputs identical\n");
    assert!(
        same.stderr
            .contains("SOURCE_DATE_EPOCH is 1 here but 1735787045 in the manifest"),
        "{}",
        same.stderr
    );

    let chapter = book.join(CHAPTER);
    let text = std::fs::read_to_string(&chapter).unwrap();
    let edited = text.replacen("Soviet Union", "Soviet Onion", 1);
    assert_ne!(edited, text, "the chapter has the words to edit");
    std::fs::write(&chapter, edited).unwrap();
    let changed = verify(&manifest, &book);
    assert_eq!(changed.code, 1, "{changed:?}");
    let lines: Vec<&str> = changed.stdout.lines().collect();
    let about = |start: &str| lines.iter().filter(|l| l.starts_with(start)).count();
    assert_eq!(
        about(&format!("input {CHAPTER} changed: sha256 was ")),
        1,
        "{lines:#?}"
    );
    assert_eq!(about("input "), 1, "only the chapter changed: {lines:#?}");
    assert_eq!(
        about(&format!("output {SLUG}.epub differs: sha256 was ")),
        1,
        "{lines:#?}"
    );
    assert_eq!(
        about(&format!("output {SLUG}.pdf differs: sha256 was ")),
        1,
        "{lines:#?}"
    );
    assert_eq!(lines.len(), 3, "{lines:#?}");
    assert!(
        changed.stderr.contains("differs from") && changed.stderr.contains("in 3 ways"),
        "{}",
        changed.stderr
    );
    assert!(
        written(&out) == before,
        "--verify wrote into the output folder"
    );
}

/// A build with `--format epub` lists only the EPUB, and `--verify`
/// rebuilds only that. A later build that fails leaves the editions and the
/// manifest of the one before in place.
#[test]
fn an_epub_build_lists_the_epub_alone_and_a_failed_build_keeps_the_manifest() {
    let folder = temp();
    let book = sample_book(folder.path(), "book");
    let result = run(quire()
        .args(["build", "--format", "epub"])
        .arg(&book)
        .env("SOURCE_DATE_EPOCH", EPOCH));
    assert_eq!(result.code, 0, "{result:?}");
    let manifest = manifest_path(&book.join("out"));
    let text = std::fs::read_to_string(&manifest).expect("the manifest");
    let parsed: Value = serde_json::from_str(&text).unwrap();
    let outputs = parsed["outputs"].as_array().unwrap();
    assert_eq!(outputs.len(), 1, "{text}");
    assert_eq!(outputs[0]["edition"], "epub");
    let same = verify(&manifest, &book);
    assert_eq!(same.code, 0, "{same:?}");
    assert_eq!(same.stdout, "verified: 3 inputs, 1 outputs identical\n");

    let epub = book.join("out").join(format!("{SLUG}.epub"));
    let edition = std::fs::read(&epub).unwrap();
    std::fs::write(
        book.join("book.toml"),
        "[book]\ntitle = \"Broken\"\nautors = []\n",
    )
    .unwrap();
    let failed = run(quire().arg("build").arg(&book));
    assert_eq!(failed.code, 1, "{failed:?}");
    assert_eq!(std::fs::read_to_string(&manifest).unwrap(), text);
    assert!(std::fs::read(&epub).unwrap() == edition);
    assert!(!book.join("out/broken.manifest.json").exists());
}

/// A manifest that is not JSON, or of another format, is refused with its
/// file, line and column; the book is not built.
#[test]
fn a_corrupt_manifest_is_refused_at_its_line_and_column() {
    let folder = temp();
    let manifest = common::write(
        folder.path(),
        "m.json",
        "{\n  \"format\": 1,\n  \"tool\": { \"name\": \"quire\",, }\n}\n",
    );
    let book = folder.path().join("no-book-here");
    let result = verify(&manifest, &book);
    assert_eq!(result.code, 2, "{result:?}");
    let expected = format!(
        "error: {}:3:29: not a valid build manifest: key must be a string",
        manifest.display()
    );
    assert!(result.stderr.starts_with(&expected), "{}", result.stderr);
    assert_eq!(result.stdout, "");

    common::write(
        folder.path(),
        "m.json",
        "{\n  \"format\": 2,\n  \"tool\": {}\n}\n",
    );
    let result = verify(&manifest, &book);
    assert_eq!(result.code, 2, "{result:?}");
    assert!(
        result
            .stderr
            .contains(":2:13: not a valid build manifest: manifest format 2"),
        "{}",
        result.stderr
    );
}
