//! The world: everything quire's engine may know about its surroundings.
//!
//! **In:** a book folder on disk (for [`SystemWorld`]) or files in memory (for
//! tests). **Out:** file bytes addressed by a [`BookPath`], directory listings
//! and the build timestamp. **Must not:** let a path escape the book folder:
//! every path is relative, normalised, and checked again after symlinks are
//! resolved. The engine (`load`, `markdown`, later `typeset`) never touches the
//! file system or the clock except through this trait.
//!
//! Two worlds wrap another: [`Recorder`] remembers every file read through
//! it with its SHA-256 (the inputs of the build manifest), and [`Pinned`]
//! gives a fixed build record (timestamp and commit) for a rebuild.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A path inside the book folder: relative, `/`-separated, without `.` or `..`
/// components and without a root. Only [`BookPath::parse`] makes one, so
/// holding a `BookPath` proves the path cannot leave the book.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BookPath(String);

/// Why a path was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathError {
    /// Empty, or only `.` components.
    Empty,
    /// Absolute, or with a drive or root prefix.
    Absolute,
    /// Climbs out of the book folder with `..`.
    Escapes,
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PathError::Empty => "the path is empty",
            PathError::Absolute => "the path is absolute; paths are relative to the book folder",
            PathError::Escapes => "the path leads outside the book folder",
        })
    }
}

impl BookPath {
    /// Normalises a path written in a book (either separator), refusing one
    /// that is absolute or climbs out of the book folder.
    pub fn parse(path: &str) -> Result<BookPath, PathError> {
        if path.starts_with(['/', '\\']) || path.get(1..2) == Some(":") {
            return Err(PathError::Absolute);
        }
        let mut parts: Vec<&str> = Vec::new();
        for part in path.split(['/', '\\']) {
            match part {
                "" | "." => {}
                ".." => {
                    if parts.pop().is_none() {
                        return Err(PathError::Escapes);
                    }
                }
                other => parts.push(other),
            }
        }
        if parts.is_empty() {
            return Err(PathError::Empty);
        }
        Ok(BookPath(parts.join("/")))
    }

    /// The path as written in diagnostics and manifests.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The last component.
    pub fn file_name(&self) -> &str {
        self.0.rsplit('/').next().unwrap_or(&self.0)
    }

    /// The file name without its extension.
    pub fn stem(&self) -> &str {
        let name = self.file_name();
        match name.rfind('.') {
            Some(dot) if dot > 0 => &name[..dot],
            _ => name,
        }
    }

    /// The folder this path is in; `None` at the top of the book.
    pub fn parent(&self) -> Option<BookPath> {
        self.0
            .rfind('/')
            .map(|slash| BookPath(self.0[..slash].to_string()))
    }

    /// A path relative to this one's folder (for `source.file` in a chapter, say).
    pub fn join(&self, child: &str) -> Result<BookPath, PathError> {
        BookPath::parse(&format!("{}/{child}", self.0))
    }
}

impl fmt::Display for BookPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl serde::Serialize for BookPath {
    /// As written in diagnostics and manifests: `chapters/01.md`.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for BookPath {
    /// Read as [`BookPath::parse`] reads a path in a book: one that is
    /// absolute or leads outside is refused.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        BookPath::parse(&text)
            .map_err(|why| serde::de::Error::custom(format!("path `{text}` refused: {why}")))
    }
}

/// Why a file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileError {
    /// No such file.
    NotFound,
    /// A folder where a file was expected.
    IsDirectory,
    /// A symlink that leads outside the book folder.
    Escapes,
    /// Any other I/O failure, with the system's message.
    Other(String),
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileError::NotFound => f.write_str("file not found"),
            FileError::IsDirectory => f.write_str("is a folder, not a file"),
            FileError::Escapes => f.write_str("a symbolic link leads outside the book folder"),
            FileError::Other(message) => f.write_str(message),
        }
    }
}

/// What the engine may ask of its surroundings.
pub trait World: Sync {
    /// Reads a file of the book.
    fn read(&self, path: &BookPath) -> Result<Vec<u8>, FileError>;

    /// Names of the regular files directly inside a folder of the book
    /// (`None` for the book folder itself), sorted by name.
    fn list(&self, dir: Option<&BookPath>) -> Result<Vec<String>, FileError>;

    /// Whether a readable file is there (without reading it): `Ok`, or why not.
    fn probe(&self, path: &BookPath) -> Result<(), FileError>;

