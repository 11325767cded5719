//! `--format github`: one GitHub Actions workflow command per diagnostic, which the runner
//! turns into an annotation on the file and line.

use super::human::clean;
use super::{Report, unwrap_lines};
use crate::diagnostic::Severity;

/// `prefix` is the checked PATH relative to the repository root (see `repo_prefix`).
pub fn render(r: &Report, prefix: &str) -> String {
    let mut out = String::new();
    for l in r.diagnostics {
        let d = &l.diag;
        let file = &r.files[d.file];
        let mut props = vec![("file", clean(&format!("{prefix}{}", file.rel)))];
        if let Some(p) = l.place {
            let (end_line, end_col) = p.end(&file.text);
            props.extend([
                ("line", p.line.to_string()),
                ("col", p.col.to_string()),
                ("endLine", end_line.to_string()),
                ("endColumn", end_col.to_string()),
            ]);
        }
        props.push((
            "title",
            format!("{} {}", d.code.as_str(), d.code.rule().name),
        ));
        let command = match d.severity {
            Severity::Error | Severity::Off => "error",
            Severity::Warning => "warning",
        };
        let props: Vec<String> = props
            .iter()
            .map(|(k, v)| format!("{k}={}", escape_property(v)))
            .collect();
        let help = unwrap_lines(d.code.rule().help());
        // Control characters from the checked files are replaced, as in human output; only
        // our own line breaks remain, escaped.
        let message = format!("{}\n\nHow to fix: {help}", clean(&d.message));
        out.push_str(&format!(
            "::{command} {}::{}\n",
            props.join(","),
            escape_data(&message)
        ));
    }
    // A plain line: the log shows it, the runner does not take it for a command.
    out.push_str(&format!("foureyes: {}\n", r.totals()));
    out
}

/// Escaping the line breaks keeps each command on one line, so text from the checked files
/// can never start a command of its own (it has no line breaks left by then anyway).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}
