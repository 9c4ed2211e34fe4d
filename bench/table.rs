//! The `table` subcommand: reads `--json` reports (one per line) and prints a
//! markdown table of medians per (label, target), so compare.sh needs no jq.

use crate::report::Report;
use crate::stats::median;
use std::io::BufRead;

/// Reads reports from the files (or stdin when none) and prints the table.
pub fn print_table(files: &[std::path::PathBuf]) -> Result<(), String> {
    let mut lines = Vec::new();
    if files.is_empty() {
        for l in std::io::stdin().lock().lines() {
            lines.push(l.map_err(|e| e.to_string())?);
        }
    }
    for f in files {
        let text = std::fs::read_to_string(f).map_err(|e| format!("{}: {e}", f.display()))?;
        lines.extend(text.lines().map(str::to_owned));
    }
    // Groups in order of first appearance.
    let mut groups: Vec<((String, String), Vec<Report>)> = Vec::new();
    for line in lines.iter().filter(|l| l.trim_start().starts_with('{')) {
        let r: Report = serde_json::from_str(line).map_err(|e| format!("bad report line: {e}"))?;
        let key = (r.label.clone(), r.target.clone());
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => v.push(r),
            None => groups.push((key, vec![r])),
        }
    }
    println!(
        "| scenario | target | runs | streams ok / failed | events lost / expected | p50 ms | p99 ms | max ms | KiB per idle stream | server CPU % | ticks/s received / expected | passed |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for ((label, target), runs) in &groups {
        let med = |f: &dyn Fn(&Report) -> Option<f64>| {
            let mut v: Vec<f64> = runs.iter().filter_map(f).collect();
            median(&mut v)
        };
        let fmt = |v: Option<f64>, digits: usize| {
            v.map_or("–".to_string(), |v| format!("{v:.digits$}"))
        };
        let has_cmds = runs.iter().any(|r| r.events.expected > 0);
        let lat = |f: fn(&Report) -> f64| {
            if has_cmds {
                fmt(med(&|r| Some(f(r))), 2)
            } else {
                "–".into()
            }
        };
        println!(
            "| {label} | {target} | {} | {} / {} | {} / {} | {} | {} | {} | {} | {} | {} | {}/{} |",
            runs.len(),
            fmt(med(&|r| Some(r.streams.connected as f64)), 0),
            fmt(med(&|r| Some(r.streams.failed as f64)), 0),
            fmt(med(&|r| Some(r.events.lost as f64)), 0),
            fmt(med(&|r| Some(r.events.expected as f64)), 0),
            lat(|r| r.latency.p50_ms),
            lat(|r| r.latency.p99_ms),
            lat(|r| r.latency.max_ms),
            fmt(
                med(&|r| r.memory.as_ref().map(|m| m.per_idle_stream_kib)),
                2
            ),
            fmt(
                med(&|r| if r.mode == "ticks" || has_cmds {
                    r.cpu.server_percent
                } else {
                    r.cpu.server_idle_percent
                }),
                1
            ),
            match med(&|r| r.ticks.as_ref().map(|t| t.received_per_sec)) {
                Some(v) => format!(
                    "{v:.0} / {}",
                    fmt(med(&|r| r.ticks.as_ref().map(|t| t.expected_per_sec)), 0)
                ),
                None => "–".into(),
            },
            runs.iter().filter(|r| r.passed).count(),
            runs.len(),
        );
    }
    Ok(())
}
