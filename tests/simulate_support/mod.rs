//! What the simulation's integration tests share (`simulate_build.rs`, `simulate_semantics.rs`,
//! `simulate_add_sources.rs`, `simulate_preview.rs`): a Dockerfile simulated with a context
//! and the bundled catalogs, and the paths a layer changes.

// Each test file uses part of this module.
#![allow(dead_code)]

use layerlab::context::Context;
use layerlab::simulate::{build, Build, BuildOptions, Catalogs};

/// The build of `dockerfile` with `ctx`, `opts` and the bundled catalogs, after `prev` (the
/// cache) when given.
pub fn simulate_after(
    dockerfile: &str,
    ctx: &Context,
    opts: &BuildOptions,
    prev: Option<&Build>,
) -> Build {
    let parsed = layerlab::syntax::parse(dockerfile);
    let ins = layerlab::instructions::parse(&parsed.dockerfile);
    build(&parsed, &ins, ctx, opts, &Catalogs::bundled(), prev)
}

/// The build of `dockerfile` with `ctx` and `opts`, from scratch.
pub fn simulate_with(dockerfile: &str, ctx: &Context, opts: &BuildOptions) -> Build {
    simulate_after(dockerfile, ctx, opts, None)
}

/// The build of `dockerfile` with `ctx` and the default options, from scratch.
pub fn simulate(dockerfile: &str, ctx: &Context) -> Build {
    simulate_with(dockerfile, ctx, &BuildOptions::default())
}

/// The paths layer `layer` changes, in the model's order.
pub fn layer_paths(b: &Build, layer: usize) -> Vec<String> {
    b.layers[layer]
        .changes
        .iter()
        .map(|c| c.path.clone())
        .collect()
}
