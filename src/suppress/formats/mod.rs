//! The scanners' suppression files, one small module per format. Each reads a file's text
//! into entries (what is silenced, where, until when) and problems (what does not parse).
//! Fields foureyes does not need are ignored.

mod cargo_audit;
mod deny;
mod grype;
mod osv;
mod snyk;
mod trivy_yaml;
mod trivyignore;

use serde_json::Value;

use super::instant::Instant;
use crate::parse::{self, Pos, Span, SpanMap};
use crate::rules::Code;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    TrivyIgnore,
    TrivyYaml,
    Osv,
    Grype,
    Snyk,
    Deny,
    CargoAudit,
}

impl Format {
    pub const ALL: [Format; 7] = [
        Format::TrivyIgnore,
        Format::TrivyYaml,
        Format::Osv,
        Format::Grype,
        Format::Snyk,
        Format::Deny,
        Format::CargoAudit,
    ];

    /// The format of a file, by its path (`/` separators): its name, and for
    /// `audit.toml` its folder.
    pub fn of(path: &str) -> Option<Format> {
        let mut parts = path.rsplit('/');
        let name = parts.next()?;
        Some(match name {
            ".trivyignore" => Format::TrivyIgnore,
            ".trivyignore.yaml" | ".trivyignore.yml" => Format::TrivyYaml,
            "osv-scanner.toml" => Format::Osv,
            ".grype.yaml" | ".grype.yml" => Format::Grype,
            ".snyk" => Format::Snyk,
            "deny.toml" => Format::Deny,
            "audit.toml" if parts.next() == Some(".cargo") => Format::CargoAudit,
            _ => return None,
        })
    }

    /// How the format is named in messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::TrivyIgnore => ".trivyignore",
            Format::TrivyYaml => ".trivyignore.yaml",
            Format::Osv => "osv-scanner.toml",
            Format::Grype => ".grype.yaml",
            Format::Snyk => ".snyk",
            Format::Deny => "deny.toml",
            Format::CargoAudit => ".cargo/audit.toml",
        }
    }

    /// How an entry of this format expires on `day`, for messages; `None` in formats
    /// without an expiry.
    pub fn expiry_hint(self, day: crate::date::Date) -> Option<String> {
        Some(match self {
            Format::TrivyIgnore => format!("`exp:{day}`"),
            Format::TrivyYaml => format!("`expired_at: {day}`"),
            Format::Osv => format!("`ignoreUntil = {day}`"),
            Format::Snyk => format!("`expires: {day}`"),
            Format::Grype | Format::Deny | Format::CargoAudit => return None,
        })
    }

    pub fn parse(self, text: &str) -> Parsed {
        match self {
            Format::TrivyIgnore => trivyignore::parse(text),
            Format::TrivyYaml => trivy_yaml::parse(text),
            Format::Osv => osv::parse(text),
            Format::Grype => grype::parse(text),
            Format::Snyk => snyk::parse(text),
            Format::Deny => deny::parse(text),
            Format::CargoAudit => cargo_audit::parse(text),
        }
    }
}

/// A place in a suppression file: its span and, in YAML and TOML files, the JSON pointer
/// of the node in the file's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct At {
    pub span: Span,
    pub pointer: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum What {
    /// A finding id.
    Id(String),
    /// Silences findings without naming one: what it silences, for the message.
    Blanket(String),
}

/// One suppression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub what: What,
    /// The id (or the whole blanket entry).
    pub at: At,
    /// In formats with an expiry, one per rule of the entry (a `.snyk` id has one per path);
    /// empty in formats without one.
    pub expiries: Vec<Expiry>,
}

/// An entry's expiry, or its absence (the default: none written).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expiry {
    /// `None`: no expiry (or one that does not read as a date, which a problem reports).
    pub until: Option<Instant>,
    /// The value as written, for messages.
    pub text: String,
    /// The expiry's value; `None` when it is absent.
    pub at: Option<At>,
}

/// Something in a file that a scanner would not accept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub code: Code,
    /// `None` for the whole file.
    pub at: Option<At>,
    pub message: String,
}

#[derive(Debug, Default)]
pub struct Parsed {
    pub entries: Vec<Entry>,
    pub problems: Vec<Problem>,
}

impl Parsed {
    fn failed(code: Code, at: Option<At>, message: impl Into<String>) -> Parsed {
        Parsed {
            entries: Vec::new(),
            problems: vec![Problem {
                code,
                at,
                message: message.into(),
            }],
        }
    }

