//! The pipeline: discover → parse → schema → model → rules. Produces symbolic diagnostics.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde_json::Value;

use crate::bounded;
use crate::codeowners::{self, Codeowners};
use crate::config::{self, Config};
use crate::date::Date;
use crate::diagnostic::{Diagnostic, Level, Loc, Record};
use crate::error::{self, Error, Result};
use crate::kev::Catalog;
use crate::model::{Doc, Kind, Model};
use crate::parse::{self, Problem};
use crate::rules::{self, Code};
use crate::schema;

/// A checked file: its path relative to the root (with `/`) and, when readable, its text.
#[derive(Clone)]
pub struct SourceFile {
    pub rel: String,
    pub text: String,
    /// How many YAML documents the file holds (diagnostics name the document when > 1).
    pub yaml_docs: usize,
    /// False for a file that is not reported on: one that only the base commit has
    /// (pull-request mode names it when a record was deleted with it), or, when one file is
    /// checked, the rest of its repository.
    pub checked: bool,
    /// The record each YAML document of the file is (by document index), when it has a
    /// known `kind` and a `metadata.id`.
    pub records: Vec<Option<Record>>,
}

pub struct Outcome {
    pub files: Vec<SourceFile>,
    /// The governance documents, typed.
    pub docs: Vec<Doc>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Gives each diagnostic on a document the record that document is.
pub fn attach_records(files: &[SourceFile], diagnostics: &mut [Diagnostic]) {
    for d in diagnostics {
        if d.record.is_none()
            && let Some(doc) = d.doc()
        {
            d.record = files[d.file].records.get(doc).cloned().flatten();
        }
    }
}

/// The records of a file's documents: kind and `metadata.id` as written, for every document
/// that names a known kind (a look-alike reported as P003 too), numbered apart when the
/// file repeats one (R005).
fn records_of(docs: &[parse::Document]) -> Vec<Option<Record>> {
    let mut seen: HashMap<(Kind, &str), usize> = HashMap::new();
    docs.iter()
        .map(|d| {
            let kind = Kind::from_name(d.value.get("kind")?.as_str()?)?;
            let id = d.value.get("metadata")?.get("id")?.as_str()?;
            let n = seen.entry((kind, id)).or_default();
            *n += 1;
            Some(Record {
                kind,
                id: id.to_string(),
                repeat: *n - 1,
            })
        })
        .collect()
}

/// Lists the files to check under `root`, sorted by relative path. A symlink is never
/// followed, and nothing but regular files is opened (a FIFO named x.yaml cannot hang us).
pub fn discover(root: &Path, config: &Config) -> Result<Vec<(String, PathBuf)>> {
    let cannot = |source| Error::Read {
        input: error::Input::Path(root.to_path_buf()),
        source,
    };
    let meta = std::fs::metadata(root).map_err(cannot)?;
    if meta.is_file() {
        let name = root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        return Ok(vec![(name, root.to_path_buf())]);
    }
    let mut files = Vec::new();
    let (prefix, gitlinks) = gitlinks(root);
    // Submodules and nested repositories are other repositories: their folders are not read.
    let other_repository = |e: &walkdir::DirEntry| {
        e.file_type().is_dir()
            && (std::fs::symlink_metadata(e.path().join(".git")).is_ok()
                || !gitlinks.is_empty()
                    && gitlinks.contains(&format!("{prefix}{}", rel_of(root, e.path()))))
    };
    let walk = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || (e.file_name() != ".git" && !other_repository(e)));
    for entry in walk {
        let entry = entry.map_err(|e| cannot(e.into()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = rel_of(root, entry.path());
        if rel == config::FILE_NAME || !config.selects(&rel) {
            continue;
        }
        files.push((rel, entry.into_path()));
    }
    files.sort();
    Ok(files)
}

/// `path` relative to `root`, with `/`.
fn rel_of(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The submodules (gitlinks) in the index of the work tree holding `root`, by path in the
/// repository, with `root`'s own path there (empty, or ending in `/`). A submodule that is
/// not checked out has no `.git` inside; its folder is skipped all the same.
fn gitlinks(root: &Path) -> (String, HashSet<String>) {
    const GITLINK: u32 = 0o160000;
    let Ok(place) = crate::repo::discover(root) else {
        return (String::new(), HashSet::new());
    };
    let links = match place.repo.index() {
        Ok(index) => index
            .iter()
            .filter(|e| e.mode == GITLINK)
            .map(|e| String::from_utf8_lossy(&e.path).into_owned())
            .collect(),
        Err(_) => HashSet::new(),
    };
    (place.dir, links)
}

/// Where a file's bytes come from: the working tree, or memory (a git tree, a test); or a
/// git blob over the size limit, which is never loaded.
pub enum Input {
    Disk(PathBuf),
    Memory(Vec<u8>),
    TooLarge,
}

impl Input {
    /// Reads a file now (pull-request mode compares its bytes with the base); one that cannot
    /// be read within the limits stays on disk, for [`check_file`] to report why.
    pub fn load(path: PathBuf) -> Input {
        match read_limited(&path) {
            Ok(bytes) => Input::Memory(bytes),
            Err(_) => Input::Disk(path),
        }
    }
}

/// What the per-file stage learns from one file. It depends on the bytes alone, so a file
/// with the same bytes elsewhere (the base commit) can reuse it.
#[derive(Clone)]
pub(crate) struct FileResult {
    source: SourceFile,
    docs: Vec<Doc>,
    diagnostics: Vec<Diagnostic>,
}

impl FileResult {
    /// The same result for a file named `rel` at position `index` of another file list.
    pub(crate) fn renumbered(&self, index: usize, rel: String) -> FileResult {
        let mut r = self.clone();
        r.source.rel = rel;
        r.docs.iter_mut().for_each(|d| d.file = index);
        r.diagnostics.iter_mut().for_each(|d| d.file = index);
        r
    }
}

/// Reads, parses, schema-checks and types one file, at position `index` of the file list.
pub(crate) fn check_file(index: usize, rel: String, input: Input) -> FileResult {
    let mut out = FileResult {
        source: SourceFile {
            rel,
            text: String::new(),
            yaml_docs: 0,
            checked: true,
            records: Vec::new(),
        },
        docs: Vec::new(),
        diagnostics: Vec::new(),
    };
    let text = match read_text(input) {
        Ok(text) => text,
        Err((code, loc, message)) => {
            let d = Diagnostic::new(code, index, loc, message);
            let d = match code {
                Code::P004 => d.id_fact("limit", "file_size"),
                _ => d,
            };
            out.diagnostics.push(d);
            return out;
        }
    };
    let parsed = parse::parse(&text, false);
    let diag = |code, loc, msg: String| Diagnostic::new(code, index, loc, msg);
    // P002: how often each key was repeated so far, so that a third `a:` is its own problem.
    let mut repeats: HashMap<(usize, String), usize> = HashMap::new();
    for p in parsed.problems {
        out.diagnostics.push(match p {
            Problem::Syntax { pos, message } => {
                let message = syntax_message(&text, pos, message);
                diag(Code::P001, Loc::At(pos), message)
            }
            Problem::DuplicateKey {
                doc,
                pointer,
                key_span,
            } => {
                let key = unescape(pointer.rsplit('/').next().unwrap_or_default());
                let n = repeats.entry((doc, pointer.clone())).or_default();
                *n += 1;
                let occurrence = *n + 1;
                let loc = Loc::Exact {
                    doc,
                    pointer,
                    span: key_span,
                };
                diag(Code::P002, loc, format!("duplicate key `{key}`"))
                    .id_fact("key", key)
                    .id_fact("occurrence", occurrence)
            }
            Problem::Limit { message } => {
                diag(Code::P004, Loc::File, message).id_fact("limit", "parse")
            }
        });
    }
    out.source.text = text;
    if out.diagnostics.iter().any(|d| d.code == Code::P004) {
        return out;
    }
    out.source.yaml_docs = parsed.docs.len();
    out.source.records = records_of(&parsed.docs);
    // Most files hold one document: a Vec grown by push would reserve room for four.
    out.docs.reserve_exact(parsed.docs.len());
    for (n, doc) in parsed.docs.into_iter().enumerate() {
        let node = |pointer: &str| Loc::Node {
            doc: n,
            pointer: pointer.into(),
            key: false,
        };
        let kind = match envelope(&doc.value) {
            Envelope::Other => continue,
            Envelope::Unknown(pointer, message, (key, value)) => {
                let d = diag(Code::P003, node(pointer), message).id_fact(key, value);
                out.diagnostics.push(d);
                continue;
            }
            Envelope::Governance(kind) => kind,
        };
        for v in schema::validate(kind, &doc.value) {
            let loc = Loc::Node {
                doc: n,
                pointer: v.pointer,
                key: v.key,
            };
            out.diagnostics
                .push(diag(Code::S001, loc, v.message).with_facts(v.facts));
        }
        out.docs.push(Doc::from_value(index, n, kind, &doc.value));
    }
    out
}

/// A file's text, or the file-level diagnostic that explains why it has none to check.
fn read_text(input: Input) -> Result<String, (Code, Loc, String)> {
    let bytes = match input {
        Input::Disk(path) => read_limited(&path),
        Input::Memory(b) if b.len() as u64 > parse::MAX_FILE_BYTES => Err(too_big()),
        Input::Memory(b) => Ok(b),
        Input::TooLarge => Err(too_big()),
    };
    let bytes = bytes.map_err(|(code, message)| (code, Loc::File, message))?;
    if is_lfs_pointer(&bytes) {
        let message = "a Git LFS pointer: the file's content is not in the repository, so it cannot be checked";
        return Err((Code::P005, Loc::File, message.into()));
    }
    parse::decode(bytes).map_err(|(pos, message)| (Code::P001, Loc::At(pos), message))
}

/// Whether a file is what Git LFS stores in place of the content it tracks.
fn is_lfs_pointer(bytes: &[u8]) -> bool {
    let Some(rest) = bytes.strip_prefix(b"version https://git-lfs.github.com/spec/v1") else {
        return false;
    };
    matches!(rest, [] | [b'\n', ..] | [b'\r', b'\n', ..])
}

/// saphyr's message for a syntax error, with what to do when it is a common mistake.
fn syntax_message(text: &str, pos: parse::Pos, message: String) -> String {
    let rest = text.chars().skip(pos.index as usize);
    let found = rest.clone().next();
    match found {
        // `@` and `` ` `` are reserved: a plain scalar cannot start with them.
        Some(c @ ('@' | '`')) => {
            let value: String = rest
                .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | ']' | '}' | '#'))
                .take(100)
                .collect();
            format!(
                "unexpected `{c}`: YAML reserves it at the start of a value, so quote the value: \"{value}\""
            )
        }
        _ => message,
    }
}

/// What the envelope (`apiVersion`, `kind`) says a YAML document is.
enum Envelope {
    /// Not a governance document: skipped silently.
    Other,
    /// A governance document, or one that looks like one, that is not checked (P003): the
    /// pointer to blame, why, and the identity fact (the field and its value as written).
    Unknown(&'static str, String, (&'static str, String)),
    Governance(Kind),
}

