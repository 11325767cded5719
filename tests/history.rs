//! Pull-request mode against the loopholes of history: repositories built with the git CLI,
//! as a user (and GitHub's checkout) builds them. Each starts from fixtures/clean on `main`;
//! a pull request is a `feature` branch, checked with `--base main`, or in a clone whose
//! HEAD is GitHub's merge commit of the branch into `origin/main`.
//!
//! Output is compared as in tests/fixtures.rs: `CODE severity file:line:column pointer`.

use std::path::Path;
use std::process::Command;

use tempfile::TempDir;

mod common;
use common::{GRC_SCM, Run, assert_run, check, copy_dir, git_in, manifest_dir};

struct Git {
    dir: TempDir,
}

impl Git {
    /// `main` holds fixtures/clean and `feature` branches off it; HEAD is `feature`.
    fn new() -> Git {
        let g = Git::empty();
        copy_dir(&manifest_dir().join("fixtures/clean"), g.path());
        g.commit("governance repository");
        g.git(&["checkout", "-q", "-b", "feature"]);
        g
    }

    fn empty() -> Git {
        let g = Git {
            dir: TempDir::new().unwrap(),
        };
        g.git(&["init", "-q", "-b", "main"]);
        g
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn git(&self, args: &[&str]) -> String {
        git_in(self.path(), args)
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// Replaces `from` by `to` in a file, which must contain it.
    fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = std::fs::read_to_string(self.path().join(rel)).unwrap();
        assert!(text.contains(from), "{rel} has no `{from}`");
        self.write(rel, &text.replacen(from, to, 1));
    }

    fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
    }

    /// Merges `feature` into `main` (a reviewed pull request) and starts `feature` again
    /// from there.
    fn merge_feature(&self) {
        self.git(&["checkout", "-q", "main"]);
        self.git(&["merge", "-q", "--no-ff", "-m", "merge", "feature"]);
        self.git(&["checkout", "-q", "-B", "feature"]);
    }
}

fn pr(g: &Git) -> Run {
    check(g.path(), &["--base", "main"])
}

const EXC1: &str = "exceptions/EXC-2026-0001.yaml";
const EXC2: &str = "exceptions/EXC-2026-0002.yaml";

/// EXC-2026-0001 (requested by bob, approved by carol and dana of grc on 2026-11-02 and
/// 2026-11-03) now expires on 2026-12-03, with a third approval by `by` on `on`.
fn extend_with_approval(g: &Git, by: &str, on: &str) {
    g.edit(EXC1, "expires: 2026-12-01", "expires: 2026-12-03");
    g.edit(
        EXC1,
        "    - {by: Dana@EXAMPLE.com, on: 2026-11-03}\n",
        &format!("    - {{by: Dana@EXAMPLE.com, on: 2026-11-03}}\n    - {{by: {by}, on: {on}}}\n"),
    );
    g.commit("extend EXC-2026-0001");
}

#[test]
fn a_valid_reapproval_allows_the_extension() {
    let g = Git::new();
    extend_with_approval(&g, "carol", "2026-11-14");
    assert_run(&pr(&g), 0, &[]);
}

#[test]
fn g001_the_requester_cannot_reapprove() {
    let g = Git::new();
    extend_with_approval(&g, "\"@bob-gh\"", "2026-11-14");
    let run = pr(&g);
    assert_run(
        &run,
        1,
        &[
            "A001 error exceptions/EXC-2026-0001.yaml:16:12 /spec/approvals/2/by",
            "A002 error exceptions/EXC-2026-0001.yaml:16:12 /spec/approvals/2/by",
            "A003 error exceptions/EXC-2026-0001.yaml:16:12 /spec/approvals/2/by",
            "G001 error exceptions/EXC-2026-0001.yaml:17:12 /spec/expires",
        ],
    );
    assert!(
        run.message("G001").contains("requester"),
        "{}",
        run.message("G001")
    );
    let g001 = &run.json["diagnostics"][3];
    assert_eq!(
        g001["facts"]["changes"],
        serde_json::json!([{"field": "expires", "from": "2026-12-01", "to": "2026-12-03"}])
    );
    assert_eq!(g001["facts"]["base_granted_on"], "2026-11-03");
    assert_eq!(
        g001["facts"]["not_counted"],
        serde_json::json!([{"by": "@bob-gh", "on": "2026-11-14", "reason": "is the requester's own"}])
    );
    assert_eq!(g001["record"]["id"], "EXC-2026-0001");
}

