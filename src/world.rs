//! The world: everything quire's engine may know about its surroundings.
//!
//! **In:** a book folder on disk (for [`SystemWorld`]) or files in memory (for
//! tests). **Out:** file bytes addressed by a [`BookPath`], directory listings
//! and the build timestamp. **Must not:** let a path escape the book folder:
//! every path is relative, normalised, and checked again after symlinks are
//! resolved. The engine (`load`, `markdown`, later `typeset`) never touches the
//! file system or the clock except through this trait.

use std::fmt;
use std::path::{Path, PathBuf};

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
}

#[cfg(test)]
mod tests {
    use super::*;

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
