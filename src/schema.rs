//! The embedded JSON Schemas (Draft 2020-12), each compiled once on first use, and S001.

use std::sync::OnceLock;

use jsonschema::Validator;
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use crate::date::Date;
use crate::diagnostic::Facts;
use crate::model::Kind;
use crate::parse::escape_into;
use crate::suggest::did_you_mean;

pub fn source(kind: Kind) -> &'static str {
    match kind {
        Kind::People => include_str!("../schemas/v1/people.schema.json"),
        Kind::Team => include_str!("../schemas/v1/team.schema.json"),
        Kind::OwnershipMap => include_str!("../schemas/v1/ownershipmap.schema.json"),
        Kind::SlaPolicy => include_str!("../schemas/v1/slapolicy.schema.json"),
        Kind::Exception => include_str!("../schemas/v1/exception.schema.json"),
        Kind::Remediation => include_str!("../schemas/v1/remediation.schema.json"),
    }
}

/// A kind's schema, parsed, and its validator.
fn compiled(kind: Kind) -> &'static (Value, Validator) {
    static CACHE: [OnceLock<(Value, Validator)>; 6] = [const { OnceLock::new() }; 6];
    CACHE[kind as usize].get_or_init(|| {
        // The schemas are part of the binary and covered by tests: failing here is a bug.
        let schema: Value = serde_json::from_str(source(kind)).expect("embedded schema is JSON");
        let validator = jsonschema::draft202012::options()
            .should_validate_formats(true)
            // The model reads dates with this same function: both accept the same dates.
            .with_format("date", |s: &str| Date::parse(s).is_some())
            .build(&schema)
            .expect("embedded schema compiles");
        (schema, validator)
    })
}

/// One schema violation: where (pointer, and whether the key itself is at fault) and what.
pub(crate) struct Violation {
    pub(crate) pointer: String,
    pub(crate) key: bool,
    pub(crate) message: String,
    /// The schema keyword and location that failed (identity), the field it names, the
    /// allowed values of an enum.
    pub(crate) facts: Facts,
}

pub(crate) fn validate(kind: Kind, value: &Value) -> Vec<Violation> {
    let (schema, v) = compiled(kind);
    if v.is_valid(value) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for e in v.iter_errors(value) {
        let at = e.instance_path().as_str().to_string();
        let facts = Facts::default()
            .id("keyword", e.kind().keyword())
            .id("schema_path", e.schema_path().as_str());
        match e.kind() {
            // One violation per unknown key, pointing at the key.
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                let known = properties_at(schema, &at);
                for k in unexpected {
                    let mut pointer = at.clone();
                    pointer.push('/');
                    escape_into(&mut pointer, k);
                    let hint = did_you_mean(k, known.iter().copied());
                    out.push(Violation {
                        pointer,
                        key: true,
                        message: format!("unknown field `{k}`{hint}"),
                        facts: facts.clone().id("field", k.as_str()),
                    });
                }
            }
            ValidationErrorKind::Format { format } if format == "date" => out.push(Violation {
                message: Date::problem(&text(e.instance())),
                pointer: at,
                key: false,
                facts,
            }),
            ValidationErrorKind::Enum { options } => {
                let allowed: Vec<String> =
                    options.as_array().into_iter().flatten().map(text).collect();
                let value = text(e.instance());
                let list = allowed
                    .iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let hint = did_you_mean(&value, allowed.iter().map(String::as_str));
                out.push(Violation {
                    message: format!("`{value}` is not one of {list}{hint}"),
                    pointer: at,
                    key: false,
                    facts: facts.info("allowed", options.as_ref().clone()),
                });
            }
            ValidationErrorKind::Required { property } => {
                let field = property.as_str().unwrap_or_default();
                out.push(Violation {
                    message: format!("missing required field `{field}`"),
                    pointer: at,
                    key: false,
                    facts: facts.id("field", field),
                })
            }
            _ => out.push(Violation {
                message: e.to_string(),
                pointer: at,
                key: false,
                facts,
            }),
        }
    }
    out
}

/// A value as a message shows it: a string as written, anything else as JSON.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The properties the schema allows in the object at `pointer` of a document, found by
/// following the pointer through `properties`, `items` and local `$ref`s.
fn properties_at<'s>(schema: &'s Value, pointer: &str) -> Vec<&'s str> {
    let resolve = |node: &'s Value| -> &'s Value {
        let target = node.get("$ref").and_then(Value::as_str);
        target
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|r| schema.pointer(r))
            .unwrap_or(node)
    };
    let mut node = resolve(schema);
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        let child = node
            .get("properties")
            .and_then(|p| p.get(&segment))
            .or_else(|| node.get("items"));
        let Some(child) = child else {
            return Vec::new();
        };
        node = resolve(child);
    }
    let properties = node.get("properties").and_then(Value::as_object);
    properties.map_or_else(Vec::new, |p| p.keys().map(String::as_str).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_schema_compiles_and_checks_dates() {
        for kind in Kind::ALL {
            compiled(kind);
        }
        let doc = serde_json::json!({
            "apiVersion": "foureyes.dev/v1", "kind": "Remediation", "metadata": {"id": "R-1"},
            "spec": {"service": "s", "finding": {"id": "CVE-1", "severity": "low"},
                     "found_on": "2026-13-45", "status": "open", "typo": 1}
        });
        let v = validate(Kind::Remediation, &doc);
        let got: Vec<_> = v.iter().map(|v| (v.pointer.as_str(), v.key)).collect();
        assert!(got.contains(&("/spec/found_on", false)), "{got:?}");
        assert!(got.contains(&("/spec/typo", true)), "{got:?}");
        assert_eq!(got.len(), 2);
    }
}
