//! The web UI in real headless Chromium: runs the Playwright tests of
//! `e2e/` (Node's test runner) against this build's `pairroom` binary.
//!
//! They need Node.js and Chromium (`/usr/bin/chromium`, or `CHROMIUM`).
//! When either is missing the test says so on stderr and passes, unless
//! `PAIRROOM_REQUIRE_BROWSER=1` (set by `.ci/run`) makes it fail. The
//! npm packages of `e2e/` are installed on first use (`npm ci`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where the browser tests live.
fn e2e_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("e2e")
}

/// Skips (or fails, when the browser tests are required) with `why`.
fn skip(why: &str) {
    if std::env::var("PAIRROOM_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
        panic!("browser tests required but cannot run: {why}");
    }
    // Written past the test harness's capture, so that it is seen.
    let _ = writeln!(
        std::io::stderr(),
        "\nSKIPPED browser tests: {why} (set PAIRROOM_REQUIRE_BROWSER=1 to make this fail)"
    );
}

/// Whether `program --version` runs.
fn runs(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn web_ui_in_chromium() {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        return skip(&format!(
            "no Chromium at {chromium} (apt-get install -y chromium)"
        ));
    }
    if !runs("node") {
        return skip("Node.js is not installed");
    }
    let dir = e2e_dir();
    if !dir.join("node_modules/playwright-core").exists() {
        let installed = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .status()
            .is_ok_and(|s| s.success());
        if !installed {
            return skip("`npm ci` in e2e/ failed");
        }
    }
    let status = Command::new("node")
        .args(["--test", "--test-concurrency=1", "tests/"])
        .current_dir(&dir)
        .env("PAIRROOM_BIN", env!("CARGO_BIN_EXE_pairroom"))
        .env("CHROMIUM", &chromium)
        .status()
        .expect("node runs");
    assert!(status.success(), "browser tests failed (output above)");
}
