//! The build context persisted in IndexedDB (file bytes can be megabytes: too big for
//! `localStorage`). One record holds every entry: `{p: path, b: Uint8Array}` for a file,
//! `{p, l: target}` for a symbolic link, `{p, d: true}` for a directory, with its mode.
//! The engine's worker loads it when the page starts ([`load`], asked by
//! [`Request::LoadSaved`](crate::protocol::Request::LoadSaved)) and saves its copy after each
//! change ([`save`]): reading and copying megabytes never happens on the page's thread.
//! Every failure is silent: persistence is a convenience, never a reason to break the page.

use js_sys::{Array, Object, Reflect, Uint8Array};
use layerlab::context::{Context, EntryKind, Metadata};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{IdbDatabase, IdbFactory, IdbOpenDbRequest, IdbRequest, IdbTransactionMode};

const DB_NAME: &str = "layerlab";
const STORE: &str = "context";
const KEY: &str = "workspace";

/// Opens the database, then calls `then` with it.
fn open(then: impl FnOnce(IdbDatabase) + 'static) {
    let Some(factory) = Reflect::get(&js_sys::global(), &JsValue::from_str("indexedDB"))
        .ok()
        .and_then(|f| f.dyn_into::<IdbFactory>().ok())
    else {
        return;
    };
    let Ok(request) = factory.open_with_u32(DB_NAME, 1) else {
        return;
    };
    let upgrade = Closure::once_into_js(move |event: web_sys::Event| {
        let db = event
            .target()
            .and_then(|t| t.dyn_into::<IdbOpenDbRequest>().ok())
            .and_then(|r| r.result().ok())
            .and_then(|r| r.dyn_into::<IdbDatabase>().ok());
        if let Some(db) = db {
            if !db.object_store_names().contains(STORE) {
                let _ = db.create_object_store(STORE);
            }
        }
    });
    request.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    let req = request.clone();
    let success = Closure::once_into_js(move |_: web_sys::Event| {
        if let Some(db) = req
            .result()
            .ok()
            .and_then(|r| r.dyn_into::<IdbDatabase>().ok())
        {
            then(db);
        }
    });
    request.set_onsuccess(Some(success.unchecked_ref()));
}

/// Saves the whole context (replacing the previous one).
pub fn save(context: &Context) {
    let entries = Array::new();
    for (path, entry) in context.walk() {
        let record = Object::new();
        let set = |k: &str, v: &JsValue| {
            let _ = Reflect::set(&record, &JsValue::from_str(k), v);
        };
        set("p", &JsValue::from_str(&path));
        set("m", &JsValue::from(entry.metadata().mode));
        match entry.kind() {
            EntryKind::Dir(_) => set("d", &JsValue::TRUE),
            EntryKind::Symlink { target } => set("l", &JsValue::from_str(target)),
            _ => match entry.content() {
                Some(content) => set("b", &Uint8Array::from(content.bytes()).into()),
                None => continue,
            },
        }
        entries.push(&record);
    }
    open(move |db| {
        let Ok(tx) = db.transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite) else {
            return;
        };
        if let Ok(store) = tx.object_store(STORE) {
            let _ = store.put_with_key(&entries, &JsValue::from_str(KEY));
        }
    });
}

/// Loads the saved context; `then` receives `None` when nothing was saved (or it cannot be
/// read), so the caller keeps what it has.
pub fn load(then: impl FnOnce(Option<Context>) + 'static) {
    open(move |db| {
        let request: Option<IdbRequest> = db
            .transaction_with_str(STORE)
            .ok()
            .and_then(|tx| tx.object_store(STORE).ok())
            .and_then(|store| store.get(&JsValue::from_str(KEY)).ok());
        let Some(request) = request else {
            then(None);
            return;
        };
        let req = request.clone();
        let success = Closure::once_into_js(move |_: web_sys::Event| {
            then(req.result().ok().and_then(|v| decode(&v)));
        });
        request.set_onsuccess(Some(success.unchecked_ref()));
    });
}

fn decode(value: &JsValue) -> Option<Context> {
    let entries: &Array = value.dyn_ref()?;
    let mut context = Context::new();
    for record in entries.iter() {
        let get = |k: &str| Reflect::get(&record, &JsValue::from_str(k)).ok();
        let path = get("p")?.as_string()?;
        let mode = get("m").and_then(|m| m.as_f64()).unwrap_or(0o644 as f64) as u32 & 0o7777;
        let meta = Metadata::with_mode(mode);
        let result = if get("d").is_some_and(|d| d.is_truthy()) {
            context.insert_dir(&path, meta)
        } else if let Some(target) = get("l").and_then(|l| l.as_string()) {
            context.insert_symlink(&path, &target, meta)
        } else {
            let bytes = get("b")?.dyn_into::<Uint8Array>().ok()?.to_vec();
            context.insert_file(&path, bytes, meta)
        };
        // A record the engine refuses means the store is not ours or is damaged.
        result.ok()?;
    }
    Some(context)
}
