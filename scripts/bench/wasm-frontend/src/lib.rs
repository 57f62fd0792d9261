//! Exports for the Node benchmark (`scripts/bench/wasm-bench.mjs`). Plain C ABI: the host
//! writes inputs into buffers from [`bench_alloc`] and calls the steps; results that are
//! needed by a later step (the tree, the diff, the tar, the layer) stay in this module's state.
//! Wasm runs single-threaded, so the state is a `thread_local!`.

use std::cell::RefCell;

use layerlab::fs::{LayerDiff, Tree};
use layerlab::image::Layer;

#[path = "../../frontend_pass.rs"]
mod frontend_pass;

#[path = "../../artifacts_pass.rs"]
mod artifacts_pass;

#[derive(Default)]
struct State {
    tree: Option<Tree>,
    diff: Option<LayerDiff>,
    tar: Option<Vec<u8>>,
    layer: Option<Layer>,
    digest: String,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

/// A buffer of `len` bytes for the host to fill; ownership passes to the call it is given to
/// (or back with [`bench_free`]).
#[no_mangle]
pub extern "C" fn bench_alloc(len: usize) -> *mut u8 {
    let mut v = vec![0u8; len];
    let p = v.as_mut_ptr();
    std::mem::forget(v);
    p
}

/// Frees a buffer from [`bench_alloc`].
///
/// # Safety
/// `ptr`/`len` must come from one `bench_alloc` call and not be used after.
#[no_mangle]
pub unsafe extern "C" fn bench_free(ptr: *mut u8, len: usize) {
    drop(Vec::from_raw_parts(ptr, len, len));
}

/// # Safety
/// `ptr`/`len` must be a live buffer from [`bench_alloc`].
unsafe fn text<'a>(ptr: *const u8, len: usize) -> std::borrow::Cow<'a, str> {
    String::from_utf8_lossy(std::slice::from_raw_parts(ptr, len))
}

/// The Dockerfile text of a front-end step, taken as wasm-bindgen takes a `&str` argument
/// from JavaScript: the caller wrote it with `TextEncoder.encodeInto`, which always writes
/// valid UTF-8, so it is not validated again (the playground's front end receives its text
/// this way; `wasm-bench.mjs` encodes the JS string before every call, as the page does).
///
/// # Safety
/// `ptr`/`len` must be a live buffer from [`bench_alloc`] holding valid UTF-8.
unsafe fn js_str<'a>(ptr: *const u8, len: usize) -> &'a str {
    std::str::from_utf8_unchecked(std::slice::from_raw_parts(ptr, len))
}

/// Parse only; returns the instruction count.
///
/// # Safety
/// `ptr`/`len` must be a live buffer from [`bench_alloc`] holding valid UTF-8.
#[no_mangle]
pub unsafe extern "C" fn parse_only(ptr: *const u8, len: usize) -> u32 {
    frontend_pass::parse_only(js_str(ptr, len)) as u32
}

/// Parse and validate.
///
/// # Safety
/// `ptr`/`len` must be a live buffer from [`bench_alloc`] holding valid UTF-8.
#[no_mangle]
pub unsafe extern "C" fn parse_validate(ptr: *const u8, len: usize) -> u32 {
    frontend_pass::parse_validate(js_str(ptr, len)) as u32
}

/// Parse, validate and expand; returns the number of words expanded.
///
/// # Safety
/// `ptr`/`len` must be a live buffer from [`bench_alloc`] holding valid UTF-8.
#[no_mangle]
pub unsafe extern "C" fn frontend_pass(ptr: *const u8, len: usize) -> u32 {
    frontend_pass::frontend_pass(js_str(ptr, len)).expanded_words as u32
}

/// Starts a new tree (and forgets every artifact).
#[no_mangle]
pub extern "C" fn tree_new() {
    STATE.with(|s| {
        *s.borrow_mut() = State {
            tree: Some(Tree::new()),
            ..State::default()
        }
    });
}

/// Adds a file at `/app/<path>`; takes ownership of the data buffer. Returns 0, or 1 on error.
///
/// # Safety
/// Both buffers must come from [`bench_alloc`] with these lengths; the data buffer is consumed.
#[no_mangle]
pub unsafe extern "C" fn tree_add_file(
    path_ptr: *const u8,
    path_len: usize,
    data_ptr: *mut u8,
    data_len: usize,
) -> u32 {
    let rel = text(path_ptr, path_len).into_owned();
    let data = Vec::from_raw_parts(data_ptr, data_len, data_len);
    STATE.with(|s| match s.borrow_mut().tree.as_mut() {
        Some(tree) => artifacts_pass::add_file(tree, &rel, data).map_or(1, |_| 0),
        None => 1,
    })
}

/// Diffs the tree against the empty image. Returns 0, or 1 without a tree.
#[no_mangle]
pub extern "C" fn layer_diff() -> u32 {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        let Some(tree) = s.tree.as_ref() else {
            return 1;
        };
        let diff = artifacts_pass::diff_from_empty(tree);
        s.diff = Some(diff);
        0
    })
}

/// Writes the layer tar of the diff; returns its length (0 on error).
#[no_mangle]
pub extern "C" fn layer_tar() -> f64 {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        let tar = s
            .diff
            .as_ref()
            .and_then(|d| artifacts_pass::layer_tar(d).ok());
        let len = tar.as_ref().map_or(0, Vec::len);
        s.tar = tar;
        len as f64
    })
}

/// Hashes the tar (the diff_id); returns the digest's length (71) or 0 without a tar.
#[no_mangle]
pub extern "C" fn tar_sha256() -> u32 {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        let digest = s
            .tar
            .as_ref()
            .map(|t| artifacts_pass::diff_id(t).to_string());
        s.digest = digest.unwrap_or_default();
        s.digest.len() as u32
    })
}

/// Where the last digest's text is (read `tar_sha256()` bytes from here).
#[no_mangle]
pub extern "C" fn digest_ptr() -> *const u8 {
    STATE.with(|s| s.borrow().digest.as_ptr())
}

/// Makes a fresh layer of a copy of the tar (hashes it; not part of the gzip timing).
#[no_mangle]
pub extern "C" fn layer_prepare() -> u32 {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        let layer = s.tar.clone().map(artifacts_pass::layer_of);
        let ok = layer.is_some();
        s.layer = layer;
        u32::from(!ok)
    })
}

/// Gzips the prepared layer; returns the compressed length.
#[no_mangle]
pub extern "C" fn layer_gzip() -> f64 {
    STATE.with(|s| {
        s.borrow()
            .layer
            .as_ref()
            .map_or(0, artifacts_pass::gzip_len) as f64
    })
}