#[test]
fn g001_an_outsider_cannot_reapprove_even_when_a003_is_a_warning() {
    let g = Git::new();
    extend_with_approval(&g, "erin", "2026-11-14");
    let expected = [
        "A003 error exceptions/EXC-2026-0001.yaml:16:12 /spec/approvals/2/by",
        "G001 error exceptions/EXC-2026-0001.yaml:17:12 /spec/expires",
    ];
    let run = pr(&g);
    assert_run(&run, 1, &expected);
    assert!(
        run.message("G001").contains("`grc`"),
        "{}",
        run.message("G001")
    );
    // Lowering A003 does not make the outsider's approval count.
    g.write("foureyes.yaml", "rules: {A003: warning}\n");
    assert_run(
        &pr(&g),
        1,
        &[
            "A003 warning exceptions/EXC-2026-0001.yaml:16:12 /spec/approvals/2/by",
            "G001 error exceptions/EXC-2026-0001.yaml:17:12 /spec/expires",
        ],
    );
}

#[test]
fn g001_a_member_of_the_executing_team_cannot_reapprove() {
    let g = Git::new();
    // frank is in grc now, but also in platform-payments, which executes payments-api.
    g.edit(
        "teams/grc.yaml",
        "members: [carol,",
        "members: [carol, frank,",
    );
    g.commit("frank joins grc");
    extend_with_approval(&g, "frank", "2026-11-14");
    assert_run(
        &pr(&g),
        1,
        &[
            "A002 error exceptions/EXC-2026-0001.yaml:16:12 /spec/approvals/2/by",
            "G001 error exceptions/EXC-2026-0001.yaml:17:12 /spec/expires",
        ],
    );
}

#[test]
fn g001_a_future_dated_approval_does_not_count() {
    let g = Git::new();
    extend_with_approval(&g, "carol", "2026-11-20");
    let run = pr(&g);
    assert_run(
        &run,
        1,
        &[
            "E006 error exceptions/EXC-2026-0001.yaml:16:23 /spec/approvals/2/on",
            "G001 error exceptions/EXC-2026-0001.yaml:17:12 /spec/expires",
        ],
    );
    assert!(
        run.message("G001").contains("after today"),
        "{}",
        run.message("G001")
    );
    // On the day it is dated, it counts.
    assert_run(
        &check(g.path(), &["--base", "main", "--today", "2026-11-20"]),
        0,
        &[],
    );
}

#[test]
fn g001_a_revoked_exception_set_back_to_active() {
    let g = Git::new();
    g.edit(EXC1, "status: active", "status: revoked");
    g.commit("revoke EXC-2026-0001");
    g.merge_feature();
    g.edit(EXC1, "status: revoked", "status: active");
    g.commit("reactivate EXC-2026-0001");
    let run = pr(&g);
    assert_run(
        &run,
        1,
        &["G001 error exceptions/EXC-2026-0001.yaml:17:11 /spec/status"],
    );
    // Dropping `status` makes it active too.
    g.edit(EXC1, "  status: active\n", "");
    assert_run(
        &pr(&g),
        1,
        &["G001 error exceptions/EXC-2026-0001.yaml:6:3 /spec"],
    );
}

#[test]
fn g001_revoke_and_extend_then_reactivate_in_two_pull_requests() {
    let g = Git::new();
    g.edit(
        EXC1,
        "expires: 2026-12-01\n  status: active",
        "expires: 2026-12-02\n  status: revoked",
    );
    g.commit("revoke and extend EXC-2026-0001");
    // A revoked exception may change freely.
    assert_run(&pr(&g), 0, &[]);
    g.merge_feature();
    g.edit(EXC1, "status: revoked", "status: active");
    g.commit("reactivate EXC-2026-0001");
    let run = pr(&g);
    assert_run(
        &run,
        1,
        &["G001 error exceptions/EXC-2026-0001.yaml:17:11 /spec/status"],
    );
    assert!(
        run.message("G001").contains("revoked"),
        "{}",
        run.message("G001")
    );
}