    /// The build time as seconds since the Unix epoch, when fixed
    /// (`SOURCE_DATE_EPOCH`); `None` means "no timestamp": outputs then use the
    /// book's own date and nothing else.
    fn timestamp(&self) -> Option<i64>;

    /// The commit checked out in the git repository the book folder lives
    /// in (40 hexadecimal digits), for the source appendix; `None` when it
    /// is in none or the commit cannot be read.
    fn git_commit(&self) -> Option<String> {
        None
    }
}

/// A file the engine read, with the SHA-256 of its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRead {
    /// Its path in the book.
    pub path: BookPath,
    /// The SHA-256 of its bytes, in lower-case hexadecimal.
    pub sha256: String,
}

/// A world that answers as another and remembers every file read through
/// it successfully, with its SHA-256: what a build depended on. Files that
/// could not be read, listings and probes are not recorded (a file that
/// appears later and is then read shows up as a new input).
pub struct Recorder<'a> {
    world: &'a dyn World,
    /// Sorted by path, so the record has one order whatever the order of
    /// reads; a file read twice is recorded once.
    reads: Mutex<BTreeMap<BookPath, String>>,
}

impl<'a> Recorder<'a> {
    /// A recorder in front of `world`, having recorded nothing yet.
    pub fn new(world: &'a dyn World) -> Self {
        Recorder {
            world,
            reads: Mutex::new(BTreeMap::new()),
        }
    }

    /// The files read so far, sorted by path.
    pub fn reads(&self) -> Vec<FileRead> {
        // A panic while the lock was held cannot leave the map half-written
        // (an insert either happened or not), so a poisoned lock is usable.
        let reads = self
            .reads
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        reads
            .iter()
            .map(|(path, sha256)| FileRead {
                path: path.clone(),
                sha256: sha256.clone(),
            })
            .collect()
    }
}

impl World for Recorder<'_> {
    fn read(&self, path: &BookPath) -> Result<Vec<u8>, FileError> {
        let bytes = self.world.read(path)?;
        let sha256 = crate::sha256_hex(&bytes);
        self.reads
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(path.clone(), sha256);
        Ok(bytes)
    }

    fn list(&self, dir: Option<&BookPath>) -> Result<Vec<String>, FileError> {
        self.world.list(dir)
    }

    fn probe(&self, path: &BookPath) -> Result<(), FileError> {
        self.world.probe(path)
    }

    fn timestamp(&self) -> Option<i64> {
        self.world.timestamp()
    }

    fn git_commit(&self) -> Option<String> {
        self.world.git_commit()
    }
}

/// A world that answers as another, except for the build record: the
/// timestamp and the git commit are the ones given here. `quire build
/// --verify` rebuilds a book this way with the manifest's record, so the
/// editions can come out the same wherever the folder now is.
pub struct Pinned<'a> {
    /// The world whose files are read.
    pub world: &'a dyn World,
    /// The build timestamp to give (`SOURCE_DATE_EPOCH`).
    pub timestamp: Option<i64>,
    /// The git commit to give.
    pub git_commit: Option<String>,
}

impl World for Pinned<'_> {
    fn read(&self, path: &BookPath) -> Result<Vec<u8>, FileError> {
        self.world.read(path)
    }

    fn list(&self, dir: Option<&BookPath>) -> Result<Vec<String>, FileError> {
        self.world.list(dir)
    }

    fn probe(&self, path: &BookPath) -> Result<(), FileError> {
        self.world.probe(path)
    }

    fn timestamp(&self) -> Option<i64> {
        self.timestamp
    }

    fn git_commit(&self) -> Option<String> {
        self.git_commit.clone()
    }
}

/// The world of the command line: a book folder on disk.
#[derive(Debug, Clone)]
pub struct SystemWorld {
    root: PathBuf,
    timestamp: Option<i64>,
}

impl SystemWorld {
    /// A world rooted at `root`, which must be an existing folder.
    pub fn new(root: &Path, timestamp: Option<i64>) -> std::io::Result<Self> {
        let root = root.canonicalize()?;
        if !root.is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotADirectory,
                format!("{} is not a folder", root.display()),
            ));
        }
        Ok(SystemWorld { root, timestamp })
    }

    /// The canonical book folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The real path of a book path, checked to stay inside the book after
    /// symlinks are resolved.
    fn resolve(&self, path: &BookPath) -> Result<PathBuf, FileError> {
        let joined = self.root.join(path.as_str());
        let real = joined.canonicalize().map_err(io_error)?;
        if !real.starts_with(&self.root) {
            return Err(FileError::Escapes);
        }
        Ok(real)
    }
}

