//! The command line: arguments, dispatch, exit codes, terminal output.
//!
//! **In:** `std::env::args` and the environment (`SOURCE_DATE_EPOCH`,
//! `NO_COLOR`). **Out:** files the subcommands write, text on stdout (what
//! was done) and stderr (diagnostics), and the exit code. **Must not:** hold
//! any logic the engine needs: everything here is presentation and I/O.
//! This is the only module that knows clap, terminals and exit codes.

mod build;
mod cache;
mod check;
mod diagnostics;
mod import;
mod init;
mod output;
mod progress;
mod watch;

use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Exit code: success (warnings allowed).
pub const EXIT_OK: i32 = 0;
/// Exit code: the book has errors (or, for `build --verify`, the rebuild
/// differs from the manifest).
pub const EXIT_BOOK_ERRORS: i32 = 1;
/// Exit code: bad usage, or an I/O failure outside the book's content.
pub const EXIT_USAGE: i32 = 2;

const EXIT_CODES: &str = "\
Exit codes:
  0  success (warnings may have been printed)
  1  the book has errors; nothing was written
     (`check --deny-warnings`: also when there are warnings;
     `build --verify`: also when the rebuild differs from the manifest)
  2  usage or I/O error (bad arguments, unreadable folder, output not writable)
  130  interrupted (Ctrl-C): the earlier files are as they were
     (`watch` exits 0)

Environment:
  SOURCE_DATE_EPOCH  build timestamp (seconds since 1970) for reproducible dates
                     (`build --verify` uses the manifest's instead)
  NO_COLOR           disables coloured diagnostics";

/// quire: typeset a book of Markdown chapters into an EPUB 3 and a print PDF.
#[derive(Debug, Parser)]
#[command(name = "quire", version, about, after_help = EXIT_CODES)]
struct Args {
    #[command(subcommand)]
    command: Command,
    /// How diagnostics are printed.
    #[arg(long, global = true, value_enum, default_value_t = DiagnosticFormat::Human)]
    diagnostic_format: DiagnosticFormat,
    /// Print only diagnostics, not what was done (and no progress bars).
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Also print how long each stage took.
    #[arg(long, short, global = true)]
    verbose: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the book's editions and their build manifest into the output
    /// folder, or (with --verify) check a manifest by rebuilding.
    #[command(after_help = EXIT_CODES)]
    Build(build::BuildArgs),
    /// Run everything a build does but write nothing; report every problem.
    #[command(after_help = EXIT_CODES)]
    Check(check::CheckArgs),
    /// Create a small working book in a new folder.
    #[command(after_help = EXIT_CODES)]
    Init(init::InitArgs),
    /// Build, then rebuild whenever a chapter, book.toml, a template, a
    /// font or an image changes (Ctrl-C to stop).
    #[command(after_help = EXIT_CODES)]
    Watch(watch::WatchArgs),
    /// Import a saved web page (text or HTML) as a new chapter: the article
    /// cleaned and repaired, its source recorded, the original kept.
    #[command(after_help = EXIT_CODES)]
    Import(import::ImportArgs),
}

/// How diagnostics look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiagnosticFormat {
    /// Like a compiler: message, location, source excerpt with a caret, hints.
    Human,
    /// One line each: `path:line:col: severity[code]: message`.
    Short,
    /// One JSON object per line on stdout: severity, code, message, file,
    /// line, column, end_line, end_column, hints.
    Json,
    /// GitHub Actions workflow annotations on stdout
    /// (`::warning file=…,line=…,col=…::…`).
    Github,
}

impl DiagnosticFormat {
    /// Whether programs read the output (stdout then carries only
    /// diagnostics; what was done goes to stderr).
    fn for_machines(self) -> bool {
        matches!(self, DiagnosticFormat::Json | DiagnosticFormat::Github)
    }
}

/// What every subcommand gets besides its own arguments.
pub struct Context {
    /// Diagnostic style.
    pub format: DiagnosticFormat,
    /// Suppress progress messages.
    pub quiet: bool,
    /// Print each stage's time.
    pub verbose: bool,
}

impl Context {
    /// Prints a line of what was done on stdout (unless quiet; on stderr
    /// when stdout carries diagnostics for machines). A closed pipe is not
    /// an error.
    pub fn say(&self, line: &str) {
        if self.quiet {
        } else if self.format.for_machines() {
            let _ = writeln!(std::io::stderr().lock(), "{line}");
        } else {
            let _ = writeln!(std::io::stdout().lock(), "{line}");
        }
    }
}

/// Parses arguments, runs the subcommand and returns the exit code.
pub fn run() -> i32 {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() {
                EXIT_USAGE
            } else {
                EXIT_OK
            };
        }
    };
    output::handle_interrupts();
    let context = Context {
        format: args.diagnostic_format,
        quiet: args.quiet,
        verbose: args.verbose,
    };
    match args.command {
        Command::Build(build) => build::run(build, &context),
        Command::Check(check) => check::run(check, &context),
        Command::Init(init) => init::run(init, &context),
        Command::Import(import) => import::run(import, &context),
        Command::Watch(watch) => watch::run(watch, &context),
    }
}

