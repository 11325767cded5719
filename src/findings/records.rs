//! `--write-records DIR`: an open Remediation for every untracked finding, one file each,
//! never overwriting one. The content depends on the finding, the service and the day only,
//! and the governance repository checks clean with the new files on that day.

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

use super::Finding;
use crate::date::Date;
use crate::error::{Error, Output, Result};

/// The longest `metadata.id` the schema allows.
const MAX_ID: usize = 128;

/// `REM-<service>-<finding id>` with every character outside the id alphabet replaced by
/// `-`; one too long for an id is cut and ends in a hash of the whole, so it stays unique.
pub fn record_id(service: &str, finding: &str) -> String {
    let raw = format!("REM-{service}-{finding}");
    let mut id: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    if id.len() > MAX_ID {
        id.truncate(MAX_ID - 17);
        id.push('-');
        id.push_str(&hash(&raw));
    }
    id
}

/// FNV-1a, written out so that names never change between Rust releases.
fn hash(s: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// A YAML scalar for `s`: plain when that reads back as the same string, else
/// double-quoted with every character that is not printable (or could mislead a reader:
/// line separators, bidirectional controls) escaped.
pub fn yaml_string(s: &str) -> String {
    let plain = s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        && !["true", "false", "null"]
            .iter()
            .any(|w| s.eq_ignore_ascii_case(w));
    if plain {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{20}'..='\u{7E}' => out.push(c),
            '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{FEFF}' => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'.. => out.push(c),
            c => out.push_str(&format!("\\u{:04X}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// The Remediation document for an untracked finding.
pub fn remediation(id: &str, service: &str, f: &Finding, today: Date) -> String {
    let mut y = format!(
        "apiVersion: foureyes.dev/v1\nkind: Remediation\nmetadata:\n  id: {id}\nspec:\n  service: {}\n  finding:\n    id: {}\n",
        yaml_string(service),
        yaml_string(&f.id)
    );
    if !f.aliases.is_empty() {
        y.push_str("    aliases:\n");
        for a in &f.aliases {
            y.push_str(&format!("      - {}\n", yaml_string(a)));
        }
    }
    y.push_str(&format!(
        "    severity: {}\n    kev: {}\n  found_on: {today}\n  status: open\n",
        f.severity.name(),
        f.kev.is_some()
    ));
    y
}

/// Writes `DIR/<metadata.id>.yaml` for each finding (creating DIR), never replacing a file;
/// returns one line per file, saying whether it was written or skipped.
pub fn write(dir: &Path, service: &str, findings: &[&Finding], today: Date) -> Result<Vec<String>> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Write {
        output: Output::Folder,
        path: dir.to_path_buf(),
        source,
    })?;
    let mut used = HashSet::new();
    let mut lines = Vec::new();
    for f in findings {
        let mut id = record_id(service, &f.id);
        // Two ids that differ only in characters outside the alphabet must not collide.
        if !used.insert(id.clone()) {
            id.truncate(MAX_ID - 17);
            id.push('-');
            id.push_str(&hash(&f.id));
            used.insert(id.clone());
        }
        let path = dir.join(format!("{id}.yaml"));
        let shown = path.display();
        let cannot = |source| Error::Write {
            output: Output::File,
            path: path.clone(),
            source,
        };
        // `create_new` fails on any existing entry, a link included: nothing is replaced.
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut file) => {
                file.write_all(remediation(&id, service, f, today).as_bytes())
                    .map_err(cannot)?;
                lines.push(format!("wrote {shown}"));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                lines.push(format!("skipped {shown}: it exists"));
            }
            Err(e) => return Err(cannot(e)),
        }
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_use_the_id_alphabet_and_stay_within_128_characters() {
        assert_eq!(
            record_id("payments-api", "CVE-2026-1"),
            "REM-payments-api-CVE-2026-1"
        );
        assert_eq!(
            record_id("api", "js/sql-injection"),
            "REM-api-js-sql-injection"
        );
        assert_eq!(record_id("api", "RHSA-2020:1840"), "REM-api-RHSA-2020-1840");
        let long = record_id("api", &"X".repeat(10_000));
        assert_eq!(long.len(), 128);
        assert_ne!(long, record_id("api", &"X".repeat(9_999)));
    }

    #[test]
    fn strings_read_back_as_written() {
        for s in [
            "CVE-2026-1",
            "true",
            "1e5",
            "0x1F",
            "~",
            "a: b",
            "- x",
            "#x",
            "é ü",
            "\u{1b}[31m\u{7f}\u{85}\u{9b}",
            "tab\there\nline\r",
            "quote\"back\\slash",
            "\u{202E}rtl\u{2028}",
            "",
        ] {
            let y = format!("v: {}\n", yaml_string(s));
            let parsed = crate::parse::parse(&y, false);
            assert!(parsed.problems.is_empty(), "{y:?}: {:?}", parsed.problems);
            assert_eq!(parsed.docs[0].value["v"], s, "{y:?}");
            assert!(!y.chars().any(|c| c.is_control() && c != '\n'), "{y:?}");
        }
    }
}
