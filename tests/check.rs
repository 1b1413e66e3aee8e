//! `quire check` for machines and CI: `--format json` (one object per
//! line, parsed here), `--format github` (workflow annotations),
//! `--deny-warnings`, the text lints and the layout warnings it reports,
//! and `--verbose` stage timings.

mod common;

use std::path::Path;

use common::{quire, run, temp, write};

/// A book with one warning of each kind the text and the e-book give:
/// double spaces, a quote with no partner, a glued backslash, an image
/// without alt text, a broken internal link, an unreferenced note.
fn book_with_warnings(dir: &Path) {
    write(
        dir,
        "book.toml",
        "[book]\ntitle = \"Warned\"\nauthors = [\"A. Writer\"]\n",
    );
    write(
        dir,
        "chapters/01-one.md",
        "# One\n\
         \n\
         Two  spaces here.\n\
         \n\
         He was 6'2\" tall, and the\\Soviet union said so.\n\
         \n\
         ![](pic.png)\n\
         \n\
         See [nowhere](#no-such-place).\n\
         \n\
         [^unused]: Never called.\n",
    );
    // A real 1×1 PNG.
    write(dir, "chapters/pic.png", png());
}

/// A valid 1×1 PNG, made with the `png` crate.
fn png() -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, 1, 1);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(&[255]).unwrap();
    writer.finish().unwrap();
    bytes
}

/// Runs `quire check` in `cwd` with `args`.
fn check_in(cwd: &Path, args: &[&str]) -> common::Run {
    run(quire().current_dir(cwd).arg("check").args(args))
}