fn io_error(error: std::io::Error) -> FileError {
    match error.kind() {
        std::io::ErrorKind::NotFound => FileError::NotFound,
        std::io::ErrorKind::IsADirectory => FileError::IsDirectory,
        _ => FileError::Other(error.to_string()),
    }
}

impl World for SystemWorld {
    fn read(&self, path: &BookPath) -> Result<Vec<u8>, FileError> {
        let real = self.resolve(path)?;
        if real.is_dir() {
            return Err(FileError::IsDirectory);
        }
        std::fs::read(real).map_err(io_error)
    }

    fn list(&self, dir: Option<&BookPath>) -> Result<Vec<String>, FileError> {
        let real = match dir {
            Some(dir) => self.resolve(dir)?,
            None => self.root.clone(),
        };
        let mut names = Vec::new();
        for entry in std::fs::read_dir(real).map_err(io_error)? {
            let entry = entry.map_err(io_error)?;
            let is_file = entry.file_type().map_err(io_error)?.is_file() || entry.path().is_file();
            if let (true, Some(name)) = (is_file, entry.file_name().to_str()) {
                names.push(name.to_string());
            }
        }
        names.sort();
        Ok(names)
    }

    fn probe(&self, path: &BookPath) -> Result<(), FileError> {
        let real = self.resolve(path)?;
        if real.is_dir() {
            Err(FileError::IsDirectory)
        } else {
            Ok(())
        }
    }

    fn timestamp(&self) -> Option<i64> {
        self.timestamp
    }

    fn git_commit(&self) -> Option<String> {
        git_commit(&self.root)
    }
}

