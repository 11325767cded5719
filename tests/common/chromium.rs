//! Headless Chromium, driven over the DevTools protocol: open a page, record every network
//! request and console message it causes, evaluate JavaScript in it, take screenshots.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

/// The browser binary: `$CHROMIUM`, else the first of the usual names on PATH. Without one,
/// a test is skipped with a message, except in CI (`CI=true`), where that is a failure.
pub fn find() -> Option<PathBuf> {
    let found = std::env::var_os("CHROMIUM").map(PathBuf::from).or_else(|| {
        ["chromium", "chromium-browser", "google-chrome"]
            .iter()
            .find_map(|name| which(name))
    });
    if found.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but no chromium on PATH: .ci/run installs Debian's chromium"
        );
        eprintln!("skipped: no chromium on PATH (set CHROMIUM=/path/to/chrome to run this test)");
    }
    found
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// The flags every run uses: no sandbox (CI runs as root), nothing the browser would fetch
/// on its own, a fresh profile.
pub fn base_args(profile: &Path) -> Vec<String> {
    [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([format!("--user-data-dir={}", profile.display())])
    .collect()
}

pub struct Browser {
    child: Child,
    ws: WebSocket<MaybeTlsStream<TcpStream>>,
    next: u64,
    _profile: tempfile::TempDir,
}

/// What a page did while it loaded.
pub struct Page {
    session: String,
    /// URLs of every request the page sent (the document itself included).
    pub requests: Vec<String>,
    /// Console messages, log entries and uncaught exceptions of level warning or error.
    pub problems: Vec<String>,
}

impl Browser {
    pub fn launch(bin: &Path) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let log = profile.path().join("chromium.log");
        let mut child = Command::new(bin)
            .args(base_args(profile.path()))
            .args([
                "--remote-debugging-port=0",
                "--window-size=1280,900",
                "about:blank",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("start chromium");
        // Chromium writes the port it chose, and the browser's endpoint, into the profile.
        let port_file = profile.path().join("DevToolsActivePort");
        // Generous: a loaded CI machine can take long to start a browser.
        let deadline = Instant::now() + Duration::from_secs(180);
        let (port, path) = loop {
            if let Ok(text) = std::fs::read_to_string(&port_file)
                && let Some((port, path)) = text.split_once('\n')
                && !path.trim().is_empty()
            {
                break (port.trim().to_string(), path.trim().to_string());
            }
            let exited = child.try_wait().unwrap();
            if exited.is_some() || Instant::now() > deadline {
                let log = std::fs::read_to_string(&log).unwrap_or_default();
                panic!("chromium did not open DevTools ({exited:?}):\n{log}");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let (ws, _) = tungstenite::connect(format!("ws://127.0.0.1:{port}{path}")).unwrap();
        Browser {
            child,
            ws,
            next: 0,
            _profile: profile,
        }
    }

    fn send(&mut self, session: Option<&str>, method: &str, params: Value) -> u64 {
        self.next += 1;
        let mut msg = json!({"id": self.next, "method": method, "params": params});
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        self.ws.send(Message::text(msg.to_string())).unwrap();
        self.next
    }

    fn receive(&mut self) -> Value {
        loop {
            if let Message::Text(t) = self.ws.read().unwrap() {
                return serde_json::from_str(t.as_str()).unwrap();
            }
        }
    }

    /// Sends a command and waits for its result, handing every event on the way to `page`.
    fn call(&mut self, mut page: Option<&mut Page>, method: &str, params: Value) -> Value {
        let session = page.as_ref().map(|p| p.session.clone());
        let id = self.send(session.as_deref(), method, params);
        loop {
            let msg = self.receive();
            if msg["id"] == json!(id) {
                assert!(msg.get("error").is_none(), "{method}: {msg}");
                return msg["result"].clone();
            }
            if let Some(p) = page.as_deref_mut() {
                p.record(&msg);
            }
        }
    }

    /// Opens `file` in a new tab and waits until it has loaded.
    pub fn open(&mut self, file: &Path, width: u32) -> Page {
        let target = self.call(None, "Target.createTarget", json!({"url": "about:blank"}));
        let attached = self.call(
            None,
            "Target.attachToTarget",
            json!({"targetId": target["targetId"], "flatten": true}),
        );
        let mut page = Page {
            session: attached["sessionId"].as_str().unwrap().to_string(),
            requests: Vec::new(),
            problems: Vec::new(),
        };
        for domain in ["Page", "Network", "Runtime", "Log"] {
            self.call(Some(&mut page), &format!("{domain}.enable"), json!({}));
        }
        self.call(
            Some(&mut page),
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": false}),
        );
        let url = format!("file://{}", file.display());
        self.call(Some(&mut page), "Page.navigate", json!({"url": url}));
        loop {
            let msg = self.receive();
            page.record(&msg);
            if msg["method"] == "Page.loadEventFired" && msg["sessionId"] == json!(page.session) {
                break;
            }
        }
        page
    }

    /// Evaluates `expression` in the page and returns its value (JSON-serialisable).
    pub fn eval(&mut self, page: &mut Page, expression: &str) -> Value {
        let r = self.call(
            Some(page),
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true}),
        );
        assert!(r.get("exceptionDetails").is_none(), "{expression}: {r}");
        r["result"]["value"].clone()
    }

    /// A PNG of the whole page (not only the viewport), in light or dark mode. The viewport
    /// grows to the page first, so that sections laid out only near the viewport are drawn.
    pub fn screenshot(&mut self, page: &mut Page, dark: bool) -> Vec<u8> {
        let scheme = if dark { "dark" } else { "light" };
        self.call(
            Some(page),
            "Emulation.setEmulatedMedia",
            json!({"features": [{"name": "prefers-color-scheme", "value": scheme}]}),
        );
        let width = self.eval(page, "innerWidth");
        // Sections grow from their placeholder size once drawn: repeat until the height holds.
        let mut height = json!(0);
        loop {
            let h = self.eval(
                page,
                "Math.ceil(document.body.getBoundingClientRect().bottom)",
            );
            if h == height {
                break;
            }
            height = h;
            self.call(
                Some(page),
                "Emulation.setDeviceMetricsOverride",
                json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}),
            );
            self.call(
                Some(page),
                "Runtime.evaluate",
                json!({"expression": "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))", "awaitPromise": true}),
            );
        }
        let shot = self.call(
            Some(page),
            "Page.captureScreenshot",
            json!({"format": "png"}),
        );
        decode(&shot)
    }

    /// A PNG of what a window of `width` × `height` shows of the top of the page.
    pub fn viewport(&mut self, page: &mut Page, width: u32, height: u32) -> Vec<u8> {
        self.call(
            Some(page),
            "Emulation.setEmulatedMedia",
            json!({"features": [{"name": "prefers-color-scheme", "value": "light"}]}),
        );
        self.call(
            Some(page),
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}),
        );
        self.eval(page, "scrollTo(0, 0)");
        let shot = self.call(
            Some(page),
            "Page.captureScreenshot",
            json!({"format": "png"}),
        );
        decode(&shot)
    }

    /// The page printed to PDF, with the print stylesheet.
    pub fn pdf(&mut self, page: &mut Page) -> Vec<u8> {
        let pdf = self.call(Some(page), "Page.printToPDF", json!({}));
        decode(&pdf)
    }
}

impl Page {
    fn record(&mut self, msg: &Value) {
        if msg["sessionId"] != json!(self.session) {
            return;
        }
        let p = &msg["params"];
        match msg["method"].as_str().unwrap_or_default() {
            "Network.requestWillBeSent" => {
                self.requests
                    .push(p["request"]["url"].as_str().unwrap_or_default().to_string());
            }
            "Runtime.consoleAPICalled" => {
                let kind = p["type"].as_str().unwrap_or_default();
                if matches!(kind, "error" | "warning" | "assert") {
                    self.problems.push(format!("console.{kind}: {}", p["args"]));
                }
            }
            "Runtime.exceptionThrown" => {
                self.problems
                    .push(format!("exception: {}", p["exceptionDetails"]));
            }
            "Log.entryAdded" => {
                let level = p["entry"]["level"].as_str().unwrap_or_default();
                if matches!(level, "error" | "warning") {
                    self.problems.push(format!("log {level}: {}", p["entry"]));
                }
            }
            _ => {}
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn decode(result: &Value) -> Vec<u8> {
    use base64::Engine;
    let data = result["data"].as_str().unwrap_or_default();
    base64::engine::general_purpose::STANDARD
        .decode(data)
        .unwrap()
}
