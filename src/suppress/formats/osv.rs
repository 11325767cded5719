//! `osv-scanner.toml`: `[[IgnoredVulns]]` tables with an `id` and an optional
//! `ignoreUntil` (a TOML date or date-time). `[[PackageOverrides]]` with `ignore = true`
//! or `vulnerability.ignore = true` silences every vulnerability of the packages it
//! matches: a blanket entry.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::toml_doc::{self, kind};
use super::{Entry, Expiry, Lines, Parsed, What, child};
use crate::suppress::instant::Instant;

pub fn parse(text: &str) -> Parsed {
    let root = match toml_doc::load(text) {
        Ok(r) => r,
        Err(p) => return p,
    };
    let lines = Lines::new(text);
    let mut out = Parsed::default();
    for (i, _, table) in tables(&root, "IgnoredVulns", &lines, &mut out) {
        let pointer = child(&child("", "IgnoredVulns"), &i.to_string());
        let id_ptr = child(&pointer, "id");
        let id = match table.get("id") {
            Some(v) => match v.get_ref() {
                DeValue::String(s) if s.is_empty() => continue,
                DeValue::String(s) => (s.to_string(), toml_doc::at(&lines, v, &id_ptr)),
                other => {
                    let msg = format!("`id` must be a string, not {}", kind(other));
                    out.problem(toml_doc::at(&lines, v, &id_ptr), msg);
                    continue;
                }
            },
            None => continue, // without an id it matches no vulnerability
        };
        let until_ptr = child(&pointer, "ignoreUntil");
        let expiry = match table.get("ignoreUntil") {
            None => Expiry::default(),
            Some(v) => {
                let at = toml_doc::at(&lines, v, &until_ptr);
                let (until, text) = match v.get_ref() {
                    DeValue::Datetime(dt) => (Instant::from_toml(dt), dt.to_string()),
                    DeValue::String(s) => (Instant::parse(s), s.to_string()),
                    other => (None, kind(other).to_string()),
                };
                if until.is_none() {
                    out.problem(at.clone(), "`ignoreUntil` must be a TOML date or date-time");
                }
                Expiry {
                    until,
                    text,
                    at: Some(at),
                }
            }
        };
        out.entries.push(Entry {
            what: What::Id(id.0),
            at: id.1,
            expiries: vec![expiry],
        });
    }
    for (i, node, table) in tables(&root, "PackageOverrides", &lines, &mut out) {
        let ignores = |t: &DeTable| {
            matches!(
                t.get("ignore").map(|v| v.get_ref()),
                Some(DeValue::Boolean(true))
            )
        };
        let vulnerability = table
            .get("vulnerability")
            .and_then(|v| v.get_ref().as_table());
        if !ignores(table) && !vulnerability.is_some_and(ignores) {
            continue;
        }
        let pointer = child(&child("", "PackageOverrides"), &i.to_string());
        let field = |k: &str| table.get(k).and_then(|v| v.get_ref().as_str());
        let package = match (field("ecosystem"), field("name")) {
            (_, Some(name)) => format!("package `{name}`"),
            (Some(eco), None) => format!("every {eco} package"),
            (None, None) => "every package".to_string(),
        };
        let version = field("version").map_or(String::new(), |v| format!(" {v}"));
        out.entries.push(Entry {
            what: What::Blanket(format!("every vulnerability of {package}{version}")),
            at: toml_doc::at(&lines, node, &pointer),
            expiries: Vec::new(),
        });
    }
    out
}

/// The tables of the array of tables `key`, with their indexes and nodes; anything else is
/// reported.
fn tables<'a>(
    root: &'a Spanned<DeTable<'a>>,
    key: &str,
    lines: &Lines,
    out: &mut Parsed,
) -> Vec<(usize, &'a Spanned<DeValue<'a>>, &'a DeTable<'a>)> {
    let Some(v) = root.get_ref().get(key) else {
        return Vec::new();
    };
    let pointer = child("", key);
    let Some(items) = v.get_ref().as_array() else {
        let msg = format!(
            "`{key}` must be an array of tables, not {}",
            kind(v.get_ref())
        );
        out.problem(toml_doc::at(lines, v, &pointer), msg);
        return Vec::new();
    };
    let mut found = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item.get_ref().as_table() {
            Some(t) => found.push((i, item, t)),
            None => {
                let msg = format!("`{key}` items must be tables, not {}", kind(item.get_ref()));
                out.problem(
                    toml_doc::at(lines, item, &child(&pointer, &i.to_string())),
                    msg,
                );
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::super::tests::{problems, summary};
    use super::*;

    #[test]
    fn ignored_vulns_with_dates_datetimes_and_comments() {
        let text = r#"# osv-scanner configuration
[[IgnoredVulns]]
id = "GO-2022-0968"
ignoreUntil = 2026-12-02 # Optional exception expiry date
reason = "No ssh servers are connected to or hosted in Go lang"

[[IgnoredVulns]]
id = 'GHSA-h452-7996-h45h'
# ignoreUntil = 2022-11-09
reason = """
multi-line
"""

[[IgnoredVulns]]
id = "CVE-2026-0003"
ignoreUntil = 2026-12-01T23:00:00-01:00
"#;
        let p = parse(text);
        assert_eq!(
            summary(&p),
            [
                "3:6 GO-2022-0968 [2026-12-02@4:15]",
                "8:6 GHSA-h452-7996-h45h [none]",
                "15:6 CVE-2026-0003 [2026-12-01T23:00:00-01:00@16:15]",
            ]
        );
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(
            p.entries[1].at.pointer.as_deref(),
            Some("/IgnoredVulns/1/id")
        );
    }

    #[test]
    fn package_overrides_that_ignore_are_blanket() {
        let text = "[[PackageOverrides]]\nname = \"lib\"\nversion = \"1.0.0\"\necosystem = \"Go\"\nignore = true\n\n[[PackageOverrides]]\necosystem = \"npm\"\nvulnerability.ignore = true\n\n[[PackageOverrides]]\nname = \"x\"\nlicense.override = [\"MIT\"]\n\n[[PackageOverrides]]\nvulnerability = { ignore = true }\n";
        let p = parse(text);
        assert_eq!(summary(&p), ["1:1 * []", "7:1 * []", "15:1 * []"]);
        let whats: Vec<_> = p.entries.iter().map(|e| e.what.clone()).collect();
        assert_eq!(
            whats,
            [
                What::Blanket("every vulnerability of package `lib` 1.0.0".into()),
                What::Blanket("every vulnerability of every npm package".into()),
                What::Blanket("every vulnerability of every package".into()),
            ]
        );
    }

    #[test]
    fn crlf_bad_types_and_syntax_errors() {
        let p = parse(
            "[[IgnoredVulns]]\r\nid = \"CVE-1\"\r\nignoreUntil = \"soon\"\r\n[[IgnoredVulns]]\r\nid = 7\r\n",
        );
        assert_eq!(summary(&p), ["2:6 CVE-1 [bad:soon]"]);
        assert_eq!(
            problems(&p),
            [
                "P001 3:15 `ignoreUntil` must be a TOML date or date-time",
                "P001 5:6 `id` must be a string, not an integer",
            ]
        );
        assert_eq!(
            problems(&parse("IgnoredVulns = 3")),
            ["P001 1:16 `IgnoredVulns` must be an array of tables, not an integer"]
        );
        let bad = problems(&parse("[[IgnoredVulns]]\nid = \"x\nreason = 1\n"));
        assert_eq!(bad.len(), 1);
        assert!(bad[0].starts_with("P001 2:"), "{bad:?}");
    }
}
