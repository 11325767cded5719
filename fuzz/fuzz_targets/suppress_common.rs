//! Shared by the suppression-file targets: one file of a given format, audited against the
//! fixture governance repository, then located and rendered.

use std::sync::OnceLock;

use foureyes::date::Date;
use foureyes::locate;
use foureyes::render::{self, Report};
use foureyes::suppress::{self, Governance, formats::Format};

/// 2026-11-15, the day the fixtures are checked on.
const TODAY: Date = Date(20_772);

fn governance() -> &'static Governance {
    static GOV: OnceLock<Governance> = OnceLock::new();
    GOV.get_or_init(|| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/suppressions/gov");
        suppress::load_governance(std::path::Path::new(dir), TODAY).expect("fixture governance")
    })
}

/// Audits `data` as each of `formats`: no panic, human output without raw control
/// characters, valid JSON and SARIF.
pub fn audit(data: &[u8], formats: &[Format]) {
    for &format in formats {
        let mut audit =
            suppress::audit_bytes(format.name(), format, data.to_vec(), "payments-api", governance());
        let located = locate::locate(&audit.files, std::mem::take(&mut audit.diagnostics));
        let report = Report {
            files: &audit.files,
            documents: audit.entries,
            diagnostics: &located,
        };
        let human = render::human::render(&report, false);
        assert!(
            !human.chars().any(|c| c.is_control() && c != '\n' && c != '\t'),
            "raw control character in human output"
        );
        let json = render::json::render(&report).expect("JSON renders");
        serde_json::from_str::<serde_json::Value>(&json).expect("valid JSON");
        let sarif = render::sarif::render(&report, "").expect("SARIF renders");
        serde_json::from_str::<serde_json::Value>(&sarif).expect("valid SARIF JSON");
    }
}
