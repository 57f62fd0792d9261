//! What the benchmarks share: the machine's load and a thread's CPU time (the numbers
//! they report are CPU times, steadier than wall times on a shared machine).

use std::time::Duration;

pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".to_string())
}

/// CPU time this thread has run (`clock_gettime(CLOCK_THREAD_CPUTIME_ID)`). On a shared
/// machine it is far steadier than the wall clock, which also counts the time spent waiting
/// for a core (a round that fits in one time slice looks fast on the wall clock, a longer one
/// is preempted many times).
#[cfg(target_os = "linux")]
pub fn thread_cpu() -> Option<Duration> {
    #[repr(C)]
    struct Timespec {
        tv_sec: i64,
        tv_nsec: i64,
    }
    extern "C" {
        fn clock_gettime(clock: i32, tp: *mut Timespec) -> i32;
    }
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut ts = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: glibc's clock_gettime writes one timespec (two 64-bit fields on the 64-bit
    // Linux targets this runs on) to the valid pointer it is given.
    let rc = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    (rc == 0).then(|| Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32))
}

#[cfg(not(target_os = "linux"))]
pub fn thread_cpu() -> Option<Duration> {
    None
}
