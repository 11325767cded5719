//! `foureyes explain CODE|NAME`: a rule by its code or its name; an unknown one gets the
//! closest rules suggested and exit 2.

use std::process::Stdio;

mod common;
use common::foureyes;

fn explain(query: &str) -> (i32, String, String) {
    let out = foureyes().args(["explain", query]).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn a_rule_is_found_by_its_name_as_by_its_code() {
    let (code, by_code, stderr) = explain("A001");
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert!(
        by_code.starts_with("A001 self-approval (error)\n\n"),
        "{by_code}"
    );
    for query in ["self-approval", "Self-Approval", "self_approval", "a001"] {
        assert_eq!(
            explain(query),
            (0, by_code.clone(), String::new()),
            "{query}"
        );
    }
    let (code, text, _) = explain("exception-expiring");
    assert_eq!(code, 0);
    assert!(
        text.starts_with("E002 exception-expiring (warning)\n"),
        "{text}"
    );
}

#[test]
fn an_unknown_rule_suggests_the_closest_and_exits_2() {
    let tail = " (`foureyes rules` lists them all)\n";
    for (query, hint) in [
        ("self-aproval", "; did you mean A001 (self-approval)?"),
        ("A01", "; did you mean A001 (self-approval)?"),
        ("overdu", "; did you mean D001 (overdue)?"),
        (
            "A000",
            "; did you mean one of A001 (self-approval), A002 (approver-in-execution-team), \
             A003 (approver-not-risk-owner)?",
        ),
        ("Z999", ""),
        ("frobnicate", ""),
    ] {
        let (code, stdout, stderr) = explain(query);
        assert_eq!(
            (code, stdout.as_str(), stderr),
            (
                2,
                "",
                format!("foureyes: error: unknown rule `{query}`{hint}{tail}")
            ),
            "{query}"
        );
    }
}

#[test]
fn a_reader_that_closes_early_is_no_crash() {
    for args in [&["explain", "self-approval"][..], &["rules"], &["schema"]] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_foureyes"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {out:?}");
        assert!(out.stderr.is_empty(), "{args:?}: {out:?}");
    }
}
