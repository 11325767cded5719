use super::*;

fn read(text: &str) -> Report {
    parse(text).unwrap_or_else(|e| panic!("{e:?}"))
}

fn ids(r: &Report) -> Vec<(&str, Vec<&str>, Level4, bool, &str)> {
    r.findings
        .iter()
        .map(|f| {
            let aliases = f.aliases.iter().map(String::as_str).collect();
            (
                f.id.as_str(),
                aliases,
                f.severity,
                f.kev,
                f.pointer.as_str(),
            )
        })
        .collect()
}

fn error(text: &str) -> String {
    match parse(text) {
        Ok(_) => panic!("read as a report: {text}"),
        Err(e) => format!("{} at {} {}", e.message, e.index, e.pointer),
    }
}

#[test]
fn trivy_results_vulnerabilities() {
    let r = read(
        r#"{"SchemaVersion": 2, "Results": [
          {"Target": "a", "Vulnerabilities": null},
          {"Target": "b", "Vulnerabilities": [
            {"VulnerabilityID": "CVE-2026-1", "VendorIDs": ["DSA-1-1"], "Severity": "CRITICAL"},
            {"VulnerabilityID": "CVE-2026-2", "Severity": "UNKNOWN", "PkgName": "x"},
            {"VulnerabilityID": "CVE-2026-3", "Severity": "LOW"}]}]}"#,
    );
    assert_eq!(r.format, Format::Trivy);
    assert_eq!(
        ids(&r),
        [
            (
                "CVE-2026-1",
                vec!["DSA-1-1"],
                Level4::Critical,
                false,
                "/Results/1/Vulnerabilities/0"
            ),
            (
                "CVE-2026-2",
                vec![],
                Level4::High,
                false,
                "/Results/1/Vulnerabilities/1"
            ),
            (
                "CVE-2026-3",
                vec![],
                Level4::Low,
                false,
                "/Results/1/Vulnerabilities/2"
            ),
        ]
    );
    assert_eq!(r.findings[1].stated, "Severity UNKNOWN");
}

#[test]
fn grype_matches_related_and_known_exploited() {
    let r = read(
        r#"{"matches": [
          {"vulnerability": {"id": "GHSA-aaaa-bbbb-cccc", "severity": "Negligible"},
           "relatedVulnerabilities": [{"id": "CVE-2026-9", "knownExploited": [{"cve": "CVE-2026-9"}]}]},
          {"vulnerability": {"id": "CVE-2026-8", "severity": "Unknown", "knownExploited": []}},
          {"vulnerability": {"id": "CVE-2026-7", "severity": "Medium", "knownExploited": [{}]}}],
          "descriptor": {"name": "grype"}}"#,
    );
    assert_eq!(r.format, Format::Grype);
    assert_eq!(
        ids(&r),
        [
            (
                "GHSA-aaaa-bbbb-cccc",
                vec!["CVE-2026-9"],
                Level4::Low,
                true,
                "/matches/0"
            ),
            ("CVE-2026-8", vec![], Level4::High, false, "/matches/1"),
            ("CVE-2026-7", vec![], Level4::Medium, true, "/matches/2"),
        ]
    );
}

#[test]
fn osv_severity_from_the_group() {
    let r = read(
        r#"{"results": [{"source": {"path": "go.mod", "type": "lockfile"}, "packages": [
          {"package": {"name": "p"},
           "vulnerabilities": [{"id": "GO-2021-0053", "aliases": ["CVE-2021-3121"]},
                               {"id": "GHSA-c3h9-896r-86jm", "aliases": ["CVE-2021-3121"]},
                               {"id": "RUSTSEC-2026-0001"}],
           "groups": [{"ids": ["GHSA-c3h9-896r-86jm", "GO-2021-0053"], "max_severity": "8.6"},
                      {"ids": ["RUSTSEC-2026-0001"], "max_severity": ""}]}]}]}"#,
    );
    assert_eq!(r.format, Format::Osv);
    let p = "/results/0/packages/0/vulnerabilities/";
    assert_eq!(
        ids(&r),
        [
            (
                "GO-2021-0053",
                vec!["CVE-2021-3121"],
                Level4::High,
                false,
                &*format!("{p}0")
            ),
            (
                "GHSA-c3h9-896r-86jm",
                vec!["CVE-2021-3121"],
                Level4::High,
                false,
                &*format!("{p}1")
            ),
            (
                "RUSTSEC-2026-0001",
                vec![],
                Level4::High,
                false,
                &*format!("{p}2")
            ),
        ]
    );
    assert_eq!(r.findings[0].stated, "max_severity 8.6");
    assert_eq!(r.findings[2].stated, "no max_severity");
}

