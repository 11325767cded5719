//! Pull-request mode (`--base REF`): the working tree is checked against the merge-base of REF
//! and HEAD, read straight from the object database. Only diagnostics the base did not have
//! are reported, plus what the history itself shows: extensions without re-approval (G001)
//! and deleted records (G002).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use git2::{Commit, ErrorCode, ObjectType, Oid, Repository, Tree};
use rayon::prelude::*;

use crate::check::{self, FileResult, Input, Outcome, SourceFile};
use crate::codeowners;
use crate::config::{self, Config};
use crate::date::Date;
use crate::diagnostic::Severity::Warning;
use crate::diagnostic::{Diagnostic, Loc, Record};
use crate::model::{Body, Doc, ExceptionSpec, Kind, items};
use crate::repo;
use crate::rules::Code;

/// Checks the working tree at `path` against the merge-base of `base` and HEAD.
pub fn run(path: &Path, base: &str, config: &Config, today: Date) -> Result<Outcome, String> {
    let place = repo::discover(path).map_err(|e| format!("--base needs a git work tree: {e}"))?;
    let repo = &place.repo;
    let unreadable = |e: git2::Error| format!("cannot read the base tree: {}", e.message());
    let tree = merge_base(repo, base)?.tree().map_err(unreadable)?;
    let base_list = base_files(repo, &tree, &place, config).map_err(unreadable)?;
    let base_codeowners = codeowners::find(&place.dir, |p| {
        let entry = tree.get_path(Path::new(p)).ok()?;
        if entry.filemode() == LINK {
            return None;
        }
        let blob = repo.find_blob(entry.id()).ok()?;
        (blob.size() as u64 <= codeowners::MAX_BYTES).then(|| blob.content().to_vec())
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
                Input::Disk(_) => None,
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
            None => Ok((rel, Shared::Own(repo.find_blob(oid)?.content().to_vec()))),
        })
        .collect::<Result<Vec<_>, git2::Error>>()
        .map_err(unreadable)?;
    let base_results: Vec<FileResult> = base_inputs
        .into_par_iter()
        .enumerate()
        .map(|(i, (rel, file))| match file {
            Shared::Same(h) => head_results[h].renumbered(i, rel),
            Shared::Own(bytes) => check::check_file(i, rel, Input::Memory(bytes)),
        })
        .collect();

    let head_codeowners = codeowners::on_disk(path);
    let head = check::finish(head_results, config, today, head_codeowners.as_ref());
    let base = check::finish(base_results, config, today, base_codeowners.as_ref());
    Ok(compare(head, base, config, today))
}

/// A base file: the same bytes as a working-tree file (by index), or bytes of its own.
enum Shared {
    Same(usize),
    Own(Vec<u8>),
}

/// Git's file mode for a symbolic link: never followed, as in the working tree.
const LINK: i32 = 0o120000;

