//! CODEOWNERS as GitHub reads it: the first of `.github/CODEOWNERS`, `CODEOWNERS` and
//! `docs/CODEOWNERS`; gitignore-style patterns without `!` negation or `[ ]` ranges; the last
//! matching line wins. G003 asks it who owns each file holding an Exception.

use std::path::Path;

/// Where GitHub looks, in order; the first file found is the only one read.
pub const LOCATIONS: [&str; 3] = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"];

/// GitHub does not load a larger CODEOWNERS file.
pub const MAX_BYTES: u64 = 3 * 1024 * 1024;

pub struct Codeowners {
    /// Where it was found, for messages: relative to the checked directory, or with "at the
    /// repository root".
    pub location: String,
    /// Turns a path relative to the checked directory into one relative to the CODEOWNERS
    /// root: empty, or the checked directory's path in the repository with a trailing `/`.
    prefix: String,
    entries: Vec<Entry>,
}

pub struct Entry {
    /// 1-based line in the CODEOWNERS file.
    pub line: usize,
    pattern: Pattern,
    /// As written: `@org/team`, `@user` or an e-mail. Empty: the line un-assigns the files.
    pub owners: Vec<String>,
}

struct Pattern {
    /// Path segments; `**` spans any number of them, `*` and `?` stay within one.
    segments: Vec<String>,
    /// A trailing `/`: matches directories (so everything below them), never a file itself.
    dir_only: bool,
    /// The last segment is `*` (as in `docs/*`): direct children only. GitHub documents that
    /// `docs/*` does not own `docs/build-app/troubleshooting.md`, unlike gitignore.
    children_only: bool,
}

/// Finds the CODEOWNERS file for a checked directory `dir` (its path in the repository: empty
/// or ending in `/`): first in that directory itself (a governance repository checked as a
/// subdirectory, like the starter `policies/`), then at the repository root, which is the one
/// the code host enforces. `read` takes a path relative to the repository root.
pub fn find(dir: &str, mut read: impl FnMut(&str) -> Option<Vec<u8>>) -> Option<Codeowners> {
    let roots: &[&str] = if dir.is_empty() { &[""] } else { &[dir, ""] };
    for root in roots {
        for loc in LOCATIONS {
            let Some(bytes) = read(&format!("{root}{loc}")) else {
                continue;
            };
            let (location, prefix) = if root.is_empty() && !dir.is_empty() {
                (format!("{loc} at the repository root"), dir.to_string())
            } else {
                (loc.to_string(), String::new())
            };
            return Some(Codeowners {
                location,
                prefix,
                entries: parse(&String::from_utf8_lossy(&bytes)),
            });
        }
    }
    None
}

/// The CODEOWNERS file for a path in the working tree: found as [`find`] says when the path
/// is in a git work tree, else in the checked directory alone.
pub fn on_disk(root: &Path) -> Option<Codeowners> {
    match crate::repo::discover(root) {
        Ok(place) => find(&place.dir, |p| read_regular(&place.workdir.join(p))),
        Err(_) => {
            let dir = if root.is_dir() { root } else { root.parent()? };
            find("", |p| read_regular(&dir.join(p)))
        }
    }
}

/// A regular file (never a symlink, FIFO or directory) of at most [`MAX_BYTES`].
fn read_regular(path: &Path) -> Option<Vec<u8>> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() {
        return None;
    }
    crate::bounded::read(path, MAX_BYTES).ok().flatten()
}

fn parse(text: &str) -> Vec<Entry> {
    let mut entries = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let mut words = line.split_whitespace();
        let Some(pattern) = words.next() else {
            continue;
        };
        if pattern.starts_with('#') {
            continue;
        }
        // GitHub skips a line it cannot read; negation and ranges are such lines.
        let Some(pattern) = Pattern::parse(pattern) else {
            continue;
        };
        let owners = words
            .take_while(|w| !w.starts_with('#'))
            .map(String::from)
            .collect();
        entries.push(Entry {
            line: n + 1,
            pattern,
            owners,
        });
    }
    entries
}

