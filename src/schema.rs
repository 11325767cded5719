//! The embedded JSON Schemas (Draft 2020-12), each compiled once on first use, and S001.

use std::sync::OnceLock;

use jsonschema::Validator;
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use crate::diagnostic::Facts;
use crate::model::Kind;
use crate::parse::escape_into;

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

fn validator(kind: Kind) -> &'static Validator {
    static CACHE: [OnceLock<Validator>; 6] = [const { OnceLock::new() }; 6];
    CACHE[kind as usize].get_or_init(|| {
        // The schemas are part of the binary and covered by tests: failing here is a bug.
        let schema: Value = serde_json::from_str(source(kind)).expect("embedded schema is JSON");
        jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(&schema)
            .expect("embedded schema compiles")
    })
}

/// One schema violation: where (pointer, and whether the key itself is at fault) and what.
pub struct Violation {
    pub pointer: String,
    pub key: bool,
    pub message: String,
    /// The schema keyword and location that failed (identity), the field it names, the
    /// allowed values of an enum.
    pub facts: Facts,
}

pub fn validate(kind: Kind, value: &Value) -> Vec<Violation> {
    let v = validator(kind);
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
                for k in unexpected {
                    let mut pointer = at.clone();
                    pointer.push('/');
                    escape_into(&mut pointer, k);
                    out.push(Violation {
                        pointer,
                        key: true,
                        message: format!("unknown field `{k}`"),
                        facts: facts.clone().id("field", k.as_str()),
                    });
                }
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
            ValidationErrorKind::Enum { options } => out.push(Violation {
                message: e.to_string(),
                pointer: at,
                key: false,
                facts: facts.info("allowed", options.as_ref().clone()),
            }),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_schema_compiles_and_checks_dates() {
        for kind in Kind::ALL {
            validator(kind);
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
