//! Pull-request mode (`--base REF`): the working tree is checked against the merge-base of REF
//! and HEAD, read straight from the object database. Only diagnostics the base did not have
//! are reported, plus what the history itself shows (the G rules over both models).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use git2::{Commit, ErrorCode, ObjectType, Odb, Oid, Repository, Tree};
use rayon::prelude::*;

use crate::check::{self, FileResult, Input, Outcome, Side, SourceFile};
use crate::codeowners;
use crate::config::{self, Config};
use crate::date::Date;
use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::parse;
use crate::repo;

/// Checks the working tree at `path` against the merge-base of `base` and HEAD.
pub fn run(path: &Path, base: &str, config: &Config, today: Date) -> Result<Outcome> {
    let place = repo::discover(path).map_err(|e| Error::NoWorkTree(Box::new(e)))?;
    let repo = &place.repo;
    let unreadable = |e: git2::Error| Error::Git {
        message: format!("cannot read the base tree: {}", e.message()),
        source: Some(e),
    };
    let tree = merge_base(repo, base)?.tree().map_err(unreadable)?;
    let odb = repo.odb().map_err(unreadable)?;
    let blob = |oid, limit| read_blob(repo, &odb, oid, limit);
    // The base is selected with its own include/exclude: a pull request that excludes a
    // record has removed it.
    let base_config = base_config(&place, &tree, config, &blob);
    let selection = base_config.as_ref().unwrap_or(config);
    let base_list = base_files(repo, &tree, &place, selection).map_err(unreadable)?;
    let base_codeowners = codeowners::find(&place.dir, |p| {
        blob(blob_at(&tree, p)?, codeowners::MAX_BYTES)
    });

    // The working tree is read and hashed up front: a base file with the same bytes has the
    // same per-file result (parse, schema, types), so only the files that differ are checked
    // twice. Unreadable files have no hash and are never shared.
    let head: Vec<(String, Input, Option<Oid>)> = check::discover(path, config)?
        .into_par_iter()
        .map(|(rel, p)| {
            let input = Input::load(p);
            let oid = match &input {
                Input::Memory(b) => Oid::hash_object(ObjectType::Blob, b).ok(),
                _ => None,
            };
            (rel, input, oid)
        })
        .collect();
    let mut by_oid = HashMap::new();
    for (i, (_, _, oid)) in head.iter().enumerate() {
        if let Some(oid) = oid {
            by_oid.entry(*oid).or_insert(i);
        }
    }
    let head_results: Vec<FileResult> = head
        .into_par_iter()
        .enumerate()
        .map(|(i, (rel, input, _))| check::check_file(i, rel, input))
        .collect();
    let base_inputs = base_list
        .into_iter()
        .map(|(rel, oid)| match by_oid.get(&oid) {
            Some(&i) => Ok((rel, Shared::Same(i))),
            // The size comes from the object header: a huge blob is never loaded.
            None => match odb.read_header(oid)? {
                (size, _) if size as u64 > parse::MAX_FILE_BYTES => Ok((rel, Shared::TooLarge)),
                _ => Ok((rel, Shared::Own(repo.find_blob(oid)?.content().to_vec()))),
            },
        })
        .collect::<Result<Vec<_>, git2::Error>>()
        .map_err(unreadable)?;
    let base_results: Vec<FileResult> = base_inputs
        .into_par_iter()
        .enumerate()
        .map(|(i, (rel, file))| match file {
            Shared::Same(h) => head_results[h].renumbered(i, rel),
            Shared::Own(bytes) => check::check_file(i, rel, Input::Memory(bytes)),
            Shared::TooLarge => check::check_file(i, rel, Input::TooLarge),
        })
        .collect();

    let mut head = Side::new(head_results);
    let mut base = Side::new(base_results);
    // G002 names a deleted record's file as it was at base.
    let here: HashSet<&str> = head.files.iter().map(|f| f.rel.as_str()).collect();
    let gone: Vec<String> = base
        .files
        .iter()
        .filter(|f| !here.contains(f.rel.as_str()))
        .map(|f| f.rel.clone())
        .collect();
    for rel in &gone {
        head.add_unchecked(rel);
    }
    // G003 judges the config file at the checked directory, whichever config is in use.
    if check::has_config(path) {
        head.add_config();
        if blob_at(&tree, &format!("{}{}", place.dir, config::FILE_NAME)).is_some() {
            base.add_config();
        }
    }
    let head_codeowners = codeowners::on_disk(path);
    let base_model = base.model(today, base_codeowners.as_ref(), config.kev.as_ref());
    let base_found = check::judge(&base_model, config);
    let mut head_model = head.model(today, head_codeowners.as_ref(), config.kev.as_ref());
    head_model.base = Some(&base_model);
    let head_found = check::judge(&head_model, config);
    drop(head_model);
    drop(base_model);
    let head = head.outcome(head_found, config);
    let base = base.outcome(base_found, config);
    Ok(compare(head, base))
}

/// A blob's bytes, unless it is larger than `limit`: the size comes from the object header,
/// so a huge blob is never loaded.
fn read_blob(repo: &Repository, odb: &Odb, oid: Oid, limit: u64) -> Option<Vec<u8>> {
    match odb.read_header(oid).ok()? {
        (size, ObjectType::Blob) if size as u64 <= limit => {
            Some(repo.find_blob(oid).ok()?.content().to_vec())
        }
        _ => None,
    }
}

/// The blob at `rel` (relative to the repository root) in `tree`; never a symlink.
fn blob_at(tree: &Tree, rel: &str) -> Option<Oid> {
    let entry = tree.get_path(Path::new(rel)).ok()?;
    (entry.kind() == Some(ObjectType::Blob) && entry.filemode() != LINK).then(|| entry.id())
}

