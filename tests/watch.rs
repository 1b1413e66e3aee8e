//! `quire watch` and the build cache behind it (in memory, and kept on disk
//! by `quire build`): a rebuild after an edit sets only what changed, and
//! writes the same bytes a fresh build would.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::{quire, temp, unzip, write};
use quire::Edition;
use quire::cache::BuildCache;
use quire::world::SystemWorld;

/// A book of three chapters with notes numbered through the book.
fn book(dir: &Path) {
    write(
        dir,
        "book.toml",
        "[book]\ntitle = \"Watched\"\nauthors = [\"A. Writer\"]\ndate = \"2026-01-01\"\n\
         chapters = [\"chapters/01.md\", \"chapters/02.md\", \"chapters/03.md\"]\n\
         [pdf]\nfootnote-numbering = \"book\"\n",
    );
    for n in 1..=3 {
        let mut text = format!("# Chapter {n}\n\n");
        for p in 0..12 {
            text.push_str(&format!(
                "Paragraph {p} of chapter {n}, long enough to be set over several lines of \
                 the page, with words that hyphenate and a note.[^{p}]\n\n"
            ));
        }
        for p in 0..12 {
            text.push_str(&format!("[^{p}]: Note {p} of chapter {n}.\n"));
        }
        write(dir, &format!("chapters/0{n}.md"), text);
    }
}

/// Both editions of the book in `dir`, built with `cache` (or without).
fn render(dir: &Path, cache: Option<&BuildCache>) -> Vec<Vec<u8>> {
    let world = SystemWorld::new(dir, Some(1_767_225_600)).unwrap();
    let mut compiled = quire::compile(&world);
    let outputs = quire::render_with(
        &mut compiled,
        &[Edition::Epub, Edition::Pdf],
        &quire::progress::Silent,
        cache,
    );
    assert!(!compiled.has_errors(), "{:?}", compiled.diagnostics);
    outputs.into_iter().map(|output| output.bytes).collect()
}

#[test]
fn a_cached_rebuild_sets_only_what_changed_and_makes_the_same_bytes() {
    let temp = temp();
    let dir = temp.path();
    book(dir);
    let cache = BuildCache::new();
    let first = render(dir, Some(&cache));
    // Three chapters and the source appendix, all set.
    assert_eq!((cache.layout.hits(), cache.layout.misses()), (0, 4));
    assert_eq!(first, render(dir, None));

    // An edit to the last chapter: only it is set again.
    replace_in(
        &dir.join("chapters/03.md"),
        "Paragraph 3 of",
        "The third paragraph of",
    );
    let second = render(dir, Some(&cache));
    assert_eq!((cache.layout.hits(), cache.layout.misses()), (3, 1));
    assert_ne!(second, first);
    assert_eq!(second, render(dir, None), "the cache changed the output");

    // A note added to the first chapter renumbers the notes of the others
    // (numbered through the book): all three are set again.
    let path = dir.join("chapters/01.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace(
            "Paragraph 0 of chapter 1,",
            "Paragraph 0[^new] of chapter 1,",
        ) + "[^new]: A new note.\n",
    )
    .unwrap();
    let third = render(dir, Some(&cache));
    assert_eq!((cache.layout.hits(), cache.layout.misses()), (1, 3));
    assert_eq!(third, render(dir, None));

    // Another page size: nothing set before can be used.
    let config = std::fs::read_to_string(dir.join("book.toml")).unwrap();
    std::fs::write(
        dir.join("book.toml"),
        config.replace("[pdf]\n", "[pdf]\ntrim-size = \"5in x 8in\"\n"),
    )
    .unwrap();
    let fourth = render(dir, Some(&cache));
    assert_eq!((cache.layout.hits(), cache.layout.misses()), (0, 4));
    assert_eq!(fourth, render(dir, None));
}

/// Rewrites the file at `path` with `from` (which it must hold) replaced
/// by `to`.
fn replace_in(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} holds no `{from}`", path.display());
    std::fs::write(path, text.replace(from, to)).unwrap();
}

/// The names of the files in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The editions and manifest in `out`.
fn editions(out: &Path) -> Vec<Vec<u8>> {
    ["watched.epub", "watched.pdf", "watched.manifest.json"]
        .iter()
        .map(|name| std::fs::read(out.join(name)).unwrap())
        .collect()
}

