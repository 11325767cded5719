//! `foureyes who SERVICE`: one service's owners, controls and records, for a terminal.

use crate::report::Report;

pub fn who(r: &Report, service: &str, _color: bool) -> Result<String, String> {
    let _ = r
        .service(service)
        .ok_or_else(|| format!("unknown service `{service}`"))?;
    Ok(String::new())
}