/// The base version of the config in use: `--config FILE` inside the work tree, else
/// `foureyes.yaml` of the checked directory. The defaults when the base has no such file or
/// it cannot be read (every record counts); None when the config file is outside the work
/// tree (both sides are selected alike).
fn base_config(
    place: &repo::Place,
    tree: &Tree,
    config: &Config,
    blob: &dyn Fn(Oid, u64) -> Option<Vec<u8>>,
) -> Option<Config> {
    let rel = match &config.path {
        Some(file) => {
            let abs = file.canonicalize().ok()?;
            let rel = abs.strip_prefix(&place.workdir).ok()?;
            rel.components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/")
        }
        None => format!("{}{}", place.dir, config::FILE_NAME),
    };
    match blob_at(tree, &rel) {
        None => Some(Config::default()),
        Some(oid) => Some(
            blob(oid, parse::MAX_FILE_BYTES)
                .and_then(|bytes| Config::parse(bytes, &rel).ok())
                .unwrap_or_default(),
        ),
    }
}

/// A base file: the same bytes as a working-tree file (by index), bytes of its own, or a
/// blob over the size limit.
enum Shared {
    Same(usize),
    Own(Vec<u8>),
    TooLarge,
}

/// Git's file mode for a symbolic link: never followed, as in the working tree.
const LINK: i32 = 0o120000;

fn merge_base<'r>(repo: &'r Repository, base: &str) -> Result<Commit<'r>> {
    let git = |message, source| Error::Git {
        message,
        source: Some(source),
    };
    let fetch =
        "fetch full history (actions/checkout with fetch-depth: 0, or git fetch --unshallow)";
    let base_commit = repo
        .revparse_single(base)
        .and_then(|o| o.peel_to_commit())
        .map_err(|e| {
            let hint = if repo.is_shallow() {
                format!("this is a shallow clone: {fetch}")
            } else {
                "fetch it, or check the spelling".into()
            };
            let message = format!("--base {base}: unknown revision ({}); {hint}", e.message());
            git(message, e)
        })?;
    let head = repo
        .head()
        .and_then(|h| h.peel_to_commit())
        .map_err(|e| match e.code() {
            ErrorCode::UnbornBranch => git("--base: HEAD has no commit yet".to_string(), e),
            _ => git(format!("--base: cannot read HEAD ({})", e.message()), e),
        })?;
    let oid = repo.merge_base(base_commit.id(), head.id()).map_err(|e| {
        let message = if repo.is_shallow() {
            format!("--base {base}: no merge-base with HEAD in this shallow clone; {fetch}")
        } else if e.code() == ErrorCode::NotFound {
            format!("--base {base}: {base} and HEAD have no common ancestor")
        } else {
            format!(
                "--base {base}: cannot find the merge-base ({})",
                e.message()
            )
        };
        git(message, e)
    })?;
    repo.find_commit(oid).map_err(|e| {
        let message = format!(
            "--base {base}: cannot read the merge-base ({})",
            e.message()
        );
        git(message, e)
    })
}

/// The base tree's files under the checked path, selected and named as [`check::discover`]
/// names the working tree's, with their blob ids.
fn base_files(
    repo: &Repository,
    tree: &Tree,
    place: &repo::Place,
    config: &Config,
) -> Result<Vec<(String, Oid)>, git2::Error> {
    let root = if place.path.is_empty() {
        tree.clone()
    } else {
        let entry = match tree.get_path(Path::new(&place.path)) {
            Ok(e) => e,
            // The checked directory is new: everything in it is new.
            Err(e) if e.code() == ErrorCode::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        match entry.kind() {
            Some(ObjectType::Tree) => repo.find_tree(entry.id())?,
            Some(ObjectType::Blob) if entry.filemode() != LINK => {
                let name = place.path.rsplit('/').next().unwrap_or_default();
                return Ok(vec![(name.to_string(), entry.id())]);
            }
            _ => return Ok(Vec::new()),
        }
    };
    let mut found = Vec::new();
    let mut stack = vec![(String::new(), root)];
    while let Some((prefix, dir)) = stack.pop() {
        for entry in dir.iter() {
            let name = String::from_utf8_lossy(entry.name_bytes());
            let rel = format!("{prefix}{name}");
            match entry.kind() {
                Some(ObjectType::Tree) if name != ".git" => {
                    stack.push((format!("{rel}/"), repo.find_tree(entry.id())?));
                }
                Some(ObjectType::Blob)
                    if entry.filemode() != LINK
                        && rel != config::FILE_NAME
                        && config.selects(&rel) =>
                {
                    found.push((rel, entry.id()));
                }
                _ => {} // symlinks and submodules, which the working-tree walk skips too
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Diagnostics are the same finding on both sides when their identities agree.
fn key(files: &[SourceFile], d: &Diagnostic) -> String {
    d.identity(&files[d.file].rel)
}

/// The working tree's outcome, keeping only the diagnostics the base did not have.
fn compare(head: Outcome, base: Outcome) -> Outcome {
    let Outcome {
        files,
        docs,
        diagnostics,
    } = head;
    let mut seen: HashMap<String, usize> = HashMap::new();
    for d in &base.diagnostics {
        *seen.entry(key(&base.files, d)).or_default() += 1;
    }
    let is_new: Vec<bool> = diagnostics
        .iter()
        .map(|d| match seen.get_mut(&key(&files, d)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .collect();
    let diagnostics = diagnostics
        .into_iter()
        .zip(is_new)
        .filter_map(|(d, keep)| keep.then_some(d))
        .collect();
    Outcome {
        files,
        docs,
        diagnostics,
    }
}