#[test]
fn quire_build_keeps_a_cache_on_disk_that_the_next_build_uses() {
    let temp = temp();
    let dir = temp.path().join("book");
    book(&dir);
    let build = |extra: &[&str]| {
        // (Quiet: `-v` is for the check below.)
        let run = common::run(
            quire()
                .env("SOURCE_DATE_EPOCH", "1767225600")
                .args(["-q", "build"])
                .arg(&dir)
                .args(extra),
        );
        assert_eq!(run.code, 0, "{run:?}");
    };
    build(&[]);
    let cache = dir.join("out/.quire-cache");
    assert_eq!(
        names(&cache),
        ["CACHEDIR.TAG", "epub.bin", "layout", "pdf.bin"],
        "the cache's files"
    );
    // Three chapters and the source appendix.
    let first = names(&cache.join("layout"));
    assert_eq!(first.len(), 4, "{first:?}");
    let fresh = temp.path().join("fresh");
    let fresh_build = || {
        build(&["--no-cache", "--out", fresh.to_str().unwrap()]);
        assert!(
            !fresh.join(".quire-cache").exists(),
            "--no-cache keeps none"
        );
        editions(&fresh)
    };
    assert_eq!(editions(&dir.join("out")), fresh_build());

    // One chapter edited: the next build finds the other three, and keeps
    // the new one in place of the old.
    replace_in(
        &dir.join("chapters/02.md"),
        "Paragraph 5 of",
        "A rewritten paragraph of",
    );
    build(&[]);
    let second = names(&cache.join("layout"));
    assert_eq!(second.len(), 4, "{second:?}");
    let kept = first.iter().filter(|name| second.contains(name)).count();
    assert_eq!(
        kept, 3,
        "one chapter's file replaced: {first:?} → {second:?}"
    );
    assert_eq!(editions(&dir.join("out")), fresh_build());

    // A damaged cache reads as empty: the same editions, and whole files
    // again after the build.
    for name in &second {
        let path = cache.join("layout").join(name);
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    }
    std::fs::write(cache.join("epub.bin"), b"garbage").unwrap();
    let pdf = std::fs::read(cache.join("pdf.bin")).unwrap();
    std::fs::write(cache.join("pdf.bin"), &pdf[..pdf.len() / 2]).unwrap();
    build(&[]);
    assert_eq!(editions(&dir.join("out")), fresh_build());
    // (Their names are their keys: read as damaged, they were set again
    // and written whole.) The next build takes everything from the cache.
    let run = common::run(
        quire()
            .env("SOURCE_DATE_EPOCH", "1767225600")
            .args(["-v", "build"])
            .arg(&dir),
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr
            .contains("cache: 0 of 4 chapters set again, 0 of "),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains(" PDF pages, fonts and images made again, 0 of "),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(" e-book files compressed again"),
        "{}",
        run.stderr
    );
    assert_eq!(editions(&dir.join("out")), fresh_build());

    // Deleting it costs nothing but time.
    std::fs::remove_dir_all(&cache).unwrap();
    build(&[]);
    assert_eq!(editions(&dir.join("out")), fresh_build());
}

/// Lines of a running process's stdout, as they come.
fn lines(child: &mut Child) -> mpsc::Receiver<String> {
    let stdout = child.stdout.take().unwrap();
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if send.send(line).is_err() {
                break;
            }
        }
    });
    receive
}

/// Waits for a line containing `text`; returns every line read meanwhile.
fn wait_for(lines: &mpsc::Receiver<String>, text: &str) -> Vec<String> {
    let mut seen = Vec::new();
    loop {
        match lines.recv_timeout(Duration::from_secs(60)) {
            Ok(line) => {
                let found = line.contains(text);
                seen.push(line);
                if found {
                    return seen;
                }
            }
            Err(_) => panic!("no line with {text:?} within a minute; saw {seen:#?}"),
        }
    }
}

/// The text of the EPUB's XHTML documents.
fn epub_text(path: &Path) -> String {
    unzip(&std::fs::read(path).unwrap())
        .into_iter()
        .filter(|entry| entry.name.ends_with(".xhtml"))
        .map(|entry| String::from_utf8(entry.data).unwrap())
        .collect()
}

#[cfg(unix)]
#[test]
fn watch_rebuilds_on_a_change_says_what_changed_and_stops_on_ctrl_c() {
    let temp = temp();
    let dir = temp.path().join("book");
    book(&dir);
    let mut child = quire()
        .arg("watch")
        .arg(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = lines(&mut child);
    let seen = wait_for(&lines, "watching");
    assert!(seen.iter().any(|l| l.contains("first build")), "{seen:?}");
    let epub = dir.join("out/watched.epub");
    assert!(epub_text(&epub).contains("Paragraph 5 of chapter 2"));

    // An edit; an editor's backup beside it, and the output folder, are not
    // changes of the book.
    std::thread::sleep(Duration::from_millis(300));
    let path = dir.join("chapters/02.md");
    std::fs::write(dir.join("chapters/02.md~"), std::fs::read(&path).unwrap()).unwrap();
    replace_in(&path, "Paragraph 5 of", "A rewritten paragraph of");
    let seen = wait_for(&lines, "built in");
    let changed: Vec<&String> = seen.iter().filter(|l| l.contains("changed:")).collect();
    assert_eq!(changed.len(), 1, "{seen:?}");
    assert!(changed[0].ends_with("changed: chapters/02.md"), "{seen:?}");
    assert!(
        seen.last().unwrap().contains("(1 of 4 chapters set again)"),
        "{seen:?}"
    );
    let text = epub_text(&epub);
    assert!(text.contains("A rewritten paragraph of chapter 2"));
    assert!(!text.contains("Paragraph 5 of chapter 2"));

    // A broken book.toml: an error, and the last good editions stay.
    let before = std::fs::read(&epub).unwrap();
    let config = std::fs::read_to_string(dir.join("book.toml")).unwrap();
    std::fs::write(dir.join("book.toml"), "[book\n").unwrap();
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(std::fs::read(&epub).unwrap(), before);
    std::fs::write(dir.join("book.toml"), config).unwrap();
    wait_for(&lines, "built in");

    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("error[config-invalid]"), "{stderr}");
    assert!(stderr.contains("stopped watching"), "{stderr}");
}
