//! `--format json`: the stable, versioned machine format of the spec.

use serde::Serialize;

use super::{Report, to_json};
use crate::diagnostic::{Facts, Severity};
use crate::error::{Error, Result};

/// Field order is the spec's; absent fields are omitted, never null.
#[derive(Serialize)]
struct Out<'a> {
    version: u32,
    summary: Summary,
    diagnostics: Vec<Diag<'a>>,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    documents: usize,
    errors: usize,
    warnings: usize,
}

#[derive(Serialize)]
struct Diag<'a> {
    code: &'static str,
    name: &'static str,
    severity: &'static str,
    message: &'a str,
    file: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pointer: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    document: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    record: Option<Record<'a>>,
    facts: &'a Facts,
}

#[derive(Serialize)]
struct Record<'a> {
    kind: &'static str,
    id: &'a str,
}

pub fn render(r: &Report) -> Result<String> {
    let out = Out {
        version: 1,
        summary: Summary {
            files: r.checked_files(),
            documents: r.documents,
            errors: r.count(Severity::Error),
            warnings: r.count(Severity::Warning),
        },
        diagnostics: r
            .diagnostics
            .iter()
            .map(|l| Diag {
                code: l.diag.code.as_str(),
                name: l.diag.code.rule().name,
                severity: l.diag.severity.as_str(),
                message: &l.diag.message,
                file: &r.files[l.diag.file].rel,
                line: l.place.map(|p| p.line),
                column: l.place.map(|p| p.col),
                pointer: l.diag.pointer(),
                document: r.document(l),
                record: l.diag.record.as_ref().map(|rec| Record {
                    kind: rec.kind.name(),
                    id: &rec.id,
                }),
                facts: &l.diag.facts,
            })
            .collect(),
    };
    to_json(&out).map_err(|source| Error::Serialize {
        what: "the JSON report",
        source,
    })
}
