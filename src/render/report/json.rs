//! `report --format json`: the report structure itself, versioned (README: "Report JSON").

use crate::report::Report;

pub fn render(r: &Report) -> Result<String, String> {
    let s = serde_json::to_string_pretty(r).map_err(|e| format!("cannot write JSON: {e}"))?;
    // serde_json escapes C0 controls; C1 controls and bidi overrides are escaped too, so that
    // none reaches a terminal that shows the file. Outside strings JSON is ASCII.
    let mut out = String::with_capacity(s.len() + 1);
    for c in s.chars() {
        if matches!(c, '\u{7F}'..='\u{9F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out.push('\n');
    Ok(out)
}