#[test]
fn g001_a_lower_severity_or_kev_no_longer_true() {
    let g = Git::new();
    g.edit(EXC2, "severity: high", "severity: low");
    g.edit(EXC1, "kev: true}", "kev: false}");
    g.commit("ease the findings");
    let run = pr(&g);
    assert_run(
        &run,
        1,
        &[
            "G001 error exceptions/EXC-2026-0001.yaml:7:58 /spec/finding/kev",
            // The declared tier no longer matches the finding: E007 says so too.
            "E007 error exceptions/EXC-2026-0001.yaml:8:9 /spec/tier",
            "G001 error exceptions/EXC-2026-0002.yaml:11:15 /spec/finding/severity",
        ],
    );
    // Removing `kev` is `false` too; the diagnostic points at the finding.
    g.edit(EXC1, ", kev: false}", "}");
    g.edit(EXC1, "  tier: kev\n", "");
    g.edit(EXC2, "severity: low", "severity: high");
    assert_run(
        &pr(&g),
        1,
        &["G001 error exceptions/EXC-2026-0001.yaml:7:12 /spec/finding"],
    );
}

#[test]
fn g001_finding_ids_compare_case_insensitively() {
    let g = Git::new();
    g.edit(EXC2, "id: GHSA-2345-6789-cfgh", "id: ghsa-2345-6789-CFGH");
    assert_run(&pr(&g), 0, &[]);
}

#[test]
fn g001_an_alias_keeps_the_same_finding() {
    let g = Git::new();
    // The GHSA id becomes an alias of the CVE it was assigned: the same vulnerability.
    g.edit(
        EXC2,
        "id: GHSA-2345-6789-cfgh",
        "id: CVE-2026-55555\n    aliases: [ghsa-2345-6789-CFGH]",
    );
    assert_run(&pr(&g), 0, &[]);
    // Without the alias it names another finding.
    g.edit(EXC2, "\n    aliases: [ghsa-2345-6789-CFGH]", "");
    assert_run(
        &pr(&g),
        1,
        &["G001 error exceptions/EXC-2026-0002.yaml:10:9 /spec/finding/id"],
    );
}

#[test]
fn g001_a_lower_exposure() {
    let g = Git::new();
    // Absent is internet: stating `internal`, even reviewed, accepts more.
    g.edit(
        EXC2,
        "    severity: high\n",
        "    severity: high\n    exposure: internal\n  exposure_review: {security: alice, system: bob, on: 2026-11-04}\n",
    );
    g.commit("the service is internal only");
    let run = pr(&g);
    assert_run(
        &run,
        1,
        &["G001 error exceptions/EXC-2026-0002.yaml:12:15 /spec/finding/exposure"],
    );
    assert_eq!(
        run.json["diagnostics"][0]["facts"]["changes"],
        serde_json::json!([{"field": "finding.exposure", "from": "absent (internet)", "to": "internal"}])
    );
}

#[test]
fn g001_changes_that_accept_less_are_clean() {
    let g = Git::new();
    g.edit(EXC1, "expires: 2026-12-01", "expires: 2026-11-30");
    g.edit(EXC2, "severity: high", "severity: critical");
    g.edit(EXC2, "expires: 2026-12-20", "expires: 2026-12-06");
    assert_run(&pr(&g), 0, &[]);
}

/// An open Remediation found on 2026-08-01, severity high (30 days): overdue at base.
const REM_OVERDUE: &str = "apiVersion: foureyes.dev/v1
kind: Remediation
metadata:
  id: REM-2026-0100
spec:
  service: ledger-worker
  finding: {id: CVE-2026-77777, severity: high, kev: true}
  found_on: 2026-08-01
  status: open
";
const REM: &str = "remediations/REM-2026-0100.yaml";

fn with_overdue_record() -> Git {
    let g = Git::new();
    g.git(&["checkout", "-q", "main"]);
    g.write(REM, REM_OVERDUE);
    g.commit("an overdue remediation");
    g.git(&["checkout", "-q", "-B", "feature"]);
    g
}

