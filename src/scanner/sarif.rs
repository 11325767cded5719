//! SARIF 2.1.0 from any tool: `runs[].results[]`, the finding id being the result's `ruleId`.
//!
//! The result's rule (by `ruleIndex`, else by id, in `tool.driver.rules` and the extensions'
//! rules) gives the severity, from its `properties.security-severity` CVSS score (GitHub's
//! convention), else from the result's `level` (or the rule's default level): error high,
//! warning medium, note low. Its `deprecatedIds` are aliases (OSV-Scanner lists the other ids
//! of the vulnerability there). Grype names rules `<id>-<package>`: the suffix is removed.
//! A result the tool marks as not a problem (`kind` pass, notApplicable or informational) or
//! as gone since the baseline (`baselineState: absent`) is not a detection.

use std::collections::HashMap;

use super::cursor::{Cursor, R};
use super::{Detected, from_score};
use crate::model::Level4;

#[derive(Default)]
struct Rule {
    id: Option<String>,
    deprecated: Vec<String>,
    score: Option<f64>,
    level: Option<String>,
    /// The first word of `shortDescription.text` and the first line of `help.text`: where
    /// Grype names the vulnerability apart from the package.
    short_word: Option<String>,
    help_line: Option<String>,
}

struct Res {
    rule_id: Option<String>,
    rule_index: Option<usize>,
    level: Option<String>,
    counts: bool,
    pointer: String,
    offset: usize,
}

pub fn runs(c: &mut Cursor, out: &mut Vec<Detected>) -> R<()> {
    c.array(|c, _| run(c, out))
}

fn text(c: &mut Cursor) -> R<Option<String>> {
    let mut t = None;
    c.object(&["text"], |c, _| {
        t = c.opt_string()?;
        Ok(())
    })?;
    Ok(t)
}

fn rule(c: &mut Cursor) -> R<Rule> {
    let mut r = Rule::default();
    let keys = [
        "id",
        "deprecatedIds",
        "properties",
        "defaultConfiguration",
        "shortDescription",
        "help",
    ];
    c.object(&keys, |c, k| {
        match k {
            0 => r.id = Some(c.string()?),
            1 => r.deprecated = c.strings()?,
            2 => c.object(&["security-severity"], |c, _| {
                r.score = c.score()?;
                Ok(())
            })?,
            3 => c.object(&["level"], |c, _| {
                r.level = c.opt_string()?;
                Ok(())
            })?,
            4 => {
                r.short_word = text(c)?.and_then(|t| t.split_whitespace().next().map(String::from))
            }
            _ => r.help_line = text(c)?.and_then(|t| t.lines().next().map(String::from)),
        }
        Ok(())
    })?;
    Ok(r)
}

/// An index into a rules array; -1 (SARIF's "none") and anything else that is no index read
/// as none.
fn index(c: &mut Cursor) -> R<Option<usize>> {
    Ok(c.score()?
        .filter(|x| *x >= 0.0 && x.fract() == 0.0 && *x < 1e15)
        .map(|x| x as usize))
}

fn result(c: &mut Cursor) -> R<Res> {
    let mut r = Res {
        rule_id: None,
        rule_index: None,
        level: None,
        counts: true,
        pointer: c.pointer(),
        offset: c.index(),
    };
    let (mut nested_id, mut nested_index) = (None, None);
    let keys = [
        "ruleId",
        "ruleIndex",
        "rule",
        "level",
        "kind",
        "baselineState",
    ];
    c.object(&keys, |c, k| {
        match k {
            0 => r.rule_id = c.opt_string()?,
            1 => r.rule_index = index(c)?,
            2 => c.object(&["id", "index"], |c, k| {
                if k == 0 {
                    nested_id = c.opt_string()?;
                } else {
                    nested_index = index(c)?;
                }
                Ok(())
            })?,
            3 => r.level = c.opt_string()?,
            4 => {
                let kind = c.opt_string()?;
                let not_a_problem = ["pass", "notApplicable", "informational"];
                if kind.is_some_and(|k| not_a_problem.contains(&k.as_str())) {
                    r.counts = false;
                }
            }
            _ => {
                if c.opt_string()?.as_deref() == Some("absent") {
                    r.counts = false;
                }
            }
        }
        Ok(())
    })?;
    r.rule_id = r.rule_id.or(nested_id);
    r.rule_index = r.rule_index.or(nested_index);
    Ok(r)
}

