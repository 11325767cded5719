//! Arbitrary bytes as .trivyignore.yaml, .grype.yaml and .snyk, through the parser, the
//! suppression rules, locate and the renderers.
#![no_main]

mod suppress_common;

use foureyes::suppress::formats::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    suppress_common::audit(data, &[Format::TrivyYaml, Format::Grype, Format::Snyk]);
});