#[test]
fn g004_found_on_moved_later_hides_an_overdue_record() {
    let g = with_overdue_record();
    assert_eq!(check(g.path(), &[]).exit, 1, "overdue at base");
    g.edit(REM, "found_on: 2026-08-01", "found_on: 2026-11-30");
    g.commit("the finding was found later, supposedly");
    let run = pr(&g);
    assert_run(
        &run,
        1,
        &["G004 error remediations/REM-2026-0100.yaml:8:13 /spec/found_on"],
    );
    let msg = run.message("G004");
    assert!(msg.contains("2026-08-01 to 2026-11-30"), "{msg}");
    // The full check no longer sees anything wrong: only history does.
    assert_run(&check(g.path(), &[]), 0, &[]);
}

#[test]
fn g004_severity_lowered_or_kev_dropped() {
    let g = with_overdue_record();
    g.edit(
        REM,
        "severity: high, kev: true",
        "severity: low, kev: false",
    );
    g.commit("ease the finding");
    let run = pr(&g);
    assert_run(
        &run,
        1,
        &[
            "G004 error remediations/REM-2026-0100.yaml:7:43 /spec/finding/severity",
            // In the slower tier, the record is no longer overdue, only due for escalation.
            "D002 warning remediations/REM-2026-0100.yaml:8:13 /spec/found_on",
        ],
    );
    let msg = run.message("G004");
    assert!(
        msg.contains("from high to low") && msg.contains("kev"),
        "{msg}"
    );
    // An earlier found_on or a higher severity only makes it more urgent.
    g.edit(
        REM,
        "severity: low, kev: false",
        "severity: critical, kev: true",
    );
    g.edit(REM, "found_on: 2026-08-01", "found_on: 2026-07-01");
    let run = pr(&g);
    assert!(
        !run.lines.iter().any(|l| l.starts_with("G004")),
        "{:?}",
        run.lines
    );
}

#[test]
fn g002_records_excluded_by_the_pull_requests_config_are_gone() {
    let g = with_overdue_record();
    g.write(
        "foureyes.yaml",
        "exclude: [\"remediations/REM-2026-0100.yaml\", \"remediations/REM-2026-0001.yaml\"]\n",
    );
    g.commit("exclude two remediations");
    let expected = [
        "G002 error remediations/REM-2026-0001.yaml - -",
        "G002 error remediations/REM-2026-0100.yaml - -",
    ];
    assert_run(&pr(&g), 1, &expected);
    // Deleting them as well changes nothing.
    g.git(&["rm", "-q", REM, "remediations/REM-2026-0001.yaml"]);
    g.commit("and delete them");
    assert_run(&pr(&g), 1, &expected);
}

#[test]
fn g004_a_lower_exposure() {
    let g = Git::new();
    g.git(&["checkout", "-q", "main"]);
    g.write(
        REM,
        &REM_OVERDUE.replace(
            "kev: true}",
            "kev: true, exposure: internal}\n  exposure_review: {security: alice, system: bob, on: 2026-08-02}",
        ),
    );
    g.commit("an internal-only finding");
    g.git(&["checkout", "-q", "-B", "feature"]);
    g.edit(REM, "exposure: internal", "exposure: isolated");
    let run = pr(&g);
    assert_run(
        &run,
        1,
        &["G004 error remediations/REM-2026-0100.yaml:7:70 /spec/finding/exposure"],
    );
    // More exposed is more urgent: clean.
    g.edit(REM, "exposure: isolated", "exposure: internet");
    let run = pr(&g);
    assert!(
        !run.lines.iter().any(|l| l.starts_with("G004")),
        "{:?}",
        run.lines
    );
}

#[test]
fn g002_records_excluded_by_a_config_given_with_config() {
    let g = Git::new();
    g.git(&["checkout", "-q", "main"]);
    g.write("ci/foureyes.yaml", "{}\n");
    g.commit("a config for CI");
    g.git(&["checkout", "-q", "-B", "feature"]);
    let args = ["--base", "main", "--config", "ci/foureyes.yaml"];
    let ci = |g: &Git| {
        let mut args = args.to_vec();
        let config = g.path().join(args[3]);
        let config = config.to_str().unwrap();
        args[3] = config;
        check(g.path(), &args)
    };
    assert_run(&ci(&g), 0, &[]);
    g.write("ci/foureyes.yaml", "exclude: [\"remediations/**\"]\n");
    // One per record: 2026-q4-done.yaml holds two.
    let gone = [
        "G002 error remediations/2026-q4-done.yaml - -",
        "G002 error remediations/2026-q4-done.yaml - -",
        "G002 error remediations/REM-2026-0001.yaml - -",
    ];
    assert_run(&ci(&g), 1, &gone);
    // A base config that cannot be read selects every YAML file, as with no config.
    g.git(&["checkout", "-q", "main"]);
    g.write("ci/foureyes.yaml", "rules: {X999: off}\n");
    g.commit("a broken config");
    g.git(&["checkout", "-q", "-B", "feature"]);
    g.write("ci/foureyes.yaml", "exclude: [\"remediations/**\"]\n");
    assert_run(&ci(&g), 1, &gone);
}

