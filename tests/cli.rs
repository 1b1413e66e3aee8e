//! End-to-end tests of the `quire` binary that do not fit a checked-in case:
//! files with bytes git would mangle (invalid UTF-8, symlinks), `init`,
//! `build`, the sample book, the human diagnostic format and exit codes.
//! Each test builds its book in a temp folder.

mod common;

use std::path::Path;

use common::{Run, check_short, quire, repo, run, temp, write};

/// A minimal valid `book.toml`.
const CONFIG: &str = "[book]\ntitle = \"T\"\n";

fn lines(text: &str) -> Vec<&str> {
    text.lines().collect()
}

/// `quire <args> <dir>`.
fn quire_in(args: &[&str], dir: &Path) -> Run {
    run(quire().args(args).arg(dir))
}

/// Parses the `book.toml` of `dir` with quire's own parser.
fn config_of(dir: &Path) -> quire::config::Config {
    let text = std::fs::read_to_string(dir.join("book.toml")).expect("book.toml");
    quire::config::parse(&text, quire::source::FileId(0))
        .unwrap_or_else(|d| panic!("book.toml does not parse: {}\n{text}", d.message))
}

/// Checks what `build` says about each edition against the disk: a line
/// naming `<slug>.<ext>` must exist, and either say `not written:` (and the
/// file must be absent) or `wrote` (and the file must be there, not empty).
fn assert_build_reports(run: &Run, out: &Path, slug: &str, editions: &[&str]) {
    for ext in ["epub", "pdf"] {
        let file = format!("{slug}.{ext}");
        let said: Vec<&str> = run.stdout.lines().filter(|l| l.contains(&file)).collect();
        if !editions.contains(&ext) {
            assert!(said.is_empty(), "{ext} not asked for, yet: {said:?}");
            assert!(
                !out.join(&file).exists(),
                "{file} written though not asked for"
            );
            continue;
        }
        let [line] = said[..] else {
            panic!("stdout should name {file} once:\n{}", run.stdout);
        };
        let path = out.join(&file);
        if line.starts_with("not written:") {
            assert!(line.contains(&*path.to_string_lossy()), "{line}");
            assert!(
                !path.exists(),
                "says `{line}` but {} exists",
                path.display()
            );
        } else if line.starts_with("wrote ") {
            assert!(line.contains(&*path.to_string_lossy()), "{line}");
            let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            assert!(
                size > 0,
                "says `{line}` but {} is missing or empty",
                path.display()
            );
        } else {
            panic!("neither `wrote` nor `not written:`: {line}");
        }
    }
}

// ---------------------------------------------------------------------------
// Invalid UTF-8

#[test]
fn invalid_utf8_in_a_chapter_names_file_offset_and_line() {
    let temp = temp();
    let book = temp.path();
    write(book, "book.toml", CONFIG);
    // "# B\n\n" is 5 bytes, "회고록 " 10 more: the bad byte is at offset 15,
    // line 3, column 5 (four characters before it).
    // 0xED 0x95 starts a three-byte sequence that never ends.
    let bytes = ["# B\n\n회고록 ".as_bytes(), b"\xED\x95 x\n"].concat();
    write(book, "chapters/01.md", bytes);
    // Another chapter is still checked.
    write(book, "chapters/02.md", "# C\n\nA call[^x].\n");
    let run = check_short(book);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        lines(&run.stderr),
        [
            "chapters/01.md:3:5: error[file-invalid-utf8]: `chapters/01.md` is not valid UTF-8: invalid byte at offset 15",
            "chapters/02.md:3:7: warning[footnote-undefined]: footnote [^x] is not defined",
        ]
    );
}

#[test]
fn invalid_utf8_in_book_toml_names_file_offset_and_line() {
    let temp = temp();
    let book = temp.path();
    // "[book]\n" is 7 bytes, `title = "T` 10 more.
    write(book, "book.toml", b"[book]\ntitle = \"T\xFF\"\n");
    write(book, "chapters/01.md", "# A\n\nText.\n");
    let run = check_short(book);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        lines(&run.stderr),
        [
            "book.toml:2:11: error[file-invalid-utf8]: `book.toml` is not valid UTF-8: invalid byte at offset 17"
        ]
    );
}

