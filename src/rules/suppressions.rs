//! X001–X004: scanner suppressions in application repositories must be approved
//! Exceptions (SPEC §7). `foureyes suppressions` ([`crate::suppress`]) reports them; they
//! have no check over the governance model.

use super::{Code, Rule};
use crate::diagnostic::Level::Error;

pub const RULES: &[Rule] = &[
    Rule {
        code: Code::X001,
        name: "unapproved-suppression",
        severity: Error,
        doc: include_str!("docs/X001.md"),
        check: None,
    },
    Rule {
        code: Code::X002,
        name: "suppression-outlives-exception",
        severity: Error,
        doc: include_str!("docs/X002.md"),
        check: None,
    },
    Rule {
        code: Code::X003,
        name: "blanket-suppression",
        severity: Error,
        doc: include_str!("docs/X003.md"),
        check: None,
    },
    Rule {
        code: Code::X004,
        name: "unmapped-suppression-file",
        severity: Error,
        doc: include_str!("docs/X004.md"),
        check: None,
    },
];
