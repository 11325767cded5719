//! Where a checked path sits in its git repository. Only reads: nothing here writes to the
//! repository (no index refresh, no lock files).

use std::path::{Path, PathBuf};

use git2::Repository;

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
pub fn discover(path: &Path) -> Result<Place, String> {
    let abs = path
        .canonicalize()
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let is_dir = abs.is_dir();
    let start = if is_dir {
        abs.as_path()
    } else {
        abs.parent().unwrap_or(&abs)
    };
    let repo = Repository::discover(start).map_err(|e| {
        format!(
            "{} is not inside a git repository ({})",
            path.display(),
            e.message()
        )
    })?;
    let workdir = repo
        .workdir()
        .ok_or_else(|| format!("{} is in a bare git repository", path.display()))?
        .canonicalize()
        .map_err(|e| format!("cannot read the work tree of {}: {e}", path.display()))?;
    let rel = abs
        .strip_prefix(&workdir)
        .map_err(|_| format!("{} is not inside the work tree", path.display()))?;
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