#[test]
fn invalid_utf8_offset_counts_the_byte_order_mark() {
    let temp = temp();
    let book = temp.path();
    write(book, "book.toml", CONFIG);
    // BOM (3) + "# A\n" (4) + "\n" (1) + "ab" (2): 0xFF is byte 10 of the file.
    write(book, "chapters/01.md", b"\xEF\xBB\xBF# A\n\nab\xFFcd\n");
    let run = check_short(book);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        lines(&run.stderr),
        [
            "chapters/01.md:3:3: error[file-invalid-utf8]: `chapters/01.md` is not valid UTF-8: invalid byte at offset 10"
        ]
    );
}

// ---------------------------------------------------------------------------
// Symbolic links

/// A book next to a folder `outside` holding a chapter that must never be
/// read: if it were, its undefined footnote `[^leak]` would be reported.
#[cfg(unix)]
fn book_with_outside(temp: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let book = temp.join("book");
    let outside = temp.join("outside");
    write(
        &outside,
        "secret.md",
        "# Secret\n\nTOP-SECRET text[^leak].\n",
    );
    write(&outside, "font.otf", "a font outside the book");
    write(&book, "chapters/01.md", "# One\n\nText.\n");
    (book, outside)
}

/// The run refused a link leading outside: exit 1, one error at `location`
/// whose message contains `path` and says why, and nothing of the outside file shown.
///
/// The code is not checked here: the README files links leading outside
/// under `path-outside-book`, quire reports `chapter-unreadable`; see
/// `symlinks_leading_outside_are_path_outside_book`.
#[cfg(unix)]
fn assert_refused(run: &Run, location: &str, path: &str) {
    assert_eq!(run.code, 1, "{run:?}");
    let [line] = lines(&run.stderr)[..] else {
        panic!("one diagnostic expected: {run:?}");
    };
    assert!(line.starts_with(&format!("{location}: error[")), "{line}");
    assert!(line.contains(path), "{line}");
    assert!(
        line.ends_with("a symbolic link leads outside the book folder"),
        "{line}"
    );
    for word in ["leak", "SECRET", "Secret"] {
        assert!(
            !run.stdout.contains(word) && !run.stderr.contains(word),
            "the outside file was read: {run:?}"
        );
    }
}

/// `book.toml` listing `chapters/01.md` and `chapters/02-link.md`.
#[cfg(unix)]
const LISTING_A_LINK: &str =
    "[book]\ntitle = \"T\"\nchapters = [\"chapters/01.md\", \"chapters/02-link.md\"]\n";

#[cfg(unix)]
#[test]
fn listed_chapter_symlinked_outside_the_book_is_refused() {
    use std::os::unix::fs::symlink;
    let temp = temp();
    let (book, outside) = book_with_outside(temp.path());
    write(&book, "book.toml", LISTING_A_LINK);
    symlink(outside.join("secret.md"), book.join("chapters/02-link.md")).unwrap();
    let run = check_short(&book);
    // Located at the entry in the list: line 3, column 31.
    assert_refused(&run, "book.toml:3:31", "`chapters/02-link.md`");
}

#[cfg(unix)]
#[test]
fn found_chapter_symlinked_outside_the_book_is_refused() {
    use std::os::unix::fs::symlink;
    let temp = temp();
    let (book, _) = book_with_outside(temp.path());
    write(&book, "book.toml", CONFIG);
    // A relative link that climbs out: ../../outside/secret.md.
    symlink("../../outside/secret.md", book.join("chapters/02-link.md")).unwrap();
    let run = check_short(&book);
    assert_refused(&run, "chapters/02-link.md", "`chapters/02-link.md`");
}

#[cfg(unix)]
#[test]
fn chapters_folder_symlinked_outside_the_book_is_refused() {
    use std::os::unix::fs::symlink;
    let temp = temp();
    let (book, outside) = book_with_outside(temp.path());
    std::fs::remove_dir_all(book.join("chapters")).unwrap();
    write(&book, "book.toml", CONFIG);
    symlink(&outside, book.join("chapters")).unwrap();
    let run = check_short(&book);
    assert_refused(&run, "chapters", "chapters/");
}

