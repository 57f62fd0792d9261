//! The layerlab playground: a Yew app that Trunk builds from `www/index.html`.
//! All analysis happens in the `layerlab` engine; this binary only renders it.

#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod editor;
#[cfg(target_arch = "wasm32")]
mod instructions_view;
#[cfg(target_arch = "wasm32")]
mod seed;
#[cfg(target_arch = "wasm32")]
mod storage;

#[cfg(target_arch = "wasm32")]
fn main() {
    yew::Renderer::<app::App>::new().render();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "layerlab-web is the browser playground: build it with `trunk build` (see README.md)."
    );
    std::process::exit(2);
}
