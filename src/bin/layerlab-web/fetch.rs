//! Fetching a file of the page's origin (the catalogs under `data/`) with the global `fetch`:
//! the same code on the page and in the engine module (a worker, or a page using the JS API).
//! Compiled into both binaries.

use js_sys::{Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Fetches `url` (relative to the page) with the global `fetch`.
pub async fn fetch_bytes(url: &str) -> Result<Vec<u8>, String> {
    let global = js_sys::global();
    let fetch: js_sys::Function = Reflect::get(&global, &"fetch".into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or("no fetch")?;
    let promise: Promise = fetch
        .call1(&global, &JsValue::from_str(url))
        .map_err(|_| format!("cannot fetch {url}"))?
        .unchecked_into();
    let response: web_sys::Response = JsFuture::from(promise)
        .await
        .map_err(|_| format!("cannot fetch {url}"))?
        .unchecked_into();
    if !response.ok() {
        return Err(format!("cannot fetch {url}: HTTP {}", response.status()));
    }
    let buffer = JsFuture::from(
        response
            .array_buffer()
            .map_err(|_| format!("cannot read {url}"))?,
    )
    .await
    .map_err(|_| format!("cannot read {url}"))?;
    Ok(Uint8Array::new(&buffer).to_vec())
}
