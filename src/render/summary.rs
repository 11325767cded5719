//! `--summary FILE` / `$GITHUB_STEP_SUMMARY`: a Markdown report for the workflow run page.

use std::collections::BTreeMap;

use super::{Report, uri_path};
use crate::diagnostic::Severity;
use crate::locate::Located;
use crate::rules::Code;

/// Rows past this many are counted, not listed: a step summary is capped at 1 MiB.
const MAX_ROWS: usize = 200;

/// Where the report's links point.
pub struct Links<'a> {
    /// The checked PATH relative to the repository root (see `repo_prefix`).
    pub prefix: &'a str,
    /// The URL that a repository-relative path is appended to, to browse the checked
    /// commit (`https://github.com/OWNER/REPO/blob/SHA/`); without it, locations are text.
    pub blob_url: Option<&'a str>,
}

pub fn render(r: &Report, links: &Links) -> String {
    let mut out = format!("## foureyes\n\n{}\n", r.totals());
    if r.diagnostics.is_empty() {
        return out;
    }

    let mut by_rule: BTreeMap<(Code, Severity), usize> = BTreeMap::new();
    for l in r.diagnostics {
        *by_rule.entry((l.diag.code, l.diag.severity)).or_default() += 1;
    }
    out.push_str(
        "\n### Diagnostics by rule\n\n| Rule | Name | Severity | Count |\n|---|---|---|--:|\n",
    );
    for ((code, severity), n) in by_rule {
        out.push_str(&format!(
            "| {} | {} | {} | {n} |\n",
            code.as_str(),
            code.rule().name,
            severity.as_str()
        ));
    }

    let errors: Vec<&Located> = r
        .diagnostics
        .iter()
        .filter(|l| l.diag.severity == Severity::Error)
        .collect();
    if !errors.is_empty() {
        out.push_str("\n### Errors\n\n| Location | Rule | Message |\n|---|---|---|\n");
        for l in errors.iter().take(MAX_ROWS) {
            let code = l.diag.code;
            out.push_str(&format!(
                "| {} | {} {} | {} |\n",
                location(r, l, links, None),
                code.as_str(),
                code.rule().name,
                inert(&l.diag.message)
            ));
        }
        more(&mut out, errors.len(), "errors");
    }

    // E002 lists the exceptions about to expire; its facts say whose they are.
    let expiring: Vec<&Located> = r
        .diagnostics
        .iter()
        .filter(|l| l.diag.code == Code::E002)
        .collect();
    if !expiring.is_empty() {
        out.push_str(
            "\n### Exceptions expiring within the warning window\n\n\
             | Exception | Service | Risk owner | Expires |\n|---|---|---|---|\n",
        );
        for l in expiring.iter().take(MAX_ROWS) {
            let fact = |key| {
                l.diag
                    .facts
                    .get(key)
                    .and_then(|v| v.as_str())
                    .map_or_else(|| "-".to_string(), inert)
            };
            let id = l.diag.record.as_ref().map(|rec| rec.id.as_str());
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                location(r, l, links, id),
                fact("service"),
                fact("risk_owner"),
                fact("expires"),
            ));
        }
        more(&mut out, expiring.len(), "exceptions");
    }
    out
}

fn more(out: &mut String, total: usize, what: &str) {
    if total > MAX_ROWS {
        out.push_str(&format!(
            "\n…and {} more {what}: see the annotations or the SARIF report.\n",
            total - MAX_ROWS
        ));
    }
}

/// `file:line` (or `label`), linked to that line of the checked commit when possible.
fn location(r: &Report, l: &Located, links: &Links, label: Option<&str>) -> String {
    let path = format!("{}{}", links.prefix, r.files[l.diag.file].rel);
    let line = l.place.map(|p| p.line);
    let text = match (label, line) {
        (Some(label), _) => inert(label),
        (None, Some(n)) => inert(&format!("{path}:{n}")),
        (None, None) => inert(&path),
    };
    match links.blob_url {
        Some(base) => {
            let anchor = line.map(|n| format!("#L{n}")).unwrap_or_default();
            format!("[{text}]({base}{}{anchor})", uri_path(&path))
        }
        None => text,
    }
}

/// Text from the checked files, made inert in a Markdown table cell: no HTML, no emphasis,
/// code span or link, no cell or line break.
fn inert(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '!' | '#' => {
                out.push('\\');
                out.push(c);
            }
            c if super::human::must_hide(c) => out.push(' '),
            c => out.push(c),
        }
    }
    out
}
