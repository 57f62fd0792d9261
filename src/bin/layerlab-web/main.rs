//! The layerlab playground: a Yew app that Trunk builds from `www/index.html`.
//! All analysis happens in the `layerlab` engine; this binary only renders it.

#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod editor;
#[cfg(target_arch = "wasm32")]
mod embed;
#[cfg(target_arch = "wasm32")]
mod instructions_view;
#[cfg(target_arch = "wasm32")]
mod js_api;
#[cfg(target_arch = "wasm32")]
mod seed;
#[cfg(target_arch = "wasm32")]
mod storage;
#[cfg(target_arch = "wasm32")]
mod terminal_view;

#[cfg(target_arch = "wasm32")]
fn main() {
    // embed.html loads the same bundle: it starts the widget instead of the playground.
    if embed::is_embed_page() {
        yew::Renderer::<embed::EmbedApp>::new().render();
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
