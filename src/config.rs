//! `foureyes.yaml`: which files to check, how severe each rule is, and the KEV catalog.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use globset::{GlobSet, GlobSetBuilder};
use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Level};
use crate::error::{Error, Input, Result};
use crate::kev::{self, Catalog};
use crate::parse::{self, Problem};
use crate::rules::Code;

pub const FILE_NAME: &str = "foureyes.yaml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    include: Option<Vec<String>>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    rules: HashMap<String, String>,
    #[serde(default)]
    kev_catalog: Option<String>,
}

pub struct Config {
    include: GlobSet,
    exclude: GlobSet,
    /// The file it was read from (pull-request mode reads that file's base version).
    pub path: Option<PathBuf>,
    /// Per-rule override of the default level (`Off` turns a rule off).
    rules: HashMap<Code, Level>,
    /// `kev_catalog`: the KEV catalog file, relative to the checked PATH.
    pub kev_catalog: Option<String>,
    /// The KEV catalog the check uses (K001, K002), once loaded.
    pub kev: Option<Catalog>,
}

impl Default for Config {
    fn default() -> Self {
        let raw = Raw {
            include: None,
            exclude: Vec::new(),
            rules: HashMap::new(),
            kev_catalog: None,
        };
        Config::from_raw(raw, FILE_NAME).expect("the default config is valid")
    }
}

fn globs(patterns: &[String], name: &str) -> Result<GlobSet> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        let g = globset::GlobBuilder::new(p)
            .literal_separator(true)
            .build()
            .map_err(|e| invalid(name, format!("invalid glob `{p}`: {}", e.kind())))?;
        b.add(g);
    }
    b.build().map_err(|e| invalid(name, e.to_string()))
}

/// A config named `name` (as [`Config::parse`] names it) that cannot be used.
fn invalid(name: &str, reason: String) -> Error {
    Error::Invalid {
        input: Input::Config(name.to_string()),
        reason,
    }
}

impl Config {
    /// The config of a check of `root`: `file` (`--config`), else `foureyes.yaml` in `root`
    /// when it exists; with the KEV catalog `kev_catalog` (`--kev-catalog`), else the one
    /// the config's `kev_catalog` names (a file of the repository).
    pub fn for_root(
        root: &Path,
        file: Option<&Path>,
        kev_catalog: Option<&Path>,
    ) -> Result<Config> {
        let mut config = match file {
            Some(file) => Config::load(file)?,
            None => Config::in_repo(root)?,
        };
        config.kev = match (kev_catalog, &config.kev_catalog) {
            (Some(file), _) => Some(kev::load(file)?),
            (None, Some(rel)) => Some(kev::load_in_repo(&root.join(rel))?),
            (None, None) => None,
        };
        Ok(config)
    }

    /// `foureyes.yaml` in `root`, else the default config. Repository content: read only as
    /// a regular file, never through a link (it could name /dev/zero or a file outside the
    /// repository) nor a FIFO.
    fn in_repo(root: &Path) -> Result<Config> {
        let file = root.join(FILE_NAME);
        match std::fs::symlink_metadata(&file) {
            Ok(m) if m.is_file() => Config::load(&file),
            Ok(_) => Err(invalid(
                &file.display().to_string(),
                "not a regular file (links are not followed)".into(),
            )),
            Err(_) => Ok(Config::default()),
        }
    }

    /// Reads a config file; any problem is an error (a broken config is never ignored).
    pub fn load(path: &Path) -> Result<Config> {
        let name = path.display().to_string();
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(parse::MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
            .map_err(|source| Error::Read {
                input: Input::Config(name.clone()),
                source,
            })?;
        let mut config = Config::parse(bytes, &name)?;
        config.path = Some(path.to_path_buf());
        Ok(config)
    }

    /// Reads a config from its bytes; `name` says where they come from, for errors.
    pub fn parse(bytes: Vec<u8>, name: &str) -> Result<Config> {
        let fail = |what: String| invalid(name, what);
        if bytes.len() as u64 > parse::MAX_FILE_BYTES {
            let mib = parse::MAX_FILE_BYTES >> 20;
            return Err(fail(format!("larger than {mib} MiB")));
        }
        let text = parse::decode(bytes).map_err(|_| fail("not valid UTF-8 text".into()))?;
        let parsed = parse::parse(&text, false);
        if let Some(p) = parsed.problems.first() {
            return Err(fail(match p {
                Problem::Syntax { pos, message } => {
                    format!("{}:{}: {message}", pos.line, pos.col)
                }
                Problem::DuplicateKey {
                    pointer, key_span, ..
                } => format!(
                    "{}:{}: duplicate key `{}`",
                    key_span.start.line,
                    key_span.start.col,
                    pointer.rsplit('/').next().unwrap_or_default()
                ),
                Problem::Limit { message } => message.clone(),
            }));
        }
        let value = match &parsed.docs[..] {
            [] => serde_json::Value::Object(Default::default()),
            [one] if one.value.is_null() => serde_json::Value::Object(Default::default()),
            [one] => one.value.clone(),
            _ => return Err(fail("expected a single YAML document".into())),
        };
        let raw = Raw::deserialize(&value).map_err(|e| fail(e.to_string()))?;
        Config::from_raw(raw, name)
    }

    fn from_raw(raw: Raw, name: &str) -> Result<Config> {
        let include = raw
            .include
            .unwrap_or_else(|| vec!["**/*.yaml".into(), "**/*.yml".into()]);
        let mut rules = HashMap::new();
        for (code, level) in raw.rules {
            let c = Code::parse(&code)
                .ok_or_else(|| invalid(name, format!("unknown rule `{code}` in `rules`")))?;
            let sev = match level.as_str() {
                "error" => Level::Error,
                "warning" => Level::Warning,
                "off" => Level::Off,
                other => {
                    return Err(invalid(
                        name,
                        format!("rule {code}: `{other}` is not one of error, warning, off"),
                    ));
                }
            };
            rules.insert(c, sev);
        }
        if let Some(file) = &raw.kev_catalog {
            let path = Path::new(file);
            // Repository content: it names a file of the repository, nothing outside it.
            let outside = |c: Component| !matches!(c, Component::Normal(_) | Component::CurDir);
            if file.is_empty() || path.is_absolute() || path.components().any(outside) {
                return Err(invalid(
                    name,
                    format!(
                        "kev_catalog: `{file}` must be a relative path inside the checked folder"
                    ),
                ));
            }
        }
        Ok(Config {
            include: globs(&include, name)?,
            exclude: globs(&raw.exclude, name)?,
            rules,
            path: None,
            kev_catalog: raw.kev_catalog,
            kev: None,
        })
    }

    /// Whether a file (path relative to the checked root, with `/`) is checked.
    pub fn selects(&self, rel: &str) -> bool {
        self.include.is_match(rel) && !self.exclude.is_match(rel)
    }

    /// A rule's level: the config's, else the rule's default.
    pub fn level(&self, code: Code) -> Level {
        self.rules
            .get(&code)
            .copied()
            .unwrap_or(code.rule().severity)
    }

    /// Gives each diagnostic its rule's configured severity (it keeps the one its rule chose
    /// when the config says nothing) and drops those of rules turned off.
    pub fn apply(&self, diagnostics: &mut Vec<Diagnostic>) {
        diagnostics.retain_mut(|d| match self.rules.get(&d.code) {
            Some(level) => level.severity().map(|s| d.severity = s).is_some(),
            None => d.code.rule().severity != Level::Off,
        });
    }
}
