//! `.trivyignore`: one finding id per line, optionally followed by `exp:YYYY-MM-DD`.
//! Trivy trims each line, skips blank lines and lines starting with `#`, takes the first
//! whitespace-separated field as the id, and the first field starting with `exp:` anywhere
//! on the line as the expiry.

use super::{At, Entry, Expiry, Parsed, What};
use crate::date::Date;
use crate::parse::{Pos, Span};
use crate::suppress::instant::Instant;

pub fn parse(text: &str) -> Parsed {
    let mut out = Parsed::default();
    let mut index = 0u32; // characters before the line
    for (n, raw) in text.split('\n').enumerate() {
        let line_chars = raw.chars().count() as u32;
        let at = |byte: usize, len: usize| {
            let col = raw[..byte].chars().count() as u32;
            let width = raw[byte..byte + len].chars().count() as u32;
            let pos = |c: u32| Pos {
                line: n as u32 + 1,
                col: c + 1,
                index: index + c,
            };
            At {
                span: Span {
                    start: pos(col),
                    end: pos(col + width),
                },
                pointer: None,
            }
        };
        let mut fields = fields(raw);
        if let Some((start, id)) = fields.next()
            && !id.starts_with('#')
        {
            let expiry = fields
                .find_map(|(i, f)| f.strip_prefix("exp:").map(|v| (i, v)))
                .map(|(i, v)| {
                    // The whole `exp:…` field.
                    let at = at(i, v.len() + 4);
                    // Trivy reads exactly a date here.
                    let until = Date::parse(v).map(Instant::midnight);
                    if until.is_none() {
                        out.problem(
                            at.clone(),
                            format!("`exp:{v}` is not a date (YYYY-MM-DD): Trivy skips this line"),
                        );
                    }
                    Expiry {
                        until,
                        text: v.to_string(),
                        at: Some(at),
                    }
                });
            out.entries.push(Entry {
                what: What::Id(id.to_string()),
                at: at(start, id.len()),
                expiries: vec![expiry.unwrap_or_default()],
            });
        }
        index += line_chars + 1;
    }
    out
}

/// The whitespace-separated fields of a line, with their byte offsets.
fn fields(line: &str) -> impl Iterator<Item = (usize, &str)> {
    line.split(char::is_whitespace)
        .scan(0, |offset, field| {
            let start = *offset;
            *offset += field.len() + next_whitespace_len(line, start + field.len());
            Some((start, field))
        })
        .filter(|(_, f)| !f.is_empty())
}

fn next_whitespace_len(line: &str, at: usize) -> usize {
    line[at..].chars().next().map_or(0, char::len_utf8)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{problems, summary};
    use super::*;

    #[test]
    fn ids_comments_expiries_and_crlf() {
        let text = "# accepted risks\r\nCVE-2026-0001\r\n\r\n  CVE-2026-0002 exp:2026-12-02\r\nGHSA-aaaa-bbbb-cccc   # reason: not reachable\r\n\t# CVE-2026-9999 commented out\r\nCVE-2026-0003 some words exp:2027-01-01 exp:2028-01-01";
        let p = parse(text);
        assert_eq!(
            summary(&p),
            [
                "2:1 CVE-2026-0001 [none]",
                "4:3 CVE-2026-0002 [2026-12-02@4:17]",
                "5:1 GHSA-aaaa-bbbb-cccc [none]",
                "7:1 CVE-2026-0003 [2027-01-01@7:26]",
            ]
        );
        assert!(p.problems.is_empty());
    }

    #[test]
    fn a_bad_expiry_is_a_problem_and_reads_as_none() {
        let p = parse("CVE-1 exp:2026-13-01\nCVE-2 exp:tomorrow\n");
        assert_eq!(
            summary(&p),
            ["1:1 CVE-1 [bad:2026-13-01]", "2:1 CVE-2 [bad:tomorrow]"]
        );
        assert_eq!(
            problems(&p),
            [
                "P001 1:7 `exp:2026-13-01` is not a date (YYYY-MM-DD): Trivy skips this line",
                "P001 2:7 `exp:tomorrow` is not a date (YYYY-MM-DD): Trivy skips this line",
            ]
        );
    }

    #[test]
    fn columns_count_characters_and_unicode_spaces_separate() {
        let p = parse("\u{a0}é CVE-3\u{2003}exp:2026-01-01\n");
        assert_eq!(summary(&p), ["1:2 é [2026-01-01@1:10]"]);
        let p = parse("CVE-3\u{2003}exp:2026-01-01");
        assert_eq!(summary(&p), ["1:1 CVE-3 [2026-01-01@1:7]"]);
        // Character indexes run on across lines.
        let p = parse("é\nCVE-4");
        assert_eq!(p.entries[1].at.span.start.index, 2);
    }

    #[test]
    fn empty_and_comment_only_files_have_no_entries() {
        assert!(parse("").entries.is_empty());
        assert!(parse("\n\n# nothing\n   \n").entries.is_empty());
    }
}
