//! `.grype.yaml`: `ignore` rules, each matching on `vulnerability`, `package`, `fix-state`,
//! `namespace` and more. A rule without a `vulnerability` silences every finding it
//! matches: a blanket entry. Grype's ignore rules have no expiry.

use serde_json::Value;

use super::{Entry, Parsed, What, YamlDoc, child, kind};

pub fn parse(text: &str) -> Parsed {
    YamlDoc::read_map(text, |doc, root, out| {
        let Some(rules) = root
            .get("ignore")
            .and_then(|v| doc.expect_list(v, "/ignore", "`ignore`", out))
        else {
            return;
        };
        for (i, rule) in rules.iter().enumerate() {
            let pointer = child("/ignore", &i.to_string());
            let Some(rule) = doc.expect_map(rule, &pointer, "an `ignore` rule", out) else {
                continue;
            };
            let id_ptr = child(&pointer, "vulnerability");
            match rule.get("vulnerability") {
                Some(Value::String(id)) if !id.is_empty() => out.entries.push(Entry {
                    what: What::Id(id.clone()),
                    at: doc.at(&id_ptr, false),
                    expiries: Vec::new(),
                }),
                None | Some(Value::Null) | Some(Value::String(_)) => out.entries.push(Entry {
                    what: What::Blanket(describe(rule)),
                    at: doc.at(&pointer, false),
                    expiries: Vec::new(),
                }),
                Some(other) => {
                    let msg = format!("`vulnerability` must be a string, not {}", kind(other));
                    out.problem(doc.at(&id_ptr, false), msg);
                }
            }
        }
    })
}

/// What a rule without a vulnerability silences, from the conditions it sets.
fn describe(rule: &serde_json::Map<String, Value>) -> String {
    fn text(v: Option<&Value>) -> Option<&str> {
        v.and_then(Value::as_str).filter(|s| !s.is_empty())
    }
    let package = rule.get("package");
    let name = text(package.and_then(|p| p.get("name")));
    let mut conditions = Vec::new();
    if let Some(name) = name {
        conditions.push(format!("of package `{name}`"));
    }
    for (key, label) in [
        ("fix-state", "with fix state"),
        ("namespace", "in namespace"),
    ] {
        if let Some(v) = text(rule.get(key)) {
            conditions.push(format!("{label} `{v}`"));
        }
    }
    if name.is_none() && package.is_some() {
        conditions.push("of the packages it matches".into());
    }
    if conditions.is_empty() {
        "every vulnerability".into()
    } else {
        format!("every vulnerability {}", conditions.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{problems, summary};
    use super::*;

    #[test]
    fn vulnerabilities_and_blanket_rules() {
        let text = "# grype config\r\nignore:\r\n  # accepted\r\n  - vulnerability: CVE-2026-0001\r\n    reason: not reachable\r\n  - vulnerability: \"GHSA-aaaa-bbbb-cccc\"\r\n    package:\r\n      name: libcurl\r\n  - fix-state: wont-fix\r\n  - package: {name: openssl, version: 1.1.1}\r\n  - {vulnerability: '', package: {type: npm}}\r\n";
        let p = parse(text);
        assert_eq!(
            summary(&p),
            [
                "4:20 CVE-2026-0001 []",
                "6:20 GHSA-aaaa-bbbb-cccc []",
                "9:5 * []",
                "10:5 * []",
                "11:5 * []"
            ]
        );
        let blanket: Vec<_> = p.entries[2..].iter().map(|e| e.what.clone()).collect();
        assert_eq!(
            blanket,
            [
                What::Blanket("every vulnerability with fix state `wont-fix`".into()),
                What::Blanket("every vulnerability of package `openssl`".into()),
                What::Blanket("every vulnerability of the packages it matches".into()),
            ]
        );
        assert!(p.problems.is_empty());
    }

    #[test]
    fn other_settings_and_bad_shapes() {
        assert!(
            parse("output: json\nfail-on-severity: high\n")
                .entries
                .is_empty()
        );
        let p = parse("ignore:\n  - vulnerability: [CVE-1]\n  - CVE-2\n");
        assert_eq!(
            problems(&p),
            [
                "P001 2:20 `vulnerability` must be a string, not a list",
                "P001 3:5 an `ignore` rule must be a mapping, not a string",
            ]
        );
    }
}
