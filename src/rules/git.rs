//! G001–G004: the repository's history and review routing back the documents up. G001, G002
//! and G004 compare the working tree's model with the base commit's ([`Model::base`], set in
//! pull-request mode) and are silent without one; G003 reads CODEOWNERS in every mode.

use std::collections::{HashMap, HashSet};

use super::{Code, Rule};
use crate::codeowners::{Codeowners, is_scm};
use crate::date::Date;
use crate::diagnostic::Severity::{Error, Warning};
use crate::diagnostic::{Diagnostic, Loc};
use crate::model::{
    Approval, Body, Doc, ExceptionSpec, Finding, Function, Kind, L, Level4, Model, TeamSpec, items,
};

pub const RULES: &[Rule] = &[
    Rule {
        code: Code::G001,
        name: "extension-without-reapproval",
        severity: Error,
        doc: include_str!("docs/G001.md"),
        check: Some(extension_without_reapproval),
    },
    Rule {
        code: Code::G002,
        name: "record-deleted",
        severity: Error,
        doc: include_str!("docs/G002.md"),
        check: Some(record_deleted),
    },
    Rule {
        code: Code::G003,
        name: "codeowners-gap",
        severity: Error,
        doc: include_str!("docs/G003.md"),
        check: Some(codeowners_gap),
    },
    Rule {
        code: Code::G004,
        name: "finding-facts-rewritten",
        severity: Error,
        doc: include_str!("docs/G004.md"),
        check: Some(finding_facts_rewritten),
    },
];

/// The first document of each record id of `kind`, in file order (R005 reports the others).
/// A record that moved to another file is the same record, so a rename is no deletion.
fn records<'a>(m: &Model<'a>, kind: Kind) -> Vec<(&'a str, &'a Doc)> {
    let mut seen = HashSet::new();
    m.docs
        .iter()
        .filter(|d| d.kind() == kind)
        .filter_map(|d| Some((d.id.as_deref()?, d)))
        .filter(|(id, _)| seen.insert(*id))
        .collect()
}

/// The records of `kind` that exist on both sides: (id, base document, head document).
fn on_both_sides<'a>(m: &Model<'a>, kind: Kind) -> Vec<(&'a str, &'a Doc, &'a Doc)> {
    let Some(base) = m.base else {
        return Vec::new();
    };
    let at_base: HashMap<&str, &Doc> = records(base, kind).into_iter().collect();
    records(m, kind)
        .into_iter()
        .filter_map(|(id, head)| Some((id, *at_base.get(id)?, head)))
        .collect()
}

fn level(l: Level4) -> &'static str {
    match l {
        Level4::Critical => "critical",
        Level4::High => "high",
        Level4::Medium => "medium",
        Level4::Low => "low",
    }
}

/// A changed field: where it is now (its pointer, or its parent's when it was removed) and
/// what changed.
type Change = (String, String);

/// The ways a finding now asks for less urgency than at base: a lower severity, `kev` no
/// longer true.
fn finding_eased(was: &L<Finding>, now: &L<Finding>, out: &mut Vec<Change>) {
    let (Some(was), Some(now)) = (was.get(), now.get()) else {
        return;
    };
    // Level4 lists the most severe first.
    if let (Some(&w), Some(&n)) = (was.severity.get(), now.severity.get())
        && (n as u8) > (w as u8)
    {
        out.push((
            "/spec/finding/severity".into(),
            format!(
                "`finding.severity` was lowered from {} to {}",
                level(w),
                level(n)
            ),
        ));
    }
    if was.kev.get() == Some(&true) && now.kev.get() != Some(&true) {
        let pointer = match now.kev.get() {
            Some(_) => "/spec/finding/kev",
            None => "/spec/finding",
        };
        out.push((pointer.into(), "`finding.kev` is no longer true".into()));
    }
}