#[cfg(unix)]
#[test]
fn font_symlinked_outside_the_book_is_refused() {
    use std::os::unix::fs::symlink;
    let temp = temp();
    let (book, outside) = book_with_outside(temp.path());
    write(
        &book,
        "book.toml",
        "[book]\ntitle = \"T\"\n\n[pdf.fonts]\nfiles = [\"fonts/link.otf\"]\n",
    );
    std::fs::create_dir_all(book.join("fonts")).unwrap();
    symlink(outside.join("font.otf"), book.join("fonts/link.otf")).unwrap();
    let run = check_short(&book);
    // Today quire says the font "does not exist in the book folder", which is
    // a refusal but not the reason; the reason is checked by
    // `symlinks_leading_outside_are_path_outside_book`.
    assert_eq!(run.code, 1, "{run:?}");
    let [line] = lines(&run.stderr)[..] else {
        panic!("one diagnostic expected: {run:?}");
    };
    assert!(line.starts_with("book.toml:5:10: error["), "{line}");
    assert!(line.contains("`fonts/link.otf`"), "{line}");
}

/// The README's table of codes: `path-outside-book` is for "a path [that] is
/// absolute or leads outside the book folder (also through a symbolic link)".
#[cfg(unix)]
#[test]
fn symlinks_leading_outside_are_path_outside_book() {
    use std::os::unix::fs::symlink;
    let temp = temp();
    let (book, outside) = book_with_outside(temp.path());
    write(
        &book,
        "book.toml",
        format!("{LISTING_A_LINK}\n[pdf.fonts]\nfiles = [\"fonts/link.otf\"]\n"),
    );
    std::fs::create_dir_all(book.join("fonts")).unwrap();
    symlink(outside.join("secret.md"), book.join("chapters/02-link.md")).unwrap();
    symlink(outside.join("font.otf"), book.join("fonts/link.otf")).unwrap();
    let run = check_short(&book);
    assert_eq!(run.code, 1, "{run:?}");
    // Worded like the other refusals: "<what> `<path>` refused: <why>".
    assert_eq!(
        lines(&run.stderr),
        [
            "book.toml:3:31: error[path-outside-book]: chapter `chapters/02-link.md` refused: a symbolic link leads outside the book folder",
            "book.toml:6:10: error[path-outside-book]: font `fonts/link.otf` refused: a symbolic link leads outside the book folder",
        ]
    );
}

/// The other side of the refusals above: a link that stays inside the book
/// is followed, listed or not.
#[cfg(unix)]
#[test]
fn symlink_inside_the_book_is_followed() {
    use std::os::unix::fs::symlink;
    let temp = temp();
    let book = temp.path();
    write(book, "book.toml", CONFIG);
    write(book, "chapters/01.md", "# One\n\nText.\n");
    write(book, "drafts/real.md", "# Two\n\nA call[^inside].\n");
    symlink("../drafts/real.md", book.join("chapters/02-link.md")).unwrap();
    let run = check_short(book);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        lines(&run.stderr),
        ["chapters/02-link.md:3:7: warning[footnote-undefined]: footnote [^inside] is not defined"]
    );
    assert!(run.stdout.contains(": 2 chapters,"), "{}", run.stdout);
}

#[cfg(unix)]
#[test]
fn listed_symlink_loop_is_an_error_not_a_hang() {
    use std::os::unix::fs::symlink;
    let temp = temp();
    let book = temp.path();
    write(
        book,
        "book.toml",
        "[book]\ntitle = \"T\"\nchapters = [\"chapters/01.md\", \"chapters/loop.md\"]\n",
    );
    write(book, "chapters/01.md", "# One\n\nText.\n");
    symlink("loop.md", book.join("chapters/loop.md")).unwrap();
    let run = check_short(book);
    assert_eq!(run.code, 1, "{run:?}");
    let [line] = lines(&run.stderr)[..] else {
        panic!("one diagnostic expected: {run:?}");
    };
    // The rest is the system's message (ELOOP).
    assert!(
        line.starts_with(
            "book.toml:3:31: error[chapter-unreadable]: cannot read chapter `chapters/loop.md`: "
        ),
        "{line}"
    );
}