#[test]
fn the_base_is_selected_with_its_own_config() {
    let g = Git::new();
    g.git(&["checkout", "-q", "main"]);
    // At base, drafts are excluded: a broken draft is not a problem of the base.
    g.write("foureyes.yaml", "exclude: [\"drafts/**\"]\n");
    g.write("drafts/x.yaml", "a: [\n");
    g.commit("drafts");
    g.git(&["checkout", "-q", "-B", "feature"]);
    assert_run(&pr(&g), 0, &[]);
    // The pull request starts checking drafts: the broken draft is new.
    g.write("foureyes.yaml", "{}\n");
    assert_run(&pr(&g), 1, &["P001 error drafts/x.yaml:2:1 -"]);
}

#[test]
fn github_merge_commit_checkout() {
    // origin: the PR branch rewrites a remediation's facts and drops another.
    let origin = with_overdue_record();
    origin.edit(REM, "found_on: 2026-08-01", "found_on: 2026-11-30");
    origin.git(&["rm", "-q", "remediations/REM-2026-0001.yaml"]);
    origin.commit("rewrite and drop");
    // main moves on after the branch was made.
    origin.git(&["checkout", "-q", "main"]);
    origin.write("docs/notes.yaml", "notes: []\n");
    origin.commit("main moves on");
    // actions/checkout of a pull_request event: HEAD is the merge of the branch into main.
    let tmp = TempDir::new().unwrap();
    let url = format!("file://{}", origin.path().display());
    git_in(tmp.path(), &["clone", "-q", &url, "ci"]);
    let ci = tmp.path().join("ci");
    git_in(&ci, &["checkout", "-q", "--detach", "origin/main"]);
    git_in(
        &ci,
        &[
            "merge",
            "-q",
            "--no-ff",
            "-m",
            "Merge into main",
            "origin/feature",
        ],
    );
    assert_run(
        &check(&ci, &["--base", "origin/main"]),
        1,
        &[
            "G002 error remediations/REM-2026-0001.yaml - -",
            "G004 error remediations/REM-2026-0100.yaml:8:13 /spec/found_on",
        ],
    );
}

#[test]
fn g003_the_config_must_be_owned_by_a_risk_team() {
    let g = Git::new();
    g.edit("teams/grc.yaml", GRC_SCM.0, GRC_SCM.1);
    g.write(
        ".github/CODEOWNERS",
        "*  @example/appsec\n/exceptions/  @example/grc\n",
    );
    g.commit("CODEOWNERS");
    // No config file: nothing to own.
    assert_run(&check(g.path(), &[]), 0, &[]);
    g.write("foureyes.yaml", "rules: {E002: off}\n");
    g.commit("turn E002 off");
    let expected = ["G003 error foureyes.yaml - -"];
    let run = check(g.path(), &[]);
    assert_run(&run, 1, &expected);
    let msg = run.message("G003");
    assert!(
        msg.contains("line 1 gives foureyes.yaml to @example/appsec"),
        "{msg}"
    );
    assert!(msg.contains("`@example/grc`"), "{msg}");
    // The pull request adds the unowned config: new in pull-request mode too.
    assert_run(&pr(&g), 1, &expected);
    // Owned by grc (owners compare case-insensitively): clean.
    g.write(
        ".github/CODEOWNERS",
        "*  @example/appsec\n/exceptions/  @example/grc\n/foureyes.yaml @Example/GRC\n",
    );
    assert_run(&check(g.path(), &[]), 0, &[]);
    // A line that un-assigns it is a gap.
    g.write(
        ".github/CODEOWNERS",
        "*  @example/grc\n/exceptions/  @example/grc\nfoureyes.yaml\n",
    );
    let run = check(g.path(), &[]);
    assert_run(&run, 1, &expected);
    assert!(run.message("G003").contains("without code owners"));
}

