//! `foureyes suppressions`: every scanner ignore in an application repository must be an
//! approved, unexpired Exception of the governance repository (SPEC §7).
//!
//! [`load_governance`] checks the governance repository as `foureyes check` does and
//! indexes it: [`service`] says which service code belongs to, [`backing`] which Exceptions
//! back a suppression; both serve any command that holds application artefacts against
//! the governance repository. [`formats`] reads the scanners' files, [`audit`] judges their
//! entries (X001–X004), [`emit`] writes such files from the approved Exceptions.

pub mod audit;
pub mod backing;
pub mod emit;
pub mod formats;
pub mod instant;
pub mod service;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::check::{self, Outcome, SourceFile};
use crate::config::Config;
use crate::date::Date;
use crate::diagnostic::{Diagnostic, Loc};
use crate::error::{Error, Input, Result};
use crate::parse;
use crate::rules::Code;
use audit::Owner;
use backing::Backing;
use formats::Format;
use service::{Placement, RepoName, Routes};

/// A governance repository, checked and indexed.
pub struct Governance {
    /// What `foureyes check` reports on it (its own config, the same today).
    pub outcome: Outcome,
    pub config: Config,
    pub routes: Routes,
    pub backing: Backing,
}

/// Checks the governance repository at `gov`. One that cannot be checked (unreadable,
/// broken config) is an error; errors inside it only stop Exceptions from backing.
pub fn load_governance(gov: &Path, today: Date) -> Result<Governance> {
    let meta = std::fs::metadata(gov).map_err(|source| Error::Read {
        input: Input::Governance(gov.to_path_buf()),
        source,
    })?;
    if !meta.is_dir() {
        return Err(Error::Invalid {
            input: Input::Governance(gov.to_path_buf()),
            reason: "not a directory".into(),
        });
    }
    // As `foureyes check GOV` reads it, with the KEV catalog its config names (K001 keeps a
    // misclassified Exception from backing anything).
    let config = Config::for_root(gov, None, None)?;
    let outcome = check::run(gov, &config, today).map_err(|e| Error::Governance {
        path: gov.to_path_buf(),
        source: Box::new(e),
    })?;
    let routes = Routes::build(&outcome.docs);
    let backing = Backing::build(&outcome, today);
    Ok(Governance {
        outcome,
        config,
        routes,
        backing,
    })
}

/// How the files of an application path find their service.
#[derive(Debug, Clone)]
pub enum Select {
    /// `--service`: every file belongs to it.
    Service(String),
    /// `--repository`: route by that repository.
    Repository(RepoName),
    /// The `origin` remote of each path's git repository.
    Origin,
}

impl Select {
    pub fn new(
        service: Option<String>,
        repository: Option<String>,
        routes: &Routes,
    ) -> Result<Select> {
        match (service, repository) {
            (Some(s), _) if routes.has_service(&s) => Ok(Select::Service(s)),
            (Some(s), _) => Err(Error::Usage(format!(
                "--service `{s}`: no OwnershipMap of the governance repository lists this service"
            ))),
            (None, Some(r)) => RepoName::parse(&r)
                .map(Select::Repository)
                .ok_or_else(|| Error::Usage(format!("--repository `{r}`: expected OWNER/NAME"))),
            (None, None) => Ok(Select::Origin),
        }
    }
}

/// The audited suppression files and what was found in them.
pub struct Audit {
    /// Named by the path as given on the command line joined with the file's path under it.
    pub files: Vec<SourceFile>,
    /// Each file's path from the root of its git repository (SARIF and annotations).
    pub repo_paths: Vec<String>,
    /// The entries read.
    pub entries: usize,
    pub diagnostics: Vec<Diagnostic>,
}

impl Audit {
    /// The files named by their paths from the git repository root.
    pub fn files_from_repo_root(&self) -> Vec<SourceFile> {
        self.files
            .iter()
            .zip(&self.repo_paths)
            .map(|(f, p)| SourceFile {
                rel: p.clone(),
                ..f.clone()
            })
            .collect()
    }
}

/// A suppression file found under an application path.
struct Listed {
    display: String,
    path: PathBuf,
    /// The real path (no links, absolute), when it resolves: a file reached from two
    /// paths is the same file.
    real: Option<PathBuf>,
    /// From the repository root (`/` separators): for routing and SARIF.
    repo_path: String,
    format: Format,
}

#[derive(Clone)]
enum Placed {
    Service(String),
    Unmapped(RepoName, Vec<String>),
}

