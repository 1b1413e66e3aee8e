//! `quire init`: scaffold a small working book from the embedded templates.

use std::path::{Path, PathBuf};

use super::{Context, EXIT_OK, fail};

/// Arguments of `quire init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The folder to create (it must not exist, or be empty).
    dir: PathBuf,
    /// The book's title. Default: the folder's name.
    #[arg(long)]
    title: Option<String>,
}

/// The scaffold: path in the new book → embedded text.
const FILES: &[(&str, &str)] = &[
    ("book.toml", include_str!("../../templates/init/book.toml")),
    (
        "chapters/01-beginning.md",
        include_str!("../../templates/init/chapters/01-beginning.md"),
    ),
    (
        "chapters/02-sources.md",
        include_str!("../../templates/init/chapters/02-sources.md"),
    ),
];

/// Runs `init`.
pub fn run(args: InitArgs, context: &Context) -> i32 {
    let dir = args.dir;
    if let Ok(mut entries) = std::fs::read_dir(&dir)
        && entries.next().is_some()
    {
        return fail(format!(
            "{} exists and is not empty; `quire init` only creates new books",
            dir.display()
        ));
    }
    let title = args.title.unwrap_or_else(|| default_title(&dir));
    let title_toml = toml::Value::String(title).to_string();
    for (path, text) in FILES {
        let target = dir.join(path);
        let text = text.replace("{{title}}", &title_toml);
        let written = target
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&target, text));
        if let Err(error) = written {
            return fail(format!("cannot write {}: {error}", target.display()));
        }
    }
    context.say(&format!("created a new book in {}", dir.display()));
    context.say(&format!("build it with: quire build {}", dir.display()));
    EXIT_OK
}

/// "my-first-book" → "My First Book".
fn default_title(dir: &Path) -> String {
    let name = dir
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("Untitled");
    let words: Vec<String> = name
        .split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
        })
        .collect();
    if words.is_empty() {
        "Untitled".to_string()
    } else {
        words.join(" ")
    }
}
