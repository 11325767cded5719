//! `foureyes check FILE`: the file is checked in the repository it belongs to (the nearest
//! folder above it holding `foureyes.yaml`, else the root of its git work tree, else its own
//! folder), with that repository's configuration, and only its diagnostics are reported, with
//! paths relative to that root.

use std::path::Path;

use serde_json::Value;

mod common;
use common::{copy_dir, copy_fixture, foureyes, in_repo, line_of, manifest_dir};

/// `foureyes check PATH --today 2026-11-15 --format FORMAT`, run from `cwd`.
fn check(cwd: &Path, path: &Path, format: &str, args: &[&str]) -> (i32, String) {
    let out = foureyes()
        .current_dir(cwd)
        .arg("check")
        .arg(path)
        .args(["--today", "2026-11-15", "--format", format])
        .args(args)
        .env_remove("FOUREYES_TODAY")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.is_empty(), "{}: {stderr}", path.display());
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

/// The JSON report: exit code, diagnostics as `CODE severity file:line:column pointer`, and
/// the summary.
fn report(cwd: &Path, path: &Path, args: &[&str]) -> (i32, Vec<String>, Value) {
    let (code, stdout) = check(cwd, path, "json", args);
    let json: Value = serde_json::from_str(&stdout).unwrap();
    let lines = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(line_of)
        .collect();
    (code, lines, json["summary"].clone())
}

/// What a check of the whole repository reports on `file`.
fn full_check_of(root: &Path, file: &str) -> Vec<String> {
    let (_, lines, _) = report(root, root, &[]);
    lines
        .into_iter()
        .filter(|l| {
            l.split(' ')
                .nth(2)
                .unwrap()
                .starts_with(&format!("{file}:"))
        })
        .collect()
}

fn summary(files: u64, documents: u64, errors: u64, warnings: u64) -> Value {
    serde_json::json!({"files": files, "documents": documents, "errors": errors, "warnings": warnings})
}

#[test]
fn a_file_is_checked_in_the_folder_that_holds_foureyes_yaml() {
    let dir = copy_fixture("rules/A001");
    let root = dir.path();
    // The repository's configuration applies to the one file too.
    std::fs::write(root.join("foureyes.yaml"), "rules: {A001: warning}\n").unwrap();
    let file = "exceptions/EXC-2026-0002.yaml";
    let expected =
        vec!["A001 warning exceptions/EXC-2026-0002.yaml:13:11 /spec/approvals/1/by".to_string()];
    assert_eq!(full_check_of(root, file), expected);
    // By absolute path from elsewhere, and by relative path from the file's folder: its
    // references resolve (no R002, R003), the policy is found (no T005), and the other
    // files' findings are not reported.
    for (cwd, path) in [
        (manifest_dir(), root.join(file)),
        (root.join("exceptions"), "EXC-2026-0002.yaml".into()),
    ] {
        let (code, lines, totals) = report(&cwd, &path, &[]);
        assert_eq!((code, &lines), (0, &expected));
        assert_eq!(totals, summary(1, 1, 0, 1));
        // --deny-warnings counts what is reported: the warning on this file.
        assert_eq!(report(&cwd, &path, &["--deny-warnings"]).0, 1);
    }
    // A clean file of that repository is clean, although the repository is not.
    let clean = root.join("sla/policy.yaml");
    assert_eq!(report(root, &clean, &[]), (0, vec![], summary(1, 1, 0, 0)));
}

#[test]
fn the_nearest_foureyes_yaml_wins_over_the_git_root() {
    // gov/ inside a git work tree, with its own configuration.
    let repo = in_repo(&manifest_dir().join("fixtures/rules/A001"));
    let gov = repo.path().join("gov");
    std::fs::write(gov.join("foureyes.yaml"), "rules: {A001: warning}\n").unwrap();
    let file = gov.join("exceptions/EXC-2026-0001.yaml");
    let (code, lines, _) = report(repo.path(), &file, &[]);
    assert_eq!(
        (code, lines),
        (
            0,
            vec!["A001 warning exceptions/EXC-2026-0001.yaml:14:12 /spec/approvals/0/by".into()]
        )
    );
    // Code hosts name files from the git root.
    let (_, github) = check(repo.path(), &file, "github", &[]);
    assert!(
        github.starts_with("::warning file=gov/exceptions/EXC-2026-0001.yaml,line=14,col=12,"),
        "{github}"
    );
}

