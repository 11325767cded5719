//! Diagnostics carry their own facts and a stable identity: SARIF fingerprints do not change
//! with the date or when lines move, distinct problems never share one, and every fact a
//! rule emits is documented by `foureyes explain`. Text from the checked files reaches no
//! output format with raw control characters.

mod common;

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use common::{all_repos, copy_fixture, foureyes, manifest_dir};
use serde_json::{Value, json};

fn run(dir: &Path, today: &str, format: &str) -> (String, i32) {
    let out = foureyes()
        .arg("check")
        .arg(dir)
        .args(["--today", today, "--format", format])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    assert!(
        code < 2,
        "{}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    (String::from_utf8(out.stdout).unwrap(), code)
}

fn json(dir: &Path, today: &str, format: &str) -> Value {
    serde_json::from_str(&run(dir, today, format).0).unwrap()
}

/// (rule, file, fingerprint) of every SARIF result, sorted.
fn fingerprints(dir: &Path, today: &str) -> Vec<(String, String, String)> {
    let sarif = json(dir, today, "sarif");
    let mut out: Vec<_> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let s = |v: &Value| v.as_str().unwrap().to_string();
            (
                s(&r["ruleId"]),
                s(&r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]),
                s(&r["partialFingerprints"]["foureyes/v1"]),
            )
        })
        .collect();
    out.sort();
    out
}

fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn fingerprints_do_not_change_from_one_day_to_the_next() {
    // D001's messages count the days overdue; D002's name the step reached, which changes
    // from appsec to @alice-ng for REM-2026-0006 between the 15th and the 18th.
    let d001 = manifest_dir().join("fixtures/rules/D001");
    let before = fingerprints(&d001, "2026-11-15");
    assert_eq!(before.len(), 4);
    assert_eq!(before, fingerprints(&d001, "2026-11-16"));

    let d002 = manifest_dir().join("fixtures/rules/D002");
    let only_d002 = |today| -> Vec<_> {
        fingerprints(&d002, today)
            .into_iter()
            .filter(|(code, ..)| code == "D002")
            .collect()
    };
    assert_eq!(only_d002("2026-11-15"), only_d002("2026-11-18"));
    let messages = |today| {
        json(&d002, today, "json")["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["file"] == "remediations/REM-2026-0006.yaml")
            .map(|d| d["facts"]["escalate_to"]["to"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(messages("2026-11-15"), [json!("appsec")]);
    assert_eq!(messages("2026-11-18"), [json!("@alice-ng")]);
}

/// Adds comment lines at the top of every YAML file and of CODEOWNERS, below a file's
/// first line when that is a `%YAML` directive or the file is not plain UTF-8.
fn shift_lines(dir: &Path) {
    for entry in walk(dir) {
        let name = entry.file_name().unwrap().to_string_lossy().into_owned();
        if !(name.ends_with(".yaml") || name == "CODEOWNERS") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&entry) else {
            continue; // not UTF-8: its P001 is on the file, not a line
        };
        if text.starts_with('\u{feff}') || text.starts_with('%') {
            continue;
        }
        std::fs::write(&entry, format!("# moved\n# down\n{text}")).unwrap();
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn fingerprints_survive_lines_inserted_above_in_every_fixture() {
    let rules = manifest_dir().join("fixtures/rules");
    for entry in std::fs::read_dir(&rules).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name == "P005" {
            continue; // a line above an LFS pointer's first line makes it an ordinary file
        }
        let repo = copy_fixture(&format!("rules/{name}"));
        let before = fingerprints(repo.path(), "2026-11-15");
        shift_lines(repo.path());
        let after = fingerprints(repo.path(), "2026-11-15");
        assert_eq!(before, after, "fixtures/rules/{name}");
    }
}

#[test]
fn g003_identity_ignores_the_codeowners_line() {
    let repo = copy_fixture("rules/G003");
    let before = json(repo.path(), "2026-11-15", "json");
    let line = &before["diagnostics"][0]["facts"]["line"];
    let prints = fingerprints(repo.path(), "2026-11-15");
    let co = repo.path().join(".github/CODEOWNERS");
    let text = std::fs::read_to_string(&co).unwrap();
    std::fs::write(&co, format!("# a comment\n{text}")).unwrap();
    let after = json(repo.path(), "2026-11-15", "json");
    assert_eq!(
        after["diagnostics"][0]["facts"]["line"],
        line.as_u64().unwrap() + 1
    );
    assert_ne!(
        after["diagnostics"][0]["message"],
        before["diagnostics"][0]["message"]
    );
    assert_eq!(fingerprints(repo.path(), "2026-11-15"), prints);
}

#[test]
fn every_fixture_gives_each_problem_its_own_fingerprint() {
    for dir in all_repos() {
        let prints = fingerprints(&dir, "2026-11-15");
        let unique: HashSet<_> = prints.iter().map(|(_, _, f)| f).collect();
        assert_eq!(unique.len(), prints.len(), "{}: {prints:#?}", dir.display());
    }
}

#[test]
fn two_self_approvals_of_one_exception_are_two_problems() {
    let repo = copy_fixture("rules/A001");
    let file = "exceptions/EXC-2026-0001.yaml";
    edit(repo.path(), file, "- by: dana@example.com", "- by: carol");
    let a001: Vec<_> = fingerprints(repo.path(), "2026-11-15")
        .into_iter()
        .filter(|(code, uri, _)| code == "A001" && uri.ends_with(file))
        .collect();
    assert_eq!(a001.len(), 2);
    assert_ne!(a001[0].2, a001[1].2);
}

/// `foureyes explain CODE`'s `## Facts`: each key, and whether it is marked *(identity)*.
fn documented_facts(code: &str) -> BTreeMap<String, bool> {
    let out = foureyes().args(["explain", code]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let facts = text
        .split_once("\n## Facts\n")
        .unwrap_or_else(|| panic!("{code}: no ## Facts"))
        .1;
    let mut keys = BTreeMap::new();
    for item in facts
        .split("\n- ")
        .skip(usize::from(!facts.starts_with("- ")))
    {
        let item = item.trim_start_matches("- ");
        let Some((names, _)) = item.split_once(": ") else {
            continue;
        };
        let identity = names.contains("*(identity)*");
        for key in names.split('`').skip(1).step_by(2) {
            keys.insert(key.to_string(), identity);
        }
    }
    keys
}

#[test]
fn every_fact_a_fixture_shows_is_documented_by_explain() {
    let mut docs: BTreeMap<String, BTreeMap<String, bool>> = BTreeMap::new();
    let mut seen = 0;
    for dir in all_repos() {
        for d in json(&dir, "2026-11-15", "json")["diagnostics"]
            .as_array()
            .unwrap()
        {
            let code = d["code"].as_str().unwrap().to_string();
            let documented = docs
                .entry(code.clone())
                .or_insert_with(|| documented_facts(&code));
            for key in d["facts"].as_object().expect("facts is an object").keys() {
                assert!(
                    documented.contains_key(key),
                    "{code}: fact `{key}` is not in `foureyes explain {code}` ({})",
                    dir.display()
                );
                seen += 1;
            }
        }
    }
    assert!(seen > 100, "{seen}");

    // And the documentation says which facts make the identity, as the rules do.
    let today = foureyes::date::Date::parse("2026-11-15").unwrap();
    for dir in all_repos() {
        let config = foureyes::config::Config::default();
        let outcome = foureyes::check::run(&dir, &config, today).unwrap();
        for d in &outcome.diagnostics {
            let code = d.code.as_str();
            let documented = docs
                .entry(code.to_string())
                .or_insert_with(|| documented_facts(code));
            for f in &d.facts.0 {
                assert_eq!(
                    documented.get(f.key),
                    Some(&f.identity),
                    "{code}: `{}` is {}an identity fact",
                    f.key,
                    if f.identity { "" } else { "not " }
                );
            }
        }
    }
}

#[test]
fn d002_names_the_team_lead_or_the_person_to_escalate_to() {
    let dir = manifest_dir().join("fixtures/rules/D002");
    let out = json(&dir, "2026-11-15", "json");
    let facts: BTreeMap<&str, &Value> = out["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["record"]["id"].as_str().unwrap(), &d["facts"]))
        .collect();
    assert_eq!(
        facts["REM-2026-0006"]["escalate_to"],
        json!({"to": "appsec", "team": "appsec", "lead": "alice", "name": "Alice Ng",
               "email": "alice@example.com"})
    );
    assert_eq!(
        facts["REM-2026-0003"]["escalate_to"],
        json!({"to": "@alice-ng", "person": "alice", "name": "Alice Ng",
               "email": "alice@example.com"})
    );
    let d = &out["diagnostics"][0];
    assert_eq!(
        d["record"],
        json!({"kind": "Remediation", "id": "REM-2026-0003"})
    );
    assert_eq!(
        d["message"],
        "open for 12 days, past the 10-day escalation step: escalate to `@alice-ng` (Alice Ng <alice@example.com>)"
    );
}

#[test]
fn a002_says_who_asked_for_the_delay_only_when_it_was_the_execution_team() {
    let repo = copy_fixture("rules/A002");
    // alice (appsec) asks; erin, a member of platform, approves.
    edit(
        repo.path(),
        "exceptions/EXC-2026-0002.yaml",
        "requested_by: frank",
        "requested_by: alice",
    );
    let out = json(repo.path(), "2026-11-15", "json");
    let d = out["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "A002" && d["file"] == "exceptions/EXC-2026-0002.yaml")
        .expect("A002");
    assert_eq!(
        d["message"],
        "approver `Erin@Example.com` is a member of `platform`, the execution team that must fix the finding: it cannot accept its own delay"
    );
    assert_eq!(d["facts"]["requester"], "alice");
    assert_eq!(d["facts"]["requester_in_team"], false);
}

#[test]
fn r005_relates_the_first_definition_in_another_file() {
    let repo = copy_fixture("rules/R005");
    let dir = repo.path();
    let sarif = json(dir, "2026-11-15", "sarif");
    let result = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["message"]["text"].as_str().unwrap().contains("`judy`"))
        .unwrap();
    assert_eq!(
        result["message"]["text"],
        "person id `judy` is already defined in people/contractors.yaml"
    );
    let related = &result["relatedLocations"][0];
    assert_eq!(related["message"]["text"], "first defined here");
    let physical = &related["physicalLocation"];
    assert_eq!(
        physical["artifactLocation"]["uri"],
        "people/contractors.yaml"
    );
    assert_eq!(physical["region"]["startLine"], 7);
    assert_eq!(physical["region"]["startColumn"], 11);

    let (human, _) = run(dir, "2026-11-15", "human");
    let note = human
        .split_once("first defined here\n")
        .expect("the related note")
        .1;
    assert!(note.contains("[people/contractors.yaml:7:11]"), "{human}");
}

#[test]
fn did_you_mean_suggests_a_close_team_or_tier_only() {
    let dir = manifest_dir().join("fixtures/rules/R001");
    let out = json(&dir, "2026-11-15", "json");
    let messages: Vec<&str> = out["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(messages.contains(
        &"validation owner `secops-verfy` is not a known team; did you mean `secops-verify`?"
    ));
    let repo = copy_fixture("rules/R004");
    edit(
        repo.path(),
        "remediations/REM-2026-0001.yaml",
        "tier: hihg",
        "tier: standard",
    );
    let out = json(repo.path(), "2026-11-15", "json");
    let r004 = out["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["pointer"] == "/spec/tier")
        .unwrap();
    assert_eq!(
        r004["message"],
        "tier `standard` is not a tier of the SLA policy"
    );
    assert!(r004["facts"].get("suggestion").is_none());
}

/// A service id full of what a terminal or a log viewer would obey.
const HOSTILE: &str = "pay\u{1b}]8;;https://evil.example\u{7}link\u{1b}]8;;\u{7}\u{1b}[2J\u{7f}\u{9b}31m\u{85}\u{202e}ments";

fn hostile_repo() -> tempfile::TempDir {
    let repo = copy_fixture("clean");
    let escaped = serde_json::to_string(HOSTILE).unwrap();
    let file = repo.path().join("exceptions/EXC-2026-0001.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("service:"))
        .unwrap();
    std::fs::write(
        &file,
        text.replacen(line, &format!("  service: {escaped}"), 1),
    )
    .unwrap();
    repo
}

/// A control character other than the line breaks and tabs a format is made of.
fn raw_control(text: &str) -> Option<char> {
    text.chars()
        .find(|&c| c.is_control() && c != '\n' || ('\u{202a}'..='\u{202e}').contains(&c))
}

#[test]
fn no_format_lets_a_control_character_through() {
    let repo = hostile_repo();
    for format in ["human", "json", "sarif", "github"] {
        let (text, code) = run(repo.path(), "2026-11-15", format);
        assert_eq!(code, 1, "{format}");
        assert!(text.contains("R003"), "{format}: {text}");
        assert_eq!(raw_control(&text), None, "{format}: {text:?}");
        match format {
            // Encoded, not lost: the message and the facts decode to the original text.
            "json" => {
                let out: Value = serde_json::from_str(&text).unwrap();
                let r003 = out["diagnostics"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|d| d["code"] == "R003")
                    .unwrap();
                assert_eq!(r003["facts"]["service"], HOSTILE);
                assert!(r003["message"].as_str().unwrap().contains(HOSTILE));
                assert!(text.contains("\\u001b") && text.contains("\\u009b"));
            }
            "sarif" => {
                let out: Value = serde_json::from_str(&text).unwrap();
                let messages: Vec<&str> = out["runs"][0]["results"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r["message"]["text"].as_str().unwrap())
                    .collect();
                assert!(messages.iter().any(|m| m.contains(HOSTILE)));
            }
            // Replaced, so the text stays readable.
            _ => assert!(
                text.contains("pay\u{FFFD}]8;;https://evil.example"),
                "{format}"
            ),
        }
    }
    let summary = repo.path().join("summary.md");
    foureyes()
        .arg("check")
        .arg(repo.path())
        .args(["--today", "2026-11-15", "--format", "json", "--summary"])
        .arg(&summary)
        .assert()
        .code(1);
    let md = std::fs::read_to_string(&summary).unwrap();
    assert_eq!(raw_control(&md), None, "{md:?}");
}
