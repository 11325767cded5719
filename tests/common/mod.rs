//! Helpers shared by the integration tests that run the binary on copies of fixtures.

// Each test crate compiles this module and uses only part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The binary, with none of the GitHub Actions variables of the machine running the tests
/// (a CI run must not append our test summaries to its own).
pub fn foureyes() -> Command {
    let mut cmd = Command::cargo_bin("foureyes").unwrap();
    for var in [
        "GITHUB_STEP_SUMMARY",
        "GITHUB_SERVER_URL",
        "GITHUB_REPOSITORY",
        "GITHUB_SHA",
        "FOUREYES_TODAY",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// Copies a folder tree, leaving out fixtures' `expected.txt`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else if entry.file_name() != "expected.txt" {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A fixture copied to `gov/` inside a fresh git work tree (an empty `.git` is enough to
/// mark the root), so reported paths must start with `gov/`.
pub fn in_repo(fixture: &Path) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join(".git")).unwrap();
    copy_dir(fixture, &tmp.path().join("gov"));
    tmp
}

/// One diagnostic in the expected.txt notation:
/// `CODE severity file:line:column pointer [document=N]`, with `-` for what is absent.
pub fn line_of(d: &Value) -> String {
    let s = |k: &str| d[k].as_str().unwrap_or_default().to_string();
    let pos = match (d.get("line"), d.get("column")) {
        (Some(l), Some(c)) => format!("{}:{l}:{c}", s("file")),
        _ => format!("{} -", s("file")),
    };
    let pointer = match d.get("pointer").and_then(Value::as_str) {
        Some("") => "\"\"".to_string(),
        Some(p) => p.to_string(),
        None => "-".to_string(),
    };
    let mut out = format!("{} {} {pos} {pointer}", s("code"), s("severity"));
    if let Some(n) = d.get("document") {
        out.push_str(&format!(" document={n}"));
    }
    out
}

/// Every governance repository the tests ship: the clean fixture, one per rule, the starter
/// policies and the untrusted-text sample, in path order.
pub fn all_repos() -> Vec<PathBuf> {
    let fixtures = manifest_dir().join("fixtures");
    let mut dirs = vec![
        fixtures.join("clean"),
        manifest_dir().join("policies"),
        manifest_dir().join("tests/data/untrusted"),
    ];
    for entry in std::fs::read_dir(fixtures.join("rules")).unwrap() {
        dirs.push(entry.unwrap().path());
    }
    dirs.sort();
    dirs
}

/// A copy of `fixtures/NAME` in a temporary directory, for tests that change it.
pub fn copy_fixture(name: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&manifest_dir().join("fixtures").join(name), tmp.path());
    tmp
}
