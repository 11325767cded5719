//! `action.yml` run the way the Actions runner runs a composite action: each `run:` step as
//! a bash script (`bash --noprofile --norc -eo pipefail`), with the runner's variables and
//! a fresh GITHUB_OUTPUT per step, stopping at the first failing step. Steps that `uses:`
//! another action (the cache) are the runner's business; the `install` step is replaced by
//! putting the binary under test on PATH. Also `.pre-commit-hooks.yaml`.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::{in_repo, manifest_dir};
use serde_json::Value;

fn yaml(file: &str) -> Value {
    let text = std::fs::read_to_string(manifest_dir().join(file)).unwrap();
    let parsed = foureyes::parse::parse(&text, false);
    assert!(parsed.problems.is_empty(), "{file} is not valid YAML");
    parsed.docs.into_iter().next().unwrap().value
}

struct Context {
    inputs: BTreeMap<String, String>,
    runner_temp: String,
    steps: BTreeMap<String, BTreeMap<String, String>>,
}

impl Context {
    /// Evaluates the `${{ ... }}` expressions this action uses; any other is a test failure,
    /// so the action stays within what this test can vouch for.
    fn expand(&self, s: &str) -> String {
        let mut out = String::new();
        let mut rest = s;
        while let Some(start) = rest.find("${{") {
            out.push_str(&rest[..start]);
            let end = rest[start..].find("}}").expect("unclosed expression") + start;
            let expr = rest[start + 3..end].trim();
            let parts: Vec<&str> = expr.split('.').collect();
            let value = match parts[..] {
                ["inputs", name] => self.inputs[name].clone(),
                ["runner", "temp"] => self.runner_temp.clone(),
                ["runner", "os"] => "Linux".into(),
                ["steps", id, "outputs", name] => self
                    .steps
                    .get(id)
                    .and_then(|o| o.get(name))
                    .cloned()
                    .unwrap_or_default(),
                _ => panic!("unsupported expression `{expr}`"),
            };
            out.push_str(&value);
            rest = &rest[end + 2..];
        }
        out.push_str(rest);
        out
    }
}

struct ActionRun {
    exit: i32,
    stdout: String,
    outputs: BTreeMap<String, String>,
    summary: String,
}

fn run_action(workspace: &Path, inputs: &[(&str, &str)]) -> ActionRun {
    let action = yaml("action.yml");
    assert_eq!(action["runs"]["using"], "composite");
    let runner_temp = tempfile::tempdir().unwrap();
    let mut cx = Context {
        inputs: action["inputs"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v["default"].as_str().unwrap_or("").into()))
            .collect(),
        runner_temp: runner_temp.path().display().to_string(),
        steps: BTreeMap::new(),
    };
    for (k, v) in inputs {
        assert!(cx.inputs.contains_key(*k), "action.yml has no input `{k}`");
        cx.inputs.insert(k.to_string(), v.to_string());
    }
    let summary = runner_temp.path().join("step_summary.md");
    std::fs::write(&summary, "").unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_foureyes")).parent().unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());

    let mut exit = 0;
    let mut stdout = String::new();
    for (n, step) in action["runs"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        let id = step["id"].as_str();
        if step.get("uses").is_some() || id == Some("install") {
            continue;
        }
        assert_eq!(step["shell"], "bash", "step {n}");
        let script = step["run"].as_str().unwrap();
        // Expressions spliced into a script would let an input inject shell code.
        assert!(!script.contains("${{"), "step {n} splices an expression");
        let script_file = runner_temp.path().join(format!("step-{n}.sh"));
        std::fs::write(&script_file, script).unwrap();
        let output_file = runner_temp.path().join(format!("output-{n}"));
        std::fs::write(&output_file, "").unwrap();

        let mut cmd = Command::new("bash");
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&script_file)
            .current_dir(workspace)
            .env("PATH", &path)
            .env("GITHUB_ACTION_PATH", manifest_dir())
            .env("GITHUB_WORKSPACE", workspace)
            .env("GITHUB_OUTPUT", &output_file)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("GITHUB_SERVER_URL", "https://github.com")
            .env("GITHUB_REPOSITORY", "example/governance")
            .env("GITHUB_SHA", "0123abcd")
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_TEMP", runner_temp.path())
            .env_remove("FOUREYES_TODAY");
        if let Some(env) = step["env"].as_object() {
            for (k, v) in env {
                cmd.env(k, cx.expand(v.as_str().unwrap()));
            }
        }
        let out = cmd.output().unwrap();
        stdout.push_str(&String::from_utf8_lossy(&out.stdout));
        let written = std::fs::read_to_string(&output_file).unwrap();
        let outputs = written
            .lines()
            .map(|l| {
                let (k, v) = l.split_once('=').expect("a key=value output");
                (k.to_string(), v.to_string())
            })
            .collect();
        if let Some(id) = id {
            cx.steps.insert(id.to_string(), outputs);
        }
        exit = out.status.code().unwrap();
        if exit != 0 {
            break;
        }
    }
    let outputs = action["outputs"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), cx.expand(v["value"].as_str().unwrap())))
        .collect();
    ActionRun {
        exit,
        stdout,
        outputs,
        summary: std::fs::read_to_string(&summary).unwrap(),
    }
}

