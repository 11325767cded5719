//! `--format json`: the stable, versioned machine format of the spec.

use serde_json::{Map, Value, json};

use super::Report;
use crate::diagnostic::Severity;

pub fn render(r: &Report) -> String {
    let diagnostics: Vec<Value> = r
        .diagnostics
        .iter()
        .map(|l| {
            let d = &l.diag;
            let mut o = Map::new();
            o.insert("code".into(), d.code.as_str().into());
            o.insert("name".into(), d.code.rule().name.into());
            o.insert("severity".into(), d.severity.as_str().into());
            o.insert("message".into(), d.message.clone().into());
            o.insert("file".into(), r.files[d.file].rel.clone().into());
            if let Some(p) = l.place {
                o.insert("line".into(), p.line.into());
                o.insert("column".into(), p.col.into());
            }
            if let Some(p) = d.pointer() {
                o.insert("pointer".into(), p.into());
            }
            if let Some(n) = r.document(l) {
                o.insert("document".into(), n.into());
            }
            Value::Object(o)
        })
        .collect();
    let out = json!({
        "version": 1,
        "summary": {
            "files": r.checked_files(),
            "documents": r.documents,
            "errors": r.count(Severity::Error),
            "warnings": r.count(Severity::Warning),
        },
        "diagnostics": diagnostics,
    });
    let mut s = serde_json::to_string_pretty(&out).unwrap_or_default();
    s.push('\n');
    s
}