#[test]
fn cvss_buckets_at_their_boundaries() {
    for (score, level) in [
        (10.0, Level4::Critical),
        (9.0, Level4::Critical),
        (8.9, Level4::High),
        (7.0, Level4::High),
        (6.9, Level4::Medium),
        (4.0, Level4::Medium),
        (3.9, Level4::Low),
        (0.0, Level4::Low),
    ] {
        assert_eq!(from_score(score), level, "{score}");
    }
}

#[test]
fn sarif_severity_from_security_severity_then_level() {
    let r = read(
        r#"{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "Trivy", "rules": [
            {"id": "CVE-2026-1", "properties": {"security-severity": "9.0"}},
            {"id": "CVE-2026-2", "properties": {"security-severity": 6.9}},
            {"id": "CVE-2026-3", "defaultConfiguration": {"level": "note"}}]}},
          "results": [
            {"ruleId": "CVE-2026-1", "ruleIndex": 0, "level": "note"},
            {"ruleId": "CVE-2026-2", "level": "error"},
            {"ruleId": "CVE-2026-3"},
            {"ruleId": "CVE-2026-3", "level": "error"},
            {"ruleId": "CVE-2026-4", "level": "warning"},
            {"ruleId": "CVE-2026-5"},
            {"ruleId": "CVE-2026-6", "kind": "pass"},
            {"ruleId": "CVE-2026-7", "baselineState": "absent"},
            {"rule": {"index": 2}}]}]}"#,
    );
    assert_eq!(r.format, Format::Sarif);
    let got: Vec<_> = r
        .findings
        .iter()
        .map(|f| (f.id.as_str(), f.severity))
        .collect();
    assert_eq!(
        got,
        [
            ("CVE-2026-1", Level4::Critical),
            ("CVE-2026-2", Level4::Medium),
            ("CVE-2026-3", Level4::Low),
            ("CVE-2026-3", Level4::High),
            ("CVE-2026-4", Level4::Medium),
            ("CVE-2026-5", Level4::High),
            ("CVE-2026-3", Level4::Low),
        ]
    );
    assert_eq!(r.findings[8 - 2].pointer, "/runs/0/results/8");
}

#[test]
fn sarif_grype_suffix_and_osv_deprecated_ids() {
    let grype = read(
        r#"{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "grype", "rules": [
            {"id": "CVE-2026-1-log4j-core", "shortDescription": {"text": "CVE-2026-1 critical vulnerability for log4j-core package"}},
            {"id": "GHSA-2345-6789-cfgh-lib-x", "help": {"text": "Vulnerability GHSA-2345-6789-cfgh\nSeverity: high"}},
            {"id": "CVE-2026-12345-openssl"},
            {"id": "RUSTSEC-2026-0001-regex"}]}},
          "results": [{"ruleId": "CVE-2026-1-log4j-core"}, {"ruleId": "GHSA-2345-6789-cfgh-lib-x"},
                      {"ruleId": "CVE-2026-12345-openssl"}, {"ruleId": "RUSTSEC-2026-0001-regex"}]}]}"#,
    );
    let got: Vec<_> = grype.findings.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(
        got,
        [
            "CVE-2026-1",
            "GHSA-2345-6789-cfgh",
            "CVE-2026-12345",
            "RUSTSEC-2026-0001-regex"
        ]
    );
    assert!(grype.findings[0].aliases.is_empty());
    let osv = read(
        r#"{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "osv-scanner", "rules": [
            {"id": "CVE-2022-24713", "deprecatedIds": ["CVE-2022-24713", "RUSTSEC-2022-0013", "GHSA-m5pq-gvj9-9vr8"]}]}},
          "results": [{"ruleId": "CVE-2022-24713", "ruleIndex": 0, "level": "warning"}]}]}"#,
    );
    assert_eq!(
        osv.findings[0].aliases,
        ["RUSTSEC-2022-0013", "GHSA-m5pq-gvj9-9vr8"]
    );
}

