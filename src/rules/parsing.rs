//! Rules reported by the parse and schema stages (they have no check over the model).

use super::{Code, Rule};
use crate::diagnostic::Severity::Error;

pub const RULES: &[Rule] = &[
    Rule {
        code: Code::P001,
        name: "yaml-syntax",
        severity: Error,
        doc: include_str!("docs/P001.md"),
        check: None,
    },
    Rule {
        code: Code::P002,
        name: "duplicate-key",
        severity: Error,
        doc: include_str!("docs/P002.md"),
        check: None,
    },
    Rule {
        code: Code::P003,
        name: "unknown-kind",
        severity: Error,
        doc: include_str!("docs/P003.md"),
        check: None,
    },
    Rule {
        code: Code::P004,
        name: "resource-limit",
        severity: Error,
        doc: include_str!("docs/P004.md"),
        check: None,
    },
    Rule {
        code: Code::P005,
        name: "lfs-pointer",
        severity: Error,
        doc: include_str!("docs/P005.md"),
        check: None,
    },
    Rule {
        code: Code::S001,
        name: "schema",
        severity: Error,
        doc: include_str!("docs/S001.md"),
        check: None,
    },
];
