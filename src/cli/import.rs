//! `quire import`: a saved web page in, a chapter file (and the page's
//! unchanged copy in `sources/`) out. The engine is `quire::import`; this
//! file reads the page and the rules, writes the files, and prints.

use std::path::{Path, PathBuf};

use quire::import::{self, ImportError, Rules};
use quire::source::SourceMap;
use quire::world::BookPath;

use super::output::write_atomically;
use super::{Context, EXIT_BOOK_ERRORS, EXIT_OK, fail};

/// Arguments of `quire import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The saved page: plain text or HTML, in UTF-8.
    file: PathBuf,
    /// The book folder (with book.toml). Default: the current folder.
    #[arg(long)]
    book: Option<PathBuf>,
    /// Book-specific repairs. Default: BOOK/import-rules.toml, when it exists.
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Print the report and the chapter; write nothing.
    #[arg(long)]
    dry_run: bool,
}

/// The name of the rules file a book keeps.
const RULES_FILE: &str = "import-rules.toml";

/// Runs `import`.
pub fn run(args: ImportArgs, context: &Context) -> i32 {
    let book = super::book_dir(args.book);
    let config_path = book.join("book.toml");
    let config_text = match std::fs::read_to_string(&config_path) {
        Ok(text) => text,
        Err(error) => {
            return fail(format!(
                "{} is not a book folder: cannot read {}: {error}",
                book.display(),
                config_path.display()
            ));
        }
    };
    let bytes = match std::fs::read(&args.file) {
        Ok(bytes) => bytes,
        Err(error) => return fail(format!("cannot read {}: {error}", args.file.display())),
    };

    // The book's rules.
    let rules_path = args.rules.clone().or_else(|| {
        let default = book.join(RULES_FILE);
        default.is_file().then_some(default)
    });
    let rules = match &rules_path {
        None => Rules::default(),
        Some(path) => {
            let text = match std::fs::read_to_string(path) {
                Ok(text) => text,
                Err(error) => {
                    return fail(format!(
                        "cannot read rules file {}: {error}",
                        path.display()
                    ));
                }
            };
            let mut sources = SourceMap::new();
            let id = sources.add(path.display().to_string(), text.clone());
            match Rules::parse(&text, id) {
                Ok(rules) => rules,
                Err(diagnostic) => {
                    super::diagnostics::print(
                        &[diagnostic],
                        &sources,
                        context.format,
                        Path::new("."),
                    );
                    return EXIT_BOOK_ERRORS;
                }
            }
        }
    };

    // Where the original lives in the book: where it already is, when it
    // is inside the book; else `sources/<name>`.
    let (original, copy) = match place_original(&book, &args.file, &bytes) {
        Ok(placed) => placed,
        Err(message) => return fail(message),
    };

    let imported = match import::import(&bytes, &original, &rules, env!("CARGO_PKG_VERSION")) {
        Ok(imported) => imported,
        Err(error) => {
            let mut message = format!("{}: {error}", args.file.display());
            if let ImportError::NoArticle { dropped } = &error {
                for d in dropped {
                    message.push_str(&format!(
                        "\n  line {}: {}: “{}”",
                        d.first,
                        d.reason.describe(),
                        d.example
                    ));
                }
                message.push_str("\nnothing was written");
            }
            let _ = fail(message);
            return EXIT_BOOK_ERRORS;
        }
    };

    let listed = listed_chapters(&config_text);
    let chapter = match chapter_path(&book, &imported.slug, listed.as_ref().map(|l| l.len())) {
        Ok(path) => path,
        Err(message) => return fail(message),
    };

    context.say(&format!(
        "{} {} → {chapter}",
        if args.dry_run {
            "would import"
        } else {
            "imported"
        },
        args.file.display()
    ));
    if let Some(path) = &rules_path {
        context.say(&format!("rules: {}", path.display()));
    }
    for line in imported.report().lines() {
        context.say(line);
    }

    if args.dry_run {
        context.say("dry run: nothing written; the chapter would read:\n");
        print!("{}", imported.markdown);
        return EXIT_OK;
    }

    // The original first (the chapter names it), then the chapter, then
    // the list in book.toml: a failure leaves no chapter that names a
    // missing file.
    if copy {
        let target = book.join(original.as_str());
        if let Some(parent) = target.parent()
            && let Err(error) = std::fs::create_dir_all(parent)
        {
            return fail(format!("cannot create {}: {error}", parent.display()));
        }
        if let Err(error) = write_atomically(&target, &bytes) {
            return fail(format!("cannot write {}: {error}", target.display()));
        }
        context.say(&format!("wrote {} (the original, unchanged)", original));
    }
    let target = book.join(&chapter);
    if let Some(parent) = target.parent()
        && let Err(error) = std::fs::create_dir_all(parent)
    {
        return fail(format!("cannot create {}: {error}", parent.display()));
    }
    if let Err(error) = write_atomically(&target, imported.markdown.as_bytes()) {
        return fail(format!("cannot write {}: {error}", target.display()));
    }
    context.say(&format!("wrote {chapter} ({} words)", imported.words));
    if let Some(listed) = listed {
        match add_chapter(&config_text, &listed, &chapter) {
            Some(text) => {
                if let Err(error) = write_atomically(&config_path, text.as_bytes()) {
                    return fail(format!("cannot write {}: {error}", config_path.display()));
                }
                context.say(&format!("added {chapter} to `chapters` in book.toml"));
            }
            None => context.say(&format!(
                "add {chapter} to `chapters` in book.toml to include it"
            )),
        }
    }
    EXIT_OK
}

