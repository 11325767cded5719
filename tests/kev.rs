//! The KEV catalog (SPEC §6): where it comes from, K002 off by default, and catalogs that stop
//! the check. The rules' own cases are fixtures/rules/K001 and K002.

mod common;

use std::path::Path;

use common::{copy_fixture, foureyes, line_of, manifest_dir};
use serde_json::Value;

/// (exit code, diagnostics in the expected.txt notation, stderr)
fn check(path: &Path, args: &[&str]) -> (i32, Vec<String>, String) {
    let out = foureyes()
        .arg("check")
        .arg(path)
        .args(["--today", "2026-11-15", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let lines = serde_json::from_slice::<Value>(&out.stdout)
        .map(|j| {
            j["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .map(line_of)
                .collect()
        })
        .unwrap_or_default();
    (out.status.code().unwrap(), lines, stderr)
}

fn real_catalog() -> std::path::PathBuf {
    manifest_dir().join("tests/data/kev/known_exploited_vulnerabilities.json")
}

const K002_LINES: [&str; 2] = [
    "K002 error remediations/REM-2026-0004.yaml:11:13 /spec/found_on",
    "K002 error remediations/REM-2026-0006.yaml:13:13 /spec/found_on",
];

#[test]
fn k002_is_off_until_the_config_turns_it_on() {
    let repo = copy_fixture("rules/K002");
    let config = repo.path().join("foureyes.yaml");
    std::fs::write(
        &config,
        "kev_catalog: data/known_exploited_vulnerabilities.json\n",
    )
    .unwrap();
    assert_eq!(check(repo.path(), &[]), (0, vec![], String::new()));

    let warn = "kev_catalog: data/known_exploited_vulnerabilities.json\nrules: {K002: warning}\n";
    std::fs::write(&config, warn).unwrap();
    let (code, lines, _) = check(repo.path(), &[]);
    assert_eq!(code, 0);
    assert_eq!(lines, K002_LINES.map(|l| l.replace("error", "warning")));
    let (code, _, _) = check(repo.path(), &["--deny-warnings"]);
    assert_eq!(code, 1);

    // Turned on but without a catalog: silent.
    std::fs::write(&config, "rules: {K002: error}\n").unwrap();
    assert_eq!(check(repo.path(), &[]), (0, vec![], String::new()));
}

#[test]
fn the_command_line_catalog_replaces_the_configured_one() {
    // The real catalog has CVE-2025-24813, CVE-2024-3400 and CVE-2021-44228 too, but not
    // the made-up CVE-2026-0001 of the fixture's own catalog.
    let repo = copy_fixture("rules/K002");
    let catalog = real_catalog();
    let (code, lines, stderr) = check(repo.path(), &["--kev-catalog", catalog.to_str().unwrap()]);
    assert_eq!(
        (code, lines, stderr),
        (1, K002_LINES.map(String::from).to_vec(), String::new())
    );

    // The full catalog finds what the fixture's three entries find.
    let repo = copy_fixture("rules/K001");
    let (code, lines, _) = check(repo.path(), &["--kev-catalog", catalog.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(
        lines,
        [
            "K001 error exceptions/EXC-2026-0003.yaml:8:58 /spec/finding/kev",
            "K001 error remediations/REM-2026-0004.yaml:10:5 /spec/finding",
            "K001 error remediations/REM-2026-0006.yaml:11:10 /spec/finding/kev",
        ]
    );
}

#[test]
fn without_a_catalog_k001_and_k002_are_silent() {
    for fixture in ["rules/K001", "rules/K002"] {
        let repo = copy_fixture(fixture);
        std::fs::write(repo.path().join("foureyes.yaml"), "rules: {K002: error}\n").unwrap();
        assert_eq!(
            check(repo.path(), &[]),
            (0, vec![], String::new()),
            "{fixture}"
        );
    }
}

/// Every catalog that cannot be used stops the check: exit 2, one line naming the file.
#[test]
fn unusable_catalogs_exit_2_with_one_line_naming_the_file() {
    let cases: &[(&str, &str)] = &[
        ("[]", "not CISA's KEV shape"),
        ("{\"title\": \"KEV\"}", "missing field `vulnerabilities`"),
        (
            "{\"vulnerabilities\": {\"cveID\": \"CVE-2021-44228\"}}",
            "not CISA's KEV shape",
        ),
        (
            "{\"vulnerabilities\": [{\"cveID\": \"CVE-2021-44228\"}]}",
            "missing field `dueDate`",
        ),
        (
            "{\"vulnerabilities\": [{\"cveID\": \"CVE-2021-44228\", \"dueDate\": \"2021-12-32\"}]}",
            "vulnerabilities[0] (CVE-2021-44228): `dueDate` is not a date (YYYY-MM-DD)",
        ),
        (
            "{\"vulnerabilities\": [{\"cveID\": null, \"dueDate\": \"2021-12-24\"}]}",
            "shape",
        ),
        ("vulnerabilities: []\n", "not valid JSON"),
        ("{\"vulnerabilities\": [", "not valid JSON"),
        ("", "not valid JSON"),
    ];
    for (text, problem) in cases {
        let repo = copy_fixture("rules/K001");
        let file = repo
            .path()
            .join("data/known_exploited_vulnerabilities.json");
        std::fs::write(&file, text).unwrap();
        let (code, lines, stderr) = check(repo.path(), &[]);
        assert_eq!((code, lines), (2, vec![]), "{text:?} was accepted");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        let named = format!(
            "foureyes: error: KEV catalog {}: ",
            repo.path()
                .join("data/known_exploited_vulnerabilities.json")
                .display()
        );
        assert!(stderr.starts_with(&named), "{stderr}");
        assert!(stderr.contains(problem), "{text:?}: {stderr}");
    }
}

#[test]
fn catalogs_that_cannot_be_read_exit_2() {
    let repo = copy_fixture("rules/K001");
    let data = repo.path().join("data");
    let file = data.join("known_exploited_vulnerabilities.json");

    // Larger than the limit: refused by its size, without reading it (the file is sparse).
    let big = std::fs::File::create(&file).unwrap();
    big.set_len(129 << 20).unwrap();
    let (code, _, stderr) = check(repo.path(), &[]);
    assert_eq!(code, 2);
    assert!(stderr.ends_with(": larger than 128 MiB\n"), "{stderr}");

    // Missing.
    std::fs::remove_file(&file).unwrap();
    let (code, _, stderr) = check(repo.path(), &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("known_exploited_vulnerabilities.json: cannot read it"),
        "{stderr}"
    );
    let missing = repo.path().join("elsewhere.json");
    let (code, _, stderr) = check(repo.path(), &["--kev-catalog", missing.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("elsewhere.json: cannot read it"),
        "{stderr}"
    );

    // The repository's config names repository content: never through a link, nor a
    // folder instead of a file.
    std::os::unix::fs::symlink(real_catalog(), &file).unwrap();
    let (code, _, stderr) = check(repo.path(), &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.ends_with("not a regular file (links are not followed)\n"),
        "{stderr}"
    );
    // The same file named on the command line is the user's choice.
    let (code, _, _) = check(repo.path(), &["--kev-catalog", file.to_str().unwrap()]);
    assert_eq!(code, 1);
    std::fs::remove_file(&file).unwrap();
    std::fs::create_dir(&file).unwrap();
    let (code, _, stderr) = check(repo.path(), &[]);
    assert_eq!(code, 2);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn the_config_names_a_file_inside_the_checked_folder() {
    for path in ["/etc/passwd", "../kev.json", "data/../../kev.json", "\"\""] {
        let repo = copy_fixture("rules/K001");
        let config = format!("kev_catalog: {path}\n");
        std::fs::write(repo.path().join("foureyes.yaml"), config).unwrap();
        let (code, _, stderr) = check(repo.path(), &[]);
        assert_eq!(code, 2, "{path}");
        assert!(stderr.contains("foureyes.yaml: kev_catalog: "), "{stderr}");
        assert!(stderr.ends_with("must be a relative path inside the checked folder\n"));
    }
    let repo = copy_fixture("rules/K001");
    let config = "kev_catalog: ./data/known_exploited_vulnerabilities.json\n";
    std::fs::write(repo.path().join("foureyes.yaml"), config).unwrap();
    assert_eq!(check(repo.path(), &[]).1.len(), 3);
}

#[test]
fn rules_explain_and_sarif_show_k002_off_by_default() {
    let out = foureyes().arg("rules").output().unwrap();
    let listing = String::from_utf8(out.stdout).unwrap();
    assert!(
        listing.contains("K001  error    kev-misclassified\n"),
        "{listing}"
    );
    assert!(
        listing.contains("K002  off      kev-due-date\n"),
        "{listing}"
    );

    let out = foureyes()
        .args(["explain", "kev-due-date"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("K002 kev-due-date (off)\n"), "{text}");
    assert!(
        text.contains("Off by default; `rules: {K002: error}`"),
        "{text}"
    );

    let repo = copy_fixture("rules/K002");
    let out = foureyes()
        .arg("check")
        .arg(repo.path())
        .args(["--today", "2026-11-15", "--format", "sarif"])
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let rule = |id: &str| rules.iter().find(|r| r["id"] == id).unwrap().clone();
    assert_eq!(
        rule("K002")["defaultConfiguration"],
        serde_json::json!({"enabled": false, "level": "none"})
    );
    assert_eq!(
        rule("K001")["defaultConfiguration"],
        serde_json::json!({"level": "error"})
    );
    // Turned on in the config, its results have the configured level.
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert!(
        results
            .iter()
            .all(|r| r["ruleId"] == "K002" && r["level"] == "error")
    );
}

#[test]
fn one_file_is_checked_with_the_catalog_of_its_repository() {
    // The repository root is the folder of foureyes.yaml, and kev_catalog is relative to it.
    let file = manifest_dir().join("fixtures/rules/K001/remediations/REM-2026-0004.yaml");
    let (code, lines, stderr) = check(&file, &[]);
    assert_eq!(
        (code, lines, stderr),
        (
            1,
            vec!["K001 error remediations/REM-2026-0004.yaml:10:5 /spec/finding".to_string()],
            String::new()
        )
    );
}
