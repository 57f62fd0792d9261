//! hadolint's `DL` rules, one file per rule, with hadolint's codes, messages and
//! severities (`style` shown as info; `ignore`-severity rules are off by default). They
//! read the instruction list as hadolint does ([`model`]), so they also work on fragments
//! without FROM. The RUN-aware rules use the shared shell parse.

pub mod model;

use crate::syntax::Instruction;

/// ENV/LABEL pairs (`key=value` and the legacy `key value`), quotes dropped.
pub fn label_pairs(inst: &Instruction) -> Vec<(String, String)> {
    let args = &inst.args;
    if args.len() < 3 || args.len() % 3 != 0 {
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

pub mod dl1001;
pub mod dl3000;
pub mod dl3002;
pub mod dl3006;
pub mod dl3007;
pub mod dl3011;
pub mod dl3012;
pub mod dl3020;
pub mod dl3021;
pub mod dl3022;
pub mod dl3023;
pub mod dl3024;
pub mod dl3025;
pub mod dl3026;
pub mod dl3029;
pub mod dl3043;
pub mod dl3044;
pub mod dl3045;
pub mod dl3048;
pub mod dl3057;
pub mod dl3061;
pub mod dl3063;
pub mod dl3064;
pub mod dl3065;
pub mod dl3066;
pub mod dl3067;
pub mod dl4000;
pub mod dl4003;
pub mod dl4004;
