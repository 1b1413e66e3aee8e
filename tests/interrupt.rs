//! No lost output: a build interrupted half-way (Ctrl-C, or killed outright)
//! leaves the previous edition as it was, or (if it got that far) the new
//! one whole; never a mix of the two, never half a file, and after an
//! interrupt no temporary file.
//!
//! The book is four chapters of the medium corpus, so a debug build takes
//! a few seconds: long enough to interrupt at several points of it. Unix
//! only (signals are sent with `kill`).

#![cfg(unix)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{quire, repo, temp, write};

/// The files of a folder, by name (not the build cache's folder, which a
/// build writes after its editions, and which only ever holds whole files
/// or none).
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(Result::unwrap)
        .filter(|entry| entry.file_type().is_ok_and(|t| t.is_file()))
        .map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            (name, std::fs::read(entry.path()).unwrap())
        })
        .collect()
}

/// A book of the first four chapters of the medium corpus.
fn book(dir: &Path) {
    let corpus = repo().join("tests/corpus/medium");
    let mut list = String::new();
    for n in 1..=4 {
        let name = format!("ch{n:03}.md");
        std::fs::copy(corpus.join(&name), dir.join(&name)).unwrap();
        list.push_str(&format!("\"{name}\", "));
    }
    write(
        dir,
        "book.toml",
        format!(
            "[book]\ntitle = \"Interrupted\"\nauthors = [\"A. Writer\"]\ndate = \"2026-01-01\"\n\
             chapters = [{list}]\n"
        ),
    );
}

fn start_build(dir: &Path) -> Child {
    quire()
        .arg("build")
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success(), "kill -{name} failed");
}

/// Builds `dir` to the end and returns how long it took.
fn build(dir: &Path) -> Duration {
    let started = Instant::now();
    let output = start_build(dir).wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    started.elapsed()
}

#[test]
fn an_interrupted_build_leaves_the_previous_edition_or_the_new_one_whole() {
    let temp = temp();
    let dir = temp.path().join("book");
    let elsewhere = temp.path().join("elsewhere");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    book(&dir);
    build(&dir);
    let out = dir.join("out");
    let old = files(&out);
    assert_eq!(old.len(), 3, "{:?}", old.keys());

    // A new text, and the editions it makes (built in a copy: the build is
    // reproducible, so this is what the interrupted build would write).
    let chapter = dir.join("ch002.md");
    let mut text = std::fs::read_to_string(&chapter).unwrap();
    text.push_str("\nA paragraph added after the first edition.\n");
    std::fs::write(&chapter, &text).unwrap();
    book(&elsewhere);
    std::fs::write(elsewhere.join("ch002.md"), &text).unwrap();
    let took = build(&elsewhere);
    let new = files(&elsewhere.join("out"));
    assert_eq!(
        new.keys().collect::<Vec<_>>(),
        old.keys().collect::<Vec<_>>()
    );
    assert!(new.iter().all(|(name, bytes)| old[name] != *bytes));

    // Interrupt at several points of the build; each time start from the
    // previous edition.
    let mut outcomes = Vec::new();
    for fraction in [0.1, 0.4, 0.7, 0.95] {
        for (name, bytes) in &old {
            std::fs::write(out.join(name), bytes).unwrap();
        }
        let child = start_build(&dir);
        std::thread::sleep(took.mul_f64(fraction));
        signal(&child, "INT");
        let output = child.wait_with_output().unwrap();
        let code = output.status.code();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let now = files(&out);
        // Exactly the three editions' files: no temporary left.
        assert_eq!(
            now.keys().collect::<Vec<_>>(),
            old.keys().collect::<Vec<_>>(),
            "at {fraction}: {stderr}"
        );
        match code {
            Some(130) => {
                assert!(stderr.contains("interrupted"), "{stderr}");
                let whole = now == old || now == new;
                assert!(whole, "at {fraction}: a mix of editions after an interrupt");
                outcomes.push(if now == old { "old" } else { "new" });
            }
            Some(0) => {
                assert!(
                    now == new,
                    "at {fraction}: a finished build wrote other files"
                );
                outcomes.push("finished");
            }
            other => panic!("at {fraction}: exit {other:?}\n{stderr}"),
        }
    }
    // At least the early interrupts caught the build before it wrote.
    assert_eq!(outcomes[0], "old", "{outcomes:?}");

    // Killed outright (no handler can run): still never a mix; a temporary
    // file may be left, and the next build clears it away.
    for (name, bytes) in &old {
        std::fs::write(out.join(name), bytes).unwrap();
    }
    let child = start_build(&dir);
    std::thread::sleep(took.mul_f64(0.5));
    signal(&child, "KILL");
    let _ = child.wait_with_output().unwrap();
    let now: BTreeMap<String, Vec<u8>> = files(&out)
        .into_iter()
        .filter(|(name, _)| !name.ends_with(".tmp"))
        .collect();
    assert!(now == old || now == new, "a mix of editions after SIGKILL");
    build(&dir);
    assert_eq!(files(&out), new);
}
