//! Which service code belongs to. An OwnershipMap service lists where its code lives
//! (`repositories: [acme/payments, acme/monorepo/services/ledger]`); a file belongs to the
//! service whose entry for the file's repository has the longest folder containing it.
//! The repository is `--repository`, else the `origin` remote of the git repository.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::model::{Body, Doc, items};

/// A repository's path on its code host, `OWNER/NAME` (more segments for nested groups),
/// compared ASCII case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoName {
    segments: Vec<String>,
}

impl RepoName {
    /// `OWNER/NAME`, with an optional `.git` and surrounding slashes.
    pub fn parse(s: &str) -> Option<RepoName> {
        let s = s.trim().trim_matches('/');
        let s = strip_suffix_ignore_case(s, ".git").unwrap_or(s);
        let segments: Vec<String> = s.split('/').map(str::to_ascii_lowercase).collect();
        let valid = |seg: &String| !seg.is_empty() && seg != "." && seg != "..";
        (segments.len() >= 2 && segments.iter().all(valid)).then_some(RepoName { segments })
    }

    /// The repository a remote URL names: `https://host/OWNER/NAME(.git)`,
    /// `git@host:OWNER/NAME(.git)` or `ssh://…/OWNER/NAME(.git)`. A local path names none.
    pub fn from_remote(url: &str) -> Option<RepoName> {
        let url = url.trim();
        let path = match url.split_once("://") {
            Some((scheme, _)) if scheme.eq_ignore_ascii_case("file") => return None,
            Some((_, rest)) => rest.split_once('/')?.1,
            None => {
                // scp-like `[user@]host:path`; `C:\…` and `./a:b` are local paths.
                let (host, path) = url.split_once(':')?;
                if host.len() < 2 || host.contains(['/', '\\']) {
                    return None;
                }
                path
            }
        };
        let path = path.split(['?', '#']).next().unwrap_or(path);
        RepoName::parse(path)
    }

    pub fn as_string(&self) -> String {
        self.segments.join("/")
    }
}

impl std::fmt::Display for RepoName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.as_string())
    }
}

fn strip_suffix_ignore_case<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = s.len().checked_sub(suffix.len())?;
    (s.is_char_boundary(cut) && s[cut..].eq_ignore_ascii_case(suffix)).then(|| &s[..cut])
}

/// One `repositories` entry of a service.
#[derive(Debug, Clone)]
struct Entry {
    service: String,
    /// The entry's segments in lower case (repository, then folder).
    lower: Vec<String>,
    /// The same segments as written (folders compare exactly, as git paths do).
    written: Vec<String>,
}

/// The services of a governance repository and where their code lives.
#[derive(Debug, Default)]
pub struct Routes {
    services: Vec<String>,
    entries: Vec<Entry>,
}

/// Where a file lands.
#[derive(Debug, PartialEq, Eq)]
pub enum Placement<'a> {
    Service(&'a str),
    /// The repository is listed, but in none of the listed folders: the folders it has.
    Unmapped(Vec<String>),
    /// No service lists the repository.
    Unlisted,
}

impl Routes {
    /// Reads the services of every OwnershipMap, in document order (the first listing wins
    /// a tie).
    pub fn build(docs: &[Doc]) -> Routes {
        let mut routes = Routes::default();
        for doc in docs {
            let Body::OwnershipMap(map) = &doc.body else {
                continue;
            };
            for (_, service) in items(&map.services) {
                let Some(id) = service.id.get() else {
                    continue;
                };
                routes.services.push(id.clone());
                for (_, repo) in items(&service.repositories) {
                    let written: Vec<String> = repo
                        .trim_matches('/')
                        .split('/')
                        .map(String::from)
                        .collect();
                    if written.len() < 2 || written.iter().any(String::is_empty) {
                        continue; // the schema reports it
                    }
                    let mut lower: Vec<String> =
                        written.iter().map(|s| s.to_ascii_lowercase()).collect();
                    if let Some(name) = strip_suffix_ignore_case(&lower[1], ".git") {
                        lower[1] = name.to_string();
                    }
                    routes.entries.push(Entry {
                        service: id.clone(),
                        lower,
                        written,
                    });
                }
            }
        }
        routes
    }

    pub fn has_service(&self, id: &str) -> bool {
        self.services.iter().any(|s| s == id)
    }

    /// Every entry for `repo`: the service and the folder (`""` for the whole repository).
    pub fn entries_for(&self, repo: &RepoName) -> Vec<(&str, String)> {
        let n = repo.segments.len();
        self.entries
            .iter()
            .filter(|e| e.lower.len() >= n && e.lower[..n] == repo.segments[..])
            .map(|e| (e.service.as_str(), e.written[n..].join("/")))
            .collect()
    }

    /// The service of the file at `path` (relative to the repository root, `/` separators):
    /// the entry for `repo` with the longest folder that contains it.
    pub fn service_for(&self, repo: &RepoName, path: &str) -> Placement<'_> {
        self.of_repo(repo).service_for(path)
    }

    /// The folders of `repo` and their services, indexed once for the files of that
    /// repository.
    pub fn of_repo(&self, repo: &RepoName) -> RepoRoutes<'_> {
        let mut folders: HashMap<String, &str> = HashMap::new();
        for (service, folder) in self.entries_for(repo) {
            // The first listing wins a tie.
            folders.entry(folder).or_insert(service);
        }
        RepoRoutes { folders }
    }
}

