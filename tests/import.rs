//! `quire import`: the sample chapter's saved original comes back as the
//! book's chapter; an HTML blog post and a Korean board post keep their
//! article and lose the site around it; a page of site furniture alone and
//! a rules file with a bad regex are errors that write nothing.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{copy_dir, quire, repo, run, temp, write};

const SEED: &str = "sources/000_60b91b2e5b986131.txt";

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Every file under `root` with its bytes.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                files.insert(path.strip_prefix(root).unwrap().to_path_buf(), bytes);
            }
        }
    }
    files
}

/// The sample book copied into a temp folder (without its editions).
fn sample() -> (tempfile::TempDir, PathBuf) {
    let dir = temp();
    let book = dir.path().join("book");
    copy_dir(&repo().join("book"), &book, &["out"]);
    (dir, book)
}

/// A book with no chapters yet.
fn empty_book() -> (tempfile::TempDir, PathBuf) {
    let dir = temp();
    let book = dir.path().join("book");
    write(
        &book,
        "book.toml",
        "[book]\ntitle = \"Imported Pages\"\nauthors = [\"A. Tester\"]\nlanguage = \"en\"\n",
    );
    (dir, book)
}

fn import(file: &Path, book: &Path, extra: &[&str]) -> common::Run {
    run(quire()
        .arg("import")
        .arg(file)
        .arg("--book")
        .arg(book)
        .args(extra))
}

/// The chapter's body without front matter.
fn body(markdown: &str) -> &str {
    markdown
        .strip_prefix("---\n")
        .and_then(|rest| rest.split_once("\n---\n"))
        .map_or(markdown, |(_, body)| body)
}

/// The body with each footnote call replaced by the note's text, and the
/// definitions left out.
fn notes_inlined(markdown: &str) -> String {
    let mut notes = BTreeMap::new();
    let mut text = String::new();
    for line in body(markdown).lines() {
        if let Some(rest) = line.strip_prefix("[^")
            && let Some((label, note)) = rest.split_once("]:")
        {
            notes.insert(format!("[^{label}]"), note.trim().to_string());
        } else {
            text.push_str(line);
            text.push('\n');
        }
    }
    for (call, note) in &notes {
        text = text.replace(call.as_str(), &format!(" ({note})"));
    }
    text
}

/// The body without footnotes: definitions and calls left out.
fn notes_removed(markdown: &str) -> String {
    let mut out = String::new();
    for line in body(markdown)
        .lines()
        .filter(|line| !line.starts_with("[^"))
    {
        let mut rest = line;
        while let Some(at) = rest.find("[^") {
            out.push_str(&rest[..at]);
            rest = rest[at..].split_once(']').map_or("", |(_, after)| after);
        }
        out.push_str(rest);
        out.push('\n');
    }
    out
}

/// The words of a text: split at spaces, punctuation and Markdown marks
/// trimmed off each.
fn words(text: &str) -> Vec<&str> {
    text.split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .collect()
}

