//! Where a checked path sits in its git repository. Only reads: nothing here writes to the
//! repository (no index refresh, no lock files).

use std::path::{Path, PathBuf};

use git2::Repository;

use crate::error::{Error, Input, Result};

pub struct Place {
    pub repo: Repository,
    pub workdir: PathBuf,
    /// The checked path relative to the work tree root, with `/`; empty for the root itself.
    pub path: String,
    /// The directory of the checked files relative to the work tree root: empty, or ending in
    /// `/` (the checked path itself, or the directory of a checked file).
    pub dir: String,
}

/// Finds the work tree containing `path`.
pub fn discover(path: &Path) -> Result<Place> {
    let abs = path.canonicalize().map_err(|source| Error::Read {
        input: Input::Path(path.to_path_buf()),
        source,
    })?;
    let is_dir = abs.is_dir();
    let start = if is_dir {
        abs.as_path()
    } else {
        abs.parent().unwrap_or(&abs)
    };
    let shown = path.display();
    let repo = Repository::discover(start).map_err(|e| Error::Git {
        message: format!("{shown} is not inside a git repository ({})", e.message()),
        source: Some(e),
    })?;
    let workdir = repo
        .workdir()
        .ok_or_else(|| git(format!("{shown} is in a bare git repository")))?
        .canonicalize()
        .map_err(|e| git(format!("cannot read the work tree of {shown}: {e}")))?;
    let rel = abs
        .strip_prefix(&workdir)
        .map_err(|_| git(format!("{shown} is not inside the work tree")))?;
    let rel = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    let dir = match (is_dir, rel.rsplit_once('/')) {
        (true, _) if rel.is_empty() => String::new(),
        (true, _) => format!("{rel}/"),
        (false, Some((parent, _))) => format!("{parent}/"),
        (false, None) => String::new(),
    };
    Ok(Place {
        repo,
        workdir,
        path: rel,
        dir,
    })
}

fn git(message: String) -> Error {
    Error::Git {
        message,
        source: None,
    }
}
