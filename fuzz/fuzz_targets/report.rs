//! Arbitrary bytes as a scanner report: recognising and reading it, locating its entries,
//! merging its findings, and the Remediation `--write-records` would write for each.
#![no_main]

use foureyes::date::Date;
use foureyes::findings::{self, records};
use foureyes::scanner;
use libfuzzer_sys::fuzz_target;

/// 2026-11-15, the day the fixtures are checked on.
const TODAY: Date = Date(20_772);

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let report = match scanner::parse(text) {
        Ok(r) => r,
        Err(e) => {
            assert!(e.index <= text.len(), "error past the end: {e:?}");
            return;
        }
    };
    let offsets: Vec<usize> = report.findings.iter().map(|f| f.offset).collect();
    let positions = scanner::positions(text, &offsets);
    for (f, p) in report.findings.iter().zip(&positions) {
        assert!(f.offset < text.len() && !f.id.is_empty(), "{f:?}");
        assert_eq!(p.index as usize, text[..f.offset].chars().count(), "{f:?}");
    }
    let detected = report
        .findings
        .into_iter()
        .zip(positions)
        .map(|(d, p)| (0, d, p))
        .collect();
    for f in findings::merge(detected, None).iter().take(50) {
        let id = records::record_id("payments-api", &f.id);
        assert!(id.len() <= 128, "{id}");
        let yaml = records::remediation(&id, "payments-api", f, TODAY);
        let parsed = foureyes::parse::parse(&yaml, false);
        assert!(parsed.problems.is_empty(), "{yaml}: {:?}", parsed.problems);
        assert_eq!(parsed.docs[0].value["spec"]["finding"]["id"], f.id.as_str(), "{yaml}");
    }
});
