//! "Did you mean …?": the valid name closest to a misspelt one.

/// Names longer than this are not compared: no valid name is, and comparing costs the
/// product of the lengths.
const MAX_CHARS: usize = 64;

/// The candidate closest to `word` when it is close enough to be a typo of it: the same but
/// for case, or at most one edit (insert, delete, change, swap) per three characters.
pub(crate) fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    if word.chars().count() > MAX_CHARS {
        return None;
    }
    let word = word.to_lowercase();
    candidates
        .into_iter()
        .filter(|c| c.chars().count() <= MAX_CHARS)
        .map(|c| (strsim::osa_distance(&word, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// `: did you mean `x`?` when a candidate is close to `word`, else nothing.
pub(crate) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> String {
    closest(word, candidates).map_or_else(String::new, |c| format!(": did you mean `{c}`?"))
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
}
