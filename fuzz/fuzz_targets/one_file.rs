//! Arbitrary bytes as the only file of a repository, through check, locate and both
//! renderers.
#![no_main]

mod common;

use foureyes::date::Date;
use libfuzzer_sys::fuzz_target;

/// 2026-11-15, the day the fixtures are checked on.
const TODAY: Date = Date(20_772);

fuzz_target!(|data: &[u8]| {
    common::check(vec![("x.yaml".into(), data.to_vec())], TODAY);
});
