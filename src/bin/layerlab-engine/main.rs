//! The layerlab engine for the browser, without any UI: the second wasm module that Trunk
//! builds from `www/index.html` (`data-type="worker"`). It runs
//!
//! - in the playground's and the widget's Web Workers (`www/worker.js` imports it and calls
//!   [`worker::worker_entry`]): the checks, the build simulation, the advisor, the terminal,
//!   uploads and archives, image exports, the widget's lab checks;
//! - on any page that wants the engine as a library (`www/layerlab-api.js`): the JS API of
//!   [`js_api`] (`analyze`, `evaluateChecks`, `version`).
//!
//! The playground's own module (`layerlab-web`) holds the Yew app and renders what this one
//! sends; it never links the simulation, the lint, the advisor, the terminal, the archive
//! decoders or the image writers (see docs/ARCHITECTURE.md). The messages between the two
//! are [`protocol`], one source file compiled into both binaries.

#[cfg(target_arch = "wasm32")]
mod base_catalog;
// The page's fetch of its own files, one file in both binaries.
#[cfg(target_arch = "wasm32")]
#[path = "../layerlab-web/fetch.rs"]
mod fetch;
// The context in IndexedDB: the worker loads it when the page starts and saves it.
#[cfg(target_arch = "wasm32")]
mod idb;
#[cfg(target_arch = "wasm32")]
mod js_api;
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod pack;
#[cfg(target_arch = "wasm32")]
#[path = "../layerlab-web/pause.rs"]
mod pause;
// The page's and the engine's messages, one file in both binaries: each uses its side.
#[allow(dead_code)]
#[path = "../layerlab-web/protocol.rs"]
mod protocol;
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod share;
#[cfg(target_arch = "wasm32")]
mod terminal;
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod widget;
#[cfg(target_arch = "wasm32")]
mod worker;
// The context's edits, made the same way on both sides (the tree rows are the page's).
#[allow(dead_code)]
#[path = "../layerlab-web/workspace.rs"]
mod workspace;

/// The tag the image exports and views use.
pub const REFERENCE: &str = "layerlab/image:latest";

#[cfg(target_arch = "wasm32")]
fn main() {
    // Nothing starts by itself: the worker calls `worker_entry`, a page the JS API.
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "layerlab-engine is the playground's engine module for the browser: build it with \
         `trunk build` (see README.md)."
    );
    std::process::exit(2);
}