/// A link loop found in `chapters/` is not a regular file, so the listing
/// leaves it out (see `World::list`); the real chapter is still checked.
#[cfg(unix)]
#[test]
fn symlink_loop_in_chapters_folder_is_skipped_not_followed() {
    use std::os::unix::fs::symlink;
    let temp = temp();
    let book = temp.path();
    write(book, "book.toml", CONFIG);
    write(book, "chapters/01.md", "# One\n\nText.\n");
    symlink("03-b.md", book.join("chapters/02-a.md")).unwrap();
    symlink("02-a.md", book.join("chapters/03-b.md")).unwrap();
    let run = check_short(book);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stderr, "");
    assert!(run.stdout.contains(": 1 chapters,"), "{}", run.stdout);
}

// ---------------------------------------------------------------------------
// init

#[test]
fn init_makes_a_book_that_checks_and_builds() {
    let temp = temp();
    let dir = temp.path().join("x");
    let init = quire_in(&["init"], &dir);
    assert_eq!(init.code, 0, "{init:?}");
    assert_eq!(init.stderr, "");
    assert!(
        init.stdout.contains(&*dir.to_string_lossy()),
        "{}",
        init.stdout
    );
    assert!(dir.join("book.toml").is_file());

    let check = quire_in(&["check"], &dir);
    assert_eq!((check.code, check.stderr.as_str()), (0, ""), "{check:?}");

    let build = quire_in(&["build"], &dir);
    assert_eq!((build.code, build.stderr.as_str()), (0, ""), "{build:?}");
    assert_build_reports(&build, &dir.join("out"), "x", &["epub", "pdf"]);
}

