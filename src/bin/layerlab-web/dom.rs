//! Small browser helpers: downloads, the clipboard, reading picked or dropped files (folders
//! included, with their relative paths), and timing.

use js_sys::{Array, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, BlobPropertyBag, File, FileSystemDirectoryEntry, FileSystemEntry, FileSystemFileEntry,
    HtmlAnchorElement, Url,
};

/// Milliseconds since the page started (high resolution).
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Offers `bytes` as a download called `name`.
pub fn download(name: &str, bytes: &[u8], mime: &str) -> Result<(), String> {
    download_js(name, &Uint8Array::from(bytes), mime)
}

/// Offers bytes that are in JavaScript memory (an export from the worker) as a download.
pub fn download_js(name: &str, bytes: &Uint8Array, mime: &str) -> Result<(), String> {
    let err = |e: JsValue| format!("download failed: {e:?}");
    let parts = Array::new();
    parts.push(bytes);
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(err)?;
    let url = Url::create_object_url_with_blob(&blob).map_err(err)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let anchor: HtmlAnchorElement = document
        .create_element("a")
        .map_err(err)?
        .dyn_into()
        .map_err(|_| "no anchor")?;
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    let _ = Url::revoke_object_url(&url);
    Ok(())
}

/// Copies text to the clipboard (best effort).
pub fn copy_text(text: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}

/// The path of a picked file: `webkitRelativePath` (folder picker) without the picked
/// folder's own name, else the file name.
pub fn picked_path(file: &File) -> String {
    let relative = Reflect::get(file, &JsValue::from_str("webkitRelativePath"))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    match relative.split_once('/') {
        Some((_top, rest)) if !rest.is_empty() => rest.to_string(),
        _ => file.name(),
    }
}

/// Every file under the dropped entries, with paths relative to the drop. A single dropped
/// folder puts its contents at the root (the folder is the context).
pub async fn dropped_files(entries: Vec<FileSystemEntry>) -> Result<Vec<(String, File)>, String> {
    let strip_top = entries.len() == 1 && entries[0].is_directory();
    let mut out = Vec::new();
    let mut stack: Vec<FileSystemEntry> = entries;
    while let Some(entry) = stack.pop() {
        if entry.is_directory() {
            let dir: FileSystemDirectoryEntry = entry.unchecked_into();
            let reader = dir.create_reader();
            // readEntries returns batches until an empty one.
            loop {
                let promise = Promise::new(&mut |resolve, reject| {
                    let _ = reader.read_entries_with_callback_and_callback(&resolve, &reject);
                });
                let batch: Array = JsFuture::from(promise)
                    .await
                    .map_err(|_| "cannot read a dropped folder".to_string())?
                    .unchecked_into();
                if batch.length() == 0 {
                    break;
                }
                stack.extend(batch.iter().map(|e| e.unchecked_into::<FileSystemEntry>()));
            }
        } else {
            let file_entry: FileSystemFileEntry = entry.clone().unchecked_into();
            let promise = Promise::new(&mut |resolve, reject| {
                file_entry.file_with_callback_and_callback(&resolve, &reject);
            });
            let file: File = JsFuture::from(promise)
                .await
                .map_err(|_| format!("cannot read {}", entry.name()))?
                .unchecked_into();
            let full = entry.full_path();
            let trimmed = full.trim_start_matches('/');
            let path = if strip_top {
                trimmed.split_once('/').map_or(trimmed, |(_, r)| r)
            } else {
                trimmed
            };
            out.push((path.to_string(), file));
        }
    }
    layerlab::sort::sort_by(&mut out, |a, b| a.0.cmp(&b.0));
    Ok(out)
}
