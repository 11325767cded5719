//! Findings as rules report them: a code, a message and a symbolic location (file, document,
//! JSON pointer). Only renderers turn locations into lines and columns.

use crate::model::Doc;
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

#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub file: usize,
    pub loc: Loc,
    /// Other nodes of the same document that explain the finding (the other party).
    pub related: Vec<(String, String)>,
}

/// Messages quote the checked files. A long quote is cut in the middle, so that output stays
/// proportional to the input even when many diagnostics quote one huge value.
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

impl Diagnostic {
    pub fn new(code: Code, file: usize, loc: Loc, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.rule().severity,
            message: bounded(message.into()),
            file,
            loc,
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

    pub fn with_related(mut self, pointer: impl Into<String>, label: impl Into<String>) -> Self {
        self.related.push((pointer.into(), label.into()));
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
}
