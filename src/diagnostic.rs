//! Findings as rules report them: a code, a message, a symbolic location (file, document,
//! JSON pointer) and the facts the message is made from. Only renderers turn locations into
//! lines and columns.
//!
//! Every diagnostic has an identity ([`Diagnostic::identity`]): its code, file, document,
//! pointer and identity facts. It never holds a day count, a date computed from today or a
//! line number, so the same problem keeps it on any day and after lines above it move.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

use crate::model::{Doc, Kind};
use crate::parse::{Pos, Span};
use crate::rules::Code;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    /// Not reported: a rule off by default, or turned off in the config. [`Config::apply`]
    /// drops every diagnostic left at `Off`, so none reaches a renderer.
    ///
    /// [`Config::apply`]: crate::config::Config::apply
    Off,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Off => "off",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Loc {
    /// The whole file (no line).
    File,
    /// A position known from parsing (P001).
    At(Pos),
    /// A node of a document, by pointer; `key` points at the mapping key instead of its value.
    Node {
        doc: usize,
        pointer: String,
        key: bool,
    },
    /// A node whose span is known exactly (P002: the second of two equal keys).
    Exact {
        doc: usize,
        pointer: String,
        span: Span,
    },
}

/// The governance record a diagnostic is about: the document's kind and `metadata.id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub kind: Kind,
    pub id: String,
    /// How many earlier documents of the same file have this kind and id (R005 reports
    /// them): it keeps their identities apart, and is 0 for every well-formed repository.
    pub repeat: usize,
}

/// One fact: a key documented in the rule's `## Facts`, and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    pub key: &'static str,
    pub value: Value,
    /// Part of the diagnostic's identity: the ids and references it names. Day counts,
    /// dates, numbers, roles and suggestions are information only.
    pub identity: bool,
}

/// Facts in the order the rule attached them (the JSON object keeps that order).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts(pub Vec<Fact>);

impl Facts {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|f| f.key == key).map(|f| &f.value)
    }

    /// Adds an identity fact (see [`Diagnostic::id_fact`]).
    pub fn id(mut self, key: &'static str, value: impl Into<Value>) -> Self {
        self.set(key, value.into(), true);
        self
    }

    /// Adds an informational fact (see [`Diagnostic::fact`]).
    pub fn info(mut self, key: &'static str, value: impl Into<Value>) -> Self {
        self.set(key, value.into(), false);
        self
    }

    fn set(&mut self, key: &'static str, value: Value, identity: bool) {
        let value = bounded_value(value);
        match self.0.iter_mut().find(|f| f.key == key) {
            Some(f) => {
                *f = Fact {
                    key,
                    value,
                    identity,
                }
            }
            None => self.0.push(Fact {
                key,
                value,
                identity,
            }),
        }
    }
}

impl Serialize for Facts {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for f in &self.0 {
            map.serialize_entry(f.key, &f.value)?;
        }
        map.end()
    }
}

/// A node that explains the finding (the other party, the first definition), in the same
/// document or any other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub file: usize,
    pub doc: usize,
    pub pointer: String,
    pub label: String,
}

#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub file: usize,
    pub loc: Loc,
    /// Filled in by the pipeline from the document the location names ([`crate::check`]).
    pub record: Option<Record>,
    pub facts: Facts,
    pub related: Vec<Related>,
}

/// Messages and facts quote the checked files. A long quote is cut in the middle, so that
/// output stays proportional to the input even when many diagnostics quote one huge value.
const MAX_MESSAGE_CHARS: usize = 1000;

fn bounded(message: String) -> String {
    let n = message.chars().count();
    if n <= MAX_MESSAGE_CHARS {
        return message;
    }
    let keep = MAX_MESSAGE_CHARS / 2;
    let head: String = message.chars().take(keep).collect();
    let tail: String = message.chars().skip(n - keep).collect();
    format!("{head} … {tail}")
}

fn bounded_value(v: Value) -> Value {
    match v {
        Value::String(s) => Value::String(bounded(s)),
        Value::Array(a) => Value::Array(a.into_iter().map(bounded_value).collect()),
        Value::Object(o) => {
            Value::Object(o.into_iter().map(|(k, v)| (k, bounded_value(v))).collect())
        }
        v => v,
    }
}

