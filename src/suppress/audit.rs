//! X001–X004: judges the entries of one suppression file against the backing Exceptions.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::backing::{Backing, Exception, Lookup, State};
use super::formats::{At, Entry, Format, Parsed, What};
use super::instant::Instant;
use super::service::RepoName;
use crate::diagnostic::{Diagnostic, Loc};
use crate::rules::Code;

/// Which service a file belongs to, as routing found it.
pub enum Owner<'a> {
    Service(&'a str),
    /// Listed repository, but the file is in none of its listed folders.
    Unmapped {
        repo: &'a RepoName,
        folders: &'a [String],
    },
}

pub fn loc(at: &At) -> Loc {
    match &at.pointer {
        Some(pointer) => Loc::Exact {
            doc: 0,
            pointer: pointer.clone(),
            span: at.span,
        },
        None => Loc::At(at.span.start),
    }
}

/// The diagnostics of one parsed file (`file` is its index in the report).
pub fn judge(
    file: usize,
    format: Format,
    parsed: &Parsed,
    owner: &Owner,
    backing: &Backing,
) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = parsed
        .problems
        .iter()
        .map(|p| {
            let loc = p.at.as_ref().map_or(Loc::File, loc);
            Diagnostic::new(p.code, file, loc, p.message.clone())
        })
        .collect();
    let service = match owner {
        Owner::Service(s) => *s,
        Owner::Unmapped { repo, folders } => {
            if !parsed.entries.is_empty() {
                let listed = folders.join(", ");
                let msg = format!(
                    "this {} file lies in none of the folders listed for repository {repo} ({listed}), so no service owns what it silences: list its folder under a service's `repositories`",
                    format.name()
                );
                let d = Diagnostic::new(Code::X004, file, Loc::File, msg)
                    .id_fact("repository", repo.as_string())
                    .fact("folders", folders.to_vec())
                    .fact("format", format.name());
                out.push(d);
            }
            return out;
        }
    };
    // Entries of a `.trivyignore` have no pointer: the same id twice in one file is told
    // apart by its occurrence.
    let mut seen: HashMap<String, usize> = HashMap::new();
    for entry in &parsed.entries {
        let occurrence = match (&entry.what, &entry.at.pointer) {
            (What::Id(id), None) => {
                let n = seen.entry(id.to_ascii_lowercase()).or_default();
                *n += 1;
                *n - 1
            }
            _ => 0,
        };
        let cx = Cx {
            file,
            service,
            format,
            entry,
            occurrence,
        };
        match &entry.what {
            What::Blanket(silences) => {
                let msg = format!(
                    "this entry silences {silences} without naming a finding, so no Exception can back it: list the finding ids instead"
                );
                let d = cx.diagnostic(Code::X003, &entry.at, msg);
                out.push(d.fact("silences", silences.as_str()));
            }
            What::Id(id) => {
                let found = backing.lookup(service, id);
                if found.backing.is_empty() {
                    out.push(unbacked(&cx, id, &found));
                } else {
                    out.extend(outliving(&cx, id, &found));
                }
            }
        }
    }
    out
}

/// One entry being judged.
struct Cx<'a> {
    file: usize,
    service: &'a str,
    format: Format,
    entry: &'a Entry,
    occurrence: usize,
}

impl Cx<'_> {
    /// A diagnostic about the entry, with the facts every one has.
    fn diagnostic(&self, code: Code, at: &At, msg: String) -> Diagnostic {
        let d = Diagnostic::new(code, self.file, loc(at), msg).id_fact("service", self.service);
        let d = match &self.entry.what {
            What::Id(id) => d.id_fact("finding", id.as_str()),
            What::Blanket(_) => d,
        };
        let d = if self.occurrence > 0 {
            d.id_fact("occurrence", self.occurrence)
        } else {
            d
        };
        d.fact("format", self.format.name())
    }
}

/// Why an Exception for the service backs nothing: for the message, and as a fact.
fn failure(e: &Exception) -> Option<(String, Value)> {
    Some(match &e.state {
        State::Backs => return None,
        State::Revoked => (
            format!("{} is revoked", e.id),
            json!({"id": e.id, "why": "revoked"}),
        ),
        State::Expired(day) => (
            format!("{} expired on {day}", e.id),
            json!({"id": e.id, "why": "expired", "expired_on": day.to_string()}),
        ),
        State::Errors(codes) => {
            let codes: Vec<&str> = codes.iter().map(|c| c.as_str()).collect();
            (
                format!("{} has errors: {}", e.id, codes.join(", ")),
                json!({"id": e.id, "why": "errors", "errors": codes}),
            )
        }
    })
}

fn unbacked(cx: &Cx, id: &str, found: &Lookup) -> Diagnostic {
    let service = cx.service;
    let elsewhere = found.elsewhere.iter().map(|e| {
        let other = e.service.as_deref().unwrap_or_default();
        (
            format!("{} covers another service (`{other}`)", e.id),
            json!({"id": e.id, "why": "other-service", "service": other}),
        )
    });
    let (reasons, facts): (Vec<String>, Vec<Value>) = found
        .failing
        .iter()
        .filter_map(|e| failure(e))
        .chain(elsewhere)
        .unzip();
    let msg = if reasons.is_empty() {
        format!(
            "`{id}` is suppressed, but no Exception for service `{service}` names it (by id or alias)"
        )
    } else {
        format!(
            "`{id}` is suppressed, but no approved, unexpired Exception for service `{service}` backs it: {}",
            reasons.join("; ")
        )
    };
    cx.diagnostic(Code::X001, &cx.entry.at, msg)
        .fact("exceptions", facts)
}

fn outliving(cx: &Cx, id: &str, found: &Lookup) -> Vec<Diagnostic> {
    let Some(expires) = found.expires() else {
        return Vec::new();
    };
    let Some(latest) = expires.plus(1) else {
        return Vec::new();
    };
    let Some(hint) = cx.format.expiry_hint(latest) else {
        return Vec::new();
    };
    let exception = found
        .backing
        .iter()
        .filter(|e| e.expires == Some(expires))
        .map(|e| e.id.as_str())
        .min()
        .unwrap_or_default();
    let x002 = |at: &At, msg: String, expiry: Option<&str>| {
        cx.diagnostic(Code::X002, at, msg)
            .id_fact("exception", exception)
            .fact("expires", expires.to_string())
            .fact("latest", latest.to_string())
            .fact_opt("expiry", expiry)
    };
    let mut out = Vec::new();
    let (mut missing, mut unreadable) = (false, false);
    for x in &cx.entry.expiries {
        match (x.until, &x.at) {
            (Some(until), Some(at)) if until > Instant::midnight(latest) => {
                let msg = format!(
                    "`{id}` is ignored until {}, but {exception} expires on {expires}: set {hint} at the latest",
                    x.text
                );
                out.push(x002(at, msg, Some(&x.text)));
            }
            (Some(_), _) => {}
            (None, None) => missing = true,
            (None, Some(_)) => unreadable = true,
        }
    }
    if missing || unreadable {
        let what = if missing {
            "no expiry"
        } else {
            "no readable expiry"
        };
        let msg = format!(
            "`{id}` is ignored with {what}, but {exception} expires on {expires}: add {hint}"
        );
        out.push(x002(&cx.entry.at, msg, None));
    }
    out
}