/// The book path of the original, and whether it must be copied there.
fn place_original(book: &Path, file: &Path, bytes: &[u8]) -> Result<(BookPath, bool), String> {
    let root = book
        .canonicalize()
        .map_err(|error| format!("cannot open book folder {}: {error}", book.display()))?;
    let real = file
        .canonicalize()
        .map_err(|error| format!("cannot read {}: {error}", file.display()))?;
    if let Ok(inside) = real.strip_prefix(&root)
        && let Some(inside) = inside.to_str()
        && let Ok(path) = BookPath::parse(inside)
    {
        return Ok((path, false));
    }
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| format!("{} has no file name quire can use", file.display()))?;
    let path = BookPath::parse(&format!("sources/{name}"))
        .map_err(|why| format!("sources/{name}: {why}"))?;
    let target = root.join(path.as_str());
    match std::fs::read(&target) {
        Ok(existing) if existing == bytes => Ok((path, false)),
        Ok(_) => Err(format!(
            "{} exists and is a different file; rename the page before importing it",
            target.display()
        )),
        Err(_) => Ok((path, true)),
    }
}

/// The chapter's path: `chapters/NN-slug.md`, numbered after the chapters
/// the book has. An existing file is never overwritten.
fn chapter_path(book: &Path, slug: &str, listed: Option<usize>) -> Result<String, String> {
    let existing = match listed {
        Some(count) => count,
        None => std::fs::read_dir(book.join("chapters"))
            .map(|dir| {
                dir.filter_map(Result::ok)
                    .filter(|e| e.file_name().to_string_lossy().ends_with(".md"))
                    .count()
            })
            .unwrap_or(0),
    };
    let slug: String = slug.chars().take(60).collect();
    let slug = slug.trim_end_matches('-');
    let path = format!("chapters/{:02}-{slug}.md", existing + 1);
    if book.join(&path).exists() {
        return Err(format!(
            "{} exists; quire import does not overwrite a chapter",
            book.join(&path).display()
        ));
    }
    Ok(path)
}

/// The `chapters` list of book.toml, with the spans of its entries, when
/// the book lists its chapters.
fn listed_chapters(config: &str) -> Option<Vec<std::ops::Range<usize>>> {
    let parsed = quire::config::parse(config, quire::source::FileId(0)).ok()?;
    let listed = parsed.book.chapters?;
    Some(listed.iter().map(|entry| entry.span()).collect())
}

/// book.toml with `chapter` added at the end of its `chapters` list, or
/// `None` when the list is empty (there is no entry to write it after).
fn add_chapter(config: &str, listed: &[std::ops::Range<usize>], chapter: &str) -> Option<String> {
    let last = listed.last()?;
    let mut text = config.to_string();
    text.insert_str(last.end, &format!(", \"{chapter}\""));
    Some(text)
}
