//! `.snyk` policy files: `ignore` maps a Snyk issue id to a list of rules, one per path
//! (`'*'` for every path), each with an optional `expires` (a date or timestamp):
//! ```yaml
//! ignore:
//!   SNYK-JS-LODASH-567746:
//!     - '*':
//!         reason: not reachable
//!         expires: 2026-12-02T00:00:00.000Z
//! ```

use serde_json::Value;

use super::{Entry, Expiry, Parsed, What, YamlDoc, child};

pub fn parse(text: &str) -> Parsed {
    YamlDoc::read_map(text, |doc, root, out| {
        let Some(ignore) = root
            .get("ignore")
            .and_then(|v| doc.expect_map(v, "/ignore", "`ignore`", out))
        else {
            return;
        };
        for (id, rules) in ignore {
            let pointer = child("/ignore", id);
            let mut expiries = Vec::new();
            if let Value::Array(rules) = rules {
                for (i, rule) in rules.iter().enumerate() {
                    let rule_ptr = child(&pointer, &i.to_string());
                    // `- '*': {reason, expires}`; a bare path (`- '*'`) has no expiry.
                    let Value::Object(paths) = rule else {
                        expiries.push(Expiry::default());
                        continue;
                    };
                    for (path, settings) in paths {
                        let exp_ptr = child(&child(&rule_ptr, path), "expires");
                        let expires = settings.get("expires");
                        expiries.push(doc.expiry(expires, &exp_ptr, "expires", out));
                    }
                }
            }
            if expiries.is_empty() {
                expiries.push(Expiry::default());
            }
            out.entries.push(Entry {
                what: What::Id(id.clone()),
                at: doc.at(&pointer, true),
                expiries,
            });
        }
        // In file order, whatever order the mapping keeps.
        out.entries.sort_by_key(|e| e.at.span.start);
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::{problems, summary};
    use super::*;

    #[test]
    fn ids_paths_and_expiries() {
        let text = "# Snyk (https://snyk.io) policy file, patches or ignores known vulnerabilities.\nversion: v1.25.0\n# ignores vulnerabilities until expiry date\nignore:\n  SNYK-JS-LODASH-567746:\n    - '*':\n        reason: not reachable\n        expires: 2026-12-02T00:00:00.000Z\n        created: 2026-11-01T10:00:00.000Z\n  'npm:ms:20170412':\n    - snyk > debug > ms:\n        reason: None given\n        expires: '2026-12-01'\n    - jsonp > debug > ms:\n        reason: None given\n  SNYK-JAVA-IONETTY-1042268:\n    - '*'\npatch: {}\nexclude:\n  global:\n    - vendor/**\n";
        let p = parse(text);
        assert_eq!(
            summary(&p),
            [
                "5:3 SNYK-JS-LODASH-567746 [2026-12-02T00:00:00.000Z@8:18]",
                "10:3 npm:ms:20170412 [2026-12-01@13:18,none]",
                "16:3 SNYK-JAVA-IONETTY-1042268 [none]",
            ]
        );
        assert!(p.problems.is_empty());
        assert_eq!(
            p.entries[1].at.pointer.as_deref(),
            Some("/ignore/npm:ms:20170412")
        );
    }

    #[test]
    fn empty_policies_and_bad_shapes() {
        assert!(
            parse("version: v1.25.0\nignore: {}\npatch: {}\n")
                .entries
                .is_empty()
        );
        let p = parse("ignore:\n  SNYK-1:\n    - '*':\n        expires: next week\n");
        assert_eq!(summary(&p), ["2:3 SNYK-1 [bad:next week]"]);
        assert_eq!(
            problems(&p),
            ["P001 4:18 `expires` must be a date (YYYY-MM-DD) or an RFC 3339 timestamp"]
        );
        assert_eq!(
            problems(&parse("ignore: [a]\n")),
            ["P001 1:9 `ignore` must be a mapping, not a list"]
        );
    }
}
