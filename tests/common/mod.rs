//! Helpers shared by the CLI suites (`cases.rs`, `cli.rs`): run the real
//! binary with a clean environment, build and copy books in temp folders.

#![allow(dead_code)] // each suite uses a different part of this module

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
