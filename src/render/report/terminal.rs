//! `foureyes who SERVICE`: one service's owners, controls and records, for a terminal. Text
//! from the repository loses its control characters (no escape sequence of its own reaches
//! the terminal); colour only when asked for.

use super::{Past, days};
use crate::error::{Error, Result};
use crate::model::Function;
use crate::render::human::clean;
use crate::report::{Contact, ExceptionState, OpenState, Owner, Person, RecordHead, Report};

struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
    fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
    fn red(&self, s: &str) -> String {
        self.paint("31", s)
    }
    fn yellow(&self, s: &str) -> String {
        self.paint("33", s)
    }
}

fn person(p: &Person) -> String {
    let name = clean(p.name.as_deref().unwrap_or(&p.reference));
    match (&p.email, &p.id) {
        (Some(e), _) => format!("{name} <{}>", clean(e)),
        (None, None) => format!("{name} (unknown person)"),
        (None, Some(_)) => name,
    }
}

fn owner(st: &Style, o: Option<&Owner>) -> String {
    let Some(o) = o else {
        return st.dim("(none)");
    };
    let team = match &o.name {
        Some(name) => format!("{} ({})", st.bold(&clean(name)), clean(&o.team)),
        None => st.bold(&clean(&o.team)),
    };
    let lead = match &o.lead {
        Some(l) => format!("lead {}", person(l)),
        None if o.known => st.dim("no lead"),
        None => st.red("unknown team"),
    };
    format!("{team}, {lead}")
}

fn contact(c: &Contact) -> String {
    let name = clean(c.who());
    let mut s = match &c.email {
        Some(e) => format!("{name} <{}>", clean(e)),
        None => name,
    };
    if let Some(team) = &c.team {
        s.push_str(&format!(" (lead of {})", clean(team)));
    }
    s
}

fn record(st: &Style, h: &RecordHead) -> String {
    let mut s = st.bold(&clean(h.id.as_deref().unwrap_or("(no id)")));
    if let Some(f) = &h.finding {
        s.push_str(&format!("  {}", clean(f.id.as_deref().unwrap_or("?"))));
        if let Some(sev) = f.severity {
            s.push_str(&format!(" {sev}"));
        }
        if f.kev {
            s.push_str(" KEV");
        }
    }
    if let Some(t) = &h.tier {
        s.push_str(&format!("  tier {}", clean(t)));
    }
    s
}

pub fn who(r: &Report, service: &str, color: bool) -> Result<String> {
    let Some(s) = r.service(service) else {
        let near: Vec<String> = r
            .services
            .iter()
            .filter(|s| s.id.to_lowercase().contains(&service.to_lowercase()))
            .take(5)
            .map(|s| format!("`{}`", s.id))
            .collect();
        let hint = if near.is_empty() {
            format!("{} services are defined", r.services.len())
        } else {
            format!("did you mean {}?", near.join(", "))
        };
        return Err(Error::Usage(format!("unknown service `{service}`: {hint}")));
    };
    let st = Style { color };
    let mut out = st.bold(&clean(&s.id));
    if let Some(name) = &s.name {
        out.push_str(&format!("  {}", clean(name)));
    }
    if let Some(c) = s.criticality {
        out.push_str(&format!("  ({c})"));
    }
    out.push_str(&format!(
        "\n{}\n",
        st.dim(&format!("defined in {}, as of {}", clean(&s.file), r.today))
    ));

    out.push_str(&format!("\n{}\n", st.bold("Owners")));
    for f in Function::ALL {
        out.push_str(&format!(
            "  {:<11} {}\n",
            f.name(),
            owner(&st, s.owners.of(f))
        ));
    }

    out.push_str(&format!("\n{}\n", st.bold("Controls")));
    let controls: Vec<_> = r
        .controls
        .iter()
        .filter(|c| s.controls.contains(&c.id))
        .collect();
    if controls.is_empty() {
        out.push_str(&format!("  {}\n", st.dim("none")));
    }
    for c in controls {
        let layer = c.layer.as_deref().map(clean).unwrap_or_default();
        out.push_str(&format!("  {}  {}\n", st.bold(&clean(&c.id)), layer));
        for (role, o) in [
            ("control", &c.owners.control),
            ("remediation", &c.owners.remediation),
            ("risk", &c.owners.risk),
        ] {
            out.push_str(&format!("    {role:<11} {}\n", owner(&st, o.as_ref())));
        }
    }

    out.push_str(&format!("\n{}\n", st.bold("Open remediations")));
    if s.rows[1].is_empty() {
        out.push_str(&format!("  {}\n", st.dim("none")));
    }
    for &i in &s.rows[1] {
        let o = &r.open_remediations[i];
        let due = match (o.due, o.days_left) {
            (Some(d), Some(n)) => {
                let text = format!("due {d} ({})", days(n, Past::Overdue));
                match o.state {
                    OpenState::Overdue => st.red(&text),
                    _ => text,
                }
            }
            _ => st.dim("no due date"),
        };
        out.push_str(&format!("  {}  {due}", record(&st, &o.head)));
        if o.state == OpenState::Covered {
            out.push_str(&format!("  {}", st.dim("covered by an exception")));
        }
        out.push('\n');
        if let Some(e) = &o.escalation {
            let text = format!(
                "escalation step {} reached on {}: call {}",
                e.step,
                e.on,
                contact(&e.call)
            );
            out.push_str(&format!("    {}\n", st.yellow(&text)));
        } else if let Some(n) = &o.next_escalation {
            let text = format!("escalates on {} to {}", n.on, contact(&n.call));
            out.push_str(&format!("    {}\n", st.dim(&text)));
        }
    }

    if !s.rows[2].is_empty() {
        out.push_str(&format!(
            "\n{}\n",
            st.bold("Completed, awaiting verification")
        ));
        for &i in &s.rows[2] {
            let c = &r.awaiting_verification[i];
            let done = c
                .completed_on
                .map(|d| format!("  completed {d}"))
                .unwrap_or_default();
            out.push_str(&format!("  {}{done}\n", record(&st, &c.head)));
        }
    }

    out.push_str(&format!("\n{}\n", st.bold("Exceptions")));
    let listed: Vec<_> = s.rows[0]
        .iter()
        .map(|&i| &r.exceptions[i])
        .filter(|e| e.state != ExceptionState::Revoked)
        .collect();
    if listed.is_empty() {
        out.push_str(&format!("  {}\n", st.dim("none active")));
    }
    for e in listed {
        let expiry = match (e.expires, e.days_left) {
            (Some(d), Some(n)) => format!("expires {d} ({})", days(n, Past::Expired)),
            _ => "no expiry".to_string(),
        };
        let state = e.state.as_str();
        let state = match e.state {
            ExceptionState::Expired => st.red(state),
            ExceptionState::Expiring => st.yellow(state),
            _ => state.to_string(),
        };
        out.push_str(&format!("  {}  {expiry}  {state}\n", record(&st, &e.head)));
    }
    Ok(out)
}
