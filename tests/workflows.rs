//! The workflows this project ships or asks users to copy: `action.yml`, the release
//! workflow, the workflows `foureyes init` writes and the README's examples. Each pins every
//! action by commit with its version in a comment, keeps no checkout credentials, grants
//! least permissions and never splices an expression into a script; and `zizmor --offline`
//! finds nothing in them (`.ci/run` installs zizmor and sets FOUREYES_REQUIRE_ZIZMOR).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{foureyes, manifest_dir};
use serde_json::Value;

/// The files to judge, all in `dir`: the README's examples are written there, one file each.
fn workflows(dir: &Path) -> Vec<PathBuf> {
    let root = manifest_dir();
    let mut files = vec![
        root.join("action.yml"),
        root.join(".github/workflows/release.yml"),
    ];
    foureyes()
        .arg("init")
        .arg(dir.join("init"))
        .assert()
        .success();
    files.push(dir.join("init/.github/workflows/foureyes.yml"));
    files.push(dir.join("init/.github/workflows/kev-catalog.yml"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let mut block: Option<String> = None;
    let mut n = 0;
    for line in readme.lines() {
        match &mut block {
            None if line == "```yaml" => block = Some(String::new()),
            Some(text) if line == "```" => {
                if text.contains("\njobs:") {
                    n += 1;
                    let file = dir.join(format!("readme-{n}.yml"));
                    std::fs::write(&file, &*text).unwrap();
                    files.push(file);
                }
                block = None;
            }
            Some(text) => {
                text.push_str(line);
                text.push('\n');
            }
            None => {}
        }
    }
    assert_eq!(n, 5, "the README has five example workflows");
    files
}

fn yaml(file: &Path) -> (String, Value) {
    let text = std::fs::read_to_string(file).unwrap();
    let parsed = foureyes::parse::parse(&text, false);
    assert!(
        parsed.problems.is_empty(),
        "{} is not valid YAML",
        file.display()
    );
    let value = parsed.docs.into_iter().next().unwrap().value;
    (text, value)
}

/// Every step of a workflow's jobs, or of a composite action.
fn steps(doc: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    if let Some(steps) = doc["runs"]["steps"].as_array() {
        out.extend(steps);
    }
    for job in doc["jobs"].as_object().into_iter().flat_map(|j| j.values()) {
        out.extend(job["steps"].as_array().into_iter().flatten());
    }
    out
}

#[test]
fn workflows_pin_actions_by_commit_and_grant_least_privilege() {
    let dir = tempfile::tempdir().unwrap();
    for file in workflows(dir.path()) {
        let name = file.display().to_string();
        let (text, doc) = yaml(&file);
        for step in steps(&doc) {
            if let Some(uses) = step["uses"].as_str() {
                let (_, commit) = uses.split_once('@').expect("a ref");
                assert!(
                    commit.len() == 40 && commit.bytes().all(|b| b.is_ascii_hexdigit()),
                    "{name}: {uses} is not pinned by commit"
                );
                let line = text.lines().find(|l| l.contains(uses)).unwrap();
                assert!(
                    line.contains(" # v"),
                    "{name}: {uses} has no version comment"
                );
                if uses.starts_with("actions/checkout@") {
                    assert_eq!(step["with"]["persist-credentials"], false, "{name}");
                }
            }
            if let Some(run) = step["run"].as_str() {
                assert!(!run.contains("${{"), "{name}: an expression inside `run:`");
            }
        }
        if let Some(jobs) = doc["jobs"].as_object() {
            assert_eq!(doc["permissions"], serde_json::json!({}), "{name}");
            for (id, job) in jobs {
                assert!(job["permissions"].is_object(), "{name}: job {id}");
            }
        }
    }
}

#[test]
fn zizmor_finds_nothing() {
    let found = Command::new("zizmor").arg("--version").output();
    if found.is_err() {
        assert!(
            std::env::var_os("FOUREYES_REQUIRE_ZIZMOR").is_none(),
            "zizmor is not installed (pip install zizmor)"
        );
        eprintln!("zizmor is not installed: skipped (the structural checks still ran)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new("zizmor")
        .args(["--offline", "--no-progress"])
        .args(workflows(dir.path()))
        .output()
        .unwrap();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{report}");
    assert!(report.contains("No findings to report"), "{report}");
}
