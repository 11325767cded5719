//! `foureyes explain CODE|NAME`: finds a rule by its code (`A001`) or its name
//! (`self-approval`), or says which rules come closest.

use crate::error::{Error, Result};
use crate::rules::{self, Rule};

/// Suggestions are at least this similar to the query (0 to 1, normalised edit distance)...
const MIN_SIMILARITY: f64 = 0.5;
/// ...and within this of the closest one.
const NEAR_BEST: f64 = 0.1;
const MAX_SUGGESTIONS: usize = 3;

/// The rule a code or name denotes, case-insensitively (`_` and spaces read as `-`).
pub fn find(query: &str) -> Result<&'static Rule> {
    let q = normal(query);
    if let Some(rule) = rules::all().find(|r| normal(r.code.as_str()) == q || r.name == q) {
        return Ok(rule);
    }
    let mut scored: Vec<(f64, &Rule)> = rules::all()
        .map(|r| {
            let code = strsim::normalized_damerau_levenshtein(&q, &normal(r.code.as_str()));
            let name = strsim::normalized_damerau_levenshtein(&q, r.name);
            (code.max(name), r)
        })
        .filter(|(score, _)| *score >= MIN_SIMILARITY)
        .collect();
    // Closest first; equal scores in catalogue order (the sort is stable).
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let best = scored.first().map_or(0.0, |(s, _)| *s);
    let close: Vec<String> = scored
        .iter()
        .take_while(|(s, _)| *s >= best - NEAR_BEST)
        .take(MAX_SUGGESTIONS)
        .map(|(_, r)| format!("{} ({})", r.code.as_str(), r.name))
        .collect();
    let hint = match close.as_slice() {
        [] => String::new(),
        [one] => format!("; did you mean {one}?"),
        many => format!("; did you mean one of {}?", many.join(", ")),
    };
    Err(Error::Usage(format!(
        "unknown rule `{query}`{hint} (`foureyes rules` lists them all)"
    )))
}

fn normal(s: &str) -> String {
    s.trim().to_lowercase().replace(['_', ' '], "-")
}
