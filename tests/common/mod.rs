//! Helpers shared by the suites: run the real binary with a clean
//! environment, build and copy books in temp folders, read a zip, show where
//! a golden file differs.

#![allow(dead_code)] // each suite uses a different part of this module

use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The binary under test.
pub const QUIRE: &str = env!("CARGO_BIN_EXE_quire");

/// A run that takes longer than this is a hang (a symlink loop followed
/// forever, say), reported as a failure instead of blocking the suite.
const TIMEOUT: Duration = Duration::from_secs(60);

/// What one run of quire did.
#[derive(Debug)]
pub struct Run {
    /// The exit code.
    pub code: i32,
    /// Everything written on stdout.
    pub stdout: String,
    /// Everything written on stderr.
    pub stderr: String,
}

/// `quire` with a reproducible environment: no `SOURCE_DATE_EPOCH`, no
/// colour, no stdin. Runs in the system temp folder, so that a test never
/// reads or writes the repository by accident.
pub fn quire() -> Command {
    let mut command = Command::new(QUIRE);
    command
        .env_remove("SOURCE_DATE_EPOCH")
        .env("NO_COLOR", "1")
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::null());
    command
}

/// Runs a command to the end and collects its output. Panics if it is killed
/// by a signal (a crash) or does not finish within [`TIMEOUT`].
pub fn run(command: &mut Command) -> Run {
    let shown = format!("{command:?}");
    let child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {shown}: {e}"));
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = send.send(child.wait_with_output());
    });
    let output = match receive.recv_timeout(TIMEOUT) {
        Ok(output) => output.unwrap_or_else(|e| panic!("cannot wait for {shown}: {e}")),
        Err(_) => panic!("{shown} did not finish within {TIMEOUT:?}"),
    };
    let stdout = String::from_utf8(output.stdout).expect("stdout is UTF-8");
    let stderr = String::from_utf8(output.stderr).expect("stderr is UTF-8");
    let Some(code) = output.status.code() else {
        panic!(
            "{shown} was killed by a signal ({})\nstderr:\n{stderr}",
            output.status
        );
    };
    Run {
        code,
        stdout,
        stderr,
    }
}

/// `quire --diagnostic-format short check <dir>`.
pub fn check_short(dir: &Path) -> Run {
    run(quire()
        .args(["--diagnostic-format", "short", "check"])
        .arg(dir))
}

/// A fresh temp folder, removed when dropped.
pub fn temp() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("quire-test-")
        .tempdir()
        .expect("a temp folder")
}

/// Writes `bytes` to `root/path`, creating folders on the way.
pub fn write(root: &Path, path: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let target = root.join(path);
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent).expect("create folder");
    }
    std::fs::write(&target, bytes).expect("write file");
    target
}

/// Copies the folder `from` to `to` (which must not exist), file by file,
/// byte for byte; top-level entries named in `skip` are left out.
pub fn copy_dir(from: &Path, to: &Path, skip: &[&str]) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read folder") {
        let entry = entry.expect("folder entry");
        let name = entry.file_name();
        if skip.iter().any(|s| name == *s) {
            continue;
        }
        let target = to.join(&name);
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target, &[]);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// The repository's root folder.
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// One entry of a zip archive.
#[derive(Debug)]
pub struct ZipEntry {
    /// Its path in the archive.
    pub name: String,
    /// Whether it is stored (not compressed).
    pub stored: bool,
    /// Its contents, uncompressed.
    pub data: Vec<u8>,
}

/// The entries of a zip archive (stored or deflated), in the order of its
/// central directory: enough to read quire's EPUBs without a zip crate.
pub fn unzip(archive: &[u8]) -> Vec<ZipEntry> {
    use std::io::Read;
    let u16_at = |at: usize| u16::from_le_bytes([archive[at], archive[at + 1]]) as usize;
    let u32_at = |at: usize| {
        u32::from_le_bytes([
            archive[at],
            archive[at + 1],
            archive[at + 2],
            archive[at + 3],
        ]) as usize
    };
    let end = (0..=archive.len() - 22)
        .rev()
        .find(|&at| archive[at..at + 4] == *b"PK\x05\x06")
        .expect("an end of central directory record");
    let count = u16_at(end + 10);
    let mut at = u32_at(end + 16);
    let mut entries = Vec::with_capacity(count);
    for _ in 0..count {
        assert_eq!(
            &archive[at..at + 4],
            b"PK\x01\x02",
            "central directory entry"
        );
        let method = u16_at(at + 10);
        let compressed = u32_at(at + 20);
        let name_len = u16_at(at + 28);
        let extra_len = u16_at(at + 30);
        let comment_len = u16_at(at + 32);
        let local = u32_at(at + 42);
        let name = String::from_utf8(archive[at + 46..at + 46 + name_len].to_vec()).unwrap();
        let data_at = local + 30 + u16_at(local + 26) + u16_at(local + 28);
        let raw = &archive[data_at..data_at + compressed];
        let data = match method {
            0 => raw.to_vec(),
            8 => {
                let mut out = Vec::new();
                flate2::read::DeflateDecoder::new(raw)
                    .read_to_end(&mut out)
                    .expect("valid deflate data");
                out
            }
            other => panic!("{name}: unknown zip method {other}"),
        };
        entries.push(ZipEntry {
            name,
            stored: method == 0,
            data,
        });
        at += 46 + name_len + extra_len + comment_len;
    }
    entries
}

/// The first line where two texts differ, with two lines of context.
pub fn first_difference(kept: &str, actual: &str) -> String {
    let kept: Vec<&str> = kept.lines().collect();
    let actual: Vec<&str> = actual.lines().collect();
    let at = (0..kept.len().max(actual.len()))
        .find(|&i| kept.get(i) != actual.get(i))
        .unwrap_or(0);
    let mut out = String::new();
    for i in at.saturating_sub(2)..at {
        let _ = writeln!(out, "   {:4}  {}", i + 1, actual.get(i).unwrap_or(&""));
    }
    for i in at..(at + 3) {
        if let Some(line) = kept.get(i) {
            let _ = writeln!(out, "-  {:4}  {line}", i + 1);
        }
    }
    for i in at..(at + 3) {
        if let Some(line) = actual.get(i) {
            let _ = writeln!(out, "+  {:4}  {line}", i + 1);
        }
    }
    out
}