/// The commit checked out in the git repository holding `folder`, read
/// from the repository's files (no `git` is run): the nearest `.git` up
/// from the folder (a directory, or a worktree's file pointing at one),
/// its `HEAD`, and the branch it names, as a loose ref or in `packed-refs`.
pub fn git_commit(folder: &Path) -> Option<String> {
    let mut dir = Some(folder);
    let git_dir = loop {
        let here = dir?;
        let dot_git = here.join(".git");
        if dot_git.is_dir() {
            break dot_git;
        }
        if dot_git.is_file() {
            // A worktree or submodule: `gitdir: <path>`.
            let text = std::fs::read_to_string(&dot_git).ok()?;
            let target = text.strip_prefix("gitdir:")?.trim();
            break here.join(target);
        }
        dir = here.parent();
    };
    // Refs may live in the common directory of a worktree.
    let common = match std::fs::read_to_string(git_dir.join("commondir")) {
        Ok(relative) => git_dir.join(relative.trim()),
        Err(_) => git_dir.clone(),
    };
    let head = std::fs::read_to_string(git_dir.join("HEAD")).ok()?;
    let head = head.trim();
    let is_hash = |text: &str| text.len() == 40 && text.bytes().all(|b| b.is_ascii_hexdigit());
    let Some(name) = head.strip_prefix("ref:") else {
        // A detached head names its commit.
        return is_hash(head).then(|| head.to_ascii_lowercase());
    };
    let name = name.trim();
    if name.split('/').any(|part| part.is_empty() || part == "..") {
        return None;
    }
    for base in [&git_dir, &common] {
        if let Ok(text) = std::fs::read_to_string(base.join(name)) {
            let text = text.trim();
            if is_hash(text) {
                return Some(text.to_ascii_lowercase());
            }
        }
    }
    let packed = std::fs::read_to_string(common.join("packed-refs")).ok()?;
    packed.lines().find_map(|line| {
        let (hash, reference) = line.split_once(' ')?;
        (reference.trim() == name && is_hash(hash)).then(|| hash.to_ascii_lowercase())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The commit is read from a loose ref, from `packed-refs`, from a
    /// detached head and through a worktree's `.git` file; a folder in no
    /// repository has none.
    #[test]
    fn git_commit_is_read_from_the_repository_files() {
        let hash = "0123456789abcdef0123456789abcdef01234567";
        let other = "89abcdef0123456789abcdef0123456789abcdef";
        let temp = tempfile::tempdir().unwrap();
        let repo = temp.path().join("repo");
        let book = repo.join("books/mine");
        std::fs::create_dir_all(&book).unwrap();
        assert_eq!(git_commit(&book), None, "no repository");
        let git = repo.join(".git");
        std::fs::create_dir_all(git.join("refs/heads")).unwrap();
        std::fs::write(git.join("HEAD"), "ref: refs/heads/main\n").unwrap();
        std::fs::write(
            git.join("packed-refs"),
            format!("# pack-refs with: peeled\n{other} refs/heads/main\n"),
        )
        .unwrap();
        assert_eq!(git_commit(&book).as_deref(), Some(other), "packed");
        std::fs::write(git.join("refs/heads/main"), format!("{hash}\n")).unwrap();
        assert_eq!(
            git_commit(&book).as_deref(),
            Some(hash),
            "loose, before packed"
        );
        std::fs::write(git.join("HEAD"), format!("{}\n", other.to_uppercase())).unwrap();
        assert_eq!(git_commit(&book).as_deref(), Some(other), "detached");
        // A worktree elsewhere: `.git` is a file naming its git dir, whose
        // `commondir` leads back to the repository's refs.
        let tree = temp.path().join("tree");
        let tree_git = git.join("worktrees/tree");
        std::fs::create_dir_all(&tree).unwrap();
        std::fs::create_dir_all(&tree_git).unwrap();
        std::fs::write(
            tree.join(".git"),
            format!("gitdir: {}\n", tree_git.display()),
        )
        .unwrap();
        std::fs::write(tree_git.join("HEAD"), "ref: refs/heads/main\n").unwrap();
        std::fs::write(tree_git.join("commondir"), "../..\n").unwrap();
        assert_eq!(git_commit(&tree).as_deref(), Some(hash), "worktree");
        std::fs::write(tree_git.join("HEAD"), "ref: refs/heads/../../etc\n").unwrap();
        assert_eq!(git_commit(&tree), None, "a ref that climbs out");
    }

    /// The recorder lists each file read once, sorted, with its SHA-256;
    /// not a file that could not be read; and answers as its world.
    #[test]
    fn the_recorder_lists_what_was_read() {
        let temp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(temp.path().join("chapters")).unwrap();
        std::fs::write(temp.path().join("chapters/b.md"), "b").unwrap();
        std::fs::write(temp.path().join("book.toml"), "t").unwrap();
        let world = SystemWorld::new(temp.path(), Some(7)).unwrap();
        let recorder = Recorder::new(&world);
        let path = |p: &str| BookPath::parse(p).unwrap();
        assert_eq!(recorder.read(&path("chapters/b.md")).unwrap(), b"b");
        assert_eq!(recorder.read(&path("book.toml")).unwrap(), b"t");
        assert_eq!(recorder.read(&path("book.toml")).unwrap(), b"t");
        assert_eq!(recorder.read(&path("gone.md")), Err(FileError::NotFound));
        assert_eq!(recorder.probe(&path("chapters/b.md")), Ok(()));
        assert_eq!(recorder.list(Some(&path("chapters"))).unwrap(), ["b.md"]);
        assert_eq!(recorder.timestamp(), Some(7));
        let reads: Vec<(String, String)> = recorder
            .reads()
            .into_iter()
            .map(|read| (read.path.to_string(), read.sha256))
            .collect();
        assert_eq!(
            reads,
            [
                ("book.toml".to_string(), crate::sha256_hex(b"t")),
                ("chapters/b.md".to_string(), crate::sha256_hex(b"b")),
            ]
        );
        let pinned = Pinned {
            world: &recorder,
            timestamp: None,
            git_commit: Some("c".repeat(40)),
        };
        assert_eq!(pinned.timestamp(), None);
        assert_eq!(pinned.git_commit(), Some("c".repeat(40)));
        assert_eq!(pinned.read(&path("book.toml")).unwrap(), b"t");
    }

    #[test]
    fn book_paths_stay_inside() {
        assert_eq!(
            BookPath::parse("chapters/01.md").unwrap().as_str(),
            "chapters/01.md"
        );
        assert_eq!(
            BookPath::parse("./chapters//a/../01.md").unwrap().as_str(),
            "chapters/01.md"
        );
        assert_eq!(
            BookPath::parse("chapters\\01.md").unwrap().as_str(),
            "chapters/01.md"
        );
        assert_eq!(BookPath::parse("../../etc/passwd"), Err(PathError::Escapes));
        assert_eq!(BookPath::parse("a/../../b"), Err(PathError::Escapes));
        assert_eq!(BookPath::parse("/etc/passwd"), Err(PathError::Absolute));
        assert_eq!(BookPath::parse("C:\\x"), Err(PathError::Absolute));
        assert_eq!(BookPath::parse("./."), Err(PathError::Empty));
        let chapter = BookPath::parse("chapters/01.md").unwrap();
        assert_eq!(chapter.stem(), "01");
        assert_eq!(chapter.file_name(), "01.md");
    }
}