#[test]
fn without_foureyes_yaml_a_file_is_checked_in_its_git_work_tree() {
    let repo = in_repo(&manifest_dir().join("fixtures/rules/A001"));
    let file = "gov/exceptions/EXC-2026-0003.yaml";
    let expected =
        vec!["A001 error gov/exceptions/EXC-2026-0003.yaml:14:11 /spec/approvals/0/by".to_string()];
    assert_eq!(full_check_of(repo.path(), file), expected);
    let gov = repo.path().join("gov");
    let (code, lines, totals) = report(&gov, &repo.path().join(file), &[]);
    assert_eq!((code, &lines), (1, &expected));
    assert_eq!(totals, summary(1, 1, 1, 0));
    let (_, sarif) = check(&gov, &repo.path().join(file), "sarif", &[]);
    let sarif: Value = serde_json::from_str(&sarif).unwrap();
    let location = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], file);
}

#[test]
fn outside_any_repository_a_file_is_checked_with_its_own_folder() {
    // No foureyes.yaml and no .git above: the file's folder is the repository, so the
    // team's members (people/ is not in it) do not resolve.
    let dir = copy_fixture("rules/P002");
    let (code, lines, totals) = report(dir.path(), &dir.path().join("teams/grc.yaml"), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        lines,
        [
            "R002 error grc.yaml:8:13 /spec/members/0",
            "R002 error grc.yaml:8:20 /spec/members/1",
            "R002 error grc.yaml:9:9 /spec/lead",
            "P002 error grc.yaml:10:3 /spec/name",
        ]
    );
    assert_eq!(totals, summary(1, 1, 4, 0));
    // An exception alone in its folder: no policy, no service, no people.
    let lone = tempfile::tempdir().unwrap();
    std::fs::copy(
        manifest_dir().join("fixtures/clean/exceptions/EXC-2026-0001.yaml"),
        lone.path().join("EXC-2026-0001.yaml"),
    )
    .unwrap();
    let (code, lines, _) = report(lone.path(), &lone.path().join("EXC-2026-0001.yaml"), &[]);
    assert_eq!(code, 1);
    let codes: Vec<&str> = lines.iter().map(|l| &l[..4]).collect();
    assert_eq!(codes[..2], ["T005", "R003"], "{lines:?}");
    assert!(lines.iter().all(|l| l.contains(" EXC-2026-0001.yaml:")));
}

#[test]
fn a_named_file_is_checked_even_if_the_configuration_leaves_it_out() {
    let dir = copy_fixture("rules/A001");
    let root = dir.path();
    std::fs::write(root.join("foureyes.yaml"), "exclude: [\"exceptions/**\"]\n").unwrap();
    assert!(full_check_of(root, "exceptions/EXC-2026-0001.yaml").is_empty());
    let (code, lines, _) = report(root, &root.join("exceptions/EXC-2026-0001.yaml"), &[]);
    assert_eq!(
        (code, lines),
        (
            1,
            vec!["A001 error exceptions/EXC-2026-0001.yaml:14:12 /spec/approvals/0/by".into()]
        )
    );
}

#[test]
fn pull_request_mode_on_one_file_reports_what_is_new_in_it() {
    use git2::{IndexAddOption, Repository, Signature};
    let dir = tempfile::tempdir().unwrap();
    let repo = Repository::init(dir.path()).unwrap();
    copy_dir(&manifest_dir().join("fixtures/clean"), dir.path());
    let commit = |message: &str| {
        let mut index = repo.index().unwrap();
        index.add_all(["*"], IndexAddOption::DEFAULT, None).unwrap();
        index.write().unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let sig = Signature::now("t", "t@example.com").unwrap();
        let parents: Vec<_> = repo
            .head()
            .ok()
            .and_then(|h| h.peel_to_commit().ok())
            .into_iter()
            .collect();
        let parents: Vec<_> = parents.iter().collect();
        repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
            .unwrap();
    };
    commit("clean");
    // Two files now self-approve; only the one checked is reported.
    for (rel, from, to) in [
        ("exceptions/EXC-2026-0001.yaml", "{by: carol,", "{by: bob,"),
        (
            "exceptions/EXC-2026-0002.yaml",
            "- by: dana.li@corp.example.com",
            "- by: \"@frank-dev\"",
        ),
    ] {
        let path = dir.path().join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{rel}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }
    let file = dir.path().join("exceptions/EXC-2026-0002.yaml");
    let (_, full, _) = report(dir.path(), dir.path(), &["--base", "HEAD"]);
    let (code, lines, _) = report(dir.path(), &file, &["--base", "HEAD"]);
    assert_eq!(code, 1);
    let of_file: Vec<String> = full
        .iter()
        .filter(|l| l.contains(" exceptions/EXC-2026-0002.yaml:"))
        .cloned()
        .collect();
    assert!(of_file.iter().any(|l| l.starts_with("A001 ")), "{full:?}");
    assert!(of_file.len() < full.len(), "{full:?}");
    assert_eq!(lines, of_file);
}
