//! Which Exceptions of a governance repository back a suppression: for the service, naming
//! the finding by its id or an alias (ASCII case-insensitively), `active`, not expired
//! today, and with no error diagnostic on its document in `foureyes check` of that repo.

use std::collections::{BTreeSet, HashMap};

use crate::check::Outcome;
use crate::date::Date;
use crate::diagnostic::Severity;
use crate::model::{Body, items};
use crate::rules::Code;

/// Why an Exception backs nothing, or that it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    Backs,
    Revoked,
    /// Active, but `expires` is before today.
    Expired(Date),
    /// The error codes `foureyes check` reports on its document.
    Errors(Vec<Code>),
}

/// An Exception as backing needs it.
#[derive(Debug, Clone)]
pub struct Exception {
    /// Where it is in the governance repository: the file and document index.
    pub file: usize,
    pub doc: usize,
    /// `metadata.id` (every Exception without one has an error, so backs nothing).
    pub id: String,
    pub service: Option<String>,
    /// `finding.id`, then the aliases.
    pub finding_ids: Vec<String>,
    /// The approvals' `by`, as written.
    pub approvers: Vec<String>,
    pub expires: Option<Date>,
    pub state: State,
}

/// The Exceptions of a governance repository, indexed by finding id and alias.
pub struct Backing {
    exceptions: Vec<Exception>,
    by_id: HashMap<String, Vec<usize>>,
}

/// What the Exceptions say about one finding id on one service.
#[derive(Debug, Default)]
pub struct Lookup<'a> {
    /// The Exceptions that back it.
    pub backing: Vec<&'a Exception>,
    /// Exceptions for this service and id that back nothing, with their state.
    pub failing: Vec<&'a Exception>,
    /// Exceptions for the id on other services.
    pub elsewhere: Vec<&'a Exception>,
}

impl Lookup<'_> {
    /// The latest `expires` of the backing Exceptions: the longest a suppression may last.
    pub fn expires(&self) -> Option<Date> {
        self.backing.iter().filter_map(|e| e.expires).max()
    }
}

impl Backing {
    /// Reads the Exceptions of a checked governance repository; `outcome.diagnostics` are
    /// those `foureyes check` reports (its config applied).
    pub fn build(outcome: &Outcome, today: Date) -> Backing {
        let mut doc_errors: HashMap<(usize, usize), BTreeSet<Code>> = HashMap::new();
        let mut file_errors: HashMap<usize, BTreeSet<Code>> = HashMap::new();
        for d in outcome
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
        {
            match d.doc() {
                Some(doc) => doc_errors.entry((d.file, doc)).or_default().insert(d.code),
                // A file-level error (unreadable, too large) concerns every document in it.
                None => file_errors.entry(d.file).or_default().insert(d.code),
            };
        }
        let mut exceptions = Vec::new();
        for doc in &outcome.docs {
            let (Body::Exception(e), Some(id)) = (&doc.body, &doc.id) else {
                // An Exception without an id is an S001 error and backs nothing.
                continue;
            };
            let mut errors: BTreeSet<Code> = doc_errors
                .get(&(doc.file, doc.index))
                .into_iter()
                .chain(file_errors.get(&doc.file))
                .flatten()
                .copied()
                .collect();
            let expires = e.expires.get().copied();
            let state = match expires {
                _ if !e.active() => State::Revoked,
                Some(day) if day < today => State::Expired(day),
                _ => {
                    if expires.is_none() {
                        // Without a valid `expires` it cannot back anything, even when the
                        // config silenced the schema error.
                        errors.insert(Code::S001);
                    }
                    if errors.is_empty() {
                        State::Backs
                    } else {
                        State::Errors(errors.into_iter().collect())
                    }
                }
            };
            let finding_ids = e
                .finding
                .get()
                .into_iter()
                .flat_map(|f| f.names().map(str::to_owned))
                .collect();
            let approvers = items(&e.approvals)
                .filter_map(|(_, a)| a.by.get().cloned())
                .collect();
            exceptions.push(Exception {
                file: doc.file,
                doc: doc.index,
                id: id.clone(),
                service: e.service.get().cloned(),
                finding_ids,
                approvers,
                expires,
                state,
            });
        }
        let mut by_id: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, e) in exceptions.iter().enumerate() {
            let mut ids: Vec<String> = e
                .finding_ids
                .iter()
                .map(|id| id.to_ascii_lowercase())
                .collect();
            ids.sort();
            ids.dedup();
            for id in ids {
                by_id.entry(id).or_default().push(i);
            }
        }
        Backing { exceptions, by_id }
    }

    /// Every Exception, in the governance repository's order.
    pub fn exceptions(&self) -> &[Exception] {
        &self.exceptions
    }

    /// What backs (or fails to back) finding `id` on `service`.
    pub fn lookup(&self, service: &str, id: &str) -> Lookup<'_> {
        let mut out = Lookup::default();
        let Some(found) = self.by_id.get(&id.to_ascii_lowercase()) else {
            return out;
        };
        for e in found.iter().map(|&i| &self.exceptions[i]) {
            if e.service.as_deref() != Some(service) {
                out.elsewhere.push(e);
            } else if e.state == State::Backs {
                out.backing.push(e);
            } else {
                out.failing.push(e);
            }
        }
        out
    }

    /// The Exceptions that back suppressions of `service`, in the governance repo's order.
    pub fn backed(&self, service: &str) -> impl Iterator<Item = &Exception> {
        self.exceptions
            .iter()
            .filter(move |e| e.state == State::Backs && e.service.as_deref() == Some(service))
    }
}
