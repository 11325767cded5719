//! The HTML report in a real browser: headless Chromium opens the page, and the tests read its
//! DOM, the requests it sent and what it logged. Skipped (with a message) when Chromium is not
//! installed, except in CI.

#[path = "common/chromium.rs"]
mod chromium;
mod common;

use std::path::{Path, PathBuf};

use chromium::{Browser, Page};
use common::{foureyes, manifest_dir};
use serde_json::{Value, json};

/// Writes the HTML report of `repo` into `dir` and returns its path.
fn report(repo: &Path, dir: &Path) -> PathBuf {
    let out = dir.join("report.html");
    foureyes()
        .args(["report", repo.to_str().unwrap(), "--today", "2026-11-15"])
        .args(["--format", "html", "--output", out.to_str().unwrap()])
        .assert()
        .success();
    out
}

/// Nothing left the page, and nothing went wrong in it.
fn assert_quiet(page: &Page, file: &Path) {
    let url = format!("file://{}", file.display());
    assert_eq!(
        page.requests,
        vec![url],
        "the page requested more than itself"
    );
    assert!(page.problems.is_empty(), "{:#?}", page.problems);
}

/// What the tests read back, as the page shows it.
const READ: &str = r#"(() => {
  const text = e => e ? e.textContent.replace(/\s+/g, ' ').trim() : null;
  const rows = sel => [...document.querySelectorAll(sel + ' tbody tr')];
  return {
    sections: [...document.querySelectorAll('main > section')].map(s => s.id),
    totals: Object.fromEntries([...document.querySelectorAll('[data-total]')]
      .map(e => [e.dataset.total, Number(e.textContent)])),
    matrix: rows('#ownership-matrix').map(r => ({
      service: r.dataset.service,
      href: r.querySelector('th a').getAttribute('href'),
      execution: text(r.cells[2]),
    })),
    exceptions: rows('#exception-register').map(r => ({
      id: r.dataset.id, state: r.dataset.state, expires: r.dataset.expires,
      days: r.dataset.daysLeft, text: text(r.querySelector('td.days')),
      justification: text(r.querySelector('td.justification p')),
    })),
    queue: rows('#remediation-queue').map(r => ({
      id: r.dataset.id, state: r.dataset.state, due: r.dataset.due ?? null,
      days: r.dataset.daysLeft ?? null, step: r.dataset.step ?? null,
      call: text(r.cells[8]),
    })),
    verification: rows('#awaiting-verification').map(r => r.dataset.id),
    diagnostics: rows('#diagnostics-table').map(r => r.dataset.code),
    services: [...document.querySelectorAll('section.service-detail')].map(s => s.id),
    links: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href')),
    dangling: [...document.querySelectorAll('a[href]')]
      .filter(a => !document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1))))
      .map(a => a.getAttribute('href')),
    active: document.querySelectorAll('img, svg, iframe, object, embed, link, form, base').length,
    scripts: document.scripts.length,
    handlers: [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
    pwned: window.__pwned ?? null,
    csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]').content,
    headers: [...document.querySelectorAll('thead th')].every(th => th.getAttribute('scope') === 'col'),
    landmarks: ['header', 'nav', 'main', 'footer'].every(t => document.querySelector(t)),
  };
})()"#;

/// Sorts the exception register by days left, both ways, then filters it.
const SORT_AND_FILTER: &str = r#"(() => {
  const t = document.getElementById('exception-register');
  const ids = () => [...t.tBodies[0].rows].filter(r => !r.hidden).map(r => r.dataset.id);
  const th = [...t.tHead.rows[0].cells].find(c => c.textContent.startsWith('Days left'));
  th.click();
  const asc = ids();
  th.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter'}));
  const desc = ids();
  const input = t.parentElement.previousElementSibling;
  input.value = 'LEDGER';
  input.dispatchEvent(new Event('input'));
  return {asc, desc, filtered: ids()};
})()"#;

/// Saves a screenshot under target/report-screenshots (for people to look at) and checks it
/// is a real, non-trivial PNG.
fn keep_screenshot(png: &[u8], name: &str) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{name} is not a PNG");
    assert!(png.len() > 20_000, "{name}: {} bytes only", png.len());
    let dir = manifest_dir().join("target/report-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), png).unwrap();
}

#[test]
fn starter_report_loads_alone_and_reads_right() {
    let Some(bin) = chromium::find() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let file = report(&manifest_dir().join("policies"), tmp.path());
    let mut browser = Browser::launch(&bin);
    let mut page = browser.open(&file, 1400);
    let got = browser.eval(&mut page, READ);

    assert_eq!(
        got["sections"],
        json!([
            "totals",
            "ownership",
            "controls",
            "exceptions",
            "remediations",
            "verification",
            "diagnostics",
            "services"
        ])
    );
    assert_eq!(got["totals"]["services"], 4);
    assert_eq!(got["totals"]["exceptions.total"], 5);
    assert_eq!(got["totals"]["remediations.open"], 3);
    let services: Vec<&str> = got["matrix"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["service"].as_str().unwrap())
        .collect();
    assert_eq!(
        services,
        [
            "checkout-web",
            "identity-gateway",
            "ledger-service",
            "payments-api"
        ]
    );
    assert_eq!(got["matrix"][3]["href"], "#service-payments-api");
    assert!(
        got["matrix"][3]["execution"]
            .as_str()
            .unwrap()
            .contains("Frank Rossi frank.rossi@example.com"),
        "{}",
        got["matrix"][3]
    );
    assert_eq!(got["services"].as_array().unwrap().len(), 4);
    assert_eq!(got["dangling"], json!([]));
    assert_eq!(got["headers"], true);
    assert_eq!(got["landmarks"], true);
    assert!(
        got["csp"]
            .as_str()
            .unwrap()
            .starts_with("default-src 'none'")
    );
    assert_quiet(&page, &file);

    keep_screenshot(&browser.screenshot(&mut page, false), "starter-light.png");
    // The README's picture: the top of the page, at a laptop's width.
    keep_screenshot(&browser.viewport(&mut page, 1280, 1100), "starter-top.png");
    keep_screenshot(&browser.screenshot(&mut page, true), "starter-dark.png");
    let pdf = browser.pdf(&mut page);
    assert!(pdf.starts_with(b"%PDF"), "printing failed");
    assert_quiet(&page, &file);
}