fn outputs(errors: &str, warnings: &str, sarif: &str) -> BTreeMap<String, String> {
    [
        ("errors", errors),
        ("warnings", warnings),
        ("sarif-file", sarif),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

const INPUTS: &[(&str, &str)] = &[
    ("path", "gov"),
    ("args", "--today 2026-11-15"),
    ("sarif-file", "foureyes.sarif"),
];

#[test]
fn action_passes_on_the_starter_policies() {
    let repo = in_repo(&manifest_dir().join("policies"));
    let run = run_action(repo.path(), INPUTS);
    assert_eq!(run.exit, 0, "{}", run.stdout);
    assert_eq!(run.outputs, outputs("0", "0", "foureyes.sarif"));
    assert!(!run.stdout.contains("::"), "{}", run.stdout);
    let sarif = std::fs::read_to_string(repo.path().join("foureyes.sarif")).unwrap();
    let sarif: Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(sarif["runs"][0]["results"], Value::Array(Vec::new()));
    assert!(run.summary.starts_with("## foureyes\n"), "{}", run.summary);
    assert!(run.summary.contains(": 0 errors, 0 warnings"));
}

#[test]
fn action_fails_on_a_failing_fixture_with_annotations_and_outputs() {
    let repo = in_repo(&manifest_dir().join("fixtures/rules/A001"));
    let run = run_action(repo.path(), INPUTS);
    assert_eq!(run.exit, 1, "{}", run.stdout);
    assert_eq!(run.outputs, outputs("3", "0", "foureyes.sarif"));
    let annotations: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("::error "))
        .collect();
    assert_eq!(annotations.len(), 3);
    assert!(annotations[0].starts_with(
        "::error file=gov/exceptions/EXC-2026-0001.yaml,line=14,col=12,endLine=14,endColumn=17,title=A001 self-approval::"
    ));
    assert!(repo.path().join("foureyes.sarif").is_file());
    assert!(run.summary.contains("### Errors"), "{}", run.summary);
    assert!(run.summary.contains(
        "(https://github.com/example/governance/blob/0123abcd/gov/exceptions/EXC-2026-0001.yaml#L14)"
    ));
}

#[test]
fn action_passes_extra_args_and_counts_warnings() {
    let repo = in_repo(&manifest_dir().join("fixtures/rules/E002"));
    let args = [
        ("path", "gov"),
        ("args", "  --today 2026-11-15   --deny-warnings "),
    ];
    let run = run_action(repo.path(), &args);
    assert_eq!(run.exit, 1, "{}", run.stdout);
    assert_eq!(run.outputs, outputs("0", "2", ""));
    assert!(run.summary.contains("### Exceptions expiring"));
}

#[test]
fn action_exits_2_when_the_check_cannot_run() {
    let repo = in_repo(&manifest_dir().join("fixtures/clean"));
    let args = [("path", "missing"), ("sarif-file", "foureyes.sarif")];
    let run = run_action(repo.path(), &args);
    assert_eq!(run.exit, 2);
    assert_eq!(run.outputs, outputs("0", "0", ""));
    assert!(!repo.path().join("foureyes.sarif").exists());
}

#[test]
fn pre_commit_hook_has_the_required_fields() {
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hooks = hooks.as_array().unwrap();
    assert_eq!(hooks.len(), 2);
    let hook = &hooks[0];
    assert_eq!(hook["id"], "foureyes");
    assert!(hook["name"].is_string());
    assert_eq!(hook["entry"], "foureyes check");
    assert_eq!(hook["language"], "rust");
    assert_eq!(hook["pass_filenames"], false);
    assert_eq!(hook["files"], "\\.ya?ml$");
}

#[test]
fn pre_commit_hook_for_application_repositories() {
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hook = &hooks[1];
    assert_eq!(hook["id"], "foureyes-suppressions");
    assert_eq!(hook["entry"], "foureyes suppressions");
    assert_eq!(hook["language"], "rust");
    assert_eq!(hook["pass_filenames"], false);
    assert_eq!(
        hook["files"],
        r"(^|/)(\.trivyignore(\.ya?ml)?|osv-scanner\.toml|\.grype\.ya?ml|\.snyk|deny\.toml|\.cargo/audit\.toml)$"
    );
}

#[test]
fn action_runs_the_suppressions_command_on_an_application_repository() {
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("app");
    common::copy_dir(
        &manifest_dir().join("fixtures/suppressions/apps/x001-reasons"),
        &app,
    );
    git2::Repository::init(&app)
        .unwrap()
        .remote("origin", "https://github.com/acme/payments.git")
        .unwrap();
    common::copy_dir(
        &manifest_dir().join("fixtures/suppressions/gov"),
        &tmp.path().join("governance"),
    );
    let inputs = [
        ("command", "suppressions"),
        ("path", "app"),
        ("governance", "governance"),
        ("args", "--today 2026-11-15"),
        ("sarif-file", "suppressions.sarif"),
    ];
    let run = run_action(tmp.path(), &inputs);
    assert_eq!(run.exit, 1, "{}", run.stdout);
    assert_eq!(run.outputs, outputs("6", "0", "suppressions.sarif"));
    assert!(
        run.stdout
            .contains("::error file=.trivyignore,line=2,col=1,"),
        "{}",
        run.stdout
    );
    assert!(tmp.path().join("suppressions.sarif").is_file());
    // Without a governance repository it cannot run.
    let run = run_action(tmp.path(), &[("command", "suppressions"), ("path", "app")]);
    assert_eq!(run.exit, 2);
    assert!(
        run.stdout.contains("needs the governance input"),
        "{}",
        run.stdout
    );
}

#[test]
fn action_runs_the_findings_command_on_scanner_reports() {
    let tmp = tempfile::tempdir().unwrap();
    common::copy_dir(&manifest_dir().join("fixtures/findings"), tmp.path());
    let inputs = [
        ("command", "findings"),
        ("reports", "reports/*.json\n  reports/**/grype.sarif"),
        ("governance", "gov"),
        (
            "args",
            "--service payments-api --kev-catalog kev.json --today 2026-11-15",
        ),
        ("sarif-file", "findings.sarif"),
    ];
    let run = run_action(tmp.path(), &inputs);
    assert_eq!(run.exit, 1, "{}", run.stdout);
    // grype.json 2, osv.json 1, trivy.json 3, grype.sarif 1; EXC-2026-0002 is stale.
    assert_eq!(run.outputs, outputs("7", "1", "findings.sarif"));
    assert!(
        run.stdout
            .contains("::error file=reports/trivy.json,line=84,col=9,"),
        "{}",
        run.stdout
    );
    assert!(run.summary.starts_with("## foureyes\n"), "{}", run.summary);
    assert!(
        run.summary
            .contains("| F001 | untracked-finding | error | 4 |"),
        "{}",
        run.summary
    );
    assert!(tmp.path().join("findings.sarif").is_file());

    // Without --service, the service is the one listing GITHUB_REPOSITORY.
    let inputs = [
        ("command", "findings"),
        ("reports", "reports/trivy.json"),
        ("governance", "gov"),
    ];
    let run = run_action(tmp.path(), &inputs);
    assert_eq!(run.exit, 2);
    let run = run_action(
        tmp.path(),
        &[
            ("command", "findings"),
            ("reports", "reports/*.xml"),
            ("governance", "gov"),
        ],
    );
    assert_eq!(run.exit, 2);
    assert!(
        run.stdout
            .contains("::error::reports: no file matches reports/*.xml"),
        "{}",
        run.stdout
    );
    let run = run_action(
        tmp.path(),
        &[("command", "findings"), ("governance", "gov")],
    );
    assert_eq!(run.exit, 2);
    assert!(
        run.stdout.contains("needs the reports input"),
        "{}",
        run.stdout
    );
}
