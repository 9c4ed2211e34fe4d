//! Server memory and CPU read from /proc, summed over the given pids.
//!
//! nginx runs a master and workers that share memory zones (Nchan keeps its
//! channels and messages in one), so summing VmRSS counts a shared page once
//! per process that touched it. We therefore also sum Pss (proportional set
//! size, from /proc/PID/smaps_rollup), which splits shared pages between the
//! processes mapping them, and use it as the headline figure when available.

use std::time::Instant;

/// Memory figures in KiB, summed over the pids.
#[derive(Clone, Copy, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Memory {
    /// Sum of VmRSS (anonymous + file + shared memory resident pages).
    pub vm_rss_kib: u64,
    /// Sum of RssAnon (private heap/stack pages).
    pub rss_anon_kib: u64,
    /// Sum of RssShmem (shared memory pages; counted once per process).
    pub rss_shmem_kib: u64,
    /// Sum of Pss, when every pid's smaps_rollup was readable.
    pub pss_kib: Option<u64>,
}

impl Memory {
    /// The figure to compare: Pss when known, else VmRSS.
    pub fn headline_kib(&self) -> u64 {
        self.pss_kib.unwrap_or(self.vm_rss_kib)
    }
}

/// Reads `key:   123 kB` from a /proc status-like text.
fn field_kib(text: &str, key: &str) -> Option<u64> {
    text.lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
}

/// Sums the memory of `pids`; fails if a pid's status cannot be read.
pub fn memory(pids: &[u32]) -> Result<Memory, String> {
    let mut m = Memory {
        pss_kib: Some(0),
        ..Memory::default()
    };
    for pid in pids {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
            .map_err(|e| format!("/proc/{pid}/status: {e}"))?;
        m.vm_rss_kib += field_kib(&status, "VmRSS").unwrap_or(0);
        m.rss_anon_kib += field_kib(&status, "RssAnon").unwrap_or(0);
        m.rss_shmem_kib += field_kib(&status, "RssShmem").unwrap_or(0);
        let pss = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
            .ok()
            .and_then(|t| field_kib(&t, "Pss"));
        m.pss_kib = m.pss_kib.zip(pss).map(|(a, b)| a + b);
    }
    Ok(m)
}

/// Clock ticks per second for /proc/PID/stat times: `getconf CLK_TCK`,
/// falling back to 100, which is what Linux reports on every common platform.
pub fn clk_tck() -> u64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .filter(|&t| t > 0)
        .unwrap_or(100)
}

/// utime + stime of one process in clock ticks.
fn cpu_ticks_of(pid: &str) -> Result<u64, String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map_err(|e| format!("/proc/{pid}/stat: {e}"))?;
    // The command name may contain spaces and parentheses: skip past the last ')'.
    let rest = stat
        .rsplit_once(')')
        .map(|(_, r)| r)
        .ok_or("bad stat line")?;
    // After ')': state(3) ppid(4) ... utime(14) stime(15), so indexes 11 and 12.
    let f: Vec<&str> = rest.split_whitespace().collect();
    let num = |i: usize| {
        f.get(i)
            .and_then(|v| v.parse::<u64>().ok())
            .ok_or("bad stat field")
    };
    Ok(num(11)? + num(12)?)
}

/// A CPU time reading, to be subtracted from a later one.
#[derive(Clone, Copy)]
pub struct CpuSample {
    /// Summed utime + stime in clock ticks.
    ticks: u64,
    /// When it was read.
    at: Instant,
}

/// Reads summed CPU time of `pids` (use "self" for this process).
pub fn cpu_sample(pids: &[String]) -> Result<CpuSample, String> {
    let mut ticks = 0;
    for pid in pids {
        ticks += cpu_ticks_of(pid)?;
    }
    Ok(CpuSample {
        ticks,
        at: Instant::now(),
    })
}

/// Wall-clock seconds between two samples.
pub fn seconds_between(before: CpuSample, after: CpuSample) -> f64 {
    after.at.duration_since(before.at).as_secs_f64()
}

/// CPU use between two samples in percent of one core (200 = two cores busy).
pub fn cpu_percent(before: CpuSample, after: CpuSample, clk_tck: u64) -> f64 {
    let wall = seconds_between(before, after);
    if wall <= 0.0 {
        return 0.0;
    }
    let cpu = after.ticks.saturating_sub(before.ticks) as f64 / clk_tck as f64;
    100.0 * cpu / wall
}

/// Open file descriptors of `pid` (entries of /proc/PID/fd): sockets, the
/// database and everything else, so a soak can see whether connections leak.
pub fn open_fds(pid: u32) -> Result<usize, String> {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(Iterator::count)
        .map_err(|e| format!("/proc/{pid}/fd: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_own_process() {
        let pid = std::process::id();
        let m = memory(&[pid]).unwrap();
        assert!(m.vm_rss_kib > 0);
        assert!(open_fds(pid).unwrap() > 0);
        assert!(cpu_sample(&["self".into()]).is_ok());
        assert!(clk_tck() > 0);
    }

    #[test]
    fn parses_status_fields() {
        let t = "Name:\tx\nVmRSS:\t  1234 kB\nRssShmem:\t 0 kB\n";
        assert_eq!(field_kib(t, "VmRSS"), Some(1234));
        assert_eq!(field_kib(t, "RssShmem"), Some(0));
        assert_eq!(field_kib(t, "Pss"), None);
    }
}