#[test]
fn json_is_one_object_per_diagnostic_with_every_field() {
    let temp = temp();
    book_with_warnings(&temp.path().join("mybook"));
    let run = check_in(temp.path(), &["mybook", "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    // stdout is only JSON; what was done goes to stderr.
    assert!(run.stderr.contains("checked mybook"), "{}", run.stderr);
    let objects: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect();
    let codes: Vec<&str> = objects
        .iter()
        .map(|o| o["code"].as_str().unwrap())
        .collect();
    for code in [
        "text-double-space",
        "text-straight-quote",
        "text-glued-backslash",
        "image-no-alt",
        "link-broken",
        "footnote-unreferenced",
    ] {
        assert!(codes.contains(&code), "no {code} in {codes:?}");
    }
    for object in &objects {
        let keys: Vec<&String> = object.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "code",
                "column",
                "end_column",
                "end_line",
                "file",
                "hints",
                "line",
                "message",
                "severity"
            ],
            "{object}"
        );
        assert_eq!(object["severity"], "warning");
        assert!(object["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert!(object["hints"].is_array());
    }
    // Places as the user sees them from where quire ran: the book folder
    // joined to the chapter's path, 1-based line and column in characters.
    let double = objects
        .iter()
        .find(|o| o["code"] == "text-double-space")
        .unwrap();
    assert_eq!(double["file"], "mybook/chapters/01-one.md");
    assert_eq!(
        (double["line"].as_u64(), double["column"].as_u64()),
        (Some(3), Some(4))
    );
    assert_eq!(
        (double["end_line"].as_u64(), double["end_column"].as_u64()),
        (Some(3), Some(6))
    );
    let quote = objects
        .iter()
        .find(|o| o["code"] == "text-straight-quote")
        .unwrap();
    assert_eq!(
        (quote["line"].as_u64(), quote["column"].as_u64()),
        (Some(5), Some(11))
    );
    let backslash = objects
        .iter()
        .find(|o| o["code"] == "text-glued-backslash")
        .unwrap();
    assert_eq!(
        (backslash["line"].as_u64(), backslash["column"].as_u64()),
        (Some(5), Some(26))
    );
    assert!(
        backslash["hints"][0]
            .as_str()
            .is_some_and(|h| h.contains("space")),
        "{backslash}"
    );
}

#[test]
fn json_reports_errors_with_exit_1_and_files_without_lines() {
    let temp = temp();
    let dir = temp.path();
    write(
        dir,
        "book.toml",
        "[book]\ntitle = \"Broken\"\nchapters = [\"chapters/missing.md\"]\n",
    );
    let run = check_in(dir, &[".", "--format", "json"]);
    assert_eq!(run.code, 1, "{run:?}");
    let objects: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert!(
        objects
            .iter()
            .any(|o| o["severity"] == "error" && o["code"] == "chapter-unreadable"),
        "{}",
        run.stdout
    );
}

#[test]
fn github_prints_workflow_annotations() {
    let temp = temp();
    book_with_warnings(&temp.path().join("mybook"));
    let run = check_in(temp.path(), &["mybook", "--format", "github"]);
    assert_eq!(run.code, 0, "{run:?}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines.iter().all(|l| l.starts_with("::warning ")),
        "{}",
        run.stdout
    );
    assert!(
        lines.contains(
            &"::warning file=mybook/chapters/01-one.md,line=3,col=4,endLine=3,endColumn=6,\
              title=warning[text-double-space]::two or more spaces between words%0Ahint: \
              one space is set either way: remove the others"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn deny_warnings_turns_warnings_into_exit_1() {
    let temp = temp();
    let dir = temp.path();
    book_with_warnings(dir);
    let run = check_in(dir, &["--deny-warnings", "--format", "github"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("denied by --deny-warnings"),
        "{}",
        run.stderr
    );
    // Without the warnings, the same flag passes.
    write(
        dir,
        "chapters/01-one.md",
        "# One\n\nClean text, with “curly” quotes.\n",
    );
    let run = check_in(dir, &["--deny-warnings"]);
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn a_book_in_a_git_repository_checks_clean() {
    // The source appendix prints the commit; a 40-digit hash must not
    // make a warning every book in a repository would fail CI on.
    let temp = temp();
    let dir = temp.path();
    write(dir, "book.toml", "[book]\ntitle = \"Versioned\"\n");
    write(dir, "chapters/01.md", "# One\n\nA short chapter.\n");
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .args(["-c", "user.name=T", "-c", "user.email=t@example.org"])
            .args(args)
            .current_dir(dir)
            .output();
        match status {
            Ok(output) => output.status.success(),
            Err(_) => false,
        }
    };
    if !git(&["init", "-q"]) {
        eprintln!("git is not installed: skipped");
        return;
    }
    assert!(git(&["add", "."]) && git(&["commit", "-qm", "first"]));
    let run = check_in(dir, &["--deny-warnings", "--format", "short"]);
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn format_option_overrides_and_bad_values_are_usage_errors() {
    let temp = temp();
    let dir = temp.path();
    book_with_warnings(dir);
    let run = run(quire().current_dir(dir).args([
        "--diagnostic-format",
        "human",
        "check",
        "--format",
        "short",
    ]));
    assert!(
        run.stderr
            .lines()
            .any(|l| l.starts_with("chapters/01-one.md:3:4: warning[text-double-space]")),
        "{}",
        run.stderr
    );
    let run = check_in(dir, &["--format", "xml"]);
    assert_eq!(run.code, 2, "{run:?}");
}

#[test]
fn verbose_prints_each_stage_time() {
    let temp = temp();
    let dir = temp.path();
    write(dir, "book.toml", "[book]\ntitle = \"Timed\"\n");
    write(dir, "chapters/01.md", "# One\n\nText.\n");
    let run = run(quire()
        .current_dir(dir)
        .args(["--verbose", "build", "--format", "pdf"]));
    assert_eq!(run.code, 0, "{run:?}");
    for stage in [
        "load", "parse", "images", "typeset", "pdf", "write", "total",
    ] {
        assert!(
            run.stderr
                .lines()
                .any(|l| l.trim_start().starts_with(stage) && l.contains(" ms")),
            "no {stage} in\n{}",
            run.stderr
        );
    }
    // Only the PDF was asked for.
    assert!(!run.stderr.contains("epub"), "{}", run.stderr);
    // Progress bars are for terminals: none in a pipe.
    assert!(!run.stdout.contains('['), "{}", run.stdout);
    let run = run_quiet_verbose(dir);
    assert_eq!(run.code, 2, "{run:?}");
}

fn run_quiet_verbose(dir: &Path) -> common::Run {
    run(quire().current_dir(dir).args(["-q", "-v", "check"]))
}

/// The workflow of the README's "In CI" section.
fn readme_workflow() -> String {
    let readme = std::fs::read_to_string(common::repo().join("README.md")).unwrap();
    let section = &readme[readme.find("### In CI").expect("the CI section")..];
    let start = section.find("```yaml\n").expect("a yaml block") + "```yaml\n".len();
    let end = start + section[start..].find("```").unwrap();
    section[start..end].to_string()
}

#[test]
fn the_readme_ci_workflow_checks_builds_and_attaches_the_editions() {
    let workflow: serde_json::Value = serde_saphyr::from_str(&readme_workflow()).unwrap();
    // Runs on tags, and releases only on them.
    assert!(workflow["on"]["push"]["tags"].is_array(), "{workflow}");
    let steps = workflow["jobs"]["book"]["steps"].as_array().unwrap();
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    let release = steps
        .iter()
        .find(|s| {
            s["run"]
                .as_str()
                .is_some_and(|r| r.contains("gh release upload"))
        })
        .expect("a release step");
    assert!(
        release["if"]
            .as_str()
            .is_some_and(|c| c.contains("refs/tags/")),
        "{release}"
    );

    // Every quire command of the workflow, run on the sample book as the
    // repository's `book/` folder.
    let temp = temp();
    let dir = temp.path();
    common::copy_dir(&common::repo().join("book"), &dir.join("book"), &["out"]);
    let commands: Vec<Vec<&str>> = runs
        .iter()
        .flat_map(|run| run.lines())
        .map(str::trim)
        .filter(|line| line.starts_with("quire "))
        .map(|line| line.split_whitespace().skip(1).collect())
        .collect();
    assert!(
        commands.contains(&vec![
            "check",
            "book",
            "--format",
            "github",
            "--deny-warnings"
        ]),
        "{commands:?}"
    );
    for args in &commands {
        let run = run(quire()
            .current_dir(dir)
            .env("SOURCE_DATE_EPOCH", "1767225600")
            .args(args));
        assert_eq!(run.code, 0, "quire {args:?}: {run:?}");
    }
    // What the release step uploads is there.
    let upload = release["run"].as_str().unwrap();
    let dist: Vec<String> = std::fs::read_dir(dir.join("dist"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for pattern in ["dist/*.epub", "dist/*.pdf", "dist/*.manifest.json"] {
        assert!(upload.contains(pattern), "{upload}");
        let suffix = pattern.trim_start_matches("dist/*");
        assert_eq!(
            dist.iter().filter(|name| name.ends_with(suffix)).count(),
            1,
            "{pattern} in {dist:?}"
        );
    }
}

#[test]
fn a_damaged_image_is_an_error_naming_the_file() {
    // A PNG whose header is sound but whose pixel data fails its checksum:
    // it passes identification, and only decoding finds the damage.
    let mut damaged = png();
    let idat = damaged.windows(4).position(|w| w == b"IDAT").unwrap();
    damaged[idat + 6] ^= 0xFF;
    let temp = temp();
    let dir = temp.path().join("book");
    write(&dir, "book.toml", "[book]\ntitle = \"Damaged\"\n");
    write(&dir, "chapters/01.md", "# One\n\n![A white dot](pic.png)\n");
    write(&dir, "chapters/pic.png", damaged);
    let run = check_in(temp.path(), &["book", "--format", "json"]);
    assert_eq!(run.code, 1, "{run:?}");
    let error: serde_json::Value = run
        .stdout
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
        .find(|o| o["severity"] == "error")
        .expect("an error");
    assert_eq!(error["code"], "pdf-failed");
    assert_eq!(error["file"], "book/chapters/pic.png");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("image `chapters/pic.png` cannot be decoded"),
        "{error}"
    );
}

#[test]
fn human_excerpts_of_long_lines_are_cut_around_the_place() {
    let temp = temp();
    let dir = temp.path();
    write(dir, "book.toml", "[book]\ntitle = \"Long\"\n");
    let paragraph = format!("{}here  two{}\n", "word ".repeat(60), " more".repeat(60));
    write(dir, "chapters/01.md", format!("# T\n\n{paragraph}"));
    let run = check_in(dir, &["--format", "human"]);
    let lines: Vec<&str> = run.stderr.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("chapters/01.md:3:305"))
        .unwrap_or_else(|| panic!("{}", run.stderr));
    let (excerpt, carets) = (lines[at + 2], lines[at + 3]);
    assert!(
        excerpt.contains("… word") && excerpt.ends_with('…'),
        "{excerpt}"
    );
    assert!(excerpt.chars().count() < 120, "{excerpt}");
    // The carets sit under the two spaces, and only there.
    let column = carets.find('^').unwrap();
    assert_eq!(carets.matches('^').count(), 2, "{carets}");
    let under: String = excerpt.chars().skip(column - 4).take(6).collect();
    assert_eq!(under, "here  ", "{excerpt}\n{carets}");
}
