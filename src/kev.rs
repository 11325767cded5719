//! The CISA Known Exploited Vulnerabilities catalog (SPEC §6): CISA's JSON shape,
//! `vulnerabilities[]` with `cveID` and `dueDate`. A catalog that cannot be read or has
//! another shape is an error: a silently empty catalog would clear every KEV flag.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use serde::Deserialize;

use crate::date::Date;

/// CISA's catalog is about 1.5 MB; this leaves room for decades of growth.
pub const MAX_CATALOG_BYTES: u64 = 64 << 20;

#[derive(Deserialize)]
struct Raw {
    vulnerabilities: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    #[serde(rename = "cveID")]
    cve_id: String,
    due_date: Date,
}

pub struct Catalog {
    /// Upper-cased CVE id → the federal due date.
    due: HashMap<String, Date>,
}

impl Catalog {
    pub fn load(path: &Path) -> Result<Catalog, String> {
        let fail = |what: String| format!("KEV catalog {}: {what}", path.display());
        let meta = std::fs::metadata(path).map_err(|e| fail(format!("cannot read: {e}")))?;
        if !meta.is_file() {
            return Err(fail("not a regular file".into()));
        }
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_CATALOG_BYTES + 1).read_to_end(&mut bytes))
            .map_err(|e| fail(format!("cannot read: {e}")))?;
        if bytes.len() as u64 > MAX_CATALOG_BYTES {
            return Err(fail(format!("larger than {} MiB", MAX_CATALOG_BYTES >> 20)));
        }
        Catalog::parse(&bytes).map_err(fail)
    }

    pub fn parse(bytes: &[u8]) -> Result<Catalog, String> {
        let raw: Raw = serde_json::from_slice(bytes).map_err(|e| {
            format!(
                "not CISA's catalog shape (`vulnerabilities[]` with `cveID` and `dueDate`): {e}"
            )
        })?;
        let mut due = HashMap::new();
        for e in raw.vulnerabilities {
            due.entry(e.cve_id.to_ascii_uppercase())
                .or_insert(e.due_date);
        }
        Ok(Catalog { due })
    }

    /// The catalog's due date for an id (compared ASCII case-insensitively), when it lists it.
    pub fn due(&self, id: &str) -> Option<Date> {
        self.due.get(&id.to_ascii_uppercase()).copied()
    }

    pub fn lists(&self, id: &str) -> bool {
        self.due(id).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cisa_shape_and_refuses_others() {
        let c = Catalog::parse(
            br#"{"title": "CISA Catalog", "count": 1, "vulnerabilities": [
                {"cveID": "CVE-2025-48384", "dueDate": "2025-09-15", "product": "Git"}]}"#,
        )
        .unwrap();
        assert!(c.lists("cve-2025-48384"));
        assert_eq!(c.due("CVE-2025-48384"), Date::parse("2025-09-15"));
        assert!(!c.lists("CVE-2025-1"));
        for bad in [
            &br#"{"vulnerabilities": [{"cveID": "CVE-1"}]}"#[..],
            br#"{"vulnerabilities": {}}"#,
            br#"[]"#,
            br#"{"vulnerabilities": [{"cveID": "CVE-1", "dueDate": "soon"}]}"#,
            b"\xff",
        ] {
            assert!(
                Catalog::parse(bad).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
