//! OSV-Scanner JSON (`osv-scanner --format json`): `results[].packages[]`, each with
//! `vulnerabilities[]` (`id`, `aliases`) and `groups[]` (`ids`, `max_severity`: the group's
//! highest CVSS score, "" when none is known).

use std::collections::HashMap;

use super::cursor::{Cursor, R};
use super::{Detected, from_score};
use crate::model::Level4;

pub fn results(c: &mut Cursor, out: &mut Vec<Detected>) -> R<()> {
    c.array(|c, _| c.object(&["packages"], |c, _| c.array(|c, _| package(c, out))))
}

struct Group {
    ids: Vec<String>,
    score: Option<f64>,
}

fn package(c: &mut Cursor, out: &mut Vec<Detected>) -> R<()> {
    let mut found = Vec::new();
    let mut groups = Vec::new();
    c.object(&["vulnerabilities", "groups"], |c, k| {
        if k == 0 {
            c.array(|c, _| {
                let (pointer, offset) = (c.pointer(), c.index());
                let (mut id, mut aliases) = (None, Vec::new());
                c.object(&["id", "aliases"], |c, k| {
                    if k == 0 {
                        id = Some(c.string()?);
                    } else {
                        aliases = c.strings()?;
                    }
                    Ok(())
                })?;
                let id = super::required(id, "id", &pointer, offset)?;
                found.push((id, aliases, pointer, offset));
                Ok(())
            })
        } else {
            c.array(|c, _| {
                let mut g = Group {
                    ids: Vec::new(),
                    score: None,
                };
                c.object(&["ids", "max_severity"], |c, k| {
                    if k == 0 {
                        g.ids = c.strings()?;
                    } else {
                        g.score = c.score()?;
                    }
                    Ok(())
                })?;
                groups.push(g);
                Ok(())
            })
        }
    })?;
    // A vulnerability belongs to the group that lists its id (the first such group).
    let mut score_of: HashMap<String, Option<f64>> = HashMap::new();
    for g in groups {
        for id in g.ids {
            score_of.entry(id).or_insert(g.score);
        }
    }
    for (id, aliases, pointer, offset) in found {
        let score = score_of.get(&id).copied().flatten();
        let (severity, stated) = match score {
            Some(s) => (from_score(s), format!("max_severity {s}")),
            None => (Level4::High, "no max_severity".to_string()),
        };
        out.push(Detected {
            id,
            aliases,
            severity,
            stated,
            kev: false,
            pointer,
            offset,
        });
    }
    Ok(())
}