#[test]
fn init_names_the_book_after_its_folder() {
    let temp = temp();
    let dir = temp.path().join("my-first_book");
    assert_eq!(quire_in(&["init"], &dir).code, 0);
    assert_eq!(config_of(&dir).book.title, "My First Book");
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let temp = temp();
    let dir = temp.path().join("taken");
    write(&dir, "notes.txt", "mine");
    let run = quire_in(&["init"], &dir);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("is not empty"), "{}", run.stderr);
    assert!(
        !dir.join("book.toml").exists(),
        "wrote into a non-empty folder"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn init_accepts_an_empty_folder() {
    let temp = temp();
    let dir = temp.path().join("empty");
    std::fs::create_dir(&dir).unwrap();
    let run = quire_in(&["init"], &dir);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(dir.join("book.toml").is_file());
}

#[test]
fn init_title_with_markup_and_quotes_round_trips() {
    let titles = [
        r#"A <"&> B"#,
        "Line one\nline two \\ with ''' and \"\"\" inside",
        "회고록 《세기와 더불어》",
    ];
    for (n, title) in titles.into_iter().enumerate() {
        let temp = temp();
        let dir = temp.path().join(format!("book-{n}"));
        let init = run(quire().args(["init", "--title", title]).arg(&dir));
        assert_eq!(init.code, 0, "{init:?}");
        let check = quire_in(&["check"], &dir);
        assert_eq!(
            (check.code, check.stderr.as_str()),
            (0, ""),
            "{title:?}: {check:?}"
        );
        assert_eq!(config_of(&dir).book.title, title);
    }
}

#[test]
fn init_title_names_the_editions() {
    let temp = temp();
    let dir = temp.path().join("x");
    assert_eq!(
        run(quire().args(["init", "--title", r#"A <"&> B"#]).arg(&dir)).code,
        0
    );
    let build = quire_in(&["build"], &dir);
    assert_eq!(build.code, 0, "{build:?}");
    assert_build_reports(&build, &dir.join("out"), "a-b", &["epub", "pdf"]);
}

// ---------------------------------------------------------------------------
// The sample book

fn sample_book(temp: &Path) -> std::path::PathBuf {
    let book = temp.join("book");
    common::copy_dir(&common::repo().join("book"), &book, &["out"]);
    book
}

#[test]
fn sample_book_checks_without_diagnostics() {
    let temp = temp();
    let book = sample_book(temp.path());
    let run = quire_in(&["check"], &book);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stderr, "");
    assert!(
        run.stdout.trim_end().ends_with(", 0 warnings"),
        "{}",
        run.stdout
    );
}

#[test]
fn sample_book_builds_and_says_what_it_wrote() {
    let temp = temp();
    let book = sample_book(temp.path());
    let slug = quire::config::slugify(&config_of(&book).book.title, "book");
    let run = quire_in(&["build"], &book);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{run:?}");
    assert_build_reports(&run, &book.join("out"), &slug, &["epub", "pdf"]);
}

#[test]
fn build_honours_format_and_out() {
    let temp = temp();
    let book = sample_book(temp.path());
    let out = temp.path().join("elsewhere");
    let slug = quire::config::slugify(&config_of(&book).book.title, "book");
    let run = run(quire()
        .args(["build", "--format", "epub", "--out"])
        .arg(&out)
        .arg(&book));
    assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{run:?}");
    assert_build_reports(&run, &out, &slug, &["epub"]);
    assert!(
        !book.join("out").exists(),
        "wrote into BOOK/out despite --out"
    );
}

/// No clock, random ids or hash-map order in the output: two builds with the
/// same `SOURCE_DATE_EPOCH` write the same bytes.
#[test]
fn build_is_reproducible() {
    let temp = temp();
    let book = sample_book(temp.path());
    let mut editions = Vec::new();
    for out in ["one", "two"] {
        let out = temp.path().join(out);
        let run = run(quire()
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .arg("build")
            .arg("--out")
            .arg(&out)
            .arg(&book));
        assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{run:?}");
        // The files, not the build cache's folder beside them.
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&out)
            .expect("the output folder")
            .map(Result::unwrap)
            .filter(|entry| entry.file_type().is_ok_and(|t| t.is_file()))
            .map(|entry| {
                let name = entry.file_name().to_string_lossy().into_owned();
                (name, std::fs::read(entry.path()).unwrap())
            })
            .collect();
        files.sort();
        assert!(!files.is_empty(), "build wrote nothing to compare");
        editions.push(files);
    }
    assert_eq!(editions[0].len(), editions[1].len());
    for ((name, one), (other, two)) in editions[0].iter().zip(&editions[1]) {
        assert_eq!(name, other);
        assert!(one == two, "{name} differs between two builds");
    }
}

// ---------------------------------------------------------------------------
// The human diagnostic format

fn check_human(book: &Path) -> Run {
    quire_in(&["check"], book)
}

#[test]
fn human_format_carets_count_double_width_characters() {
    let temp = temp();
    let book = temp.path();
    write(book, "book.toml", CONFIG);
    write(
        book,
        "chapters/01.md",
        "# 제목\n\n회고록 《세기와 더불어》[^x] 끝.\n",
    );
    let run = check_human(book);
    assert_eq!(run.code, 0, "{run:?}");
    // Before the call: 회고록 (3 wide), a space, 《, 세기와 (3 wide), a space,
    // 더불어 (3 wide), 》: 13 characters (column 14) and 24 columns on screen.
    let carets = format!("  | {}^^^^", " ".repeat(24));
    assert_eq!(
        lines(&run.stderr),
        [
            "warning[footnote-undefined]: footnote [^x] is not defined",
            " --> chapters/01.md:3:14",
            "  |",
            "3 | 회고록 《세기와 더불어》[^x] 끝.",
            &carets,
            "  = hint: add a definition `[^x]: …` or remove the call; it is printed as text",
            "",
            "warning: 1 warning in all",
        ]
    );
}

#[test]
fn human_format_widens_the_gutter_and_expands_tabs() {
    let temp = temp();
    let book = temp.path();
    write(book, "book.toml", CONFIG);
    let mut chapter = String::from("# Tabs\n");
    chapter.push_str(&"\n".repeat(10));
    chapter.push_str("Tab\there[^t].\n\n[^d]: One.\n\n[^d]: Two.\n\nCall[^d].\n");
    write(book, "chapters/01.md", &chapter);
    let run = check_human(book);
    assert_eq!(run.code, 0, "{run:?}");
    // "Tab\there": the tab is shown as four spaces, so the call starts 11
    // columns in (column 9 in characters).
    let carets = format!("   | {}^^^^", " ".repeat(11));
    assert_eq!(
        lines(&run.stderr),
        [
            "warning[footnote-undefined]: footnote [^t] is not defined",
            "  --> chapters/01.md:12:9",
            "   |",
            "12 | Tab    here[^t].",
            &carets,
            "   = hint: add a definition `[^t]: …` or remove the call; it is printed as text",
            "",
            "warning[footnote-duplicate]: footnote [^d] is defined more than once",
            "  --> chapters/01.md:16:1",
            "   |",
            "16 | [^d]: Two.",
            "   | ^^^^",
            "   = hint: the first definition, on line 14, is used",
            "",
            "warning: 2 warnings in all",
        ]
    );
}

#[test]
fn human_format_shows_did_you_mean_hints() {
    let temp = temp();
    let book = temp.path();
    write(
        book,
        "book.toml",
        "[book]\ntitle = \"T\"\nautors = [\"A\"]\n",
    );
    write(book, "chapters/01.md", "# A\n\nText.\n");
    let run = check_human(book);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        lines(&run.stderr),
        [
            "error[config-unknown-key]: unknown field `autors`, expected one of `title`, `subtitle`, `authors`, `language`, `identifier`, `publisher`, `date`, `rights`, `description`, `keywords`, `chapters`",
            " --> book.toml:3:1",
            "  |",
            "3 | autors = [\"A\"]",
            "  | ^^^^^^",
            "  = hint: did you mean `authors`?",
            "",
            "error: the book has 1 error and 0 warnings",
        ]
    );

    write(book, "book.toml", CONFIG);
    write(
        book,
        "chapters/01.md",
        "---\ntitle: \"A\"\nsoruce:\n  title: x\n---\n\n# A\n\nText.\n",
    );
    let run = check_human(book);
    assert_eq!(run.code, 1, "{run:?}");
    let stderr = lines(&run.stderr);
    assert_eq!(stderr[1], " --> chapters/01.md:3:1", "{}", run.stderr);
    assert_eq!(
        stderr[3..6],
        ["3 | soruce:", "  | ^", "  = hint: did you mean `source`?"]
    );
}

#[test]
fn human_format_for_a_whole_file() {
    let temp = temp();
    let book = temp.path();
    write(book, "chapters/01.md", "# A\n\nText.\n");
    let run = check_human(book);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        lines(&run.stderr),
        [
            "error[config-unreadable]: cannot read book.toml: file not found",
            " --> book.toml",
            " = hint: is this a book folder? `quire init DIR` makes a new book",
            "",
            "error: the book has 1 error and 0 warnings",
        ]
    );
}