fn envelope(value: &Value) -> Envelope {
    let Some(map) = value.as_object() else {
        return Envelope::Other;
    };
    let kinds = || Kind::ALL.iter().map(|k| k.name());
    let api = map.get("apiVersion");
    match api.and_then(Value::as_str) {
        Some("foureyes.dev/v1") => {}
        Some(api) if api.starts_with("foureyes.dev/") => {
            let msg = format!("unknown apiVersion `{api}`: this foureyes reads foureyes.dev/v1");
            return Envelope::Unknown("/apiVersion", msg, ("apiVersion", api.into()));
        }
        // A document with a governance kind and a spec looks like one: it must not vanish.
        _ => {
            let kind = map.get("kind").and_then(Value::as_str);
            let Some(kind) = kind.filter(|k| Kind::from_name(k).is_some()) else {
                return Envelope::Other;
            };
            if !map.contains_key("spec") {
                return Envelope::Other;
            }
            return match api {
                Some(api) => {
                    let api = match api {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    let msg = format!(
                        "apiVersion `{api}` is not foureyes.dev/v1: this {kind} document is not checked and defines nothing"
                    );
                    Envelope::Unknown("/apiVersion", msg, ("apiVersion", api))
                }
                None => {
                    let near = map.keys().find(|k| k.eq_ignore_ascii_case("apiVersion"));
                    let found = near.map_or_else(String::new, |k| {
                        format!(" (`{k}` is not it: keys are case-sensitive)")
                    });
                    let msg = format!(
                        "a {kind} document without `apiVersion: foureyes.dev/v1`{found}: it is not checked and defines nothing"
                    );
                    Envelope::Unknown("", msg, ("apiVersion", String::new()))
                }
            };
        }
    }
    match map.get("kind") {
        Some(Value::String(k)) => match Kind::from_name(k) {
            Some(kind) => Envelope::Governance(kind),
            None => {
                let hint = crate::suggest::did_you_mean(k, kinds());
                let all = kinds().collect::<Vec<_>>().join(", ");
                let msg = format!("unknown kind `{k}`{hint} (the kinds are {all})");
                Envelope::Unknown("/kind", msg, ("kind", k.clone()))
            }
        },
        Some(other) => {
            let msg = "`kind` must be a string".into();
            Envelope::Unknown("/kind", msg, ("kind", other.to_string()))
        }
        None => Envelope::Unknown("", "missing `kind`".into(), ("kind", String::new())),
    }
}

fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// Reads a file, refusing one over the size limit without reading it.
pub fn read_limited(path: &Path) -> Result<Vec<u8>, (Code, String)> {
    match bounded::read(path, parse::MAX_FILE_BYTES) {
        Ok(Some(bytes)) => Ok(bytes),
        Ok(None) => Err(too_big()),
        Err(e) => Err((Code::P001, format!("cannot read file: {e}"))),
    }
}

fn too_big() -> (Code, String) {
    let msg = format!("file is larger than {} MiB", parse::MAX_FILE_BYTES >> 20);
    (Code::P004, msg)
}

/// Runs the whole check over `root`.
pub fn run(root: &Path, config: &Config, today: Date) -> Result<Outcome> {
    let found = discover(root, config)?;
    Ok(run_listed(root, found, config, today))
}

/// Runs the whole check over the files `found` under `root` (relative path and path on
/// disk, sorted), with the repository's CODEOWNERS and config file.
pub(crate) fn run_listed(
    root: &Path,
    found: Vec<(String, PathBuf)>,
    config: &Config,
    today: Date,
) -> Outcome {
    let results = found
        .into_par_iter()
        .enumerate()
        .map(|(i, (rel, path))| check_file(i, rel, Input::Disk(path)))
        .collect();
    let codeowners = codeowners::on_disk(root);
    let mut side = Side::new(results);
    if has_config(root) {
        side.add_config();
    }
    conclude(side, config, today, codeowners.as_ref())
}

/// Whether the checked directory holds a config file (of any type: G003 asks who owns it).
pub(crate) fn has_config(root: &Path) -> bool {
    root.is_dir()
        && std::fs::symlink_metadata(root.join(config::FILE_NAME)).is_ok_and(|m| !m.is_dir())
}

/// Runs the whole check over files given by relative path (sorted by the caller), with the
/// CODEOWNERS file that governs them, if any.
pub fn run_inputs(
    inputs: Vec<(String, Input)>,
    config: &Config,
    today: Date,
    codeowners: Option<&Codeowners>,
) -> Outcome {
    let results = inputs
        .into_par_iter()
        .enumerate()
        .map(|(i, (rel, input))| check_file(i, rel, input))
        .collect();
    conclude(Side::new(results), config, today, codeowners)
}

/// The cross-document stage over one side's files, in file order: model, rules, config.
fn conclude(side: Side, config: &Config, today: Date, codeowners: Option<&Codeowners>) -> Outcome {
    let model = side.model(today, codeowners, config.kev.as_ref());
    let found = judge(&model, config);
    drop(model);
    side.outcome(found, config)
}

/// One side of a check (the working tree, or a base commit) after the per-file stage.
pub(crate) struct Side {
    pub(crate) files: Vec<SourceFile>,
    pub(crate) docs: Vec<Doc>,
    /// The per-file diagnostics (parse, schema).
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// The index of the config file in `files`, when [`Side::add_config`] found one.
    config_file: Option<usize>,
}

impl Side {
    pub(crate) fn new(results: Vec<FileResult>) -> Side {
        let mut side = Side {
            files: Vec::with_capacity(results.len()),
            docs: Vec::new(),
            diagnostics: Vec::new(),
            config_file: None,
        };
        for r in results {
            side.files.push(r.source);
            side.diagnostics.extend(r.diagnostics);
            side.docs.extend(r.docs);
        }
        side
    }

    /// Names a file this side does not check (a file only the base commit has), after the
    /// checked ones; returns its index.
    pub(crate) fn add_unchecked(&mut self, rel: &str) -> usize {
        self.files.push(SourceFile {
            rel: rel.to_string(),
            text: String::new(),
            yaml_docs: 0,
            checked: false,
            records: Vec::new(),
        });
        self.files.len() - 1
    }

    /// Names the config file at the checked root, which G003 judges (it is never parsed as
    /// governance YAML).
    pub(crate) fn add_config(&mut self) {
        self.config_file = Some(self.add_unchecked(config::FILE_NAME));
    }

    /// The model over this side's documents.
    /// `kev`: the KEV catalog of the check, when it has one (K001, K002).
    pub(crate) fn model<'a>(
        &'a self,
        today: Date,
        codeowners: Option<&'a Codeowners>,
        kev: Option<&'a Catalog>,
    ) -> Model<'a> {
        let paths = self.files.iter().map(|f| f.rel.as_str()).collect();
        let mut model = Model::build(&self.docs, today, paths, codeowners);
        model.kev = kev;
        model.incomplete = self
            .diagnostics
            .iter()
            .filter(|d| matches!(d.code, Code::P001 | Code::P003 | Code::P004 | Code::P005))
            .map(|d| d.file)
            .collect();
        model.config_file = self.config_file;
        model
    }

    /// This side's outcome: its per-file diagnostics and what the rules found, capped.
    pub(crate) fn outcome(self, mut found: Vec<Diagnostic>, config: &Config) -> Outcome {
        let mut diagnostics = self.diagnostics;
        config.apply(&mut diagnostics);
        diagnostics.append(&mut found);
        cap_per_file(&mut diagnostics, config);
        attach_records(&self.files, &mut diagnostics);
        Outcome {
            files: self.files,
            docs: self.docs,
            diagnostics,
        }
    }
}