/// Audits the suppression files under each of `paths`.
pub fn audit(walked: Vec<Walked>, gov: &Governance, select: &Select) -> Result<Audit> {
    let mut found = Vec::new();
    for w in walked {
        found.extend(place(w, gov, select)?);
    }
    // A file reached from two paths is audited once, under the first.
    let mut seen = std::collections::HashSet::new();
    found.retain(|(f, _)| seen.insert(f.real.clone().unwrap_or_else(|| f.path.clone())));
    found.sort_by(|(a, _), (b, _)| a.display.cmp(&b.display));
    let results: Vec<(SourceFile, usize, Vec<Diagnostic>)> = found
        .par_iter()
        .enumerate()
        .map(|(i, f)| read_and_judge(i, f, &gov.backing))
        .collect();
    let mut audit = Audit {
        files: Vec::with_capacity(results.len()),
        repo_paths: found.into_iter().map(|(f, _)| f.repo_path).collect(),
        entries: 0,
        diagnostics: Vec::new(),
    };
    for (file, entries, diagnostics) in results {
        audit.files.push(file);
        audit.entries += entries;
        audit.diagnostics.extend(diagnostics);
    }
    gov.config.apply(&mut audit.diagnostics);
    check::cap_per_file(&mut audit.diagnostics, &gov.config);
    Ok(audit)
}

fn read_and_judge(
    i: usize,
    (f, owner): &(Listed, Placed),
    backing: &Backing,
) -> (SourceFile, usize, Vec<Diagnostic>) {
    let owner = match owner {
        Placed::Service(s) => Owner::Service(s),
        Placed::Unmapped(repo, folders) => Owner::Unmapped { repo, folders },
    };
    let bytes = check::read_limited(&f.path);
    judge_file(i, &f.display, f.format, bytes, &owner, backing)
}

/// Decodes, parses and judges one file (index `i` in the report): its source, how many
/// entries it has, and its diagnostics.
fn judge_file(
    i: usize,
    display: &str,
    format: Format,
    bytes: Result<Vec<u8>, (Code, String)>,
    owner: &Owner,
    backing: &Backing,
) -> (SourceFile, usize, Vec<Diagnostic>) {
    let mut source = SourceFile {
        rel: display.to_string(),
        text: String::new(),
        yaml_docs: 0,
        checked: true,
        records: Vec::new(),
    };
    let bytes = match bytes {
        Ok(b) if b.len() as u64 > parse::MAX_FILE_BYTES => {
            let msg = format!("file is larger than {} MiB", parse::MAX_FILE_BYTES >> 20);
            return (
                source,
                0,
                vec![Diagnostic::new(Code::P004, i, Loc::File, msg)],
            );
        }
        Ok(b) => b,
        Err((code, message)) => {
            return (
                source,
                0,
                vec![Diagnostic::new(code, i, Loc::File, message)],
            );
        }
    };
    let text = match parse::decode(bytes) {
        Ok(t) => t,
        Err((pos, message)) => {
            let d = Diagnostic::new(Code::P001, i, Loc::At(pos), message);
            return (source, 0, vec![d]);
        }
    };
    let parsed = format.parse(&text);
    source.text = text;
    let diagnostics = audit::judge(i, format, &parsed, owner, backing);
    (source, parsed.entries.len(), diagnostics)
}

/// Audits one file given as bytes, named `display`, all of it under `service`: what a
/// fuzzer or a test feeds the parsers and rules.
pub fn audit_bytes(
    display: &str,
    format: Format,
    bytes: Vec<u8>,
    service: &str,
    gov: &Governance,
) -> Audit {
    let owner = Owner::Service(service);
    let (file, entries, mut diagnostics) =
        judge_file(0, display, format, Ok(bytes), &owner, &gov.backing);
    gov.config.apply(&mut diagnostics);
    check::cap_per_file(&mut diagnostics, &gov.config);
    Audit {
        repo_paths: vec![file.rel.clone()],
        files: vec![file],
        entries,
        diagnostics,
    }
}

/// The suppression files under one audited path, not yet given their services: listing
/// them needs no governance repository, so it runs while that is checked.
pub struct Walked {
    path: PathBuf,
    git: Option<service::GitRepo>,
    found: Vec<Listed>,
}

/// Lists the suppression files under each of `paths` (a folder, or a suppression file).
pub fn walk_paths(paths: &[PathBuf]) -> Result<Vec<Walked>> {
    paths.iter().map(|p| walk_path(p)).collect()
}

fn walk_path(path: &Path) -> Result<Walked> {
    let meta = std::fs::metadata(path).map_err(cannot_read(path))?;
    let dir = if meta.is_dir() {
        path.to_path_buf()
    } else {
        match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    };
    let git = service::git_repo(&dir);
    let root = match &git {
        Some(g) => g.workdir.clone(),
        None => dir.canonicalize().map_err(cannot_read(&dir))?,
    };
    let found = listed(path, &dir, &root)?;
    Ok(Walked {
        path: path.to_path_buf(),
        git,
        found,
    })
}