#[test]
fn human_format_underlines_a_whole_quoted_front_matter_value() {
    let temp = temp();
    let book = temp.path();
    write(book, "book.toml", CONFIG);
    write(
        book,
        "chapters/01.md",
        "---\nlang: \"x y\"\n---\n\n# A\n\nText.\n",
    );
    let run = check_human(book);
    assert_eq!(run.code, 1, "{run:?}");
    // Like book.toml values (see config's tests), the span is the scalar as
    // written, quotes included: five carets under `"x y"`.
    assert_eq!(
        lines(&run.stderr)[3..5],
        ["2 | lang: \"x y\"", "  |       ^^^^^"]
    );
}

// ---------------------------------------------------------------------------
// Exit codes

fn book_with_warning(dir: &Path) {
    write(dir, "book.toml", CONFIG);
    write(dir, "chapters/01.md", "# A\n\nA call[^x].\n");
}

#[test]
fn warnings_alone_exit_0() {
    let temp = temp();
    book_with_warning(temp.path());
    for command in ["check", "build"] {
        let run = quire_in(&[command], temp.path());
        assert_eq!(run.code, 0, "{command}: {run:?}");
        assert!(
            run.stderr.contains("footnote-undefined"),
            "{command}: {run:?}"
        );
    }
}

#[test]
fn book_errors_exit_1_and_build_writes_nothing() {
    let temp = temp();
    write(
        temp.path(),
        "book.toml",
        "[book]\ntitle = \"T\"\nautors = []\n",
    );
    write(temp.path(), "chapters/01.md", "# A\n\nText.\n");
    for command in ["check", "build"] {
        let run = quire_in(&[command], temp.path());
        assert_eq!(run.code, 1, "{command}: {run:?}");
        assert!(
            run.stderr.contains("error[config-unknown-key]"),
            "{command}: {run:?}"
        );
        assert_eq!(run.stdout, "", "{command}");
    }
    assert!(!temp.path().join("out").exists());
}