/// Prints a usage or I/O error (no location) and returns [`EXIT_USAGE`].
pub fn fail(message: impl std::fmt::Display) -> i32 {
    error(message);
    EXIT_USAGE
}

/// Prints `error: message` on stderr.
pub fn error(message: impl std::fmt::Display) {
    let _ = writeln!(
        std::io::stderr().lock(),
        "{}: {message}",
        diagnostics::paint("error", diagnostics::RED)
    );
}

/// Prints `note: message` on stderr: something the user should know that
/// is not a problem of the book.
pub fn note(message: impl std::fmt::Display) {
    let _ = writeln!(
        std::io::stderr().lock(),
        "{}: {message}",
        diagnostics::paint("note", diagnostics::BLUE)
    );
}

/// The book folder argument, defaulting to the current folder.
fn book_dir(dir: Option<PathBuf>) -> PathBuf {
    dir.unwrap_or_else(|| PathBuf::from("."))
}

/// `SOURCE_DATE_EPOCH`, if set; a value that is not a whole number of
/// seconds is a usage error.
fn timestamp() -> Result<Option<i64>, String> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(value) if value.trim().is_empty() => Ok(None),
        Ok(value) => value.trim().parse::<i64>().map(Some).map_err(|_| {
            format!("SOURCE_DATE_EPOCH must be a whole number of seconds, not `{value}`")
        }),
        Err(_) => Ok(None),
    }
}

/// Opens the book folder as a world with the given build timestamp.
/// `Err` carries the exit code to return.
fn open(dir: &std::path::Path, timestamp: Option<i64>) -> Result<quire::world::SystemWorld, i32> {
    quire::world::SystemWorld::new(dir, timestamp).map_err(|error| {
        fail(format!(
            "cannot open book folder {}: {error}",
            dir.display()
        ))
    })
}

/// What the pipeline made, and how long each stage took.
struct Made {
    compiled: quire::Compiled,
    outputs: Vec<quire::Output>,
    bars: progress::Bars,
}

impl Made {
    /// With `--verbose`, prints the stages' times and the `extra` ones the
    /// subcommand timed itself.
    fn timings(&self, context: &Context, extra: &[(&str, std::time::Duration)]) {
        if context.verbose {
            self.bars.print_timings(extra);
        }
    }
}

/// Opens the book, runs the whole pipeline in memory for `editions` and
/// prints every diagnostic once. `Err` carries the exit code to return
/// (usage/IO errors, or the book's errors).
fn pipeline(
    dir: &std::path::Path,
    editions: &[quire::Edition],
    context: &Context,
) -> Result<Made, i32> {
    pipeline_cached(dir, editions, context, &|| None, false)
}

/// [`pipeline`], with what earlier builds made taken from `cache`;
/// `watching` (`quire watch`) draws no progress bars, as rebuilds are
/// quick.
fn pipeline_cached(
    dir: &std::path::Path,
    editions: &[quire::Edition],
    context: &Context,
    cache: Cache<'_>,
    watching: bool,
) -> Result<Made, i32> {
    let timestamp = timestamp().map_err(fail)?;
    let world = open(dir, timestamp)?;
    let made = compile_and_render_cached(&world, dir, editions, context, cache, watching);
    if made.compiled.has_errors() {
        made.timings(context, &[]);
        return Err(EXIT_BOOK_ERRORS);
    }
    Ok(made)
}

/// Runs the pipeline on a world for `editions` (progress bars on a
/// terminal) and prints every diagnostic once, their paths under `dir`; no
/// editions when the book has errors.
fn compile_and_render(
    world: &dyn quire::world::World,
    dir: &std::path::Path,
    editions: &[quire::Edition],
    context: &Context,
) -> Made {
    compile_and_render_cached(world, dir, editions, context, &|| None, false)
}

/// Where a build finds the build cache, asked once the book is compiled
/// (so the cache can be read from disk meanwhile); `None` for none.
type Cache<'c> = &'c (dyn Fn() -> Option<&'c quire::cache::BuildCache> + Sync);

/// [`compile_and_render`], with what earlier builds made taken from
/// `cache`; no progress bars when `watching`.
fn compile_and_render_cached(
    world: &dyn quire::world::World,
    dir: &std::path::Path,
    editions: &[quire::Edition],
    context: &Context,
    cache: Cache<'_>,
    watching: bool,
) -> Made {
    let draw = !context.quiet && !context.format.for_machines() && !watching;
    let bars = progress::Bars::new(draw);
    let mut compiled = quire::compile_with(world, &bars);
    let outputs = quire::render_with(&mut compiled, editions, &bars, cache());
    bars.clear();
    diagnostics::print(
        &compiled.diagnostics,
        &compiled.sources,
        context.format,
        dir,
    );
    Made {
        compiled,
        outputs,
        bars,
    }
}