impl Pattern {
    fn parse(p: &str) -> Option<Pattern> {
        if p.starts_with('!') || p.contains(['[', ']']) {
            return None;
        }
        let dir_only = p.ends_with('/');
        let body = p.trim_end_matches('/');
        if body.trim_start_matches('/').is_empty() {
            return None;
        }
        // A slash before the end anchors the pattern at the root; otherwise it matches at any
        // depth, as if it began with `**/`.
        let anchored = body.contains('/');
        let mut segments: Vec<String> = Vec::new();
        if !anchored {
            segments.push("**".into());
        }
        for s in body.split('/').filter(|s| !s.is_empty()) {
            // Consecutive `**` mean the same as one.
            if !(s == "**" && segments.last().is_some_and(|l| l == "**")) {
                segments.push(s.into());
            }
        }
        let children_only = !dir_only && segments.last().is_some_and(|s| s == "*");
        Some(Pattern {
            segments,
            dir_only,
            children_only,
        })
    }

    /// Whether the pattern matches the file at `path` or one of the directories above it.
    fn matches(&self, path: &[&str]) -> bool {
        let n = path.len();
        // reach[j]: the segments seen so far match exactly the first j path segments.
        let mut reach = vec![false; n + 1];
        reach[0] = true;
        for seg in &self.segments {
            let mut next = vec![false; n + 1];
            if seg == "**" {
                let mut any = false;
                for j in 0..=n {
                    any |= reach[j];
                    next[j] = any;
                }
            } else {
                for j in 0..n {
                    next[j + 1] = reach[j] && glob(seg, path[j]);
                }
            }
            reach = next;
        }
        // k < n: the pattern matched a directory above the file, which owns what it holds.
        (1..=n).any(|k| match k == n {
            true => reach[k] && !self.dir_only,
            false => reach[k] && !self.children_only,
        })
    }
}

