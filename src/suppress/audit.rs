//! X001–X004: judges the entries of one suppression file against the backing Exceptions.

use super::backing::{Backing, Lookup, State};
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
                out.push(Diagnostic::new(Code::X004, file, Loc::File, msg));
            }
            return out;
        }
    };
    for entry in &parsed.entries {
        match &entry.what {
            What::Blanket(silences) => {
                let msg = format!(
                    "this entry silences {silences} without naming a finding, so no Exception can back it: list the finding ids instead"
                );
                out.push(Diagnostic::new(Code::X003, file, loc(&entry.at), msg));
            }
            What::Id(id) => {
                let found = backing.lookup(service, id);
                if found.backing.is_empty() {
                    out.push(unbacked(file, service, id, entry, &found));
                } else {
                    out.extend(outliving(file, format, id, entry, &found));
                }
            }
        }
    }
    out
}

fn unbacked(file: usize, service: &str, id: &str, entry: &Entry, found: &Lookup) -> Diagnostic {
    let mut reasons: Vec<String> = found
        .failing
        .iter()
        .filter_map(|e| match &e.state {
            State::Revoked => Some(format!("{} is revoked", e.id)),
            State::Expired(day) => Some(format!("{} expired on {day}", e.id)),
            State::Errors(codes) => {
                let codes: Vec<&str> = codes.iter().map(|c| c.as_str()).collect();
                Some(format!("{} has errors: {}", e.id, codes.join(", ")))
            }
            State::Backs => None,
        })
        .collect();
    reasons.extend(found.elsewhere.iter().map(|e| match &e.service {
        Some(other) => format!("{} covers another service (`{other}`)", e.id),
        None => format!("{} names no service", e.id),
    }));
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
    Diagnostic::new(Code::X001, file, loc(&entry.at), msg)
}

fn outliving(
    file: usize,
    format: Format,
    id: &str,
    entry: &Entry,
    found: &Lookup,
) -> Vec<Diagnostic> {
    let Some(expires) = found.expires() else {
        return Vec::new();
    };
    let Some(latest) = expires.plus(1) else {
        return Vec::new();
    };
    let Some(hint) = format.expiry_hint(latest) else {
        return Vec::new();
    };
    let exception = found
        .backing
        .iter()
        .filter(|e| e.expires == Some(expires))
        .map(|e| e.id.as_str())
        .min()
        .unwrap_or_default();
    let mut out = Vec::new();
    let (mut missing, mut unreadable) = (false, false);
    for x in &entry.expiries {
        match (x.until, &x.at) {
            (Some(until), Some(at)) if until > Instant::midnight(latest) => {
                let msg = format!(
                    "`{id}` is ignored until {}, but {exception} expires on {expires}: set {hint} at the latest",
                    x.text
                );
                out.push(Diagnostic::new(Code::X002, file, loc(at), msg));
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
        out.push(Diagnostic::new(Code::X002, file, loc(&entry.at), msg));
    }
    out
}
