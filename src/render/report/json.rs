//! `report --format json`: the report structure itself, versioned (README: "Report JSON").

use crate::report::Report;

pub fn render(r: &Report) -> Result<String, String> {
    let mut s = serde_json::to_string_pretty(r).map_err(|e| format!("cannot write JSON: {e}"))?;
    s.push('\n');
    Ok(s)
}