/// Two finding ids name the same finding: compared ASCII case-insensitively (§5).
fn same_finding(was: &L<Finding>, now: &L<Finding>) -> bool {
    match (
        was.get().and_then(|f| f.id.get()),
        now.get().and_then(|f| f.id.get()),
    ) {
        (Some(w), Some(n)) => w.eq_ignore_ascii_case(n),
        _ => true, // a missing id is S001, not another finding
    }
}

/// G001: an Exception that accepts more than at base needs a valid approval dated after every
/// approval it had there.
fn extension_without_reapproval(m: &Model, out: &mut Vec<Diagnostic>) {
    for (id, base_doc, doc) in on_both_sides(m, Kind::Exception) {
        let (Body::Exception(was), Body::Exception(now)) = (&base_doc.body, &doc.body) else {
            continue;
        };
        if !now.active() {
            continue; // a revoked exception accepts nothing, however it changed
        }
        let mut changes: Vec<Change> = Vec::new();
        if let (Some(w), Some(n)) = (was.expires.get(), now.expires.get())
            && n > w
        {
            changes.push((
                "/spec/expires".into(),
                format!("`expires` moved from {w} to {n}"),
            ));
        }
        if !was.active() {
            let pointer = match now.status.get() {
                Some(_) => "/spec/status",
                None => "/spec",
            };
            changes.push((
                pointer.into(),
                "it was revoked at base and is active again".into(),
            ));
        }
        if let (Some(w), Some(n)) = (was.service.get(), now.service.get())
            && w != n
        {
            changes.push((
                "/spec/service".into(),
                format!("`service` changed from `{w}` to `{n}`"),
            ));
        }
        if !same_finding(&was.finding, &now.finding) {
            let id = |f: &L<Finding>| {
                f.get()
                    .and_then(|f| f.id.get())
                    .cloned()
                    .unwrap_or_default()
            };
            changes.push((
                "/spec/finding/id".into(),
                format!(
                    "`finding.id` changed from `{}` to `{}`",
                    id(&was.finding),
                    id(&now.finding)
                ),
            ));
        }
        finding_eased(&was.finding, &now.finding, &mut changes);
        let Some((pointer, _)) = changes.first() else {
            continue;
        };
        let latest = was.granted_on();
        let later = |a: &&Approval| a.on.get().is_some_and(|on| latest.is_none_or(|l| *on > l));
        let mut refused = Vec::new();
        let mut reapproved = false;
        for (_, a) in items(&now.approvals).filter(|(_, a)| later(a)) {
            match approval_flaw(m, now, a) {
                None => reapproved = true,
                Some(why) => refused.push(why),
            }
        }
        if reapproved {
            continue;
        }
        let since = match latest {
            Some(l) => format!("no valid approval is dated after {l}, the latest at base"),
            None => "no valid approval is dated".into(),
        };
        let refused = match refused.is_empty() {
            true => String::new(),
            false => format!(" ({})", refused.join("; ")),
        };
        let what: Vec<&str> = changes.iter().map(|(_, c)| c.as_str()).collect();
        let msg = format!(
            "Exception `{id}`: {}, but {since}{refused}: the risk owners must approve the change",
            what.join(" and ")
        );
        out.push(Diagnostic::at(Code::G001, doc, pointer.as_str(), msg));
    }
}

/// Why an approval does not count as the re-approval G001 asks for, or `None` when it does:
/// its `by` is a person who is not the requester, is in the risk team and not in the
/// executing team (A001–A003), and its `on` is not after today.
fn approval_flaw(m: &Model, e: &ExceptionSpec, a: &Approval) -> Option<String> {
    let by = a.by.get()?;
    let on = a.on.get()?;
    let fail = |why: String| {
        Some(format!(
            "the approval by `{by}` on {on} does not count: {why}"
        ))
    };
    if *on > m.today {
        return fail("it is dated after today".into());
    }
    let Some(person) = m.person(by) else {
        return fail("it names no known person".into());
    };
    let requester = e.requested_by.get();
    if requester.is_some_and(|r| r == by || m.person(r) == Some(person)) {
        return fail("it is the requester's".into());
    }
    let team_name = |doc: usize| m.docs[doc].id.as_deref().unwrap_or("?").to_string();
    match m.risk_team(e) {
        Some(t) if t.members.contains(&person) => {}
        Some(t) => {
            return fail(format!(
                "not a member of `{}`, the risk team",
                team_name(t.doc)
            ));
        }
        None => return fail("the risk team does not resolve".into()),
    }
    if let Some(t) = m.executing_team(e)
        && t.members.contains(&person)
    {
        return fail(format!(
            "a member of `{}`, the executing team",
            team_name(t.doc)
        ));
    }
    None
}