#[test]
fn unrecognised_broken_and_hostile_reports_are_errors() {
    assert_eq!(
        error("[1, 2]"),
        "not a SARIF 2.1.0, Trivy, Grype or OSV-Scanner JSON report (the top level is not an object) at 0 "
    );
    assert!(error(r#"{"name": "x"}"#).starts_with("not a SARIF 2.1.0, Trivy"));
    assert!(error("").starts_with("not valid JSON: EOF while parsing a value"));
    assert!(error("not json").starts_with("not valid JSON"));
    assert_eq!(
        error(r#"{"Results": [{"Vulnerabilities": [{"VulnerabilityID": "CVE-1"}, {"Vuln"#),
        "not valid JSON: EOF while parsing a string at 70 /Results/0/Vulnerabilities/1"
    );
    assert_eq!(
        error(r#"{"Results": [{"Vulnerabilities": [{"Severity": "HIGH"}]}]}"#),
        "a finding without `VulnerabilityID` at 34 /Results/0/Vulnerabilities/0"
    );
    assert_eq!(
        error(r#"{"matches": [{"vulnerability": {"id": 7}}]}"#),
        "expected a string at 38 /matches/0/vulnerability/id"
    );
    assert_eq!(
        error(r#"{"version": "2.0.0", "runs": []}"#),
        "SARIF version `2.0.0` is not supported (foureyes reads 2.1.0) at 0 "
    );
    assert!(
        error(r#"{"Results": [], "matches": []}"#).contains("more than one format (Trivy, Grype)")
    );
    assert!(error(r#"{"Results": []} x"#).starts_with("not valid JSON: trailing characters"));
    let deep = format!(
        r#"{{"Results": [], "x": {}{}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert!(
        error(&deep).starts_with("nested deeper than 200 levels"),
        "{}",
        error(&deep)
    );
    let lone = r#"{"Results": [{"Vulnerabilities": [{"VulnerabilityID": "\ud800"}]}]}"#;
    assert!(error(lone).starts_with("not valid JSON"));
}

#[test]
fn odd_ids_are_kept_as_written() {
    let long = "X".repeat(10_000);
    let text = format!(
        r#"{{"Results": [{{"Vulnerabilities": [{{"VulnerabilityID": "CVE-\u001b[31m"}}, {{"VulnerabilityID": "{long}"}}]}}]}}"#
    );
    let r = read(&text);
    assert_eq!(r.findings[0].id, "CVE-\u{1b}[31m");
    assert_eq!(r.findings[1].id, long);
}

#[test]
fn positions_count_lines_and_characters() {
    let text = "{\n  \"é\": [\r\n    {\"a\": 1},\r    {}\n]}";
    let at = |s: &str| text.find(s).unwrap();
    let offsets = [at("{}"), at("{\"a"), 0];
    let p: Vec<_> = positions(text, &offsets)
        .iter()
        .map(|p| (p.line, p.col, p.index))
        .collect();
    let chars = |b: usize| text[..b].chars().count() as u32;
    assert_eq!(
        p,
        [
            (4, 5, chars(offsets[0])),
            (3, 5, chars(offsets[1])),
            (1, 1, 0)
        ]
    );
}

#[test]
fn every_prefix_and_byte_flip_of_real_reports_reads_or_fails_cleanly() {
    let reports = [
        include_str!("../../fixtures/findings/reports/trivy.json"),
        include_str!("../../fixtures/findings/reports/grype.json"),
        include_str!("../../fixtures/findings/reports/osv.json"),
        include_str!("../../fixtures/findings/reports/grype.sarif"),
        include_str!("../../fixtures/findings/reports/osv.sarif"),
    ];
    for text in reports {
        assert!(parse(text).is_ok());
        for cut in (0..text.len())
            .step_by(5)
            .filter(|&i| text.is_char_boundary(i))
        {
            if let Err(e) = parse(&text[..cut]) {
                assert!(e.index <= cut, "{e:?}");
            }
        }
        let mut bytes = text.as_bytes().to_vec();
        for i in (0..bytes.len()).step_by(17) {
            let was = bytes[i];
            for b in [b'"', b'{', b']', b'0', b'\\'] {
                bytes[i] = b;
                if let Ok(t) = std::str::from_utf8(&bytes) {
                    let _ = parse(t);
                }
            }
            bytes[i] = was;
        }
    }
}
