//! Yielding to the event loop, on the page and in the engine's worker (compiled into both
//! binaries): long work in steps lets input, rendering and messages have their turn.

use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};

/// Yields to the event loop (a `setTimeout(0)`), on the page or in the worker: input,
/// rendering and messages get their turn.
pub async fn pause() {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let set_timeout = Reflect::get(&js_sys::global(), &"setTimeout".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        match set_timeout {
            Some(f) => {
                let _ = f.call2(&JsValue::NULL, &resolve, &JsValue::from(0));
            }
            None => {
                let _ = resolve.call0(&JsValue::NULL);
            }
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