#[test]
fn g003_config_in_a_subdirectory_with_codeowners_at_the_root() {
    let g = Git::empty();
    copy_dir(
        &manifest_dir().join("fixtures/clean"),
        &g.path().join("gov"),
    );
    g.edit("gov/teams/grc.yaml", GRC_SCM.0, GRC_SCM.1);
    g.write("gov/foureyes.yaml", "{}\n");
    g.write(
        ".github/CODEOWNERS",
        "* @example/appsec\n/gov/exceptions/ @example/grc\n/gov/foureyes.yaml @example/grc\n",
    );
    g.commit("governance in gov/");
    assert_run(&check(&g.path().join("gov"), &[]), 0, &[]);
    g.write(
        ".github/CODEOWNERS",
        "* @example/appsec\n/gov/exceptions/ @example/grc\n",
    );
    let run = check(&g.path().join("gov"), &[]);
    assert_run(&run, 1, &["G003 error foureyes.yaml - -"]);
    assert!(run.message("G003").contains("gives gov/foureyes.yaml"));
}

/// A repository holding a broken governance file, to be used as a submodule.
fn broken_repository() -> Git {
    let sub = Git::empty();
    sub.write(
        "exceptions/EXC-9.yaml",
        "apiVersion: foureyes.dev/v1\nkind: Exception\nmetadata: {id: EXC-9}\nspec: {service: nowhere}\n",
    );
    sub.write("broken.yaml", "a: [\n");
    sub.commit("another repository");
    sub
}

#[test]
fn submodules_are_other_repositories() {
    let sub = broken_repository();
    let g = Git::new();
    let url = format!("file://{}", sub.path().display());
    g.git(&["submodule", "add", "-q", &url, "vendor/other"]);
    g.commit("add a submodule");
    assert!(g.path().join("vendor/other/broken.yaml").is_file());
    assert_run(&check(g.path(), &[]), 0, &[]);
    assert_run(&check(g.path(), &["--base", "HEAD"]), 0, &[]);
    assert_run(&pr(&g), 0, &[]);
    assert_eq!(check(g.path(), &[]).json["summary"]["files"], 13);
    // Not checked out (no `.git` inside), its folder is skipped all the same.
    std::fs::remove_file(g.path().join("vendor/other/.git")).unwrap();
    assert_run(&check(g.path(), &[]), 0, &[]);
    // A nested repository that is no submodule is another repository too.
    let nested = g.path().join("nested");
    copy_dir(&sub.path().join("exceptions"), &nested.join("exceptions"));
    git_in(&nested, &["init", "-q"]);
    assert_run(&check(g.path(), &[]), 0, &[]);
}

#[test]
fn pr_mode_on_a_subdirectory_skips_its_submodules() {
    let sub = broken_repository();
    let g = Git::empty();
    copy_dir(
        &manifest_dir().join("fixtures/clean"),
        &g.path().join("gov"),
    );
    let url = format!("file://{}", sub.path().display());
    g.git(&["submodule", "add", "-q", &url, "gov/vendor"]);
    g.commit("governance with a submodule");
    // Not checked out: only the index says it is a submodule.
    std::fs::remove_file(g.path().join("gov/vendor/.git")).unwrap();
    let gov = g.path().join("gov");
    assert_run(&check(&gov, &[]), 0, &[]);
    assert_run(&check(&gov, &["--base", "HEAD"]), 0, &[]);
}

/// What Git LFS commits in place of a file it tracks.
const LFS_POINTER: &str = "version https://git-lfs.github.com/spec/v1
oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393
size 12345
";