#[test]
fn unknown_subcommand_exits_2() {
    let run = run(quire().arg("frobnicate"));
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("frobnicate"), "{}", run.stderr);
}

#[test]
fn unknown_flag_exits_2() {
    let temp = temp();
    book_with_warning(temp.path());
    let run = quire_in(&["check", "--frobnicate"], temp.path());
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("--frobnicate"), "{}", run.stderr);
}

#[test]
fn bad_diagnostic_format_exits_2() {
    let temp = temp();
    book_with_warning(temp.path());
    let run = quire_in(&["--diagnostic-format", "xml", "check"], temp.path());
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("xml"), "{}", run.stderr);
}

#[test]
fn no_subcommand_exits_2() {
    let run = run(&mut quire());
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("Usage:"), "{}", run.stderr);
}

#[test]
fn bad_source_date_epoch_exits_2_with_a_message() {
    let temp = temp();
    book_with_warning(temp.path());
    for command in ["check", "build"] {
        let run = run(quire()
            .env("SOURCE_DATE_EPOCH", "abc")
            .arg(command)
            .arg(temp.path()));
        assert_eq!(run.code, 2, "{command}: {run:?}");
        assert_eq!(
            run.stderr, "error: SOURCE_DATE_EPOCH must be a whole number of seconds, not `abc`\n",
            "{command}"
        );
    }
}

#[test]
fn good_source_date_epoch_is_accepted() {
    let temp = temp();
    book_with_warning(temp.path());
    for value in ["1700000000", " 0 ", ""] {
        let run = run(quire()
            .env("SOURCE_DATE_EPOCH", value)
            .arg("check")
            .arg(temp.path()));
        assert_eq!(run.code, 0, "SOURCE_DATE_EPOCH={value:?}: {run:?}");
    }
}

#[test]
fn unwritable_output_exits_2() {
    let temp = temp();
    book_with_warning(temp.path());
    let blocker = write(temp.path(), "a-file", "in the way of --out");
    let run = run(quire()
        .arg("build")
        .arg("--out")
        .arg(&blocker)
        .arg(temp.path()));
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("error: cannot "), "{}", run.stderr);
    assert!(!run.stdout.contains("wrote"), "{}", run.stdout);
}

#[test]
fn missing_book_folder_exits_2() {
    let temp = temp();
    let missing = temp.path().join("no-such-book");
    for command in ["check", "build"] {
        let run = quire_in(&[command], &missing);
        assert_eq!(run.code, 2, "{command}: {run:?}");
        assert!(
            run.stderr.starts_with("error: cannot open book folder "),
            "{command}: {}",
            run.stderr
        );
    }
}

#[test]
fn book_folder_that_is_a_file_exits_2() {
    let temp = temp();
    let file = write(temp.path(), "book.toml", CONFIG);
    let run = quire_in(&["check"], &file);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("is not a folder"), "{}", run.stderr);
}

#[test]
fn help_lists_the_exit_codes() {
    for args in [
        &["--help"][..],
        &["-h"],
        &["check", "--help"],
        &["build", "--help"],
        &["watch", "--help"],
    ] {
        let run = run(quire().args(args));
        assert_eq!(run.code, 0, "{args:?}: {run:?}");
        for needle in [
            "Exit codes:",
            "  0  success",
            "  1  the book has errors",
            "  2  usage",
            "  130  interrupted",
        ] {
            assert!(
                run.stdout.contains(needle),
                "{args:?} lacks {needle:?}:\n{}",
                run.stdout
            );
        }
    }
}