    fn problem(&mut self, at: At, message: impl Into<String>) {
        self.problems.push(Problem {
            code: Code::P001,
            at: Some(at),
            message: message.into(),
        });
    }
}

/// Byte offsets to positions (1-based line and column in characters, character index).
pub(crate) struct Lines<'a> {
    text: &'a str,
    /// Byte offset and character index of each line's start.
    starts: Vec<(usize, usize)>,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Lines<'a> {
        let mut starts = vec![(0, 0)];
        let mut chars = 0;
        let mut last = 0;
        for (i, _) in text.match_indices('\n') {
            chars += text[last..=i].chars().count();
            last = i + 1;
            starts.push((last, chars));
        }
        Lines { text, starts }
    }

    pub fn pos(&self, byte: usize) -> Pos {
        let mut byte = byte.min(self.text.len());
        while !self.text.is_char_boundary(byte) {
            byte -= 1;
        }
        let line = self.starts.partition_point(|&(b, _)| b <= byte) - 1;
        let (start, index) = self.starts[line];
        let col = self.text[start..byte].chars().count();
        Pos {
            line: line as u32 + 1,
            col: col as u32 + 1,
            index: (index + col) as u32,
        }
    }

    pub fn span(&self, range: std::ops::Range<usize>) -> Span {
        Span {
            start: self.pos(range.start),
            end: self.pos(range.end),
        }
    }
}

/// A YAML suppression file's first document (scanners read only that one), with spans.
struct YamlDoc {
    value: Value,
    spans: SpanMap,
}

impl YamlDoc {
    /// Reads a YAML suppression file whose top level must be a mapping: `read` gets that
    /// mapping; a file that does not parse, or is not a mapping, is its problems alone.
    fn read_map(
        text: &str,
        read: impl FnOnce(&YamlDoc, &serde_json::Map<String, Value>, &mut Parsed),
    ) -> Parsed {
        let doc = match YamlDoc::load(text) {
            Ok(d) => d,
            Err(p) => return p,
        };
        let mut out = Parsed::default();
        if let Some(root) = doc.expect_map(&doc.value, "", "the file", &mut out) {
            read(&doc, root, &mut out);
        }
        out
    }

    fn load(text: &str) -> Result<YamlDoc, Parsed> {
        let parsed = parse::parse(text, true);
        let mut duplicates = Vec::new();
        for p in parsed.problems {
            match p {
                parse::Problem::Syntax { pos, message } => {
                    let at = At {
                        span: Span {
                            start: pos,
                            end: pos,
                        },
                        pointer: None,
                    };
                    return Err(Parsed::failed(Code::P001, Some(at), message));
                }
                parse::Problem::Limit { message } => {
                    return Err(Parsed::failed(Code::P004, None, message));
                }
                parse::Problem::DuplicateKey {
                    doc: 0,
                    pointer,
                    key_span,
                } => {
                    let key = pointer.rsplit('/').next().unwrap_or_default();
                    let key = key.replace("~1", "/").replace("~0", "~");
                    duplicates.push(Problem {
                        code: Code::P002,
                        message: format!("duplicate key `{key}`: the scanner rejects the file"),
                        at: Some(At {
                            span: key_span,
                            pointer: Some(pointer),
                        }),
                    });
                }
                parse::Problem::DuplicateKey { .. } => {}
            }
        }
        if !duplicates.is_empty() {
            return Err(Parsed {
                entries: Vec::new(),
                problems: duplicates,
            });
        }
        Ok(match parsed.docs.into_iter().next() {
            Some(d) => YamlDoc {
                value: d.value,
                spans: d.spans,
            },
            None => YamlDoc {
                value: Value::Null,
                spans: SpanMap::new(),
            },
        })
    }

    /// The value's place at `pointer`, or the key's with `key`.
    fn at(&self, pointer: &str, key: bool) -> At {
        let span = self
            .spans
            .get(pointer)
            .map(|(k, v)| if key { k.unwrap_or(*v) } else { *v })
            .unwrap_or_default();
        At {
            span,
            pointer: Some(pointer.to_string()),
        }
    }

