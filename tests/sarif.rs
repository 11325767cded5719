//! `--format sarif` and `--output-sarif`: valid against the official SARIF 2.1.0 schema,
//! consistent with the JSON output, and stable enough for code scanning to track alerts.

mod common;

use std::path::Path;

use common::{all_repos, foureyes, in_repo, manifest_dir};
use serde_json::Value;

fn sarif_validator() -> jsonschema::Validator {
    // Vendored, with its notice: tests/data/sarif/NOTICE.md.
    let path = manifest_dir().join("tests/data/sarif/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(&path).expect("tests/data/sarif/sarif-schema-2.1.0.json");
    let schema: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-04/schema#");
    // Every $ref of the schema is local: nothing is fetched.
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn check(dir: &Path, format: &str) -> (Value, i32) {
    let out = foureyes()
        .arg("check")
        .arg(dir)
        .args(["--today", "2026-11-15", "--format", format])
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: {e}: {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (json, out.status.code().unwrap())
}

#[test]
fn sarif_of_every_fixture_validates_and_matches_the_json_output() {
    let validator = sarif_validator();
    let rules_listing = foureyes().arg("rules").output().unwrap().stdout;
    let rule_count = String::from_utf8(rules_listing).unwrap().lines().count();
    for dir in all_repos() {
        let (sarif, sarif_exit) = check(&dir, "sarif");
        let (json, json_exit) = check(&dir, "json");
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", dir.display());
        assert_eq!(sarif_exit, json_exit, "{}", dir.display());

        let run = &sarif["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), rule_count);
        let results = run["results"].as_array().unwrap();
        let diagnostics = json["diagnostics"].as_array().unwrap();
        assert_eq!(results.len(), diagnostics.len(), "{}", dir.display());
        for (r, d) in results.iter().zip(diagnostics) {
            let at = format!("{}: {r}", dir.display());
            let index = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], r["ruleId"], "{at}");
            assert_eq!(r["ruleId"], d["code"], "{at}");
            assert_eq!(r["level"], d["severity"], "{at}");
            assert_eq!(r["message"]["text"], d["message"], "{at}");
            let physical = &r["locations"][0]["physicalLocation"];
            let uri = physical["artifactLocation"]["uri"].as_str().unwrap();
            assert!(uri.ends_with(d["file"].as_str().unwrap()), "{at}");
            assert!(!uri.starts_with('/') && !uri.contains('\\'), "{at}");
            assert_eq!(physical["artifactLocation"]["uriBaseId"], "%SRCROOT%");
            let region = &physical["region"];
            match d.get("line") {
                Some(line) => {
                    assert_eq!(&region["startLine"], line, "{at}");
                    assert_eq!(&region["startColumn"], &d["column"], "{at}");
                    let start = (region["startLine"].as_u64(), region["startColumn"].as_u64());
                    let end = (region["endLine"].as_u64(), region["endColumn"].as_u64());
                    assert!(end >= start, "{at}");
                }
                None => assert!(region.is_null(), "file-level, no region: {at}"),
            }
            let fingerprint = r["partialFingerprints"]["foureyes/v1"].as_str().unwrap();
            assert_eq!(fingerprint.len(), 16, "{at}");
        }
    }
    // The validator does reject what the schema forbids.
    let (mut sarif, _) = check(&manifest_dir().join("fixtures/rules/A001"), "sarif");
    sarif["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&sarif));
}

#[test]
fn rules_carry_their_documentation() {
    let (sarif, _) = check(&manifest_dir().join("fixtures/clean"), "sarif");
    let driver = &sarif["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "foureyes");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert!(
        driver["informationUri"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    let a001 = driver["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "A001")
        .unwrap();
    assert_eq!(a001["name"], "self-approval");
    assert_eq!(a001["defaultConfiguration"]["level"], "error");
    let short = a001["shortDescription"]["text"].as_str().unwrap();
    assert!(short.starts_with("An approval's `by`") && short.ends_with('.'));
    let full = a001["fullDescription"]["text"].as_str().unwrap();
    assert!(full.starts_with(short) && full.len() > short.len());
    assert!(
        a001["help"]["text"]
            .as_str()
            .unwrap()
            .starts_with("Replace the approval")
    );
    assert!(
        a001["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("## How to fix")
    );
    let e002 = driver["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "E002")
        .unwrap();
    assert_eq!(e002["defaultConfiguration"]["level"], "warning");
}

#[test]
fn separation_of_duties_results_relate_the_other_party() {
    let (sarif, _) = check(&manifest_dir().join("fixtures/rules/A001"), "sarif");
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "A001");
    let related = &result["relatedLocations"][0];
    assert_eq!(related["message"]["text"], "requested by the same person");
    assert_eq!(related["id"], 1);
    // EXC-2026-0001 line 9: `  requested_by: carol`
    assert_eq!(related["physicalLocation"]["region"]["startLine"], 9);
    assert_eq!(
        related["physicalLocation"]["artifactLocation"],
        result["locations"][0]["physicalLocation"]["artifactLocation"]
    );
}

fn fingerprints(sarif: &Value) -> Vec<(String, u64)> {
    sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let region = &r["locations"][0]["physicalLocation"]["region"];
            (
                r["partialFingerprints"]["foureyes/v1"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                region["startLine"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

#[test]
fn fingerprints_are_stable_across_runs_and_line_shifts() {
    let repo = in_repo(&manifest_dir().join("fixtures/rules/A001"));
    let gov = repo.path().join("gov");
    let (first, _) = check(&gov, "sarif");
    let (second, _) = check(&gov, "sarif");
    let before = fingerprints(&first);
    assert_eq!(before.len(), 3);
    assert_eq!(before, fingerprints(&second));
    let unique: std::collections::HashSet<_> = before.iter().map(|(f, _)| f).collect();
    assert_eq!(unique.len(), before.len(), "one fingerprint per finding");

    // A commit that adds lines above every finding moves them, and they stay the same alerts.
    for entry in std::fs::read_dir(gov.join("exceptions")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("# reviewed\n# twice\n{text}")).unwrap();
    }
    let (shifted, _) = check(&gov, "sarif");
    let after = fingerprints(&shifted);
    let moved: Vec<_> = before
        .iter()
        .map(|(f, line)| (f.clone(), line + 2))
        .collect();
    assert_eq!(after, moved);
}

#[test]
fn sarif_paths_are_relative_to_the_repository_root() {
    let repo = in_repo(&manifest_dir().join("fixtures/rules/A001"));
    let (sarif, _) = check(&repo.path().join("gov"), "sarif");
    let uri = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"];
    assert_eq!(uri, "gov/exceptions/EXC-2026-0001.yaml");
}

#[test]
fn output_sarif_is_written_in_the_same_run_as_another_format() {
    let repo = in_repo(&manifest_dir().join("fixtures/rules/A001"));
    let file = repo.path().join("foureyes.sarif");
    let out = foureyes()
        .current_dir(repo.path())
        .args([
            "check",
            "gov",
            "--today",
            "2026-11-15",
            "--format",
            "github",
        ])
        .arg("--output-sarif")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("::error ")).count(),
        3
    );
    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert!(sarif_validator().is_valid(&sarif));
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 3);
    // Only the report is left in the folder: the staging file was renamed over it.
    let mut names: Vec<_> = std::fs::read_dir(repo.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, [".git", "foureyes.sarif", "gov"]);
}

#[test]
fn output_sarif_replaces_an_existing_report() {
    let repo = in_repo(&manifest_dir().join("fixtures/clean"));
    let file = repo.path().join("old.sarif");
    std::fs::write(&file, "stale").unwrap();
    foureyes()
        .arg("check")
        .arg(repo.path().join("gov"))
        .args(["--today", "2026-11-15", "--output-sarif"])
        .arg(&file)
        .assert()
        .success();
    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
}
