//! `report --format json`: the report structure itself, versioned (README: "Report JSON").

use crate::error::{Error, Result};
use crate::report::Report;

pub fn render(r: &Report) -> Result<String> {
    crate::render::to_json(r).map_err(|source| Error::Serialize {
        what: "the JSON report",
        source,
    })
}
