//! How much the simulator knows about a result.
//!
//! Shared by the build simulation (COPY/ADD/WORKDIR layers) and the RUN simulation
//! (`simulate::run`): every layer, every RUN effect and every report carries one.

use serde::{Deserialize, Serialize};

/// How sure the simulation is about a layer, an effect or a whole step.
///
/// Ordered from most to least certain, so combining results is `max`:
/// `Exact.combine(Estimated) == Estimated`, anything with `Unknown` is `Unknown`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Certainty {
    /// Byte-for-byte what BuildKit would produce (paths, modes, owners, contents).
    #[default]
    Exact,
    /// The shape is known (paths, approximate sizes) but not the exact bytes.
    Estimated,
    /// The simulator cannot tell what this produces (a network download, an unknown command).
    Unknown,
}

impl Certainty {
    /// The certainty of a result built from `self` and `other`: the weaker of the two.
    pub fn combine(self, other: Certainty) -> Certainty {
        self.max(other)
    }

    /// A short lowercase label: `exact`, `estimated`, `unknown`.
    pub fn label(self) -> &'static str {
        match self {
            Certainty::Exact => "exact",
            Certainty::Estimated => "estimated",
            Certainty::Unknown => "unknown",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Certainty;

    #[test]
    fn combine_keeps_the_weakest() {
        assert_eq!(Certainty::Exact.combine(Certainty::Exact), Certainty::Exact);
        assert_eq!(
            Certainty::Exact.combine(Certainty::Estimated),
            Certainty::Estimated
        );
        assert_eq!(
            Certainty::Unknown.combine(Certainty::Estimated),
            Certainty::Unknown
        );
        assert_eq!(Certainty::Exact.label(), "exact");
    }
}
