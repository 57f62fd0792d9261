//! The base-image catalog for the JS API: data, not code. When the engine module runs as a
//! library on a page (`www/layerlab-api.js`), `data/base-images.json` is fetched once,
//! parsed and installed into the engine ([`BaseImageCatalog::install`]) for the lint and the
//! builds of `analyze` and `evaluateChecks`. (In the playground's workers the page sends the
//! bytes instead: `Request::Catalog`.)
//!
//! Every caller awaits the same fetch: [`load`] starts it the first time and hands out the
//! same promise afterwards.

use std::cell::RefCell;

use js_sys::Promise;
use layerlab::catalog::base_images::BaseImageCatalog;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::future_to_promise;

/// Where the page serves the catalog (Trunk copies it there).
const URL: &str = "data/base-images.json";

thread_local! {
    /// The one fetch of the page; it resolves to `null` or to an error text, never rejects.
    static LOADING: RefCell<Option<Promise>> = const { RefCell::new(None) };
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

async fn fetch_and_install() -> Result<(), String> {
    let bytes = crate::fetch::fetch_bytes(URL).await?;
    let catalog = BaseImageCatalog::from_json(&bytes).map_err(|e| e.to_string())?;
    BaseImageCatalog::install(catalog);
    Ok(())
}
