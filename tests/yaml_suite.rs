//! The official YAML test suite: every valid case passes clean, every invalid one is P001.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

#[test]
fn yaml_test_suite() {
    // Vendored, with its licence: tests/data/yaml-test-suite/README.md.
    let suite = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/yaml-test-suite");
    let tmp = tempfile::tempdir().unwrap();
    let mut invalid = std::collections::BTreeSet::new();
    let mut cases = 0;
    for entry in std::fs::read_dir(&suite).expect("tests/data/yaml-test-suite") {
        let dir = entry.unwrap().path();
        let input = dir.join("in.yaml");
        if !input.exists() {
            continue;
        }
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        std::fs::copy(&input, tmp.path().join(format!("{name}.yaml"))).unwrap();
        if dir.join("error").exists() {
            invalid.insert(name);
        }
        cases += 1;
    }
    assert!(cases > 300, "suite not found or incomplete: {cases} cases");
    let out = Command::cargo_bin("foureyes")
        .unwrap()
        .args(["check", "--format", "json"])
        .arg(tmp.path())
        .env_remove("GITHUB_STEP_SUMMARY") // no test report in a CI job's summary
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut flagged = std::collections::BTreeSet::new();
    for d in json["diagnostics"].as_array().unwrap() {
        let file = d["file"].as_str().unwrap();
        assert_eq!(d["code"], "P001", "{file}: {d}");
        assert!(
            flagged.insert(file.trim_end_matches(".yaml").to_string()),
            "{file} twice"
        );
    }
    assert_eq!(flagged, invalid);
}
