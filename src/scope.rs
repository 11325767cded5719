//! What `foureyes check PATH` reads and what it reports. A folder is checked as a repository
//! of its own. A file is checked in the repository it belongs to, so that what it names
//! resolves and the repository's rules and configuration apply, and only its diagnostics
//! are reported.

use std::path::{Path, PathBuf};

use crate::check::{self, Outcome};
use crate::config::{self, Config};
use crate::date::Date;
use crate::error::{Error, Input, Result};
use crate::pr;

pub struct Scope {
    /// The folder whose files are checked, whose `foureyes.yaml` applies, and which reported
    /// paths are relative to.
    pub root: PathBuf,
    /// When PATH is a file: its path relative to `root`, with `/`.
    pub file: Option<String>,
}

impl Scope {
    /// The scope of PATH. For a file, the root is the nearest folder above it that holds
    /// `foureyes.yaml`, else the root of its git work tree, else its own folder. The search
    /// for `foureyes.yaml` stops at the work tree root: a folder outside the repository
    /// does not configure it.
    pub fn of(path: &Path) -> Result<Scope> {
        let cannot = |source| Error::Read {
            input: Input::Path(path.to_path_buf()),
            source,
        };
        if !std::fs::metadata(path).map_err(cannot)?.is_file() {
            return Ok(Scope {
                root: path.to_path_buf(),
                file: None,
            });
        }
        let abs = path.canonicalize().map_err(cannot)?;
        let dir = abs.parent().unwrap_or(Path::new("/"));
        let work_tree = dir.ancestors().find(|a| a.join(".git").exists());
        let configured = dir
            .ancestors()
            .take_while(|a| work_tree.is_none_or(|w| a.starts_with(w)))
            .find(|a| std::fs::symlink_metadata(a.join(config::FILE_NAME)).is_ok());
        let root = configured.or(work_tree).unwrap_or(dir).to_path_buf();
        let rel = abs
            .strip_prefix(&root)
            .unwrap_or(&abs)
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        Ok(Scope {
            root,
            file: Some(rel),
        })
    }

    /// Checks the scope's repository (in pull-request mode with `base`) and keeps what is
    /// reported on the named file, if any.
    pub fn check(&self, config: &Config, today: Date, base: Option<&str>) -> Result<Outcome> {
        let mut outcome = match (base, &self.file) {
            (Some(base), _) => pr::run(&self.root, base, config, today)?,
            (None, None) => check::run(&self.root, config, today)?,
            (None, Some(rel)) => {
                // The named file is checked even if the configuration does not select it.
                let mut found = check::discover(&self.root, config)?;
                if let Err(i) = found.binary_search_by(|(r, _)| r.as_str().cmp(rel)) {
                    found.insert(i, (rel.clone(), self.root.join(rel)));
                }
                check::run_listed(&self.root, found, config, today)
            }
        };
        if let Some(rel) = &self.file {
            only(&mut outcome, rel);
        }
        Ok(outcome)
    }
}

/// Keeps the diagnostics and documents of the file `rel`. The other files stay listed, as
/// read but not reported on, so that related locations in them still resolve.
fn only(outcome: &mut Outcome, rel: &str) {
    let index = outcome.files.iter().position(|f| f.rel == rel);
    outcome.diagnostics.retain(|d| Some(d.file) == index);
    outcome.docs.retain(|d| Some(d.file) == index);
    for (i, f) in outcome.files.iter_mut().enumerate() {
        f.checked &= Some(i) == index;
    }
}
