//! `deny.toml` (cargo-deny): `[advisories] ignore` lists advisory ids, as strings or
//! `{ id = "…", reason = "…" }`. cargo-deny reads a string that does not start like an
//! advisory id (`RUSTSEC-`, `CVE-`, `GHSA-`, `TALOS-`) as a crate (`"name@version"`), and so
//! does `{ crate = "…" }`: that ignores every advisory of the crate, a blanket entry. These
//! ignores have no expiry.

use toml::de::DeValue;

use super::toml_doc::{self, kind};
use super::{Entry, Parsed, What, child};

const ID_PREFIXES: [&str; 4] = ["RUSTSEC-", "CVE-", "GHSA-", "TALOS-"];

pub fn parse(text: &str) -> Parsed {
    let root = match toml_doc::load(text) {
        Ok(r) => r,
        Err(p) => return p,
    };
    let lines = super::Lines::new(text);
    let mut out = Parsed::default();
    let Some(items) = toml_doc::advisories_ignore(&root, &lines, &mut out) else {
        return out;
    };
    for (i, item) in items.iter().enumerate() {
        let pointer = child("/advisories/ignore", &i.to_string());
        let at = toml_doc::at(&lines, item, &pointer);
        let blanket = |name: &str| What::Blanket(format!("every advisory of crate `{name}`"));
        let what = match item.get_ref() {
            DeValue::String(s) if is_advisory_id(s) => What::Id(s.to_string()),
            DeValue::String(s) => blanket(s),
            DeValue::Table(t) => match (t.get("id"), t.get("crate")) {
                (Some(id), _) => match id.get_ref() {
                    DeValue::String(s) => {
                        let id_ptr = child(&pointer, "id");
                        out.entries.push(Entry {
                            what: What::Id(s.to_string()),
                            at: toml_doc::at(&lines, id, &id_ptr),
                            expiries: Vec::new(),
                        });
                        continue;
                    }
                    other => {
                        let msg = format!("`id` must be a string, not {}", kind(other));
                        out.problem(toml_doc::at(&lines, id, &child(&pointer, "id")), msg);
                        continue;
                    }
                },
                (None, Some(c)) => blanket(c.get_ref().as_str().unwrap_or("?")),
                (None, None) => {
                    out.problem(at, "an ignore entry names an advisory `id` or a `crate`");
                    continue;
                }
            },
            other => {
                let msg = format!("ignore entries are strings or tables, not {}", kind(other));
                out.problem(at, msg);
                continue;
            }
        };
        out.entries.push(Entry {
            what,
            at,
            expiries: Vec::new(),
        });
    }
    out
}

/// Whether cargo-deny reads the string as an advisory id (ASCII case-insensitively here:
/// a lower-case id is still meant as one).
fn is_advisory_id(s: &str) -> bool {
    ID_PREFIXES
        .iter()
        .any(|p| s.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p)))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{problems, summary};
    use super::*;

    #[test]
    fn ids_tables_and_crates() {
        let text = "[graph]\nall-features = true\n\n[advisories]\nversion = 2\nyanked = \"warn\"\nignore = [\n    \"RUSTSEC-2024-0436\", # paste is unmaintained\n    { id = \"RUSTSEC-2024-0370\", reason = \"proc-macro-error is unmaintained\" },\n    'CVE-2026-0001',\n    \"openssl@0.10.55\",\n    { crate = \"time@0.1\", reason = \"yanked\" },\n]\n\n[licenses]\nallow = [\"MIT\"]\n";
        let p = parse(text);
        assert_eq!(
            summary(&p),
            [
                "8:5 RUSTSEC-2024-0436 []",
                "9:12 RUSTSEC-2024-0370 []",
                "10:5 CVE-2026-0001 []",
                "11:5 * []",
                "12:5 * []",
            ]
        );
        assert_eq!(
            p.entries[3].what,
            What::Blanket("every advisory of crate `openssl@0.10.55`".into())
        );
        assert_eq!(
            p.entries[1].at.pointer.as_deref(),
            Some("/advisories/ignore/1/id")
        );
        assert!(p.problems.is_empty());
    }

    #[test]
    fn dotted_keys_crlf_and_bad_items() {
        let p = parse("advisories.ignore = [\"RUSTSEC-2020-0001\"]\r\n");
        assert_eq!(summary(&p), ["1:22 RUSTSEC-2020-0001 []"]);
        let p = parse("[advisories]\nignore = [1, { reason = \"x\" }]\n");
        assert_eq!(
            problems(&p),
            [
                "P001 2:11 ignore entries are strings or tables, not an integer",
                "P001 2:14 an ignore entry names an advisory `id` or a `crate`",
            ]
        );
        assert_eq!(
            problems(&parse("[advisories]\nignore = \"RUSTSEC-1\"\n")),
            ["P001 2:10 `ignore` must be an array, not a string"]
        );
        assert!(
            parse("[bans]\nmultiple-versions = \"warn\"\n")
                .entries
                .is_empty()
        );
    }
}