#[test]
fn lfs_pointers_at_base_are_p005_like_on_disk() {
    let g = Git::new();
    g.git(&["checkout", "-q", "main"]);
    g.write("remediations/archive.yaml", LFS_POINTER);
    g.commit("an archive kept in LFS");
    g.git(&["checkout", "-q", "-B", "feature"]);
    let p005 = ["P005 error remediations/archive.yaml - -"];
    assert_run(&check(g.path(), &[]), 1, &p005);
    // The same pointer at base: not new.
    assert_run(&check(g.path(), &["--base", "HEAD"]), 0, &[]);
    assert_run(&pr(&g), 0, &[]);
    // Fetched (the content is on disk now): its records are judged, and nothing is gone.
    g.write(
        "remediations/archive.yaml",
        &std::fs::read_to_string(g.path().join("remediations/REM-2026-0001.yaml"))
            .unwrap()
            .replace("REM-2026-0001", "REM-2026-0900"),
    );
    assert_run(&pr(&g), 0, &[]);
}

#[test]
fn a_record_whose_file_became_an_lfs_pointer_is_not_deleted() {
    let g = Git::new();
    g.write("remediations/REM-2026-0001.yaml", LFS_POINTER);
    g.commit("moved to LFS");
    // P005 says why its records cannot be read; G002 does not call them deleted.
    assert_run(
        &pr(&g),
        1,
        &["P005 error remediations/REM-2026-0001.yaml - -"],
    );
}

/// Writes a YAML file of at least `mib` MiB of comment lines, a MiB at a time (the test
/// process itself stays small: a child's peak memory counts its parent's at fork).
fn write_big_yaml(path: &Path, mib: usize) {
    use std::io::Write;
    let line = b"# padding padding padding padding padding padding padding padding\n";
    let chunk: Vec<u8> = line.iter().copied().cycle().take(1 << 20).collect();
    let mut f = std::fs::File::create(path).unwrap();
    for _ in 0..mib {
        f.write_all(&chunk).unwrap();
    }
}

#[test]
fn a_base_blob_over_the_size_limit_is_p004_without_being_loaded() {
    let g = Git::new();
    g.git(&["checkout", "-q", "main"]);
    write_big_yaml(&g.path().join("docs/huge.yaml"), 9);
    g.commit("a huge file");
    g.git(&["checkout", "-q", "-B", "feature"]);
    // P004 on both sides: not new.
    assert_run(&check(g.path(), &[]), 1, &["P004 error docs/huge.yaml - -"]);
    assert_run(&pr(&g), 0, &[]);
    // Replaced by a small file, the file is fine; removed, nothing is lost.
    g.write("docs/huge.yaml", "notes: []\n");
    assert_run(&pr(&g), 0, &[]);
    g.git(&["rm", "-q", "-f", "docs/huge.yaml"]);
    assert_run(&pr(&g), 0, &[]);
}

/// Peak resident memory of `foureyes check PATH ARGS`, in KiB, from the kernel's account of
/// that one child (wait4), so other tests' processes do not count.
#[cfg(target_os = "linux")]
#[expect(clippy::zombie_processes, reason = "wait4 reaps the child")]
fn peak_rss_kib(path: &Path, args: &[&str]) -> i64 {
    let child = Command::new(env!("CARGO_BIN_EXE_foureyes"))
        .arg("check")
        .arg(path)
        .args(["--today", "2026-11-15", "--format", "json"])
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut status = 0;
    // SAFETY: rusage is plain data, filled in by the kernel; the child is ours and waited
    // for exactly once, here.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as libc::pid_t);
    assert!(libc::WIFEXITED(status), "status {status}");
    usage.ru_maxrss
}

#[cfg(target_os = "linux")]
#[test]
fn a_large_base_blob_does_not_raise_peak_memory() {
    let g = Git::new();
    g.git(&["checkout", "-q", "main"]);
    // 256 MiB at base, gone in the pull request: reading it would cost at least that.
    write_big_yaml(&g.path().join("docs/huge.yaml"), 256);
    g.commit("a huge file");
    std::fs::remove_file(g.path().join("docs/huge.yaml")).unwrap();
    g.git(&["checkout", "-q", "-B", "feature"]);
    g.git(&["rm", "-q", "docs/huge.yaml"]);
    g.commit("drop it");
    let small = Git::new();
    let with_blob = peak_rss_kib(g.path(), &["--base", "main"]);
    let without = peak_rss_kib(small.path(), &["--base", "main"]);
    assert!(
        with_blob < without + 64 * 1024,
        "peak RSS {with_blob} KiB with a 256 MiB base blob, {without} KiB without"
    );
}
