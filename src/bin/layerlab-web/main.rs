//! The layerlab playground: a Yew app that Trunk builds from `www/index.html` (the page
//! module, `layerlab-web`). All analysis happens in the engine module (`layerlab-engine`,
//! src/bin/layerlab-engine/) in a Web Worker; this binary parses only for the editor's
//! colours and the stage graph, and renders what the engine sends.
//!
//! The modules without browser dependencies (highlighting, edit mapping, share links, the
//! context workspace, the stage graph, the gallery) also build natively, so their unit tests
//! run with `cargo test --bin layerlab-web`.

#[cfg(target_arch = "wasm32")]
mod advisor_view;
#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod base_catalog;
#[cfg(target_arch = "wasm32")]
mod context_view;
#[cfg(target_arch = "wasm32")]
mod dom;
#[cfg(target_arch = "wasm32")]
mod editor;
#[cfg(target_arch = "wasm32")]
mod embed;
#[cfg(target_arch = "wasm32")]
mod engine;
#[cfg(target_arch = "wasm32")]
mod fetch;
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod gallery;
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod highlight;
#[cfg(target_arch = "wasm32")]
mod image_view;
#[cfg(target_arch = "wasm32")]
mod instructions_view;
#[cfg(target_arch = "wasm32")]
mod layers_view;
#[cfg(target_arch = "wasm32")]
mod pause;
#[cfg(target_arch = "wasm32")]
mod problems_view;
// The page's and the engine's messages, one file in both binaries: each uses its side.
#[allow(dead_code)]
mod protocol;
#[cfg(target_arch = "wasm32")]
mod seed;
#[cfg(target_arch = "wasm32")]
mod shared;
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod stages;
#[cfg(target_arch = "wasm32")]
mod stages_view;
#[cfg(target_arch = "wasm32")]
mod storage;
#[cfg(target_arch = "wasm32")]
mod terminal_view;
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod textops;
// The context's edits, made the same way here and in the engine's worker.
#[allow(dead_code)]
mod workspace;

#[cfg(target_arch = "wasm32")]
fn main() {
    // embed.html loads the same page module: it starts the widget instead of the playground,
    // once the base-image catalog's bytes are in (the widget's worker gets them before its
    // first evaluation, whose result is reported to the host page).
    if embed::is_embed_page() {
        wasm_bindgen_futures::spawn_local(async {
            // Without the catalog the widget still works, with every base image unknown.
            let _ = base_catalog::load().await;
            yew::Renderer::<embed::EmbedApp>::new().render();
        });
    } else {
        yew::Renderer::<app::App>::new().render();
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "layerlab-web is the browser playground: build it with `trunk build` (see README.md)."
    );
    std::process::exit(2);
}
