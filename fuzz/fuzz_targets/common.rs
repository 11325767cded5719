//! The whole pipeline on in-memory files, and the invariants every output must keep.

use foureyes::check::{self, Input};
use foureyes::config::Config;
use foureyes::date::Date;
use foureyes::locate;
use foureyes::render::{self, Report};

pub fn check(files: Vec<(String, Vec<u8>)>, today: Date) {
    let inputs = files
        .into_iter()
        .map(|(rel, bytes)| (rel, Input::Memory(bytes)))
        .collect();
    let outcome = check::run_inputs(inputs, &Config::default(), today, None);
    let located = locate::locate(&outcome.files, outcome.diagnostics);
    let report = Report {
        files: &outcome.files,
        documents: outcome.docs.len(),
        diagnostics: &located,
    };
    let human = render::human::render(&report, false);
    assert!(
        !human.chars().any(|c| c.is_control() && c != '\n'),
        "control character in human output:\n{human}"
    );
    let json = render::json::render(&report).expect("the JSON renderer serialises any report");
    if let Err(e) = serde_json::from_str::<serde_json::Value>(&json) {
        panic!("invalid JSON output ({e}):\n{json}");
    }
}
