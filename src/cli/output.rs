//! Writing what a command made: all of it or none of it, even when the
//! user interrupts.
//!
//! Every file is first written in full to a temporary file in the output
//! folder (`.<name>.<pid>.tmp`) and flushed to disk; only when all are
//! written are they renamed into place, one after the other. A failure
//! before the renames removes the temporary files and leaves every earlier
//! file as it was.
//!
//! An interrupt (Ctrl-C, SIGINT; also SIGTERM and SIGHUP) is handled on a
//! thread of its own: it waits until a commit in progress has finished, so
//! a set of files is never half renamed, then exits with [`EXIT_INTERRUPTED`].
//! An interrupt before the commit leaves the earlier editions untouched; no
//! temporary file survives it. A kill that cannot be handled (SIGKILL, a
//! power cut) may leave a temporary file, never a damaged edition; the next
//! commit into the folder removes temporary files whose process is gone.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// Exit code after an interrupt (128 + SIGINT, as shells report it).
pub const EXIT_INTERRUPTED: i32 = 130;

/// Held for the whole of a commit; the interrupt handler takes it before
/// it exits.
static COMMIT: Mutex<()> = Mutex::new(());

/// Whether a commit has put files in place in this process.
static COMMITTED: AtomicBool = AtomicBool::new(false);

/// Whether an interrupt is the normal way to stop (`quire watch`).
static WATCHING: AtomicBool = AtomicBool::new(false);

/// Makes an interrupt the normal end of the process: it still waits for a
/// commit in progress, then exits with 0.
pub fn stop_quietly_on_interrupt() {
    WATCHING.store(true, Ordering::SeqCst);
}

/// Installs the interrupt handler. Failing to (another handler is already
/// there) only loses the guarantee, so it is not an error.
pub fn handle_interrupts() {
    let _ = ctrlc::set_handler(|| {
        let _guard = COMMIT.lock().unwrap_or_else(|e| e.into_inner());
        if WATCHING.load(Ordering::SeqCst) {
            let _ = writeln!(std::io::stderr().lock(), "\nstopped watching");
            std::process::exit(0);
        }
        let what = if COMMITTED.load(Ordering::SeqCst) {
            "interrupted after the files were written"
        } else {
            "interrupted: nothing was written, the earlier files are as they were"
        };
        let _ = writeln!(std::io::stderr().lock(), "\n{what}");
        std::process::exit(EXIT_INTERRUPTED);
    });
}

/// A file that could not be written, and why.
#[derive(Debug)]
pub struct Failed {
    /// The file.
    pub path: PathBuf,
    /// Why.
    pub error: std::io::Error,
}

/// Writes `files` (name, bytes) into the folder `out`, all or nothing (see
/// the module doc).
pub fn commit<'a>(
    out: &Path,
    files: impl IntoIterator<Item = (String, &'a [u8])>,
) -> Result<(), Failed> {
    let _guard = COMMIT.lock().unwrap_or_else(|e| e.into_inner());
    let files: Vec<(PathBuf, &[u8])> = files
        .into_iter()
        .map(|(name, bytes)| (out.join(name), bytes))
        .collect();
    for (path, _) in &files {
        remove_stale(path);
    }
    // Each file written and synced in a thread of its own: the waits for
    // the disk overlap.
    let written: Vec<(PathBuf, &Path)> = files
        .iter()
        .map(|(path, _)| (temporary(path, std::process::id()), path.as_path()))
        .collect();
    let results: Vec<std::io::Result<()>> = std::thread::scope(|scope| {
        let writers: Vec<_> = written
            .iter()
            .zip(&files)
            .map(|((temporary, _), (_, bytes))| scope.spawn(move || write_synced(temporary, bytes)))
            .collect();
        writers
            .into_iter()
            .map(|writer| {
                writer
                    .join()
                    .unwrap_or_else(|_| Err(std::io::Error::other("the writing thread failed")))
            })
            .collect()
    });
    if let Some(at) = results.iter().position(Result::is_err) {
        for (temporary, _) in &written {
            let _ = std::fs::remove_file(temporary);
        }
        let error = results
            .into_iter()
            .nth(at)
            .and_then(Result::err)
            .unwrap_or_else(|| std::io::Error::other("cannot write"));
        return Err(Failed {
            path: files[at].0.clone(),
            error,
        });
    }
    for (at, (temporary, path)) in written.iter().enumerate() {
        if let Err(error) = std::fs::rename(temporary, path) {
            for (temporary, _) in &written[at..] {
                let _ = std::fs::remove_file(temporary);
            }
            return Err(Failed {
                path: path.to_path_buf(),
                error,
            });
        }
        COMMITTED.store(true, Ordering::SeqCst);
    }
    // The renames themselves, on disk (where the system allows it).
    if let Ok(folder) = File::open(out) {
        let _ = folder.sync_all();
    }
    Ok(())
}

/// Writes one file all or nothing: [`commit`] into its folder.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| std::io::Error::other("not a file name"))?;
    commit(folder, [(name, bytes)]).map_err(|failed| failed.error)
}

/// The temporary file `path` is written to by process `pid`.
fn temporary(path: &Path, pid: u32) -> PathBuf {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("output");
    path.with_file_name(format!(".{name}.{pid}.tmp"))
}

/// Writes a file and flushes it to disk.
fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Removes the temporary files for `path` left by processes that no longer
/// run (killed mid-commit). Only where `/proc` says which processes run;
/// elsewhere they stay, harmless.
fn remove_stale(path: &Path) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let (Some(folder), Some(name)) = (path.parent(), path.file_name().and_then(|n| n.to_str()))
    else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(if folder.as_os_str().is_empty() {
        Path::new(".")
    } else {
        folder
    }) else {
        return;
    };
    let prefix = format!(".{name}.");
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(pid) = file
            .to_str()
            .and_then(|f| f.strip_prefix(&prefix))
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("quire-output-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_commit_replaces_every_file_and_leaves_no_temporary() {
        let dir = folder("replace");
        std::fs::write(dir.join("a.epub"), "old a").unwrap();
        commit(
            &dir,
            [
                ("a.epub".to_string(), &b"new a"[..]),
                ("a.pdf".to_string(), &b"new pdf"[..]),
            ],
        )
        .unwrap();
        assert_eq!(listing(&dir), ["a.epub", "a.pdf"]);
        assert_eq!(std::fs::read(dir.join("a.epub")).unwrap(), b"new a");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_failed_write_changes_nothing() {
        let dir = folder("fail");
        std::fs::write(dir.join("a.epub"), "old a").unwrap();
        // The second file cannot be written (its folder does not exist):
        // the first, already written aside, must not replace the old one.
        let failed = commit(
            &dir,
            [
                ("a.epub".to_string(), &b"new a"[..]),
                ("missing/a.pdf".to_string(), &b"new pdf"[..]),
            ],
        )
        .unwrap_err();
        assert!(failed.path.ends_with("missing/a.pdf"), "{failed:?}");
        assert_eq!(std::fs::read(dir.join("a.epub")).unwrap(), b"old a");
        assert_eq!(listing(&dir), ["a.epub"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn temporaries_of_dead_processes_are_removed() {
        if !Path::new("/proc/self").exists() {
            return;
        }
        let dir = folder("stale");
        // No process has this id (above the kernel's largest pid).
        let stale = temporary(&dir.join("a.pdf"), 4_194_305);
        std::fs::write(&stale, "half").unwrap();
        commit(&dir, [("a.pdf".to_string(), &b"pdf"[..])]).unwrap();
        assert!(!stale.exists());
        assert_eq!(listing(&dir), ["a.pdf"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
