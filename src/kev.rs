//! The CISA Known Exploited Vulnerabilities catalog (K001, K002): read once into a map from
//! the upper-cased `cveID` to its `dueDate`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use crate::bounded;
use crate::date::Date;
use crate::error::{Error, Input, Result};

/// Far above the real catalog (1.3 MB for 1,404 entries in 2025): room for 100,000 entries
/// of the same shape, and a bound on what a hostile file can make us read.
pub const MAX_CATALOG_BYTES: u64 = 128 << 20;

pub struct Catalog {
    due: HashMap<String, Date>,
}

/// CISA's shape, reduced to what the rules read; every other field is skipped unread.
#[derive(Deserialize)]
#[serde(expecting = "an object with `vulnerabilities`")]
struct Raw<'a> {
    #[serde(borrow)]
    vulnerabilities: Vec<Entry<'a>>,
}

/// Borrowed from the file's bytes unless a string has escapes: no copy per entry.
#[derive(Deserialize)]
#[serde(expecting = "an object with `cveID` and `dueDate`")]
struct Entry<'a> {
    #[serde(rename = "cveID", borrow)]
    cve_id: Cow<'a, str>,
    #[serde(rename = "dueDate", borrow)]
    due_date: Cow<'a, str>,
}

impl Catalog {
    /// The catalog's `dueDate` for a finding id or alias, compared ASCII case-insensitively.
    pub fn due(&self, id: &str) -> Option<Date> {
        self.due.get(&id.to_ascii_uppercase()).copied()
    }

    pub fn len(&self) -> usize {
        self.due.len()
    }

    pub fn is_empty(&self) -> bool {
        self.due.is_empty()
    }
}

/// Reads the catalog at `path` (given on the command line: a pipe will do). Every problem is
/// one line that names the file.
pub fn load(path: &Path) -> Result<Catalog> {
    let bytes = bounded::read(path, MAX_CATALOG_BYTES)
        .map_err(|source| Error::Read {
            input: Input::Kev(path.to_path_buf()),
            source,
        })?
        .ok_or_else(|| invalid(path, format!("larger than {} MiB", MAX_CATALOG_BYTES >> 20)))?;
    parse(&bytes, path)
}

/// Reads the catalog the repository's config names: repository content, so only a regular
/// file, never through a link (it could name a device or a file outside the repository).
pub fn load_in_repo(path: &Path) -> Result<Catalog> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if !m.is_file() => Err(invalid(
            path,
            "not a regular file (links are not followed)".into(),
        )),
        _ => load(path),
    }
}

/// Parses a catalog: an object whose `vulnerabilities` are objects with a string `cveID` and
/// a `dueDate` (YYYY-MM-DD). The first entry of an id wins. `path` names it in errors.
pub fn parse(bytes: &[u8], path: &Path) -> Result<Catalog> {
    const SHAPE: &str =
        "not CISA's KEV shape (an object with `vulnerabilities`, each with `cveID` and `dueDate`)";
    // serde would also read a struct from an array of its fields; CISA's shape is an object.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(invalid(
            path,
            if serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok() {
                SHAPE.to_string()
            } else {
                "not valid JSON".to_string()
            },
        ));
    }
    let raw: Raw = serde_json::from_slice(bytes).map_err(|e| {
        let what = if e.is_data() { SHAPE } else { "not valid JSON" };
        invalid(path, format!("{what}: {e}"))
    })?;
    let mut due = HashMap::with_capacity(raw.vulnerabilities.len());
    for (i, entry) in raw.vulnerabilities.into_iter().enumerate() {
        let id = entry.cve_id.trim();
        if id.is_empty() {
            return Err(invalid(
                path,
                format!("vulnerabilities[{i}]: empty `cveID`"),
            ));
        }
        let date = Date::parse(&entry.due_date).ok_or_else(|| {
            let id: String = id.chars().take(40).collect();
            let why = format!("vulnerabilities[{i}] ({id}): `dueDate` is not a date (YYYY-MM-DD)");
            invalid(path, why)
        })?;
        due.entry(id.to_ascii_uppercase()).or_insert(date);
    }
    Ok(Catalog { due })
}

fn invalid(path: &Path, reason: String) -> Error {
    Error::Invalid {
        input: Input::Kev(path.to_path_buf()),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cisa_shape_and_compares_ids_case_insensitively() {
        let c = parse(
            br#"{"title": "t", "count": 2, "vulnerabilities": [
                {"cveID": "CVE-2025-0001", "dueDate": "2025-02-01", "notes": "a\/b \u2019", "cwes": []},
                {"cveID": "cve-2025-0002", "dueDate": "2025-03-01"}]}"#,
            Path::new("kev.json"),
        )
        .unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(c.due("Cve-2025-0001"), Date::parse("2025-02-01"));
        assert_eq!(c.due("CVE-2025-0002"), Date::parse("2025-03-01"));
        assert_eq!(c.due("CVE-2025-0003"), None);
    }

    #[test]
    fn other_shapes_are_errors() {
        for (bytes, want) in [
            (&b"[]"[..], "not CISA's KEV shape"),
            (b"{}", "missing field `vulnerabilities`"),
            (b"{\"vulnerabilities\": {}}", "not CISA's KEV shape"),
            (
                b"{\"vulnerabilities\": [{\"cveID\": \"CVE-1\"}]}",
                "`dueDate`",
            ),
            (
                b"{\"vulnerabilities\": [{\"cveID\": 7, \"dueDate\": \"2025-01-01\"}]}",
                "shape",
            ),
            (
                b"{\"vulnerabilities\": [{\"cveID\": \"CVE-1\", \"dueDate\": \"soon\"}]}",
                "not a date",
            ),
            (
                b"{\"vulnerabilities\": [{\"cveID\": \" \", \"dueDate\": \"2025-01-01\"}]}",
                "empty",
            ),
            (b"{\"vulnerabilities\": [", "not valid JSON"),
            (b"\xff", "not valid JSON"),
        ] {
            let err = parse(bytes, Path::new("kev.json"))
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains(want), "{err}");
            assert!(!err.contains('\n'), "{err}");
        }
        // Deep nesting is refused by the parser's recursion limit, not by the stack.
        let deep = format!("{{\"vulnerabilities\": {}", "[".repeat(100_000));
        assert!(parse(deep.as_bytes(), Path::new("kev.json")).is_err());
    }
}
