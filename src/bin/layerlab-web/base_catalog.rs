//! The base-image catalog for the page: data, not code. `data/base-images.json` is fetched
//! once per page (not compiled into any wasm) and its bytes are handed to the engine's
//! workers, which parse and install their own copy (the lint, the simulation, the terminal
//! and the widget know base images by it). The page itself never parses it.
//!
//! Every caller awaits the same fetch: [`load`] starts it the first time and hands out the
//! same result afterwards.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

/// Where the page serves the catalog (Trunk copies it there).
const URL: &str = "data/base-images.json";
/// The catalog's file name, as the engine's workers are told it.
pub const FILE: &str = "base-images.json";

thread_local! {
    /// The one fetch of the page; it resolves to `null` or to an error text, never rejects.
    static LOADING: RefCell<Option<Promise>> = const { RefCell::new(None) };
    /// The fetched bytes, for the engine's workers.
    static BYTES: RefCell<Option<Rc<[u8]>>> = const { RefCell::new(None) };
}

fn promise() -> Promise {
    LOADING.with(|loading| {
        loading
            .borrow_mut()
            .get_or_insert_with(|| {
                future_to_promise(async {
                    Ok(match crate::fetch::fetch_bytes(URL).await {
                        Ok(bytes) => {
                            BYTES.with(|b| *b.borrow_mut() = Some(bytes.into()));
                            JsValue::NULL
                        }
                        Err(e) => JsValue::from_str(&e),
                    })
                })
            })
            .clone()
    })
}

/// The catalog's bytes once fetched (`None` before, or when the fetch failed).
pub fn fetched() -> Option<Rc<[u8]>> {
    BYTES.with(|b| b.borrow().clone())
}

/// Waits for the catalog's bytes; returns them, or why they are missing (base images are
/// then unknown).
pub async fn load() -> Result<Rc<[u8]>, String> {
    let outcome = JsFuture::from(promise()).await.unwrap_or(JsValue::NULL);
    if let Some(error) = outcome.as_string() {
        return Err(error);
    }
    BYTES
        .with(|b| b.borrow().clone())
        .ok_or_else(|| format!("{URL} was not fetched"))
}