/// Runs the rules over a model and applies the config.
pub(crate) fn judge(model: &Model, config: &Config) -> Vec<Diagnostic> {
    let mut diagnostics = rules::run(model, |code| config.level(code) != Level::Off);
    config.apply(&mut diagnostics);
    diagnostics
}

/// At most this many diagnostics are reported per file, then one P004: a hostile file
/// cannot make locating, rendering or the output grow without bound.
const MAX_FILE_DIAGNOSTICS: usize = 1000;

pub fn cap_per_file(diagnostics: &mut Vec<Diagnostic>, config: &Config) {
    let mut counts: HashMap<usize, usize> = HashMap::new();
    diagnostics.retain(|d| {
        let n = counts.entry(d.file).or_default();
        *n += 1;
        *n <= MAX_FILE_DIAGNOSTICS
    });
    let mut over: Vec<usize> = counts
        .into_iter()
        .filter(|&(_, n)| n > MAX_FILE_DIAGNOSTICS)
        .map(|(file, _)| file)
        .collect();
    over.sort_unstable();
    let mut notes: Vec<Diagnostic> = over
        .into_iter()
        .map(|file| {
            let msg = format!(
                "more than {MAX_FILE_DIAGNOSTICS} diagnostics in this file: only the first {MAX_FILE_DIAGNOSTICS} are reported"
            );
            Diagnostic::new(Code::P004, file, Loc::File, msg).id_fact("limit", "diagnostics")
        })
        .collect();
    config.apply(&mut notes);
    diagnostics.extend(notes);
}
