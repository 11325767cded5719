//! `--format sarif` / `--output-sarif`: SARIF 2.1.0 for code scanning.

use serde_json::{Map, Value, json};

use super::{Report, unwrap_lines, uri_path};
use crate::diagnostic::Severity;
use crate::locate::{Located, Place};
use crate::rules::{self, Rule};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// `prefix` is the checked PATH relative to the repository root (see `repo_prefix`).
pub fn render(r: &Report, prefix: &str) -> String {
    let catalogue: Vec<&Rule> = rules::all().collect();
    let results: Vec<Value> = r
        .diagnostics
        .iter()
        .map(|l| result(r, l, prefix, &catalogue))
        .collect();
    let out = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "foureyes",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": catalogue.iter().map(|rule| descriptor(rule)).collect::<Vec<_>>(),
            }},
            // Columns are counted in characters, as everywhere else in foureyes.
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&out).unwrap_or_default();
    s.push('\n');
    s
}

fn descriptor(rule: &Rule) -> Value {
    let what = unwrap_lines(rule.section("What it checks"));
    json!({
        "id": rule.code.as_str(),
        "name": rule.name,
        "shortDescription": {"text": first_sentence(&what)},
        "fullDescription": {"text": what},
        "help": {"text": unwrap_lines(rule.help()), "markdown": rule.doc.trim_end()},
        "defaultConfiguration": match rule.severity {
            Severity::Off => json!({"enabled": false, "level": "none"}),
            on => json!({"level": on.as_str()}),
        },
    })
}

/// Up to the first ". " (a `.` inside a code span such as `metadata.id` is not an end).
fn first_sentence(s: &str) -> &str {
    s.find(". ").map_or(s, |i| &s[..=i])
}

fn result(r: &Report, l: &Located, prefix: &str, catalogue: &[&Rule]) -> Value {
    let d = &l.diag;
    let file = &r.files[d.file];
    let path = format!("{prefix}{}", file.rel);
    let location = |place: Option<Place>| {
        let mut physical = Map::new();
        physical.insert(
            "artifactLocation".into(),
            json!({"uri": uri_path(&path), "uriBaseId": "%SRCROOT%"}),
        );
        if let Some(p) = place {
            let (end_line, end_col) = p.end(&file.text);
            physical.insert(
                "region".into(),
                json!({"startLine": p.line, "startColumn": p.col,
                       "endLine": end_line, "endColumn": end_col}),
            );
        }
        physical
    };
    let index = catalogue
        .iter()
        .position(|rule| rule.code == d.code)
        .unwrap_or_default();
    let mut out = json!({
        "ruleId": d.code.as_str(),
        "ruleIndex": index,
        "level": d.severity.as_str(),
        "message": {"text": d.message},
        "locations": [{"physicalLocation": location(l.place)}],
        "partialFingerprints": {"foureyes/v1": fingerprint(l, &path)},
    });
    if !l.related.is_empty() {
        let related: Vec<Value> = l
            .related
            .iter()
            .zip(1..)
            .map(|((place, label), id)| {
                json!({"id": id, "physicalLocation": location(Some(*place)),
                       "message": {"text": label}})
            })
            .collect();
        out["relatedLocations"] = related.into();
    }
    out
}

/// Identifies a finding across commits: what it is and where it is by pointer, never by
/// line, so editing lines above it does not make it a new alert. FNV-1a is written out
/// because std's hasher may change between Rust releases, and alerts must not.
fn fingerprint(l: &Located, path: &str) -> String {
    let d = &l.diag;
    let doc = d.doc().map(|n| n.to_string()).unwrap_or_default();
    let fields = [
        d.code.as_str(),
        path,
        &doc,
        d.pointer().unwrap_or_default(),
        &d.message,
    ];
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for field in fields {
        // A 0 byte ends each field, so ("ab", "c") and ("a", "bc") differ.
        for b in field.bytes().chain([0]) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::first_sentence;

    #[test]
    fn first_sentence_ignores_dots_in_code_spans() {
        assert_eq!(
            first_sentence("Ids share `metadata.id`. Then more."),
            "Ids share `metadata.id`."
        );
        assert_eq!(first_sentence("One sentence."), "One sentence.");
    }
}