#[test]
fn hostile_text_renders_as_text_and_every_state_is_shown() {
    let Some(bin) = chromium::find() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let file = report(&manifest_dir().join("tests/data/report"), tmp.path());
    let mut browser = Browser::launch(&bin);
    let mut page = browser.open(&file, 1400);
    let got = browser.eval(&mut page, READ);

    // Nothing the repository wrote became markup, a script or a link.
    assert_eq!(got["pwned"], Value::Null);
    assert_eq!(got["active"], 0);
    assert_eq!(got["scripts"], 1, "only the page's own script");
    assert_eq!(got["handlers"], 0);
    assert!(
        got["links"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l.as_str().unwrap().starts_with('#')),
        "{}",
        got["links"]
    );
    assert_eq!(got["dangling"], json!([]));
    let weird = "service-weird~22~3E~3Csvg~20onload~3Dwindow.__pwned~3D1~3E~20~E2~9C~93";
    assert!(got["services"].as_array().unwrap().contains(&json!(weird)));
    assert!(
        got["links"]
            .as_array()
            .unwrap()
            .contains(&json!(format!("#{weird}")))
    );

    let ids = |list: &str| -> Vec<String> {
        got[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        ids("exceptions"),
        ["EXC-1", "EXC-5", "EXC-2", "EXC-4", "EXC-3"]
    );
    let e = &got["exceptions"];
    assert_eq!(
        [
            &e[0]["state"],
            &e[1]["state"],
            &e[2]["state"],
            &e[3]["state"],
            &e[4]["state"]
        ],
        ["expired", "expiring", "expiring", "revoked", "active"]
    );
    assert_eq!(e[0]["days"], "-5");
    assert_eq!(e[0]["text"], "expired 5 days ago");
    assert_eq!(e[1]["days"], "0");
    assert_eq!(e[2]["expires"], "2026-11-25");
    assert_eq!(
        e[2]["justification"],
        "<script>window.__pwned=1</script> javascript:alert(1)"
    );

    assert_eq!(ids("queue"), ["REM-1", "REM-2", "REM-4", "REM-3", "REM-5"]);
    let q = &got["queue"];
    assert_eq!(q[0]["state"], "overdue");
    assert_eq!(q[0]["due"], "2026-11-09");
    assert_eq!(q[0]["days"], "-6");
    assert_eq!(q[0]["step"], "2");
    assert_eq!(q[0]["call"], "Victor Mensah victor@example.com");
    assert_eq!(q[1]["step"], "1");
    assert_eq!(
        q[1]["call"],
        "Victor Mensah victor@example.com lead of leadership"
    );
    assert_eq!(q[2]["state"], "covered");
    assert_eq!(q[2]["step"], Value::Null);
    assert_eq!(q[3]["state"], "on-track");
    assert_eq!(q[4]["state"], "unknown");
    assert_eq!(q[4]["due"], Value::Null);
    assert_eq!(got["verification"], json!(["REM-6", "REM-7"]));
    assert_eq!(got["totals"]["remediations.overdue"], 1);
    assert_eq!(got["totals"]["remediations.escalated"], 2);
    assert_eq!(got["totals"]["exceptions.expiring"], 2);

    // Control characters and bidi overrides never reach the page; the markup is text.
    let mallory = browser.eval(
        &mut page,
        "[...document.querySelectorAll('#exception-register tr[data-id=EXC-2] td:nth-of-type(3) .person')].map(e => e.textContent)",
    );
    assert_eq!(
        mallory[0],
        "<script>window.__pwned=1</script>Mallory \u{FFFD}[31mRed\u{FFFD}evil"
    );
    // The page's script (allowed by its hash: a mismatch would log an error) sorts and filters.
    let js = browser.eval(&mut page, SORT_AND_FILTER);
    assert_eq!(
        js["asc"],
        json!(["EXC-1", "EXC-5", "EXC-2", "EXC-4", "EXC-3"])
    );
    assert_eq!(
        js["desc"],
        json!(["EXC-3", "EXC-4", "EXC-2", "EXC-5", "EXC-1"])
    );
    assert_eq!(js["filtered"], json!(["EXC-3"]));
    assert_quiet(&page, &file);
    keep_screenshot(&browser.screenshot(&mut page, false), "hostile-light.png");
}

/// For bench/report.sh: how long Chromium takes to load `$REPORT_PAGE` (navigation to the
/// load event, the browser already running), printed in milliseconds.
#[test]
#[ignore]
fn load_time() {
    let file = PathBuf::from(std::env::var("REPORT_PAGE").expect("REPORT_PAGE=file.html"));
    let bin = chromium::find().expect("chromium");
    let mut browser = Browser::launch(&bin);
    let start = std::time::Instant::now();
    let mut page = browser.open(&file.canonicalize().unwrap(), 1400);
    let loaded = start.elapsed();
    let rows = browser.eval(&mut page, "document.querySelectorAll('tbody tr').length");
    println!(
        "chromium load: {} ms, {rows} table rows",
        loaded.as_millis()
    );
    assert_quiet(&page, &file.canonicalize().unwrap());
}