/// G004: a Remediation whose SLA clock starts later, or whose finding now falls in a slower
/// tier, than at base.
fn finding_facts_rewritten(m: &Model, out: &mut Vec<Diagnostic>) {
    for (id, base_doc, doc) in on_both_sides(m, Kind::Remediation) {
        let (Body::Remediation(was), Body::Remediation(now)) = (&base_doc.body, &doc.body) else {
            continue;
        };
        let mut changes: Vec<Change> = Vec::new();
        if let (Some(w), Some(n)) = (was.found_on.get(), now.found_on.get())
            && n > w
        {
            changes.push((
                "/spec/found_on".into(),
                format!("`found_on` moved from {w} to {n}"),
            ));
        }
        finding_eased(&was.finding, &now.finding, &mut changes);
        let Some((pointer, _)) = changes.first() else {
            continue;
        };
        let what: Vec<&str> = changes.iter().map(|(_, c)| c.as_str()).collect();
        let msg = format!(
            "Remediation `{id}`: {}: its SLA clock or tier moved in its own favour; record the finding as it was found and keep the deadline it gives",
            what.join(" and ")
        );
        out.push(Diagnostic::at(Code::G004, doc, pointer.as_str(), msg));
    }
}

/// G002: a record of the base commit that the working tree no longer has. The diagnostic
/// names the file as it was at base; pull-request mode adds the files only the base has to
/// [`Model::paths`].
fn record_deleted(m: &Model, out: &mut Vec<Diagnostic>) {
    let Some(base) = m.base else {
        return;
    };
    let here: HashSet<(Kind, &str)> = m
        .docs
        .iter()
        .filter_map(|d| Some((d.kind(), d.id.as_deref()?)))
        .collect();
    let mut file_of: HashMap<&str, usize> = HashMap::new();
    for (i, rel) in m.paths.iter().enumerate() {
        file_of.entry(*rel).or_insert(i);
    }
    for kind in [Kind::Exception, Kind::Remediation] {
        for (id, doc) in records(base, kind) {
            if here.contains(&(kind, id)) {
                continue;
            }
            let Some(&file) = base.paths.get(doc.file).and_then(|rel| file_of.get(rel)) else {
                continue;
            };
            if m.incomplete.contains(&file) {
                continue; // P001/P003/P004 says why its records cannot be read
            }
            let d = match &doc.body {
                Body::Remediation(_) => Diagnostic::new(
                    Code::G002,
                    file,
                    Loc::File,
                    format!(
                        "Remediation `{id}` was deleted: it is audit evidence of who fixed the finding and who verified it; keep the record"
                    ),
                ),
                Body::Exception(e) if e.covers(m.today) => Diagnostic::new(
                    Code::G002,
                    file,
                    Loc::File,
                    format!(
                        "Exception `{id}` was deleted while active (it expires {}): revoke it first (`status: revoked`), then delete it in a later change",
                        e.expires.get().map(Date::to_string).unwrap_or_default()
                    ),
                )
                .with_severity(Warning),
                _ => continue,
            };
            out.push(d);
        }
    }
}

/// A team's `scm`, unless blank (the schema reports that).
fn scm(team: &TeamSpec) -> Option<&str> {
    team.scm.get().map(|s| s.trim()).filter(|s| !s.is_empty())
}