/// The listed folders of one repository (`""` for the whole of it) and their services.
pub struct RepoRoutes<'a> {
    folders: HashMap<String, &'a str>,
}

impl<'a> RepoRoutes<'a> {
    /// Whether any service lists the repository.
    pub fn is_listed(&self) -> bool {
        !self.folders.is_empty()
    }

    /// The service of the file at `path`: the longest listed folder holding it, found by
    /// looking up the path's own folders from the deepest up (folders compare exactly, as
    /// git paths do).
    pub fn service_for(&self, path: &str) -> Placement<'a> {
        if self.folders.is_empty() {
            return Placement::Unlisted;
        }
        let mut deepest_first = path
            .rmatch_indices('/')
            .map(|(i, _)| &path[..i])
            .chain(std::iter::once(""));
        if let Some(service) = deepest_first.find_map(|folder| self.folders.get(folder)) {
            return Placement::Service(service);
        }
        let mut folders: Vec<String> = self.folders.keys().cloned().collect();
        folders.sort();
        Placement::Unmapped(folders)
    }
}

/// The git work tree holding `path`, and the URL of its `origin` remote, if any.
pub struct GitRepo {
    pub workdir: PathBuf,
    pub origin: Option<String>,
}

/// Opens the git repository holding `path` (only its config is read).
pub fn git_repo(path: &Path) -> Option<GitRepo> {
    let repo = git2::Repository::discover(path).ok()?;
    let workdir = repo.workdir()?.canonicalize().ok()?;
    let origin = repo
        .find_remote("origin")
        .ok()
        .and_then(|r| r.url().ok().map(String::from));
    Some(GitRepo { workdir, origin })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> String {
        RepoName::from_remote(s).map_or("-".into(), |r| r.as_string())
    }

    #[test]
    fn remote_forms() {
        assert_eq!(
            name("https://github.com/Acme/Payments.git"),
            "acme/payments"
        );
        assert_eq!(name("https://github.com/acme/payments"), "acme/payments");
        assert_eq!(
            name("https://user@github.com:443/acme/payments/"),
            "acme/payments"
        );
        assert_eq!(name("git@github.com:acme/payments.git"), "acme/payments");
        assert_eq!(name("github.com:acme/payments"), "acme/payments");
        assert_eq!(
            name("ssh://git@github.com:22/acme/payments.git"),
            "acme/payments"
        );
        assert_eq!(name("git+ssh://github.com/acme/payments"), "acme/payments");
        assert_eq!(
            name("https://gitlab.com/group/sub/app.git"),
            "group/sub/app"
        );
        assert_eq!(
            name("https://github.com/acme/payments.GIT"),
            "acme/payments"
        );
        for local in [
            "/srv/git/app.git",
            "../app",
            "file:///srv/acme/app",
            "C:\\x\\y",
            "https://host/only",
        ] {
            assert_eq!(name(local), "-", "{local}");
        }
    }

    fn routes(yaml: &str) -> Routes {
        let parsed = crate::parse::parse(yaml, false);
        let doc = Doc::from_value(
            0,
            0,
            crate::model::Kind::OwnershipMap,
            &parsed.docs[0].value,
        );
        Routes::build(&[doc])
    }

    #[test]
    fn longest_folder_wins_and_case_of_the_repository_does_not_matter() {
        let r = routes(
            "spec:\n  services:\n  - {id: mono, repositories: [acme/mono]}\n  - {id: ledger, repositories: [ACME/Mono/services/ledger]}\n  - {id: pay, repositories: [acme/pay, acme/mono/services/pay/api]}\n",
        );
        let mono = RepoName::parse("acme/MONO").unwrap();
        assert_eq!(
            r.service_for(&mono, "services/ledger/.trivyignore"),
            Placement::Service("ledger")
        );
        assert_eq!(
            r.service_for(&mono, "services/ledgers/.trivyignore"),
            Placement::Service("mono")
        );
        assert_eq!(
            r.service_for(&mono, "services/pay/api/x/.snyk"),
            Placement::Service("pay")
        );
        assert_eq!(
            r.service_for(&mono, ".trivyignore"),
            Placement::Service("mono")
        );
        let pay = RepoName::parse("acme/pay.git").unwrap();
        assert_eq!(
            r.service_for(&pay, "deep/deny.toml"),
            Placement::Service("pay")
        );
        let other = RepoName::parse("acme/other").unwrap();
        assert_eq!(r.service_for(&other, ".trivyignore"), Placement::Unlisted);
    }

    #[test]
    fn a_file_outside_every_listed_folder_is_unmapped() {
        let r = routes(
            "spec:\n  services:\n  - {id: a, repositories: [acme/mono/svc/a]}\n  - {id: b, repositories: [acme/mono/svc/b]}\n",
        );
        let mono = RepoName::parse("acme/mono").unwrap();
        assert_eq!(
            r.service_for(&mono, "tools/.trivyignore"),
            Placement::Unmapped(vec!["svc/a".into(), "svc/b".into()])
        );
        // Folders compare as git paths do: exactly.
        assert!(matches!(
            r.service_for(&mono, "SVC/a/.snyk"),
            Placement::Unmapped(_)
        ));
    }
}
