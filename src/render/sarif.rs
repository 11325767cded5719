//! `--format sarif` / `--output-sarif`: SARIF 2.1.0 for code scanning.

use serde::Serialize;

use super::{Report, to_json, unwrap_lines, uri_path};
use crate::diagnostic::Level;
use crate::error::{Error, Result};
use crate::locate::{Located, Place};
use crate::rules::{self, Rule};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    /// Columns are counted in characters, as everywhere else in foureyes.
    column_kind: &'static str,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    information_uri: &'static str,
    rules: Vec<Descriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    help: Help,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: &'static str,
}

/// `enabled: false` with level `none` for a rule that is off by default (K002).
#[derive(Serialize)]
struct Configuration {
    #[serde(skip_serializing_if = "Option::is_none")]
    enabled: Option<bool>,
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [Location; 1],
    partial_fingerprints: Fingerprints,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<RelatedLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RelatedLocation {
    id: usize,
    physical_location: PhysicalLocation,
    message: Text,
}

/// The diagnostic's identity, hashed ([`crate::diagnostic::Diagnostic::fingerprint`]).
#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "foureyes/v1")]
    identity: String,
}

/// `prefix` is the checked PATH relative to the repository root (see `repo_prefix`).
pub fn render(r: &Report, prefix: &str) -> Result<String> {
    let catalogue: Vec<&Rule> = rules::all().collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "foureyes",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules: catalogue.iter().map(|rule| descriptor(rule)).collect(),
                },
            },
            column_kind: "unicodeCodePoints",
            results: r
                .diagnostics
                .iter()
                .map(|l| result(r, l, prefix, &catalogue))
                .collect(),
        }],
    };
    to_json(&log).map_err(|source| Error::Serialize {
        what: "the SARIF report",
        source,
    })
}

fn descriptor(rule: &Rule) -> Descriptor {
    let what = unwrap_lines(rule.section("What it checks"));
    Descriptor {
        id: rule.code.as_str(),
        name: rule.name,
        short_description: Text {
            text: first_sentence(&what).to_string(),
        },
        full_description: Text { text: what },
        help: Help {
            text: unwrap_lines(rule.help()),
            markdown: rule.doc.trim_end(),
        },
        default_configuration: match rule.severity {
            Level::Off => Configuration {
                enabled: Some(false),
                level: "none",
            },
            on => Configuration {
                enabled: None,
                level: on.as_str(),
            },
        },
    }
}

/// Up to the first ". " (a `.` inside a code span such as `metadata.id` is not an end).
fn first_sentence(s: &str) -> &str {
    s.find(". ").map_or(s, |i| &s[..=i])
}

fn result(r: &Report, l: &Located, prefix: &str, catalogue: &[&Rule]) -> SarifResult {
    let d = &l.diag;
    let location = |file: usize, place: Option<Place>| {
        let file = &r.files[file];
        PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: uri_path(&format!("{prefix}{}", file.rel)),
                uri_base_id: "%SRCROOT%",
            },
            region: place.map(|p| {
                let (end_line, end_column) = p.end(&file.text);
                Region {
                    start_line: p.line,
                    start_column: p.col,
                    end_line,
                    end_column,
                }
            }),
        }
    };
    let path = format!("{prefix}{}", r.files[d.file].rel);
    SarifResult {
        rule_id: d.code.as_str(),
        rule_index: catalogue
            .iter()
            .position(|rule| rule.code == d.code)
            .unwrap_or_default(),
        level: d.severity.as_str(),
        message: Text {
            text: d.message.clone(),
        },
        locations: [Location {
            physical_location: location(d.file, l.place),
        }],
        partial_fingerprints: Fingerprints {
            identity: d.fingerprint(&path),
        },
        related_locations: l
            .related
            .iter()
            .zip(1..)
            .map(|(rel, id)| RelatedLocation {
                id,
                physical_location: location(rel.file, Some(rel.place)),
                message: Text {
                    text: rel.label.clone(),
                },
            })
            .collect(),
    }
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
