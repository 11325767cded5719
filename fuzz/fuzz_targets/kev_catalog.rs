//! Arbitrary bytes as a KEV catalog: a catalog or a one-line error, never a panic, and a
//! catalog answers lookups for any id.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match foureyes::kev::parse(data, std::path::Path::new("fuzz.json")) {
        Ok(catalog) => {
            let _ = catalog.due("CVE-2021-44228");
        }
        Err(e) => assert!(!e.to_string().contains('\n'), "{e}"),
    }
});