impl Diagnostic {
    pub fn new(code: Code, file: usize, loc: Loc, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.rule().severity,
            message: bounded(message.into()),
            file,
            loc,
            record: None,
            facts: Facts::default(),
            related: Vec::new(),
        }
    }

    /// A diagnostic on the value at `pointer` in `doc`.
    pub fn at(
        code: Code,
        doc: &Doc,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        let loc = Loc::Node {
            doc: doc.index,
            pointer: pointer.into(),
            key: false,
        };
        Diagnostic::new(code, doc.file, loc, message)
    }

    /// A rule with two kinds of finding gives the milder one its own default severity.
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// An identity fact: an id or reference the diagnostic is about. Never a day count, a
    /// date computed from today, or a line number.
    pub fn id_fact(mut self, key: &'static str, value: impl Into<Value>) -> Self {
        self.facts.set(key, value.into(), true);
        self
    }

    /// An informational fact: dates, day counts, numbers, roles, suggestions.
    pub fn fact(mut self, key: &'static str, value: impl Into<Value>) -> Self {
        self.facts.set(key, value.into(), false);
        self
    }

    /// Adds facts gathered elsewhere (by the schema stage).
    pub fn with_facts(mut self, facts: Facts) -> Self {
        for f in facts.0 {
            self.facts.set(f.key, f.value, f.identity);
        }
        self
    }

    /// [`Diagnostic::fact`] when there is a value.
    pub fn fact_opt(self, key: &'static str, value: Option<impl Into<Value>>) -> Self {
        match value {
            Some(v) => self.fact(key, v),
            None => self,
        }
    }

    /// [`Diagnostic::id_fact`] when there is a value.
    pub fn id_fact_opt(self, key: &'static str, value: Option<impl Into<Value>>) -> Self {
        match value {
            Some(v) => self.id_fact(key, v),
            None => self,
        }
    }

    /// A node of the same document that explains the finding.
    pub fn with_related(mut self, pointer: impl Into<String>, label: impl Into<String>) -> Self {
        if let Some(doc) = self.doc() {
            self.related.push(Related {
                file: self.file,
                doc,
                pointer: pointer.into(),
                label: label.into(),
            });
        }
        self
    }

    /// A node of another document (perhaps of another file) that explains the finding.
    pub fn related_to(
        mut self,
        doc: &Doc,
        pointer: impl Into<String>,
        label: impl Into<String>,
    ) -> Self {
        self.related.push(Related {
            file: doc.file,
            doc: doc.index,
            pointer: pointer.into(),
            label: label.into(),
        });
        self
    }

    pub fn pointer(&self) -> Option<&str> {
        match &self.loc {
            Loc::Node { pointer, .. } | Loc::Exact { pointer, .. } => Some(pointer),
            Loc::File | Loc::At(_) => None,
        }
    }

    pub fn doc(&self) -> Option<usize> {
        match &self.loc {
            Loc::Node { doc, .. } | Loc::Exact { doc, .. } => Some(*doc),
            Loc::File | Loc::At(_) => None,
        }
    }

    /// What makes this problem this problem, as canonical JSON text: code, file (`path`,
    /// relative to the checked root), document (record kind and id, else the document
    /// index), pointer and the identity facts.
    pub fn identity(&self, path: &str) -> String {
        let document = match (&self.record, self.doc()) {
            (Some(r), _) if r.repeat == 0 => Value::from(format!("{}/{}", r.kind.name(), r.id)),
            (Some(r), _) => Value::from(format!("{}/{}#{}", r.kind.name(), r.id, r.repeat)),
            (None, Some(n)) => Value::from(n),
            (None, None) => Value::Null,
        };
        let facts: serde_json::Map<String, Value> = self
            .facts
            .0
            .iter()
            .filter(|f| f.identity)
            .map(|f| (f.key.to_string(), f.value.clone()))
            .collect();
        let parts = [
            Value::from(self.code.as_str()),
            Value::from(path),
            document,
            self.pointer().map_or(Value::Null, Value::from),
            Value::Object(facts),
        ];
        Value::Array(parts.into()).to_string()
    }

    /// A short, stable hash of [`Diagnostic::identity`] (SARIF `partialFingerprints`).
    /// FNV-1a is written out because std's hasher may change between Rust releases, and
    /// code-scanning alerts must not.
    pub fn fingerprint(&self, path: &str) -> String {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for b in self.identity(path).bytes() {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        format!("{hash:016x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_keeps_identity_facts_only() {
        let d = Diagnostic::new(Code::D001, 0, Loc::File, "3 days overdue")
            .id_fact("service", "api")
            .fact("days_overdue", 3);
        let later = Diagnostic::new(Code::D001, 0, Loc::File, "4 days overdue")
            .id_fact("service", "api")
            .fact("days_overdue", 4);
        assert_eq!(
            d.identity("a.yaml"),
            r#"["D001","a.yaml",null,null,{"service":"api"}]"#
        );
        assert_eq!(d.fingerprint("a.yaml"), later.fingerprint("a.yaml"));
        let other = later.id_fact("service", "web");
        assert_ne!(d.fingerprint("a.yaml"), other.fingerprint("a.yaml"));
        assert_eq!(other.facts.get("service"), Some(&Value::from("web")));
        assert_eq!(other.facts.0.len(), 2, "a key set twice is replaced");
    }
}
