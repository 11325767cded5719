//! "Did you mean …?": the valid name closest to a misspelt one. One measure for every
//! suggestion (unknown fields, enum values, kinds, team, tier and control ids).

use std::cell::{Cell, OnceCell};

/// Names longer than this are not compared: valid ids have at most 128 characters, typos of
/// them are close in length, and comparing costs the product of the lengths.
const MAX_CHARS: usize = 128;

/// The candidate closest to `word` when it is close enough to be a likely typo of it: ignoring
/// case, a similarity of at least 0.85 by Jaro-Winkler (which favours a shared start, so
/// `appsec-team` finds `appsec`) or by normalised Damerau-Levenshtein distance. A tie keeps
/// the first candidate.
pub(crate) fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    if word.chars().count() > MAX_CHARS {
        return None;
    }
    let word = word.to_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        if c.chars().count() > MAX_CHARS {
            continue;
        }
        let name = c.to_lowercase();
        let score = strsim::jaro_winkler(&word, &name)
            .max(strsim::normalized_damerau_levenshtein(&word, &name));
        if score >= 0.85 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

/// `: did you mean `x`?` when a candidate is close to `word`, else nothing.
pub(crate) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> String {
    closest(word, candidates).map_or_else(String::new, |c| format!(": did you mean `{c}`?"))
}

/// [`closest`] over a repository's ids, for a rule that may ask many times. The work is
/// bounded: a hostile repository of many thousands of ids gets no suggestions rather than a
/// quadratic scan.
pub(crate) struct Suggest<'a, F> {
    /// The valid names, listed on first use: most runs have nothing to suggest.
    list: F,
    names: OnceCell<Vec<&'a str>>,
    budget: Cell<usize>,
}

impl<'a, F: Fn() -> Vec<&'a str>> Suggest<'a, F> {
    pub fn new(list: F) -> Self {
        Suggest {
            list,
            names: OnceCell::new(),
            // String comparisons per rule run.
            budget: Cell::new(20_000),
        }
    }

    pub fn closest(&self, wrong: &str) -> Option<&'a str> {
        let names = self.names.get_or_init(|| {
            let mut names = (self.list)();
            names.retain(|n| n.chars().count() <= MAX_CHARS);
            // Sorted, so a tie keeps the first in order whatever the map's order.
            names.sort_unstable();
            names.dedup();
            names
        });
        let cost = names.len();
        if wrong.chars().count() > MAX_CHARS || cost > self.budget.get() {
            return None;
        }
        self.budget.set(self.budget.get() - cost);
        closest(wrong, names.iter().copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_find_their_name_and_strangers_find_none() {
        let fields = ["requested_by", "requested_on", "approvals", "expires"];
        assert_eq!(closest("requestd_by", fields), Some("requested_by"));
        assert_eq!(closest("Expires", fields), Some("expires"));
        assert_eq!(closest("aprovals", fields), Some("approvals"));
        assert_eq!(closest("owner", fields), None);
        assert_eq!(closest(&"x".repeat(1000), fields), None);
        let kinds = [
            "People",
            "Team",
            "OwnershipMap",
            "SlaPolicy",
            "Exception",
            "Remediation",
        ];
        assert_eq!(closest("Exceptoin", kinds), Some("Exception"));
        assert_eq!(closest("exception", kinds), Some("Exception"));
        assert_eq!(closest("Teams", kinds), Some("Team"));
        assert_eq!(closest("Widget", kinds), None);
    }

    #[test]
    fn suggestions_are_close_names_within_a_bounded_amount_of_work() {
        let s = Suggest::new(|| vec!["platform-payments", "grc", "appsec"]);
        assert_eq!(s.closest("platform-payment"), Some("platform-payments"));
        assert_eq!(s.closest("apsec"), Some("appsec"));
        assert_eq!(s.closest("nobody"), None);
        // Each call costs one comparison per name: a budget of 20,000 gives up here.
        let many: Vec<String> = (0..30_000).map(|i| format!("team-{i}")).collect();
        let s = Suggest::new(|| many.iter().map(String::as_str).collect());
        assert_eq!(s.closest("team-1"), None);
        let some: Vec<String> = (0..1_000).map(|i| format!("team-{i}")).collect();
        let s = Suggest::new(|| some.iter().map(String::as_str).collect());
        let answered = (0..100).filter(|_| s.closest("team-12x").is_some()).count();
        assert_eq!(answered, 20);
    }
}
