//! History `created_by` strings exactly as BuildKit's `dockerfile2llb` writes them
//! (`commitToHistory` and its callers), and Go value formatting they rely on.

use crate::gostr::go_quote;

/// The comment BuildKit puts on every history entry it writes.
pub const HISTORY_COMMENT: &str = "buildkit.dockerfile.v0";

/// Go's `fmt.Sprintf("%q", []string)`: `["a" "b"]`.
pub fn go_quoted_list(items: &[String]) -> String {
    let inner: Vec<String> = items.iter().map(|s| go_quote(s)).collect();
    format!("[{}]", inner.join(" "))
}

/// Go's `fmt.Sprintf("%v", []string)`: `[a b]`.
pub fn go_list(items: &[String]) -> String {
    format!("[{}]", items.join(" "))
}

/// `runCommandString`: `|N K=V … ` before the command line when build args are in scope.
pub fn run_command_string(args: &[String], build_args: &[(String, String)]) -> String {
    let mut parts: Vec<String> = Vec::new();
    if !build_args.is_empty() {
        parts.push(format!("|{}", build_args.len()));
        parts.extend(build_args.iter().map(|(k, v)| format!("{k}={v}")));
    }
    parts.extend(args.iter().cloned());
    parts.join(" ")
}

/// Go's `time.Duration.String()` for a count of nanoseconds.
pub fn go_duration(ns: i64) -> String {
    if ns == 0 {
        return "0s".into();
    }
    let neg = ns < 0;
    let u = ns.unsigned_abs();
    let body = if u < 1_000 {
        format!("{u}ns")
    } else if u < 1_000_000 {
        format!("{}µs", trim_frac(u, 1_000))
    } else if u < 1_000_000_000 {
        format!("{}ms", trim_frac(u, 1_000_000))
    } else {
        let total_secs = u / 1_000_000_000;
        let frac = u % 1_000_000_000;
        let h = total_secs / 3600;
        let m = (total_secs % 3600) / 60;
        let s = total_secs % 60;
        let secs = trim_frac(s * 1_000_000_000 + frac, 1_000_000_000);
        if h > 0 {
            format!("{h}h{m}m{secs}s")
        } else if m > 0 {
            format!("{m}m{secs}s")
        } else {
            format!("{secs}s")
        }
    };
    if neg {
        format!("-{body}")
    } else {
        body
    }
}

fn trim_frac(value: u64, unit: u64) -> String {
    let whole = value / unit;
    let frac = value % unit;
    if frac == 0 {
        return whole.to_string();
    }
    let width = unit.trailing_zeros_decimal();
    let s = format!("{frac:0width$}");
    format!("{whole}.{}", s.trim_end_matches('0'))
}

trait DecimalZeros {
    fn trailing_zeros_decimal(self) -> usize;
}

impl DecimalZeros for u64 {
    fn trailing_zeros_decimal(self) -> usize {
        let mut n = self;
        let mut z = 0;
        while n >= 10 && n.is_multiple_of(10) {
            n /= 10;
            z += 1;
        }
        z
    }
}

/// `HEALTHCHECK %+v` of BuildKit's `HealthcheckConfig`.
pub fn healthcheck_text(h: &crate::instructions::HealthConfig) -> String {
    format!(
        "HEALTHCHECK {{Test:{} Interval:{} Timeout:{} StartPeriod:{} StartInterval:{} Retries:{}}}",
        go_list(&h.test),
        go_duration(h.interval_ns),
        go_duration(h.timeout_ns),
        go_duration(h.start_period_ns),
        go_duration(h.start_interval_ns),
        h.retries
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_formats() {
        assert_eq!(go_duration(30_000_000_000), "30s");
        assert_eq!(go_duration(300_000_000_000), "5m0s");
        assert_eq!(go_duration(1_500_000_000), "1.5s");
        assert_eq!(go_duration(3_600_000_000_000), "1h0m0s");
        assert_eq!(go_duration(2_000_000), "2ms");
        assert_eq!(
            go_quoted_list(&["python3".into(), "app.py".into()]),
            "[\"python3\" \"app.py\"]"
        );
        assert_eq!(
            run_command_string(
                &["/bin/sh".into(), "-c".into(), "make".into()],
                &[("V".into(), "1".into())]
            ),
            "|1 V=1 /bin/sh -c make"
        );
    }
}