/// The length of the longest common subsequence of two word lists.
fn common_words(a: &[&str], b: &[&str]) -> usize {
    let mut previous = vec![0u32; b.len() + 1];
    let mut current = vec![0u32; b.len() + 1];
    for x in a {
        for (j, y) in b.iter().enumerate() {
            current[j + 1] = if x == y {
                previous[j] + 1
            } else {
                current[j].max(previous[j + 1])
            };
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()] as usize
}

#[test]
fn the_sample_chapter_round_trips_from_its_saved_original() {
    let (_dir, book) = sample();
    let original = std::fs::read(book.join(SEED)).unwrap();
    let result = import(&book.join(SEED), &book, &[]);
    assert_eq!(
        result.code, 0,
        "import failed:\n{}{}",
        result.stdout, result.stderr
    );
    // The report names each repair with its count.
    for line in [
        "backslashes glued in place of a space: 305",
        "paragraphs split mid-sentence joined: 1",
        "“ rom ” → “ from ”: 15",
        "“Soviet union” → “Soviet Union”: 58",
        "a list of links to other posts",
        "the copyright footer",
        "rules: ",
    ] {
        assert!(
            result.stdout.contains(line),
            "the report lacks {line:?}:\n{}",
            result.stdout
        );
    }

    let path = book.join("chapters/02-formation-of-the-international-allied-forces.md");
    let imported = std::fs::read_to_string(&path).expect("the imported chapter");
    let body = body(&imported);
    assert!(!body.contains('\\'), "a backslash is left");
    assert!(!body.contains(" rom "), "a ` rom ` is left");
    assert!(
        body.starts_with("\n# 6. Formation of the International Allied Forces\n"),
        "{}",
        &body[..200]
    );

    // The source record, read from the page.
    for field in [
        "title: \"Formation of the International Allied Forces\"".to_string(),
        "  title: \"[Reminiscences]Chapter 23 6. Formation of the International Allied Forces\"".to_string(),
        "  site: \"회고록 《세기와 더불어》\"".to_string(),
        "  author: \"편집국\"".to_string(),
        "  published: \"2020-09-30 21:53\"".to_string(),
        "  publisher: \"KANCC (Korean American National Coordinating Council)\"".to_string(),
        "  rights: \"Copyright ⓒ 2000-2022 KANCC(Korean American National Coordinating Council). All rights reserved.\"".to_string(),
        format!("  file: \"{SEED}\""),
        format!("  sha256: \"{}\"", sha256(&original)),
    ] {
        assert!(imported.contains(&field), "front matter lacks {field}:\n{}", &imported[..1500]);
    }
    let notes = imported
        .lines()
        .find(|l| l.starts_with("  notes: "))
        .expect("notes");
    assert!(
        notes.contains("backslashes glued in place of a space: 305"),
        "{notes}"
    );
    assert!(notes.contains("“ rom ” → “ from ”: 15"), "{notes}");

    // The words: the book's chapter (its footnotes were added by an editor
    // after import: the three citations the page had in parentheses).
    let edited =
        std::fs::read_to_string(book.join("chapters/01-formation-of-the-allied-forces.md"))
            .unwrap();
    let ours = words(body);
    let theirs_text = notes_removed(&edited);
    let theirs = words(&theirs_text);
    let common = common_words(&ours, &theirs);
    let similarity = 2.0 * common as f64 / (ours.len() + theirs.len()) as f64;
    let recall = common as f64 / theirs.len() as f64;
    let with_notes_text = notes_inlined(&edited);
    let with_notes = words(&with_notes_text);
    let common_with_notes = common_words(&ours, &with_notes);
    let exact = common_with_notes as f64 / ours.len().max(with_notes.len()) as f64;
    eprintln!(
        "imported {} words, book {} words ({} with notes): similarity {similarity:.4}, \
         book words found {recall:.4}, with the notes in place {exact:.4}",
        ours.len(),
        theirs.len(),
        with_notes.len()
    );
    assert!(similarity >= 0.99, "similarity {similarity:.4}");
    assert!(
        recall >= 0.99,
        "only {recall:.4} of the book's words came back"
    );
    assert!(exact >= 0.99, "with the notes in place {exact:.4}");

    // The original is untouched, the chapter is listed, and the book reads.
    assert_eq!(std::fs::read(book.join(SEED)).unwrap(), original);
    let config = std::fs::read_to_string(book.join("book.toml")).unwrap();
    assert!(
        config.contains("\"chapters/01-formation-of-the-allied-forces.md\", \"chapters/02-formation-of-the-international-allied-forces.md\""),
        "{config}"
    );
    let check = common::check_short(&book);
    assert_eq!(check.code, 0, "check failed:\n{}", check.stderr);
    assert!(
        !check.stderr.contains("source-file-changed"),
        "{}",
        check.stderr
    );
}

#[test]
fn a_dry_run_shows_the_chapter_and_writes_nothing() {
    let (_dir, book) = sample();
    let before = snapshot(&book);
    let result = import(&book.join(SEED), &book, &["--dry-run"]);
    assert_eq!(result.code, 0, "{}", result.stderr);
    assert!(
        result.stdout.contains("dry run: nothing written"),
        "{}",
        result.stdout
    );
    assert!(
        result
            .stdout
            .contains("\n# 6. Formation of the International Allied Forces\n")
    );
    assert!(
        result
            .stdout
            .contains("backslashes glued in place of a space: 305")
    );
    assert_eq!(snapshot(&book), before, "a dry run changed the book");
}

#[test]
fn an_html_page_keeps_its_article_and_drops_the_site() {
    let (_dir, book) = empty_book();
    let page = repo().join("tests/import/blog.html");
    let result = import(&page, &book, &[]);
    assert_eq!(
        result.code, 0,
        "import failed:\n{}{}",
        result.stdout, result.stderr
    );
    for reason in [
        "site navigation",
        "comments",
        "a sidebar",
        "a skip-to-content link",
        "page information",
    ] {
        assert!(
            result.stdout.contains(reason),
            "the report lacks {reason:?}:\n{}",
            result.stdout
        );
    }
    // The original is kept, unchanged, in sources/.
    assert_eq!(
        std::fs::read(book.join("sources/blog.html")).unwrap(),
        std::fs::read(&page).unwrap()
    );
    let chapter =
        std::fs::read_to_string(book.join("chapters/01-notes-on-letterpress-spacing.md")).unwrap();
    for kept in [
        "  url: \"https://typedesk.example.org/2021/03/letterpress-spacing\"",
        "  site: \"The Type Desk\"",
        "  author: \"Ada Park\"",
        "  published: \"2021-03-03 09:30\"",
        "  rights: \"© 2021 The Type Desk. All rights reserved.\"",
        "  file: \"sources/blog.html\"",
        "\n# Notes on Letterpress Spacing\n",
        "adds *thin spaces* between the words",
        "See the [note on rivers](https://typedesk.example.org/rivers) for pictures",
        "\n## Leading and the grid\n",
        "\n> Space is the material of the compositor",
        "\n- count the lines before locking up the forme;\n- keep a case of **hair spaces** at hand;\n",
        "\n```\nquad  quad  em  en  thick  mid  thin  hair\n```\n",
        "worth reading for anyone who sets text on a screen or a page.",
    ] {
        assert!(
            chapter.contains(kept),
            "the chapter lacks {kept:?}:\n{chapter}"
        );
    }
    let body = body(&chapter);
    for dropped in [
        "Skip to content",
        "Home",
        "Archive",
        "By Ada Park",
        "Share this",
        "Twitter",
        "Lovely piece",
        "Leave a Reply",
        "your words",
        "Related posts",
        "Privacy",
        "not text",
        "dataLayer",
    ] {
        assert!(
            !body.contains(dropped),
            "the chapter keeps {dropped:?}:\n{body}"
        );
    }
    // The book reads it; an edited original is noticed.
    let check = common::check_short(&book);
    assert_eq!(check.code, 0, "check failed:\n{}", check.stderr);
    assert!(!check.stderr.contains("warning"), "{}", check.stderr);
    write(&book, "sources/blog.html", "<p>changed</p>");
    let check = common::check_short(&book);
    assert!(
        check.stderr.contains("source-file-changed"),
        "{}",
        check.stderr
    );
}

#[test]
fn a_korean_page_keeps_its_article_and_record() {
    let (_dir, book) = empty_book();
    let result = import(&repo().join("tests/import/korean.html"), &book, &[]);
    assert_eq!(
        result.code, 0,
        "import failed:\n{}{}",
        result.stdout, result.stderr
    );
    let chapter =
        std::fs::read_to_string(book.join("chapters/01-활판-인쇄의-글자-사이.md")).unwrap();
    for kept in [
        "  title: \"활판 인쇄의 글자 사이\"",
        "  site: \"인쇄 이야기\"",
        "  author: \"편집부\"",
        "  published: \"2021-05-17 14:20\"",
        "\n# 활판 인쇄의 글자 사이\n",
        "\n활판 인쇄에서 식자공은 한 줄의 활자를",
        "흰 줄기가 생기지 않도록 조심하였다.\n",
        "옛 인쇄소의 안내서를 읽어 볼 만하다.\n",
    ] {
        assert!(
            chapter.contains(kept),
            "the chapter lacks {kept:?}:\n{chapter}"
        );
    }
    let body = body(&chapter);
    for dropped in [
        "본문 바로가기",
        "처음으로",
        "로그인",
        "페이지 정보",
        "작성자",
        "공유",
        "이전글",
        "등록된 댓글이 없습니다",
        "Copyright",
    ] {
        assert!(
            !body.contains(dropped),
            "the chapter keeps {dropped:?}:\n{body}"
        );
    }
    assert_eq!(
        body.matches("\n\n").count(),
        4,
        "a heading and four paragraphs:\n{body}"
    );
    let check = common::check_short(&book);
    assert_eq!(check.code, 0, "check failed:\n{}", check.stderr);
}

#[test]
fn a_page_of_site_furniture_alone_is_an_error_and_writes_nothing() {
    let (_dir, book) = empty_book();
    let before = snapshot(&book);
    let result = import(&repo().join("tests/import/furniture.html"), &book, &[]);
    assert_eq!(result.code, 1, "{}{}", result.stdout, result.stderr);
    assert!(
        result.stderr.contains("no article found"),
        "{}",
        result.stderr
    );
    assert!(
        result.stderr.contains("site navigation"),
        "what was seen is listed:\n{}",
        result.stderr
    );
    assert!(
        result.stderr.contains("nothing was written"),
        "{}",
        result.stderr
    );
    assert_eq!(snapshot(&book), before, "the book changed");
}

#[test]
fn a_bad_regex_in_the_rules_is_an_error_at_its_line() {
    let (_dir, book) = sample();
    let rules = "# rules\n[[replace]]\nfind = \" rom \"\nwith = \" from \"\n\n[[replace]]\nregex = 'Soviet (union'\nwith = \"Soviet Union\"\n";
    write(&book, "import-rules.toml", rules);
    let before = snapshot(&book);
    let result = import(&book.join(SEED), &book, &["--diagnostic-format", "short"]);
    assert_eq!(result.code, 1, "{}{}", result.stdout, result.stderr);
    assert!(
        result
            .stderr
            .contains("import-rules.toml:7:9: error[import-rules-bad-regex]: bad regex"),
        "{}",
        result.stderr
    );
    assert!(
        result.stderr.contains("unclosed group"),
        "{}",
        result.stderr
    );
    assert_eq!(snapshot(&book), before, "the book changed");

    // A rules file given on the command line is read instead.
    let other = book.join("other-rules.toml");
    std::fs::write(&other, "[[replace]]\nfind = \"x\"\n").unwrap();
    let other = other.to_str().expect("a UTF-8 temp path");
    let result = import(
        &book.join(SEED),
        &book,
        &["--diagnostic-format", "short", "--rules", other],
    );
    assert_eq!(result.code, 1);
    assert!(
        result
            .stderr
            .contains("other-rules.toml:1:1: error[import-rules-invalid]"),
        "{}",
        result.stderr
    );
    assert!(
        result.stderr.contains("missing field `with`"),
        "{}",
        result.stderr
    );
}
