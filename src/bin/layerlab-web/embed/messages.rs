//! The widget's postMessage protocol.
//!
//! In (from an allowed origin only): `{type: "layerlab:set", dockerfile?, files?, checks?}`.
//! Out: `{type: "layerlab:ready", id}`, `{type: "layerlab:result", id, passed, checks,
//! diagnostics, layers, image}`, `{type: "layerlab:height", id, px}`. Anything else, or a
//! message of the wrong shape or origin, is ignored.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

/// A `layerlab:set` message.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetMessage {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub dockerfile: Option<String>,
    #[serde(default)]
    pub files: Option<BTreeMap<String, String>>,
    #[serde(default)]
    pub checks: Option<serde_json::Value>,
}

/// Decodes a message event's data; `None` for anything that is not a well-formed
/// `layerlab:set` from an allowed origin.
pub fn accept(origin: &str, data: JsValue, allow: &[String]) -> Option<SetMessage> {
    if !allow.iter().any(|a| a == origin) {
        return None;
    }
    let msg: SetMessage = serde_wasm_bindgen::from_value(data).ok()?;
    (msg.kind == "layerlab:set").then_some(msg)
}

/// Posts `message` to the parent window: to each allowed origin, or to any origin when the
/// widget has no allow-list (results carry no secrets: checks, diagnostics, sizes).
pub fn post<T: Serialize>(message: &T, allow: &[String]) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(Some(parent)) = window.parent() else {
        return;
    };
    let Ok(value) = message.serialize(&serde_wasm_bindgen::Serializer::json_compatible()) else {
        return;
    };
    if allow.is_empty() {
        let _ = parent.post_message(&value, "*");
    } else {
        for origin in allow {
            let _ = parent.post_message(&value, origin);
        }
    }
}