/// Gives each listed file its service: the selected one, or by the folders the governance
/// repository lists for the file's repository.
fn place(walked: Walked, gov: &Governance, select: &Select) -> Result<Vec<(Listed, Placed)>> {
    let Walked { path, git, found } = walked;
    let advice = "pass --service ID or --repository OWNER/NAME, or list the repository under a service's `repositories` in the governance repository";
    let shown = path.display();
    let repo = match select {
        Select::Service(s) => {
            let owner = Placed::Service(s.clone());
            return Ok(found.into_iter().map(|f| (f, owner.clone())).collect());
        }
        Select::Repository(r) => r.clone(),
        Select::Origin => {
            let Some(g) = &git else {
                return Err(Error::Usage(format!(
                    "{shown}: not in a git repository, so no service is known for it: {advice}"
                )));
            };
            let Some(url) = &g.origin else {
                return Err(Error::Usage(format!(
                    "{shown}: its git repository has no `origin` remote, so no service is known for it: {advice}"
                )));
            };
            RepoName::from_remote(url).ok_or_else(|| {
                Error::Usage(format!(
                    "{shown}: the `origin` remote `{url}` names no OWNER/NAME repository: {advice}"
                ))
            })?
        }
    };
    let routes = gov.routes.of_repo(&repo);
    if !routes.is_listed() {
        return Err(Error::Usage(format!(
            "{shown}: no service lists repository {repo}: {advice}"
        )));
    }
    let placed = found.into_iter().map(|f| {
        let owner = match routes.service_for(&f.repo_path) {
            Placement::Service(s) => Placed::Service(s.to_string()),
            Placement::Unmapped(folders) => Placed::Unmapped(repo.clone(), folders),
            Placement::Unlisted => Placed::Unmapped(repo.clone(), Vec::new()),
        };
        (f, owner)
    });
    Ok(placed.collect())
}

/// The suppression files under `path` (a folder, or one file in `dir`), with no service
/// yet; `root` is the repository root their `repo_path` starts from.
fn listed(path: &Path, dir: &Path, root: &Path) -> Result<Vec<Listed>> {
    let invalid = |reason| Error::Invalid {
        input: Input::Path(path.to_path_buf()),
        reason,
    };
    let files = if path.is_dir() {
        walk(path)?
    } else {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let parent = dir.file_name().map(|n| n.to_string_lossy().into_owned());
        let rel = format!(
            "{}/{}",
            parent.unwrap_or_default(),
            name.unwrap_or_default()
        );
        let regular = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file());
        match Format::of(&rel) {
            Some(_) if !regular => {
                return Err(invalid(
                    "not a regular file (links are not followed)".into(),
                ));
            }
            Some(_) => vec![(String::new(), path.to_path_buf())],
            None => {
                return Err(invalid(format!(
                    "not a suppression file (expected one of {})",
                    Format::ALL.map(Format::name).join(", ")
                )));
            }
        }
    };
    let prefix = display_prefix(path);
    // The walk follows no links, so a file's real path is the real path of `path` and its
    // relative path: one lookup, not one per file.
    let base = path.canonicalize().ok();
    let mut out = Vec::with_capacity(files.len());
    for (rel, file) in files {
        let display = if rel.is_empty() {
            prefix.trim_end_matches('/').to_string()
        } else {
            format!("{prefix}{rel}")
        };
        let real = match &base {
            Some(b) if !rel.is_empty() => Some(b.join(&rel)),
            other => other.clone(),
        };
        let repo_path = real
            .as_ref()
            .and_then(|abs| abs.strip_prefix(root).ok().map(slash_path))
            .unwrap_or_else(|| display.clone());
        // Listed files have a suppression file's name; the folder decides for `audit.toml`.
        let Some(format) = Format::of(&display).or_else(|| Format::of(&repo_path)) else {
            continue;
        };
        out.push(Listed {
            display,
            real,
            path: file,
            repo_path,
            format,
        });
    }
    Ok(out)
}

/// The suppression files under `root` (relative paths, sorted): `.git`, other repositories
/// (folders holding `.git`) and files git ignores are skipped, links are not followed and
/// only regular files are listed.
fn walk(root: &Path) -> Result<Vec<(String, PathBuf)>> {
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .ignore(false)
        .git_global(false)
        .git_ignore(true)
        .git_exclude(true)
        .parents(true)
        .follow_links(false)
        .filter_entry(|e| {
            let dir = e.file_type().is_some_and(|t| t.is_dir());
            !(dir && e.depth() > 0 && (e.file_name() == ".git" || e.path().join(".git").exists()))
        })
        .build();
    let mut files = Vec::new();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            // A broken .gitignore pattern does not stop the audit; an unreadable folder does.
            Err(e) if e.io_error().is_none() => continue,
            Err(e) => return Err(cannot_read(root)(std::io::Error::other(e))),
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let rel = slash_path(entry.path().strip_prefix(root).unwrap_or(entry.path()));
        if Format::of(&rel).is_some() {
            files.push((rel, entry.into_path()));
        }
    }
    files.sort();
    Ok(files)
}

fn cannot_read(path: &Path) -> impl Fn(std::io::Error) -> Error {
    move |source| Error::Read {
        input: Input::Path(path.to_path_buf()),
        source,
    }
}

fn slash_path(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The path as given, as a prefix for the files under it: `` for `.`, else `path/`.
fn display_prefix(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    let s = s.trim_end_matches('/');
    match s {
        "" if path.has_root() => "/".into(),
        "" | "." => String::new(),
        s => format!("{s}/"),
    }
}
