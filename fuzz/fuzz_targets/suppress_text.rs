//! Arbitrary bytes as .trivyignore, through the parser, the suppression rules,
//! locate and the renderers.
#![no_main]

mod suppress_common;

use foureyes::suppress::formats::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    suppress_common::audit(data, &[Format::TrivyIgnore]);
});
