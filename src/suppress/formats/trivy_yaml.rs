//! `.trivyignore.yaml`: lists `vulnerabilities`, `misconfigurations`, `secrets` and
//! `licenses` of items with an `id` and an optional `expired_at` (a date or timestamp).
//! An item without an `id` matches no finding, so it silences nothing.

use serde_json::Value;

use super::{Entry, Parsed, What, YamlDoc, child, kind};

const LISTS: [&str; 4] = [
    "vulnerabilities",
    "misconfigurations",
    "secrets",
    "licenses",
];

pub fn parse(text: &str) -> Parsed {
    YamlDoc::read_map(text, |doc, root, out| {
        for list in LISTS {
            let pointer = child("", list);
            let Some(items) = root
                .get(list)
                .and_then(|v| doc.expect_list(v, &pointer, &format!("`{list}`"), out))
            else {
                continue;
            };
            for (i, item) in items.iter().enumerate() {
                let item_ptr = child(&pointer, &i.to_string());
                let Some(item) = doc.expect_map(item, &item_ptr, "an item", out) else {
                    continue;
                };
                let id_ptr = child(&item_ptr, "id");
                // An item without an id (or an empty one) matches no finding.
                let id = match item.get("id") {
                    None | Some(Value::Null) => continue,
                    Some(Value::String(s)) if s.is_empty() => continue,
                    Some(Value::String(s)) => s,
                    Some(other) => {
                        let msg = format!("`id` must be a string, not {}", kind(other));
                        out.problem(doc.at(&id_ptr, false), msg);
                        continue;
                    }
                };
                let exp_ptr = child(&item_ptr, "expired_at");
                let expiry = doc.expiry(item.get("expired_at"), &exp_ptr, "expired_at", out);
                out.entries.push(Entry {
                    what: What::Id(id.clone()),
                    at: doc.at(&id_ptr, false),
                    expiries: vec![expiry],
                });
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::{problems, summary};
    use super::*;

    #[test]
    fn all_four_lists_with_dates_timestamps_and_quoted_ids() {
        let text = "# Trivy ignore file\nvulnerabilities:\n  - id: CVE-2026-0001\n    expired_at: 2026-12-02\n    statement: Accept the risk\n  - id: \"CVE-2026-0002\"\n    paths: [\"usr/lib/**\"]\n    purls: [\"pkg:deb/debian/libssl1.1\"]\nmisconfigurations:\n  - {id: AVD-AWS-0104, expired_at: '2026-12-01T12:00:00Z'}\nsecrets:\n  - id: aws-access-key-id\nlicenses:\n  - id: GPL-3.0\n    expired_at: 2027-01-01\n  - statement: no id, matches nothing\n  - id: ''\n";
        let p = parse(text);
        assert_eq!(
            summary(&p),
            [
                "3:9 CVE-2026-0001 [2026-12-02@4:17]",
                "6:9 CVE-2026-0002 [none]",
                "10:10 AVD-AWS-0104 [2026-12-01T12:00:00Z@10:36]",
                "12:9 aws-access-key-id [none]",
                "14:9 GPL-3.0 [2027-01-01@15:17]",
            ]
        );
        assert!(p.problems.is_empty());
        assert_eq!(
            p.entries[0].at.pointer.as_deref(),
            Some("/vulnerabilities/0/id")
        );
    }

    #[test]
    fn crlf_and_empty_lists() {
        let p = parse(
            "vulnerabilities:\r\n- id: CVE-1\r\n  expired_at: 2026-01-01\r\nsecrets:\r\nlicenses: []\r\n",
        );
        assert_eq!(summary(&p), ["2:7 CVE-1 [2026-01-01@3:15]"]);
    }

    #[test]
    fn shapes_a_scanner_rejects_are_problems() {
        let p = parse(
            "vulnerabilities: CVE-1\nsecrets:\n  - id: 12\n  - id: X\n    expired_at: soon\n",
        );
        assert_eq!(summary(&p), ["4:9 X [bad:soon]"]);
        assert_eq!(
            problems(&p),
            [
                "P001 1:18 `vulnerabilities` must be a list, not a string",
                "P001 3:9 `id` must be a string, not a number",
                "P001 5:17 `expired_at` must be a date (YYYY-MM-DD) or an RFC 3339 timestamp",
            ]
        );
        assert_eq!(
            problems(&parse("[a, b]")),
            ["P001 1:1 the file must be a mapping, not a list"]
        );
        assert_eq!(problems(&parse("a: [")).len(), 1);
        assert_eq!(
            problems(&parse("vulnerabilities: []\nvulnerabilities: []\n")),
            ["P002 2:1 duplicate key `vulnerabilities`: the scanner rejects the file"]
        );
    }
}
