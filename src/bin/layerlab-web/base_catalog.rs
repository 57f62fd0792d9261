//! The base-image catalog in the browser: data, not code. `data/base-images.json` is fetched
//! once per page (not compiled into the wasm, where it would be a fifth of the first
//! download), parsed, and installed into the engine ([`BaseImageCatalog::install`]) for the
//! lint, the playground's simulation, the terminal, the widget and the JS API.
//!
//! Every caller awaits the same fetch: [`load`] starts it the first time and hands out the
//! same promise afterwards.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Promise;
use layerlab::catalog::base_images::BaseImageCatalog;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use crate::dom;

/// Where the page serves the catalog (Trunk copies it there).
const URL: &str = "data/base-images.json";
/// The catalog's file name, as the engine's workers are told it.
pub const FILE: &str = "base-images.json";

thread_local! {
    /// The one fetch of the page; it resolves to `null` or to an error text, never rejects.
    static LOADING: RefCell<Option<Promise>> = const { RefCell::new(None) };
    /// The fetched bytes, for the engine's workers (which parse and install their own copy).
    static BYTES: RefCell<Option<Rc<[u8]>>> = const { RefCell::new(None) };
}

/// The catalog's bytes once fetched (`None` before, or when the fetch failed).
pub fn bytes() -> Option<Rc<[u8]>> {
    BYTES.with(|b| b.borrow().clone())
}

/// The fetch as a promise (started on first use): for JavaScript (`baseImagesReady`).
pub fn promise() -> Promise {
    LOADING.with(|loading| {
        loading
            .borrow_mut()
            .get_or_insert_with(|| {
                future_to_promise(async {
                    Ok(match fetch_and_install().await {
                        Ok(()) => JsValue::NULL,
                        Err(e) => JsValue::from_str(&e),
                    })
                })
            })
            .clone()
    })
}

/// Waits for the catalog; returns it, or why it is missing (base images are then unknown).
pub async fn load() -> Result<&'static BaseImageCatalog, String> {
    let outcome = JsFuture::from(promise()).await.unwrap_or(JsValue::NULL);
    if let Some(error) = outcome.as_string() {
        return Err(error);
    }
    BaseImageCatalog::shared().ok_or_else(|| format!("{URL} was not installed"))
}

async fn fetch_and_install() -> Result<(), String> {
    let bytes = dom::fetch_bytes(URL).await?;
    let catalog = BaseImageCatalog::from_json(&bytes).map_err(|e| e.to_string())?;
    BaseImageCatalog::install(catalog);
    BYTES.with(|b| *b.borrow_mut() = Some(bytes.into()));
    Ok(())
}
