//! T001–T005: the SLA policy is coherent: tiers ordered, escalation defined and ordered,
//! no tier unreachable, exactly one policy.

use super::{Code, Rule};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Severity::Error;
use crate::model::{Body, ClassSet, Doc, Kind, Model, SlaSpec, Tier, items};

pub const RULES: &[Rule] = &[
    Rule {
        code: Code::T001,
        name: "tier-order",
        severity: Error,
        doc: include_str!("docs/T001.md"),
        check: Some(tier_order),
    },
    Rule {
        code: Code::T002,
        name: "missing-escalation",
        severity: Error,
        doc: include_str!("docs/T002.md"),
        check: Some(missing_escalation),
    },
    Rule {
        code: Code::T003,
        name: "escalation-order",
        severity: Error,
        doc: include_str!("docs/T003.md"),
        check: Some(escalation_order),
    },
    Rule {
        code: Code::T004,
        name: "shadowed-tier",
        severity: Error,
        doc: include_str!("docs/T004.md"),
        check: Some(shadowed_tier),
    },
    Rule {
        code: Code::T005,
        name: "sla-policy-count",
        severity: Error,
        doc: include_str!("docs/T005.md"),
        check: Some(policy_count),
    },
];

fn policies<'a>(m: &Model<'a>) -> impl Iterator<Item = (&'a Doc, &'a SlaSpec)> {
    m.docs.iter().filter_map(|d| match &d.body {
        Body::SlaPolicy(p) => Some((d, p)),
        _ => None,
    })
}

fn tier_name(t: &crate::model::Tier) -> &str {
    t.id.get().map_or("?", String::as_str)
}

fn tier_order(m: &Model, out: &mut Vec<Diagnostic>) {
    for (doc, p) in policies(m) {
        let mut max: Option<(i64, &str)> = None;
        for (i, t) in items(&p.tiers) {
            let Some(days) = t.remediate_within_days.get().map(|d| d.get()) else {
                continue;
            };
            match max {
                Some((m_days, m_id)) if days < m_days => {
                    let msg = format!(
                        "tier `{}` allows {}, less than the {} of the more urgent tier `{m_id}` before it",
                        tier_name(t),
                        super::days(days),
                        super::days(m_days)
                    );
                    let ptr = format!("/spec/tiers/{i}/remediate_within_days");
                    let d = Diagnostic::at(Code::T001, doc, ptr, msg)
                        .id_fact_opt("tier", t.id.get().map(String::as_str))
                        .id_fact("earlier_tier", m_id)
                        .fact("days", days)
                        .fact("earlier_days", m_days);
                    out.push(d);
                }
                // An equal deadline keeps naming the first tier that set it.
                Some((m_days, _)) if days == m_days => {}
                _ => max = Some((days, tier_name(t))),
            }
        }
    }
}

fn missing_escalation(m: &Model, out: &mut Vec<Diagnostic>) {
    for (doc, p) in policies(m) {
        for (i, t) in items(&p.tiers) {
            if t.escalation.get().is_none_or(|s| s.is_empty()) {
                let msg = format!(
                    "tier `{}` has no escalation step: a missed deadline reaches nobody",
                    tier_name(t)
                );
                let d = Diagnostic::at(Code::T002, doc, format!("/spec/tiers/{i}/id"), msg)
                    .id_fact_opt("tier", t.id.get().map(String::as_str));
                out.push(d);
            }
        }
    }
}

fn escalation_order(m: &Model, out: &mut Vec<Diagnostic>) {
    for (doc, p) in policies(m) {
        for (i, t) in items(&p.tiers) {
            let mut max: Option<i64> = None;
            for (j, step) in items(&t.escalation) {
                let Some(after) = step.after_days.get().map(|d| d.get()) else {
                    continue;
                };
                match max {
                    Some(prev) if after <= prev => {
                        let msg = format!(
                            "escalation step after {after} days comes after a step at {prev} days: after_days must strictly increase"
                        );
                        let ptr = format!("/spec/tiers/{i}/escalation/{j}");
                        let d = Diagnostic::at(Code::T003, doc, ptr, msg)
                            .id_fact_opt("tier", t.id.get().map(String::as_str))
                            .fact("after_days", after)
                            .fact("previous_after_days", prev);
                        out.push(d);
                    }
                    _ => max = Some(after),
                }
            }
        }
    }
}

fn shadowed_tier(m: &Model, out: &mut Vec<Diagnostic>) {
    for (doc, p) in policies(m) {
        // The first tier of each distinct match set, in order: at most 3 × 16 × 16 × 8 sets
        // exist (kev, severity, criticality and exposure conditions), so many tiers are not
        // compared pairwise.
        let mut earlier: Vec<(ClassSet, &Tier)> = Vec::new();
        for (i, t) in items(&p.tiers) {
            let Some(set) = t.match_set() else { continue };
            let shadow = earlier
                .iter()
                .find(|(e, _)| set.is_subset(*e))
                .map(|(_, t)| *t);
            if !earlier.iter().any(|(e, _)| *e == set) {
                earlier.push((set, t));
            }
            if let Some(earlier) = shadow {
                let msg = format!(
                    "tier `{}` is unreachable: the earlier tier `{}` matches every finding it could match",
                    tier_name(t),
                    tier_name(earlier)
                );
                let d = Diagnostic::at(Code::T004, doc, format!("/spec/tiers/{i}/id"), msg)
                    .id_fact_opt("tier", t.id.get().map(String::as_str))
                    .id_fact_opt("shadowed_by", earlier.id.get().map(String::as_str));
                out.push(d);
            }
        }
    }
}

fn policy_count(m: &Model, out: &mut Vec<Diagnostic>) {
    let mut found = policies(m);
    if let Some((first, _)) = found.next() {
        for (doc, _) in found {
            let msg = format!(
                "a second SlaPolicy; `{}` already governs this repo",
                first.id.as_deref().unwrap_or("?")
            );
            let d = Diagnostic::at(Code::T005, doc, "/metadata/id", msg)
                .id_fact_opt("governing", first.id.as_deref());
            out.push(d);
        }
        return;
    }
    let record = m
        .docs
        .iter()
        .find(|d| matches!(d.kind(), Kind::Exception | Kind::Remediation));
    if let Some(doc) = record {
        let msg = "records exist but no SlaPolicy defines their tiers";
        out.push(Diagnostic::at(Code::T005, doc, "/metadata/id", msg));
    }
}
