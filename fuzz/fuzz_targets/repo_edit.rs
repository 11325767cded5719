//! Edits to a valid repository (fixtures/clean): the input picks "today" and a list of
//! splices, each replacing a range of one file's bytes (or adding a file).
#![no_main]

mod common;

use foureyes::date::Date;
use libfuzzer_sys::fuzz_target;

macro_rules! fixture {
    ($($path:literal),* $(,)?) => {
        [$(($path, include_bytes!(concat!("../../fixtures/clean/", $path)) as &[u8])),*]
    };
}

const CLEAN: [(&str, &[u8]); 13] = fixture![
    "docs/configmap.yaml",
    "exceptions/EXC-2026-0001.yaml",
    "exceptions/EXC-2026-0002.yaml",
    "ownership/payments.yaml",
    "people/staff.yaml",
    "remediations/2026-q4-done.yaml",
    "remediations/REM-2026-0001.yaml",
    "sla/policy.yaml",
    "teams/appsec.yaml",
    "teams/grc.yaml",
    "teams/payments-product.yaml",
    "teams/platform-payments.yaml",
    "teams/secops-verify.yaml",
];

/// 2026-10-01, the first "today" the input can choose (the fixtures are dated around then).
const FIRST_DAY: i64 = 20_727;

fuzz_target!(|data: &[u8]| {
    let Some((&day, mut rest)) = data.split_first() else {
        return;
    };
    let mut files: Vec<(String, Vec<u8>)> = CLEAN
        .iter()
        .map(|(rel, bytes)| (rel.to_string(), bytes.to_vec()))
        .collect();
    // Each edit: file, position (2 bytes), bytes to delete, bytes to insert, then those.
    while let [file, hi, lo, delete, insert, tail @ ..] = rest {
        let insert = (*insert as usize).min(tail.len());
        let (bytes, tail) = tail.split_at(insert);
        rest = tail;
        let index = *file as usize;
        if index >= files.len() {
            files.push((format!("extra/{index}.yaml"), bytes.to_vec()));
            continue;
        }
        let text = &mut files[index].1;
        let at = usize::from(u16::from_be_bytes([*hi, *lo])) % (text.len() + 1);
        let end = (at + *delete as usize).min(text.len());
        text.splice(at..end, bytes.iter().copied());
    }
    files.sort();
    files.dedup_by(|a, b| a.0 == b.0);
    common::check(files, Date(FIRST_DAY + i64::from(day)));
});
