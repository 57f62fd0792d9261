//! hadolint's `DL` rules, one file per rule, with hadolint's codes, messages and
//! severities (`style` shown as info; `ignore`-severity rules are off by default). They
//! read the instruction list as hadolint does ([`model`]), so they also work on fragments
//! without FROM. The RUN-aware rules use the shared shell parse.

pub mod dl1001;
pub mod dl3000;
pub mod dl3001;
pub mod dl3002;
pub mod dl3003;
pub mod dl3004;
pub mod dl3006;
pub mod dl3007;
pub mod dl3008;
pub mod dl3009;
pub mod dl3011;
pub mod dl3012;
pub mod dl3014;
pub mod dl3015;
pub mod dl3018;
pub mod dl3019;
pub mod dl3020;
pub mod dl3021;
pub mod dl3022;
pub mod dl3023;
pub mod dl3024;
pub mod dl3025;
pub mod dl3026;
pub mod dl3027;
pub mod dl3029;
pub mod dl3030;
pub mod dl3032;
pub mod dl3034;
pub mod dl3035;
pub mod dl3036;
pub mod dl3038;
pub mod dl3040;
pub mod dl3043;
pub mod dl3044;
pub mod dl3045;
pub mod dl3046;
pub mod dl3047;
pub mod dl3048;
pub mod dl3057;
pub mod dl3059;
pub mod dl3061;
pub mod dl3063;
pub mod dl3064;
pub mod dl3065;
pub mod dl3066;
pub mod dl3067;
pub mod dl4000;
pub mod dl4001;
pub mod dl4003;
pub mod dl4004;
pub mod dl4005;
pub mod dl4006;
pub mod model;

use crate::syntax::Instruction;

/// ENV/LABEL pairs (`key=value` and the legacy `key value`), quotes dropped.
pub fn label_pairs(inst: &Instruction) -> Vec<(String, String)> {
    let args = &inst.args;
    if args.len() < 3 || !args.len().is_multiple_of(3) {
        return Vec::new();
    }
    args.chunks(3)
        .map(|t| {
            (
                model::drop_quotes(&t[0].value).to_string(),
                model::drop_quotes(&t[1].value).to_string(),
            )
        })
        .collect()
}

/// The `--mount` options of a RUN as (type, target) pairs (`type` defaults to `bind`).
pub fn run_mounts(inst: &Instruction) -> Vec<(String, String)> {
    inst.flags
        .iter()
        .filter(|f| f.name == "mount")
        .map(|f| {
            let mut kind = "bind".to_string();
            let mut target = String::new();
            for kv in f.value.as_deref().unwrap_or("").split(',') {
                match kv.split_once('=') {
                    Some(("type", v)) => kind = v.to_string(),
                    Some(("target" | "dst" | "destination", v)) => {
                        target = v.trim_end_matches('/').to_string()
                    }
                    _ => {}
                }
            }
            (kind, target)
        })
        .collect()
}

/// A cache or tmpfs mount on `target`.
pub fn has_cache_mount(inst: &Instruction, target: &str) -> bool {
    run_mounts(inst)
        .iter()
        .any(|(k, t)| (k == "cache" || k == "tmpfs") && t == target)
}
