//! `report --format json`: the report structure itself, versioned (README: "Report JSON").

use crate::report::Report;

pub fn render(r: &Report) -> Result<String, String> {
    crate::render::to_json(r).map_err(|e| format!("cannot write the JSON report: {e}"))
}
