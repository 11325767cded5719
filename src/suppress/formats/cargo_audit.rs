//! `.cargo/audit.toml` (cargo-audit): `[advisories] ignore` lists advisory ids. These
//! ignores have no expiry.

use toml::de::DeValue;

use super::toml_doc::{self, kind};
use super::{Entry, Parsed, What, child};

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
        let at = toml_doc::at(&lines, item, &child("/advisories/ignore", &i.to_string()));
        match item.get_ref() {
            DeValue::String(s) => out.entries.push(Entry {
                what: What::Id(s.to_string()),
                at,
                expiries: Vec::new(),
            }),
            other => out.problem(at, format!("advisory ids are strings, not {}", kind(other))),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::{problems, summary};
    use super::*;

    #[test]
    fn ignore_list() {
        let text = "# cargo-audit config\n[advisories]\nignore = [\n  \"RUSTSEC-2023-0071\", # rsa: no fix yet\n  'RUSTSEC-2024-0001',\n]\ninformational_warnings = [\"unmaintained\"]\n\n[output]\ndeny = [\"unmaintained\"]\n";
        let p = parse(text);
        assert_eq!(
            summary(&p),
            ["4:3 RUSTSEC-2023-0071 []", "5:3 RUSTSEC-2024-0001 []"]
        );
        assert!(p.problems.is_empty());
        assert!(parse("[advisories]\nignore = []\n").entries.is_empty());
        assert!(parse("").entries.is_empty());
    }

    #[test]
    fn bad_items_and_syntax() {
        let p = parse("[advisories]\r\nignore = [\"RUSTSEC-1\", { id = \"x\" }]\r\n");
        assert_eq!(summary(&p), ["2:11 RUSTSEC-1 []"]);
        assert_eq!(
            problems(&p),
            ["P001 2:24 advisory ids are strings, not a table"]
        );
        assert_eq!(
            problems(&parse("advisories = 1\n")),
            ["P001 1:14 `advisories` must be a table, not an integer"]
        );
        let bad = problems(&parse("[advisories\nignore = []\n"));
        assert_eq!(bad.len(), 1);
        assert!(bad[0].starts_with("P001 1:"), "{bad:?}");
    }
}
