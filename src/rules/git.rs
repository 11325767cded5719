//! G001–G003: the repository's history and review routing back the documents up. G001 and
//! G002 compare the working tree with a base commit, so pull-request mode ([`crate::pr`])
//! reports them and they have no check over one model; G003 reads CODEOWNERS in every mode.

use super::{Code, Rule};
use crate::codeowners::is_scm;
use crate::diagnostic::Severity::{Error, Warning};
use crate::diagnostic::{Diagnostic, Loc};
use crate::model::{Body, Function, Model, TeamSpec};

pub const RULES: &[Rule] = &[
    Rule {
        code: Code::G001,
        name: "extension-without-reapproval",
        severity: Error,
        doc: include_str!("docs/G001.md"),
        check: None,
    },
    Rule {
        code: Code::G002,
        name: "record-deleted",
        severity: Error,
        doc: include_str!("docs/G002.md"),
        check: None,
    },
    Rule {
        code: Code::G003,
        name: "codeowners-gap",
        severity: Error,
        doc: include_str!("docs/G003.md"),
        check: Some(codeowners_gap),
    },
];

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
            let declaring_rest = declaring.count();
            let others = match declaring_rest {
                0 => String::new(),
                n => format!(" and {n} other team(s)"),
            };
            let msg = format!(
                "{team}{others} declare `scm`, but there is no CODEOWNERS file (.github/CODEOWNERS, CODEOWNERS or docs/CODEOWNERS): nothing makes the risk owners review the exceptions they approve"
            );
            let d = Diagnostic::new(Code::G003, first.file, Loc::File, msg)
                .with_severity(Warning)
                .id_fact_opt("team", first.id.as_deref())
                .fact("other_teams", declaring_rest);
            out.push(d);
        }
        return;
    };
    for (doc, e) in m.exceptions() {
        let Some(service) = e.service.get() else {
            continue;
        };
        let team_id = m.owner_id(doc, Function::Risk);
        let team = m.owner_team(doc, Function::Risk);
        let (Some(team_id), Some(team)) = (team_id, team) else {
            continue; // R003 / R001
        };
        let (Some(scm), Some(rel)) = (scm(team.spec), m.paths.get(doc.file)) else {
            continue;
        };
        let path = co.path_of(rel);
        let due = format!("`{scm}` (team `{team_id}`, risk owner of `{service}`)");
        let entry = co.owner_of(rel);
        let msg = match entry {
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
        // The CODEOWNERS line and its owners are information: editing that other file
        // must not make this a new problem.
        let d = Diagnostic::at(Code::G003, doc, "/spec/service", msg)
            .id_fact("service", service.as_str())
            .id_fact("team", team_id)
            .id_fact("scm", scm)
            .fact("codeowners", co.location.as_str())
            .fact("path", path.as_str())
            .fact_opt("line", entry.map(|e| e.line))
            .fact_opt("owners", entry.map(|e| e.owners.clone()));
        out.push(d);
    }
}
