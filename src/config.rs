//! `foureyes.yaml`: which files to check, how severe each rule is, and the KEV catalog.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use globset::{GlobSet, GlobSetBuilder};
use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::kev::Catalog;
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
    /// Per-rule override of the default severity (`Off` turns a rule off).
    rules: HashMap<Code, Severity>,
    /// `kev_catalog`: the KEV catalog file, relative to the checked PATH.
    pub kev_catalog: Option<String>,
    /// The KEV catalog the check uses (K001, K002), once loaded.
    pub kev: Option<Catalog>,
}

impl Default for Config {
    fn default() -> Self {
        Config::from_raw(Raw {
            include: None,
            exclude: Vec::new(),
            rules: HashMap::new(),
            kev_catalog: None,
        })
        .expect("the default config is valid")
    }
}

fn globs(patterns: &[String]) -> Result<GlobSet, String> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        let g = globset::GlobBuilder::new(p)
            .literal_separator(true)
            .build()
            .map_err(|e| format!("invalid glob `{p}`: {}", e.kind()))?;
        b.add(g);
    }
    b.build().map_err(|e| e.to_string())
}

impl Config {
    /// Reads a config file; any problem is an error (a broken config is never ignored).
    pub fn load(path: &Path) -> Result<Config, String> {
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(parse::MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mut config = Config::parse(bytes, &path.display().to_string())?;
        config.path = Some(path.to_path_buf());
        Ok(config)
    }

    /// Reads a config from its bytes; `name` says where they come from, for errors.
    pub fn parse(bytes: Vec<u8>, name: &str) -> Result<Config, String> {
        let fail = |what: String| format!("{name}: {what}");
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
        Config::from_raw(raw).map_err(fail)
    }

    fn from_raw(raw: Raw) -> Result<Config, String> {
        let include = raw
            .include
            .unwrap_or_else(|| vec!["**/*.yaml".into(), "**/*.yml".into()]);
        let mut rules = HashMap::new();
        for (code, level) in raw.rules {
            let c =
                Code::parse(&code).ok_or_else(|| format!("unknown rule `{code}` in `rules`"))?;
            let sev = match level.as_str() {
                "error" => Severity::Error,
                "warning" => Severity::Warning,
                "off" => Severity::Off,
                other => {
                    return Err(format!(
                        "rule {code}: `{other}` is not one of error, warning, off"
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
                return Err(format!(
                    "kev_catalog: `{file}` must be a relative path inside the checked folder"
                ));
            }
        }
        Ok(Config {
            include: globs(&include)?,
            exclude: globs(&raw.exclude)?,
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

    /// Gives each diagnostic its rule's configured severity (it keeps the one its rule chose
    /// when the config says nothing) and drops those left off.
    pub fn apply(&self, diagnostics: &mut Vec<Diagnostic>) {
        diagnostics.retain_mut(|d| {
            if let Some(s) = self.rules.get(&d.code) {
                d.severity = *s;
            }
            d.severity != Severity::Off
        });
    }
}