/// `*` and `?` within one path segment.
fn glob(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let s: Vec<char> = name.chars().collect();
    let (mut i, mut j) = (0, 0);
    // Where the last `*` was and the name position it has consumed up to.
    let mut star: Option<(usize, usize)> = None;
    while j < s.len() {
        if i < p.len() && (p[i] == '?' || p[i] == s[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some((i, j));
            i += 1;
        } else if let Some((si, sj)) = star {
            i = si + 1;
            j = sj + 1;
            star = Some((si, sj + 1));
        } else {
            return false;
        }
    }
    p[i..].iter().all(|c| *c == '*')
}

impl Codeowners {
    /// The path a checked file has for the CODEOWNERS patterns.
    pub fn path_of(&self, rel: &str) -> String {
        format!("{}{rel}", self.prefix)
    }

    /// The line that decides who owns a file (path relative to the checked directory): the
    /// last one whose pattern matches, or `None` when no line matches.
    pub fn owner_of(&self, rel: &str) -> Option<&Entry> {
        let path = self.path_of(rel);
        let segments: Vec<&str> = path.split('/').collect();
        self.entries
            .iter()
            .rev()
            .find(|e| e.pattern.matches(&segments))
    }
}

/// Whether an owner as written in CODEOWNERS (`@org/team`, `@user`, an e-mail) is a team's
/// `scm`. Code hosts compare names case-insensitively; an `scm` written without its `@` still
/// names a team or user.
pub fn is_scm(owner: &str, scm: &str) -> bool {
    let scm = scm.trim();
    if scm.contains('@') {
        owner.eq_ignore_ascii_case(scm)
    } else {
        owner
            .strip_prefix('@')
            .is_some_and(|o| o.eq_ignore_ascii_case(scm))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owners(text: &str, path: &str) -> Option<Vec<String>> {
        let c = Codeowners {
            location: "CODEOWNERS".into(),
            prefix: String::new(),
            entries: parse(text),
        };
        c.owner_of(path).map(|e| e.owners.clone())
    }

    fn owned(text: &str, path: &str) -> bool {
        owners(text, path).is_some_and(|o| !o.is_empty())
    }

    #[test]
    fn patterns_follow_github() {
        // Unanchored names match at any depth, as files or as directories.
        assert!(owned("*.yaml @a", "exceptions/x/EXC-1.yaml"));
        assert!(owned("exceptions @a", "x/exceptions/EXC-1.yaml"));
        assert!(owned("apps/ @a", "deep/apps/x/y.yaml"));
        assert!(!owned("apps/ @a", "deep/apps"));
        // A leading or inner slash anchors.
        assert!(owned("/exceptions/ @a", "exceptions/EXC-1.yaml"));
        assert!(!owned("/exceptions/ @a", "x/exceptions/EXC-1.yaml"));
        assert!(owned(
            "exceptions/payments @a",
            "exceptions/payments/EXC-1.yaml"
        ));
        assert!(!owned(
            "exceptions/payments @a",
            "x/exceptions/payments/EXC-1.yaml"
        ));
        // `docs/*` owns direct children only; `docs/**` everything below.
        assert!(owned("docs/* @a", "docs/a.md"));
        assert!(!owned("docs/* @a", "docs/build-app/troubleshooting.md"));
        assert!(owned("docs/** @a", "docs/build-app/troubleshooting.md"));
        assert!(owned("**/logs @a", "a/b/logs/x.log"));
        assert!(owned("a/**/b.yaml @a", "a/b.yaml"));
        assert!(owned("a/**/b.yaml @a", "a/x/y/b.yaml"));
        assert!(owned("EXC-?.yaml @a", "exceptions/EXC-1.yaml"));
        assert!(!owned("EXC-?.yaml @a", "exceptions/EXC-12.yaml"));
        assert!(owned("* @a", "a/b/c.yaml"));
        // Paths are case-sensitive.
        assert!(!owned("/Exceptions/ @a", "exceptions/EXC-1.yaml"));
    }

    #[test]
    fn last_match_wins_and_empty_owners_unassign() {
        let text = "# comment\n\n*  @org/all\n/exceptions/ @org/grc # inline\n/exceptions/p/\n";
        assert_eq!(owners(text, "teams/a.yaml"), Some(vec!["@org/all".into()]));
        assert_eq!(
            owners(text, "exceptions/a.yaml"),
            Some(vec!["@org/grc".into()])
        );
        assert_eq!(owners(text, "exceptions/p/a.yaml"), Some(vec![]));
        assert_eq!(owners("/teams/ @a", "exceptions/a.yaml"), None);
    }

    #[test]
    fn unsupported_lines_are_skipped() {
        assert!(owned(
            "/exceptions/ @a\n!/exceptions/x.yaml @b",
            "exceptions/x.yaml"
        ));
        assert_eq!(
            owners(
                "/exceptions/ @a\n/exceptions/[xy].yaml @b",
                "exceptions/x.yaml"
            ),
            Some(vec!["@a".into()])
        );
    }

    #[test]
    fn glob_backtracks() {
        assert!(glob("*a*b", "xxaxxab"));
        assert!(!glob("*a*b", "xxaxxa"));
        assert!(glob("*", ""));
        assert!(glob("a*", "a"));
    }

    #[test]
    fn finds_the_first_location_in_the_checked_directory_then_the_root() {
        let files = [
            "gov/CODEOWNERS",
            ".github/CODEOWNERS",
            "gov/docs/CODEOWNERS",
        ];
        let read = |p: &str| files.contains(&p).then(|| b"* @x".to_vec());
        let c = find("gov/", read).unwrap();
        assert_eq!((c.location.as_str(), c.prefix.as_str()), ("CODEOWNERS", ""));
        let c = find("other/", read).unwrap();
        assert_eq!(c.location, ".github/CODEOWNERS at the repository root");
        assert_eq!(c.path_of("x.yaml"), "other/x.yaml");
        assert!(find("", |_| None).is_none());
    }

    #[test]
    fn owners_compare_case_insensitively() {
        assert!(is_scm("@Example/GRC", "@example/grc"));
        assert!(is_scm("@example/grc", "example/grc"));
        assert!(is_scm("GRC@Example.com", "grc@example.com"));
        assert!(!is_scm("@example/grc", "@example/grc-2"));
        assert!(!is_scm("example/grc", "@example/grc"));
    }
}
