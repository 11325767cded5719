//! Helpers shared by the integration tests.

use serde_json::Value;

/// One diagnostic in the expected.txt notation:
/// `CODE severity file:line:column pointer [document=N]`, with `-` for what is absent.
pub fn line_of(d: &Value) -> String {
    let s = |k: &str| d[k].as_str().unwrap_or_default().to_string();
    let pos = match (d.get("line"), d.get("column")) {
        (Some(l), Some(c)) => format!("{}:{l}:{c}", s("file")),
        _ => format!("{} -", s("file")),
    };
    let pointer = match d.get("pointer").and_then(Value::as_str) {
        Some("") => "\"\"".to_string(),
        Some(p) => p.to_string(),
        None => "-".to_string(),
    };
    let mut out = format!("{} {} {pos} {pointer}", s("code"), s("severity"));
    if let Some(n) = d.get("document") {
        out.push_str(&format!(" document={n}"));
    }
    out
}