fn merge_base<'r>(repo: &'r Repository, base: &str) -> Result<Commit<'r>, String> {
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
            format!("--base {base}: unknown revision ({}); {hint}", e.message())
        })?;
    let head = repo
        .head()
        .and_then(|h| h.peel_to_commit())
        .map_err(|e| match e.code() {
            ErrorCode::UnbornBranch => "--base: HEAD has no commit yet".to_string(),
            _ => format!("--base: cannot read HEAD ({})", e.message()),
        })?;
    let oid = repo.merge_base(base_commit.id(), head.id()).map_err(|e| {
        if repo.is_shallow() {
            format!("--base {base}: no merge-base with HEAD in this shallow clone; {fetch}")
        } else if e.code() == ErrorCode::NotFound {
            format!("--base {base}: {base} and HEAD have no common ancestor")
        } else {
            format!(
                "--base {base}: cannot find the merge-base ({})",
                e.message()
            )
        }
    })?;
    repo.find_commit(oid).map_err(|e| {
        format!(
            "--base {base}: cannot read the merge-base ({})",
            e.message()
        )
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

fn compare(head: Outcome, base: Outcome, config: &Config, today: Date) -> Outcome {
    let Outcome {
        mut files,
        docs,
        diagnostics,
    } = head;
    // Files whose documents could not all be read: a record missing there is unknown, not
    // deleted (P001, P003, P004 or P005 already says why).
    let unreadable: HashSet<String> = diagnostics
        .iter()
        .filter(|d| matches!(d.code, Code::P001 | Code::P003 | Code::P004 | Code::P005))
        .map(|d| files[d.file].rel.clone())
        .collect();
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
    let mut new: Vec<Diagnostic> = diagnostics
        .into_iter()
        .zip(is_new)
        .filter_map(|(d, keep)| keep.then_some(d))
        .collect();
    let mut history = Vec::new();
    let base_records = records(&base.docs);
    let head_records = records(&docs);
    for (&(kind, id), &h) in &head_records {
        if let (Kind::Exception, Some(&b)) = (kind, base_records.get(&(kind, id))) {
            history.extend(extension(b, h, id));
        }
    }
    let mut deleted: Vec<_> = base_records
        .iter()
        .filter(|(k, _)| !head_records.contains_key(*k))
        .collect();
    deleted.sort_by_key(|(_, d)| (d.file, d.index));
    for (&(_, id), b) in deleted {
        let rel = &base.files[b.file].rel;
        if unreadable.contains(rel) {
            continue;
        }
        let mut d = match &b.body {
            Body::Remediation(_) => {
                let msg = format!(
                    "Remediation `{id}` was deleted: it is audit evidence of who fixed the finding and who verified it; keep the record"
                );
                Diagnostic::new(Code::G002, file_index(&mut files, rel), Loc::File, msg)
            }
            Body::Exception(e) if e.covers(today) => {
                let expires = e.expires.get().map(ToString::to_string).unwrap_or_default();
                let msg = format!(
                    "Exception `{id}` was deleted while active (it expires {expires}): revoke it first (`status: revoked`), then delete it in a later change"
                );
                Diagnostic::new(Code::G002, file_index(&mut files, rel), Loc::File, msg)
                    .with_severity(Warning)
                    .fact("expires", expires)
            }
            _ => continue,
        };
        // The file may be gone: the record names itself.
        d.record = Some(Record {
            kind: b.kind(),
            id: id.to_string(),
            repeat: 0,
        });
        history.push(d);
    }
    check::attach_records(&files, &mut history);
    config.apply(&mut history);
    new.extend(history);
    Outcome {
        files,
        docs,
        diagnostics: new,
    }
}

/// Exceptions and Remediations by kind and id; the first of each in file order (R005 reports
/// the others). A record that moved to another file keeps its key, so a rename is no deletion.
fn records(docs: &[Doc]) -> HashMap<(Kind, &str), &Doc> {
    let mut out = HashMap::new();
    for d in docs {
        if let (Kind::Exception | Kind::Remediation, Some(id)) = (d.kind(), &d.id) {
            out.entry((d.kind(), id.as_str())).or_insert(d);
        }
    }
    out
}

/// The index of the file named `rel`: a working-tree file, or a file only the base has, added
/// once (unchecked) so that G002 can name it.
fn file_index(files: &mut Vec<SourceFile>, rel: &str) -> usize {
    let checked = files.partition_point(|f| f.checked);
    if let Ok(i) = files[..checked].binary_search_by(|f| f.rel.as_str().cmp(rel)) {
        return i;
    }
    if let Some(i) = files[checked..].iter().position(|f| f.rel == rel) {
        return checked + i;
    }
    files.push(SourceFile {
        rel: rel.to_string(),
        text: String::new(),
        yaml_docs: 0,
        checked: false,
        records: Vec::new(),
    });
    files.len() - 1
}

/// G001: an exception that now accepts more (a later `expires`) or another risk (another
/// `service` or finding) needs an approval dated after every approval it had at base.
fn extension(base: &Doc, head: &Doc, id: &str) -> Option<Diagnostic> {
    let (Body::Exception(b), Body::Exception(h)) = (&base.body, &head.body) else {
        return None;
    };
    if !h.active() {
        return None; // a revoked exception accepts nothing, however long
    }
    // (pointer, field, from, to, how to say it)
    let mut changes: Vec<(&str, &str, String, String, String)> = Vec::new();
    if let (Some(was), Some(now)) = (b.expires.get(), h.expires.get())
        && now > was
    {
        let text = format!("`expires` moved from {was} to {now}");
        changes.push((
            "/spec/expires",
            "expires",
            was.to_string(),
            now.to_string(),
            text,
        ));
    }
    if let (Some(was), Some(now)) = (b.service.get(), h.service.get())
        && was != now
    {
        let text = format!("`service` changed from `{was}` to `{now}`");
        changes.push(("/spec/service", "service", was.clone(), now.clone(), text));
    }
    if let (Some(was), Some(now)) = (finding_id(b), finding_id(h))
        && was != now
    {
        let text = format!("`finding.id` changed from `{was}` to `{now}`");
        changes.push((
            "/spec/finding/id",
            "finding.id",
            was.clone(),
            now.clone(),
            text,
        ));
    }
    let &(pointer, ..) = changes.first()?;
    let changed: Vec<serde_json::Value> = changes
        .iter()
        .map(|(_, field, from, to, _)| serde_json::json!({"field": field, "from": from, "to": to}))
        .collect();
    let latest = b.granted_on();
    let reapproved = items(&h.approvals)
        .filter_map(|(_, a)| a.on.get())
        .any(|on| latest.is_none_or(|l| *on > l));
    if reapproved {
        return None;
    }
    let since = match latest {
        Some(l) => format!("no approval is dated after {l}, the latest at base"),
        None => "no approval is dated".into(),
    };
    let what: Vec<&str> = changes.iter().map(|c| c.4.as_str()).collect();
    let msg = format!(
        "Exception `{id}`: {}, but {since}: the risk owners must approve the change",
        what.join(" and ")
    );
    let d = Diagnostic::at(Code::G001, head, pointer, msg)
        .fact("changes", changed)
        .fact_opt("base_granted_on", latest.map(|l| l.to_string()));
    Some(d)
}

fn finding_id(e: &ExceptionSpec) -> Option<&String> {
    e.finding.get()?.id.get()
}