#[test]
fn version_is_the_crate_version() {
    let run = run(quire().arg("--version"));
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, format!("quire {}\n", env!("CARGO_PKG_VERSION")));
}

// ---------------------------------------------------------------------------
// Other options

#[test]
fn quiet_prints_only_diagnostics() {
    let temp = temp();
    book_with_warning(temp.path());
    let loud = quire_in(&["check"], temp.path());
    assert!(loud.stdout.starts_with("checked "), "{loud:?}");
    let quiet = quire_in(&["--quiet", "check"], temp.path());
    assert_eq!(quiet.code, 0, "{quiet:?}");
    assert_eq!(quiet.stdout, "");
    assert_eq!(quiet.stderr, loud.stderr);
}

#[test]
fn check_defaults_to_the_current_folder() {
    let temp = temp();
    book_with_warning(temp.path());
    let run = run(quire()
        .args(["--diagnostic-format", "short", "check"])
        .current_dir(temp.path()));
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        lines(&run.stderr),
        ["chapters/01.md:3:7: warning[footnote-undefined]: footnote [^x] is not defined"]
    );
}

/// A font file the book brings takes the role `[pdf.fonts]` gives it: here a
/// copy of the embedded monospace under another file name, as the body
/// family, so the PDF embeds it and not the default body face.
#[test]
fn a_book_font_sets_the_body_text() {
    let temp = temp();
    let book = temp.path();
    write(
        book,
        "book.toml",
        "[book]\ntitle = \"Own font\"\n\n[pdf.fonts]\nbody = \"DejaVu Sans Mono\"\nfiles = [\"fonts/Mine.ttf\"]\n",
    );
    let font = std::fs::read(repo().join("fonts/dejavu-sans-mono/DejaVuSansMono.ttf")).unwrap();
    write(book, "fonts/Mine.ttf", font);
    write(
        book,
        "chapters/01.md",
        "# One\n\nText in the book's own font.\n",
    );
    let run = run(quire().arg("build").arg(book));
    assert_eq!(run.code, 0, "{run:?}");
    let pdf = std::fs::read(book.join("out/own-font.pdf")).unwrap();
    let has = |name: &str| pdf.windows(name.len()).any(|w| w == name.as_bytes());
    assert!(has("+DejaVuSansMono"), "the book's font is embedded");
    assert!(!has("LibertinusSerif"), "the default body face is not used");
}

/// The PDF's creation and modification dates are `SOURCE_DATE_EPOCH`'s,
/// else the book's date (at midnight UTC), and never the clock.
#[test]
fn pdf_dates_come_from_source_date_epoch_or_the_book() {
    let temp = temp();
    write(
        temp.path(),
        "book.toml",
        "[book]\ntitle = \"Dated\"\ndate = \"2020-09-30\"\n",
    );
    write(temp.path(), "chapters/01.md", "# One\n\nText.\n");
    let pdf = |epoch: Option<&str>| -> String {
        let out = temp.path().join("out");
        let mut command = quire();
        if let Some(epoch) = epoch {
            command.env("SOURCE_DATE_EPOCH", epoch);
        }
        let run = run(command
            .args(["build", "--format", "pdf", "--out"])
            .arg(&out)
            .arg(temp.path()));
        assert_eq!(run.code, 0, "{run:?}");
        let bytes = std::fs::read(out.join("dated.pdf")).expect("the PDF");
        String::from_utf8_lossy(&bytes).into_owned()
    };
    let from_epoch = pdf(Some("1735787045"));
    assert!(
        from_epoch.contains("/CreationDate(D:20250102030405"),
        "the build's time"
    );
    assert!(from_epoch.contains("/ModDate(D:20250102030405"));
    let from_book = pdf(None);
    assert!(
        from_book.contains("/CreationDate(D:20200930000000"),
        "the book's date"
    );
    assert!(from_book.contains("/ModDate(D:20200930000000"));
}
