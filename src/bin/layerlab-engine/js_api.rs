//! The engine for pages that want it without the UI: functions exported through
//! wasm-bindgen by the engine module. `www/layerlab-api.js` loads the module on first use
//! and wraps these functions as promises (`window.wasmBindings` on the playground and the
//! widget), so a page calls `await window.wasmBindings.analyze(text, {"app.py": "…"})`.
//! Results are plain JS objects (serde-wasm-bindgen, maps as objects); bad input gives a
//! rejected call with a message, never a panic.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use layerlab::catalog::base_images::BaseImageCatalog;
use layerlab::labcheck::{self, parse_checks_value};
use layerlab::simulate::Catalogs;
use layerlab::terminal::commands::simulated_manifest;
use layerlab::terminal::StoredImage;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::terminal::now_secs;
use crate::widget::context_from_files;

thread_local! {
    /// The builds' catalogs (the base images once fetched), made once the catalog is in.
    static CATALOGS: RefCell<Option<Rc<Catalogs>>> = const { RefCell::new(None) };
}

/// The catalogs the JS API's builds use: the base-image catalog
/// ([`crate::base_catalog`]; until it is in, or if it failed, every base is unknown) and no
/// package indexes.
fn catalogs() -> Rc<Catalogs> {
    CATALOGS.with(|c| {
        let mut c = c.borrow_mut();
        if let Some(ready) = c.as_ref() {
            return ready.clone();
        }
        let shared = BaseImageCatalog::shared();
        let catalogs = Rc::new(Catalogs::new(shared.cloned()));
        // Kept once the catalog is in; before, made afresh so it is picked up when it comes.
        if shared.is_some() {
            *c = Some(catalogs.clone());
        }
        catalogs
    })
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsValue::from_str(&e.to_string()))
}

fn files_arg(files: JsValue) -> Result<BTreeMap<String, String>, JsValue> {
    if files.is_undefined() || files.is_null() {
        return Ok(BTreeMap::new());
    }
    serde_wasm_bindgen::from_value(files).map_err(|e| {
        JsValue::from_str(&format!(
            "files must be an object of path → text ({{\"app.py\": \"…\"}}): {e}"
        ))
    })
}

#[derive(Serialize)]
struct BuildView<'a> {
    ok: bool,
    error: Option<&'a str>,
    /// BuildKit-style plain progress.
    progress: &'a str,
    image: Option<&'a StoredImage>,
    /// The simulated manifest JSON (the registry's view of the image).
    manifest: Option<String>,
    /// Sum of the known layer sizes; `size_is_lower_bound` when some RUN layer is unknown.
    size: Option<u64>,
    size_is_lower_bound: bool,
}

#[derive(Serialize)]
struct AnalyzeResult<'a> {
    instructions: &'a [layerlab::analysis::InstructionRow],
    diagnostics: &'a [layerlab::analysis::LocatedDiagnostic],
    layer_count: usize,
    build: BuildView<'a>,
    /// The build simulation itself: stages, steps (cache keys, effects, certainty), layers
    /// with their file changes and digests, final config, history, artifacts.
    simulation: Option<&'a layerlab::simulate::Build>,
}

/// Analyses and builds a Dockerfile with the given context files. Returns
/// `{instructions, diagnostics, layer_count, build: {ok, error, progress, image, manifest,
/// size, size_is_lower_bound}, simulation}`; `build.image` has `id`, `config`, `layers`,
/// `history`, `added_paths`, `base`; `simulation` is the engine's `simulate::Build`.
#[wasm_bindgen]
pub fn analyze(dockerfile: &str, files: JsValue) -> Result<JsValue, JsValue> {
    let files = files_arg(files)?;
    let context = context_from_files(&files).map_err(|e| JsValue::from_str(&e))?;
    let catalogs = catalogs();
    let (analysis, outcome) =
        labcheck::analyze_and_build(dockerfile, &context, &catalogs, now_secs());
    let image = outcome.image.as_ref();
    let result = AnalyzeResult {
        instructions: &analysis.instructions,
        diagnostics: &analysis.diagnostics,
        layer_count: analysis.layer_count(),
        build: BuildView {
            ok: image.is_some(),
            error: outcome.error.as_deref(),
            progress: &outcome.progress,
            image,
            manifest: image
                .and_then(simulated_manifest)
                .map(|b| String::from_utf8_lossy(&b).into_owned()),
            size: image.map(StoredImage::size),
            size_is_lower_bound: image.is_some_and(StoredImage::size_is_lower_bound),
        },
        simulation: outcome.build.as_ref(),
    };
    to_js(&result)
}

/// Evaluates lab checks (the JSON list of `docs/EMBEDDING.md`, as an array or JSON text)
/// against a Dockerfile and files. Returns `[{passed, status, label, detail}]`.
#[wasm_bindgen(js_name = evaluateChecks)]
pub fn evaluate_checks(
    dockerfile: &str,
    files: JsValue,
    checks: JsValue,
) -> Result<JsValue, JsValue> {
    let files = files_arg(files)?;
    let context = context_from_files(&files).map_err(|e| JsValue::from_str(&e))?;
    let checks_json: serde_json::Value = if let Some(text) = checks.as_string() {
        serde_json::from_str(&text)
            .map_err(|e| JsValue::from_str(&format!("lab checks: not valid JSON: {e}")))?
    } else {
        serde_wasm_bindgen::from_value(checks)
            .map_err(|e| JsValue::from_str(&format!("lab checks: {e}")))?
    };
    let checks = parse_checks_value(&checks_json).map_err(|e| JsValue::from_str(&e.to_string()))?;
    let catalogs = catalogs();
    let (_, results) =
        labcheck::evaluate_dockerfile(&checks, dockerfile, &context, &catalogs, now_secs());
    to_js(&results)
}

/// Resolves once the base-image catalog is fetched and installed (to `null`, or to the error
/// text when it could not be: base images are then unknown). `www/layerlab-api.js` waits for
/// it before the first call, so the functions above see the base images.
#[wasm_bindgen(js_name = baseImagesReady)]
pub fn base_images_ready() -> js_sys::Promise {
    crate::base_catalog::promise()
}

/// The engine's version (the crate version).
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