    /// The place of a node that must be a mapping, or the problem that it is not one.
    fn expect_map<'v>(
        &self,
        value: &'v Value,
        pointer: &str,
        what: &str,
        out: &mut Parsed,
    ) -> Option<&'v serde_json::Map<String, Value>> {
        match value {
            Value::Object(m) => Some(m),
            Value::Null => None,
            other => {
                let at = self.at(pointer, false);
                out.problem(at, format!("{what} must be a mapping, not {}", kind(other)));
                None
            }
        }
    }

    fn expect_list<'v>(
        &self,
        value: &'v Value,
        pointer: &str,
        what: &str,
        out: &mut Parsed,
    ) -> Option<&'v Vec<Value>> {
        match value {
            Value::Array(a) => Some(a),
            Value::Null => None,
            other => {
                let at = self.at(pointer, false);
                out.problem(at, format!("{what} must be a list, not {}", kind(other)));
                None
            }
        }
    }

    /// An expiry value (`expired_at`, `expires`): a date or timestamp; a value that is none
    /// is reported and reads as no expiry.
    fn expiry(
        &self,
        value: Option<&Value>,
        pointer: &str,
        field: &str,
        out: &mut Parsed,
    ) -> Expiry {
        let Some(v) = value.filter(|v| !v.is_null()) else {
            return Expiry::default();
        };
        let at = self.at(pointer, false);
        let text = match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let until = Instant::parse(&text);
        if until.is_none() {
            out.problem(
                at.clone(),
                format!("`{field}` must be a date (YYYY-MM-DD) or an RFC 3339 timestamp"),
            );
        }
        Expiry {
            until,
            text,
            at: Some(at),
        }
    }
}