fn codeowners_gap(m: &Model, out: &mut Vec<Diagnostic>) {
    let Some(co) = m.codeowners else {
        // One warning, on the first team that expects CODEOWNERS to route reviews to it.
        let mut declaring = m
            .docs
            .iter()
            .filter(|d| matches!(&d.body, Body::Team(t) if scm(t).is_some()));
        if let Some(first) = declaring.next() {
            let team = match &first.id {
                Some(id) => format!("team `{id}`"),
                None => "a team".into(),
            };
            let others = match declaring.count() {
                0 => String::new(),
                n => format!(" and {n} other team(s)"),
            };
            let msg = format!(
                "{team}{others} declare `scm`, but there is no CODEOWNERS file (.github/CODEOWNERS, CODEOWNERS or docs/CODEOWNERS): nothing makes the risk owners review the exceptions they approve"
            );
            out.push(
                Diagnostic::new(Code::G003, first.file, Loc::File, msg).with_severity(Warning),
            );
        }
        return;
    };
    for (doc, e) in m.exceptions() {
        let Some(service) = e.service.get() else {
            continue;
        };
        let team_id = m.risk_owner(Some(service));
        let team = m.owner_team(Some(service), Function::Risk);
        let (Some(team_id), Some(team)) = (team_id, team) else {
            continue; // R003 / R001
        };
        let (Some(scm), Some(rel)) = (scm(team.spec), m.paths.get(doc.file)) else {
            continue;
        };
        let path = co.path_of(rel);
        let due = format!("`{scm}` (team `{team_id}`, risk owner of `{service}`)");
        let msg = match co.owner_of(rel) {
            Some(entry) if entry.owners.iter().any(|o| is_scm(o, scm)) => continue,
            Some(entry) if entry.owners.is_empty() => format!(
                "{} line {} leaves {path} without code owners; it must be owned by {due}",
                co.location, entry.line
            ),
            Some(entry) => format!(
                "{} line {} gives {path} to {}, not to {due}",
                co.location,
                entry.line,
                entry.owners.join(" ")
            ),
            None => format!(
                "no pattern in {} matches {path}; it must be owned by {due}",
                co.location
            ),
        };
        out.push(Diagnostic::at(Code::G003, doc, "/spec/service", msg));
    }
    config_owner(m, co, out);
}

/// G003 for `foureyes.yaml`: it decides which files are checked and how severe each rule
/// is, so it must be owned by a risk team (one whose `functions` include `risk`), where any
/// risk team declares `scm`.
fn config_owner(m: &Model, co: &Codeowners, out: &mut Vec<Diagnostic>) {
    let Some(file) = m.config_file else {
        return;
    };
    let mut risk: Vec<(&str, &str)> = m
        .teams
        .iter()
        .filter(|(_, t)| t.functions.contains(&Function::Risk))
        .filter_map(|(id, t)| Some((*id, scm(t.spec)?)))
        .collect();
    if risk.is_empty() {
        return;
    }
    risk.sort_unstable();
    let rel = m.paths[file];
    let path = co.path_of(rel);
    let teams: Vec<String> = risk
        .iter()
        .map(|(id, scm)| format!("`{scm}` (team `{id}`)"))
        .collect();
    let due = format!(
        "it sets which files are checked and how severe each rule is, so it must be owned by a risk team: {}",
        teams.join(" or ")
    );
    let msg = match co.owner_of(rel) {
        Some(e)
            if e.owners
                .iter()
                .any(|o| risk.iter().any(|(_, s)| is_scm(o, s))) =>
        {
            return;
        }
        Some(e) if e.owners.is_empty() => format!(
            "{} line {} leaves {path} without code owners; {due}",
            co.location, e.line
        ),
        Some(e) => format!(
            "{} line {} gives {path} to {}; {due}",
            co.location,
            e.line,
            e.owners.join(" ")
        ),
        None => format!("no pattern in {} matches {path}; {due}", co.location),
    };
    out.push(Diagnostic::new(Code::G003, file, Loc::File, msg));
}
