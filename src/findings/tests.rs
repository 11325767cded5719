use super::*;

fn entry(id: &str, aliases: &[&str], severity: Level4, kev: bool, at: usize) -> Detected {
    Detected {
        id: id.into(),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        severity,
        stated: format!("entry {at}"),
        kev,
        pointer: format!("/x/{at}"),
        offset: at,
    }
}

/// Id, aliases, severity, KEV source, and the worst entry's own words.
type Merged = (String, Vec<String>, Level4, Option<KevSource>, String);

fn merged(entries: Vec<Detected>, catalog: Option<&Catalog>) -> Vec<Merged> {
    let detected = entries
        .into_iter()
        .map(|d| (0, d, Pos::default()))
        .collect();
    merge(detected, catalog)
        .into_iter()
        .map(|f| (f.id, f.aliases, f.severity, f.kev, f.stated))
        .collect()
}

#[test]
fn entries_sharing_an_id_or_alias_are_one_finding_with_the_worst_severity() {
    let got = merged(
        vec![
            entry(
                "GHSA-aaaa-bbbb-cccc",
                &["CVE-2026-1"],
                Level4::Medium,
                false,
                0,
            ),
            entry("CVE-2026-2", &[], Level4::Low, false, 1),
            // Joins the first through its alias, in another case.
            entry(
                "RUSTSEC-2026-0001",
                &["cve-2026-1"],
                Level4::Critical,
                false,
                2,
            ),
            entry("cve-2026-2", &[], Level4::High, true, 3),
            // Joins the first and the second: all three are one finding.
            entry(
                "GO-2026-0001",
                &["ghsa-AAAA-bbbb-cccc", "CVE-2026-2"],
                Level4::Low,
                false,
                4,
            ),
            entry("CVE-2026-3", &[], Level4::Low, false, 5),
        ],
        None,
    );
    assert_eq!(
        got,
        [
            (
                "GHSA-aaaa-bbbb-cccc".into(),
                vec![
                    "CVE-2026-1".to_string(),
                    "CVE-2026-2".into(),
                    "RUSTSEC-2026-0001".into(),
                    "GO-2026-0001".into()
                ],
                Level4::Critical,
                Some(KevSource::Report),
                "entry 2".into()
            ),
            (
                "CVE-2026-3".into(),
                vec![],
                Level4::Low,
                None,
                "entry 5".into()
            ),
        ]
    );
}

#[test]
fn the_catalog_marks_findings_by_any_of_their_ids() {
    let catalog = crate::kev::parse(
        br#"{"vulnerabilities": [{"cveID": "CVE-2026-9", "dueDate": "2026-12-01"}]}"#,
        std::path::Path::new("kev.json"),
    )
    .unwrap();
    let got = merged(
        vec![
            entry(
                "GHSA-aaaa-bbbb-cccc",
                &["cve-2026-9"],
                Level4::High,
                false,
                0,
            ),
            entry("CVE-2026-8", &[], Level4::High, true, 1),
            entry("CVE-2026-7", &[], Level4::High, false, 2),
        ],
        Some(&catalog),
    );
    let kev: Vec<_> = got.iter().map(|f| f.3).collect();
    assert_eq!(
        kev,
        [Some(KevSource::Catalog), Some(KevSource::Report), None]
    );
}