fn run(c: &mut Cursor, out: &mut Vec<Detected>) -> R<()> {
    let (mut tool, mut rules, mut extension_rules, mut results) =
        (None, Vec::new(), Vec::new(), Vec::new());
    c.object(&["tool", "results"], |c, k| {
        if k == 1 {
            return c.array(|c, _| {
                results.push(result(c)?);
                Ok(())
            });
        }
        c.object(&["driver", "extensions"], |c, k| {
            let rules_of = |c: &mut Cursor, into: &mut Vec<Rule>| {
                c.array(|c, _| {
                    into.push(rule(c)?);
                    Ok(())
                })
            };
            if k == 0 {
                c.object(&["name", "rules"], |c, k| {
                    if k == 0 {
                        tool = c.opt_string()?;
                        Ok(())
                    } else {
                        rules_of(c, &mut rules)
                    }
                })
            } else {
                c.array(|c, _| c.object(&["rules"], |c, _| rules_of(c, &mut extension_rules)))
            }
        })
    })?;
    let grype = tool.is_some_and(|t| t.eq_ignore_ascii_case("grype"));
    // By id, the driver's rules first, the first of equal ids.
    let mut by_id: HashMap<&str, &Rule> = HashMap::new();
    for r in rules.iter().chain(&extension_rules) {
        if let Some(id) = &r.id {
            by_id.entry(id.as_str()).or_insert(r);
        }
    }
    for res in results.into_iter().filter(|r| r.counts) {
        let rule = match (res.rule_index, &res.rule_id) {
            (Some(i), _) if i < rules.len() => Some(&rules[i]),
            (_, Some(id)) => by_id.get(id.as_str()).copied(),
            _ => None,
        };
        let Some(rule_id) = res.rule_id.or_else(|| rule.and_then(|r| r.id.clone())) else {
            return Err(super::missing("ruleId", &res.pointer, res.offset));
        };
        let id = if grype {
            grype_id(&rule_id, rule).to_string()
        } else {
            rule_id.clone()
        };
        let (severity, stated) = match rule.and_then(|r| r.score) {
            Some(s) => (from_score(s), format!("security-severity {s}")),
            None => match res
                .level
                .as_deref()
                .or(rule.and_then(|r| r.level.as_deref()))
            {
                Some(l) => (from_level(l), format!("level {l}")),
                None => (Level4::High, "no severity".to_string()),
            },
        };
        let mut aliases: Vec<String> = rule.map(|r| r.deprecated.clone()).unwrap_or_default();
        aliases.retain(|a| *a != id);
        out.push(Detected {
            id,
            aliases,
            severity,
            stated,
            kev: false,
            pointer: res.pointer,
            offset: res.offset,
        });
    }
    Ok(())
}

/// error high, warning medium, note low; `none` or anything else says nothing, and an
/// unknown severity counts as high.
fn from_level(level: &str) -> Level4 {
    match level {
        "warning" => Level4::Medium,
        "note" => Level4::Low,
        _ => Level4::High,
    }
}

/// Grype's rule id without its `-<package>` suffix: the vulnerability id its rule texts name
/// ("Vulnerability CVE-…" in `help`, the first word of `shortDescription`), else a CVE or
/// GHSA id at the start.
fn grype_id<'a>(rule_id: &'a str, rule: Option<&Rule>) -> &'a str {
    let named = rule.into_iter().flat_map(|r| {
        let help = r
            .help_line
            .as_deref()
            .and_then(|l| l.strip_prefix("Vulnerability "));
        [help, r.short_word.as_deref()]
    });
    for name in named.flatten() {
        let name = name.trim();
        if !name.is_empty()
            && let Some(rest) = rule_id.strip_prefix(name)
            && rest.starts_with('-')
        {
            return &rule_id[..name.len()];
        }
    }
    known_prefix(rule_id).unwrap_or(rule_id)
}

/// `CVE-YYYY-NNNN…` or `GHSA-xxxx-xxxx-xxxx` at the start of `s`, followed by `-`.
fn known_prefix(s: &str) -> Option<&str> {
    let b = s.as_bytes();
    let digits = |from: usize| b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let len = if s.starts_with("CVE-") && digits(4) == 4 && b.get(8) == Some(&b'-') {
        let n = digits(9);
        (n >= 4).then_some(9 + n)
    } else if s.starts_with("GHSA-") {
        let group = |at: usize| {
            b.get(at..at + 4)
                .is_some_and(|g| g.iter().all(u8::is_ascii_alphanumeric))
        };
        (group(5) && b.get(9) == Some(&b'-') && group(10) && b.get(14) == Some(&b'-') && group(15))
            .then_some(19)
    } else {
        None
    }?;
    (b.get(len) == Some(&b'-')).then(|| &s[..len])
}