/// `/a/b` + `c` as a JSON pointer.
fn child(pointer: &str, segment: &str) -> String {
    let mut p = String::with_capacity(pointer.len() + segment.len() + 1);
    p.push_str(pointer);
    p.push('/');
    parse::escape_into(&mut p, segment);
    p
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// A TOML suppression file, parsed with spans.
mod toml_doc {
    use super::{At, Lines, Parsed};
    use crate::rules::Code;
    use toml::Spanned;
    use toml::de::{DeTable, DeValue};

    pub(super) fn load(text: &str) -> Result<Spanned<DeTable<'_>>, Parsed> {
        DeTable::parse(text).map_err(|e| {
            let at = e.span().map(|r| At {
                span: Lines::new(text).span(r.start..r.start),
                pointer: None,
            });
            let message = e.message().trim().to_string();
            Parsed::failed(Code::P001, at, message)
        })
    }

    pub(super) fn at<T>(lines: &Lines, node: &Spanned<T>, pointer: &str) -> At {
        At {
            span: lines.span(node.span()),
            pointer: Some(pointer.to_string()),
        }
    }

    /// The `[advisories] ignore` array of cargo-deny and cargo-audit configs; other shapes
    /// are reported.
    pub(super) fn advisories_ignore<'a>(
        root: &'a Spanned<DeTable<'a>>,
        lines: &Lines,
        out: &mut Parsed,
    ) -> Option<&'a [Spanned<DeValue<'a>>]> {
        let advisories = root.get_ref().get("advisories")?;
        let Some(table) = advisories.get_ref().as_table() else {
            let msg = format!(
                "`advisories` must be a table, not {}",
                kind(advisories.get_ref())
            );
            out.problem(at(lines, advisories, "/advisories"), msg);
            return None;
        };
        let ignore = table.get("ignore")?;
        match ignore.get_ref().as_array() {
            Some(items) => Some(&items[..]),
            None => {
                let msg = format!("`ignore` must be an array, not {}", kind(ignore.get_ref()));
                out.problem(at(lines, ignore, "/advisories/ignore"), msg);
                None
            }
        }
    }

    pub(super) fn kind(v: &DeValue) -> &'static str {
        match v {
            DeValue::String(_) => "a string",
            DeValue::Integer(_) => "an integer",
            DeValue::Float(_) => "a float",
            DeValue::Boolean(_) => "a boolean",
            DeValue::Datetime(_) => "a datetime",
            DeValue::Array(_) => "an array",
            DeValue::Table(_) => "a table",
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// `(line, column)` of each entry with its id (or `*` for a blanket entry) and its
    /// expiries as written.
    pub fn summary(p: &Parsed) -> Vec<String> {
        p.entries
            .iter()
            .map(|e| {
                let what = match &e.what {
                    What::Id(id) => id.clone(),
                    What::Blanket(_) => "*".into(),
                };
                let s = e.at.span.start;
                let exp: Vec<String> = e
                    .expiries
                    .iter()
                    .map(|x| match (&x.at, x.until) {
                        (None, _) => "none".into(),
                        (Some(a), Some(_)) => {
                            format!("{}@{}:{}", x.text, a.span.start.line, a.span.start.col)
                        }
                        (Some(_), None) => format!("bad:{}", x.text),
                    })
                    .collect();
                format!("{}:{} {what} [{}]", s.line, s.col, exp.join(","))
            })
            .collect()
    }

    pub fn problems(p: &Parsed) -> Vec<String> {
        p.problems
            .iter()
            .map(|x| match &x.at {
                Some(a) => format!(
                    "{} {}:{} {}",
                    x.code.as_str(),
                    a.span.start.line,
                    a.span.start.col,
                    x.message
                ),
                None => format!("{} - {}", x.code.as_str(), x.message),
            })
            .collect()
    }

    #[test]
    fn formats_by_name() {
        assert_eq!(Format::of("a/.trivyignore"), Some(Format::TrivyIgnore));
        assert_eq!(Format::of(".trivyignore.yaml"), Some(Format::TrivyYaml));
        assert_eq!(Format::of("x/osv-scanner.toml"), Some(Format::Osv));
        assert_eq!(Format::of(".grype.yml"), Some(Format::Grype));
        assert_eq!(Format::of("svc/.snyk"), Some(Format::Snyk));
        assert_eq!(Format::of("deny.toml"), Some(Format::Deny));
        assert_eq!(
            Format::of("svc/.cargo/audit.toml"),
            Some(Format::CargoAudit)
        );
        assert_eq!(Format::of("audit.toml"), None);
        assert_eq!(Format::of("trivyignore"), None);
    }

    #[test]
    fn positions_count_characters() {
        let l = Lines::new("ab\r\né = 1\n");
        assert_eq!(
            l.pos(0),
            Pos {
                line: 1,
                col: 1,
                index: 0
            }
        );
        assert_eq!(
            l.pos(4),
            Pos {
                line: 2,
                col: 1,
                index: 4
            }
        );
        // After `é` (two bytes): column 2, character 5.
        assert_eq!(
            l.pos(6),
            Pos {
                line: 2,
                col: 2,
                index: 5
            }
        );
        // Inside a character: its start.
        assert_eq!(
            l.pos(5),
            Pos {
                line: 2,
                col: 1,
                index: 4
            }
        );
    }

    /// Pieces of the seven formats, for generated texts that get past the first line.
    const TOKENS: &[&str] = &[
        "\n",
        "\r\n",
        " ",
        "  - ",
        "#",
        "\"",
        "'",
        "[[IgnoredVulns]]\n",
        "[[PackageOverrides]]\n",
        "[advisories]\n",
        "ignore = [",
        "]",
        "{",
        "}",
        ",",
        "id = ",
        "ignoreUntil = ",
        "ignore = true",
        "vulnerability.ignore = true",
        "vulnerabilities:",
        "ignore:",
        "- vulnerability: ",
        "id: ",
        "expired_at: ",
        "expires: ",
        "exp:",
        "CVE-2026-1001",
        "RUSTSEC-2026-0006",
        "name@1.0",
        "2026-12-02",
        "2026-12-02T00:00:00Z",
        "é",
        "\u{feff}",
        "*",
        ":",
        "&a ",
        "*a",
        "\t",
        "~1/",
    ];

    /// Every entry and problem lies inside the text, at a 1-based position.
    fn well_placed(text: &str, p: &Parsed) {
        let chars = text.chars().count() as u32;
        let lines = text.matches('\n').count() as u32 + 1;
        let spans = p
            .entries
            .iter()
            .flat_map(|e| {
                std::iter::once(&e.at).chain(e.expiries.iter().filter_map(|x| x.at.as_ref()))
            })
            .chain(p.problems.iter().filter_map(|x| x.at.as_ref()));
        for at in spans {
            for pos in [at.span.start, at.span.end] {
                assert!(pos.line >= 1 && pos.col >= 1, "{pos:?}");
                // YAML errors at the end of the text may name the line after it.
                assert!(
                    pos.line <= lines + 1 && pos.index <= chars,
                    "{pos:?} in {text:?}"
                );
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn no_format_panics_on_any_bytes(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
            if let Ok(text) = crate::parse::decode(bytes) {
                for f in Format::ALL {
                    well_placed(&text, &f.parse(&text));
                }
            }
        }

        #[test]
        fn no_format_panics_on_generated_files(picks in proptest::collection::vec(0..TOKENS.len(), 0..60)) {
            let text: String = picks.into_iter().map(|i| TOKENS[i]).collect();
            for f in Format::ALL {
                well_placed(&text, &f.parse(&text));
            }
        }
    }
}
