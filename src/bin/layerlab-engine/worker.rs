//! The engine's worker: the `layerlab-engine` wasm, started by `www/worker.js` in a module
//! Web Worker, runs the heavy work so the page never freezes: the build simulation (it owns
//! a copy of the build context and the previous `Build`, whose cache the next simulation
//! reuses), reading and hashing uploads (with progress, cancellable), unpacking archives,
//! writing layer tars and gzip blobs, image exports, and saving the context in IndexedDB.
//!
//! It also runs the terminal's commands ([`crate::terminal`]) and the widget's evaluations
//! ([`crate::widget`]). It answers the requests of [`crate::protocol`]; the page
//! (`src/bin/layerlab-web/engine.rs`) renders.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DedicatedWorkerGlobalScope, File};

use layerlab::advisor;
use layerlab::analysis::{analyze, analyze_with_context, SharedBuild};
use layerlab::catalog::base_images::BaseImageCatalog;
use layerlab::catalog::distro_data::PackageDataset;
use layerlab::catalog::packages::PackageCatalog;
use layerlab::context::{Context, FileContent};
use layerlab::image::{docker_save, oci_layout, Compression};
use layerlab::simulate::{BuildOptions, Catalogs};
use layerlab::syntax;

use crate::pack::pack;
use crate::protocol::{
    encode_checks, encode_result, encode_widget, file_record, from_records, to_records,
    with_records, ContextOp, EntryRecord, Request, Response,
};
use crate::terminal::{now_secs, Outgoing, Terminal};
use crate::{idb, workspace};
use crate::{share, widget};

/// Bytes read from a file per step (progress and cancellation happen between steps).
const READ_CHUNK: f64 = 4.0 * 1024.0 * 1024.0;

struct State {
    context: Context,
    catalogs: Catalogs,
    /// Catalog data arrived since the last simulation: its cached steps are stale.
    catalogs_changed: bool,
    previous: Option<SharedBuild>,
    /// Uploads read and not yet applied (or discarded) by the page.
    pending: HashMap<u64, (Vec<EntryRecord>, Vec<FileContent>)>,
    /// Uploads the page cancelled.
    cancelled: HashSet<u64>,
    /// The base-image catalog alone: what the terminal's and the widget's builds use (they
    /// never had the package indexes).
    base_images: Option<BaseImageCatalog>,
    terminal: Terminal,
}

type Shared = Rc<RefCell<State>>;

/// Starts the worker: handles the messages `worker.js` queued while the wasm loaded, then
/// every later one.
#[wasm_bindgen]
pub fn worker_entry(queued: Array) {
    let state: Shared = Rc::new(RefCell::new(State {
        context: Context::new(),
        catalogs: Catalogs::new(None),
        catalogs_changed: false,
        previous: None,
        pending: HashMap::new(),
        cancelled: HashSet::new(),
        base_images: None,
        terminal: Terminal::default(),
    }));
    post(&Response::Ready, &Array::new());
    for event in queued.iter() {
        handle(
            &state,
            Reflect::get(&event, &"data".into()).unwrap_or_default(),
        );
    }
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let handler =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            handle(&state, e.data())
        });
    scope.set_onmessage(Some(handler.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    handler.forget();
}

/// Posts a response with `bufs` (ArrayBuffers) transferred, not copied.
fn post(response: &Response, bufs: &Array) {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let message = Object::new();
    let _ = Reflect::set(&message, &"json".into(), &response.to_json().into());
    let _ = Reflect::set(&message, &"bufs".into(), bufs);
    let _ = scope.post_message_with_transfer(&message, bufs);
}

fn now_ms() -> f64 {
    js_sys::global()
        .unchecked_into::<DedicatedWorkerGlobalScope>()
        .performance()
        .map_or(0.0, |p| p.now())
}

/// A fresh `ArrayBuffer` with a copy of `bytes` (to transfer).
/// Answers read `id` (an upload, or the saved context), unless the page cancelled it: keeps
/// the entries until the page applies them, and sends the page a copy of the bytes.
fn answer_read(
    state: &Shared,
    id: u64,
    result: Result<(Vec<EntryRecord>, Vec<FileContent>), String>,
) {
    let mut s = state.borrow_mut();
    if s.cancelled.remove(&id) {
        return;
    }
    match result {
        Ok((records, contents)) => {
            let bufs: Array = contents.iter().map(|c| buffer_of(c.bytes())).collect();
            s.pending.insert(id, (records.clone(), contents));
            drop(s);
            let result = Ok(records);
            post(&Response::Read { id, result }, &bufs);
        }
        Err(e) => {
            drop(s);
            post(&Response::Read { id, result: Err(e) }, &Array::new());
        }
    }
}

fn buffer_of(bytes: &[u8]) -> JsValue {
    Uint8Array::from(bytes).buffer().into()
}

/// The message's buffers as file contents.
fn contents_of(bufs: &JsValue) -> Vec<FileContent> {
    bufs.dyn_ref::<Array>()
        .map(|a| {
            a.iter()
                .map(|b| FileContent::from_vec(Uint8Array::new(&b).to_vec()))
                .collect()
        })
        .unwrap_or_default()
}

fn handle(state: &Shared, data: JsValue) {
    let get = |k: &str| Reflect::get(&data, &k.into()).unwrap_or_default();
    let Some(request) = get("json")
        .as_string()
        .and_then(|j| serde_json::from_str::<Request>(&j).ok())
    else {
        return;
    };
    match request {
        Request::Analyze {
            seq,
            text,
            target,
            build_args,
            epoch,
        } => {
            let start = now_ms();
            let mut s = state.borrow_mut();
            let context = workspace::with_dockerfile(&s.context, &text);
            let options = BuildOptions {
                target: target.map(|t| t.to_string()),
                build_args,
                epoch,
                ..BuildOptions::default()
            };
            let previous = if std::mem::take(&mut s.catalogs_changed) {
                None
            } else {
                s.previous.clone()
            };
            let analysis = analyze_with_context(
                text.as_bytes(),
                &context,
                &options,
                &s.catalogs,
                previous.as_ref().map(|b| &*b.0),
            );
            s.previous = analysis.build.clone();
            let advice = match &analysis.build {
                Some(build) => advisor::advise(&build.0, &syntax::parse(&text), &s.catalogs),
                None => Vec::new(),
            };
            drop(s);
            let result = encode_result(&pack(analysis, advice));
            let ms = now_ms() - start;
            let bufs: Array = std::iter::once(buffer_of(&result)).collect();
            post(&Response::Analyzed { seq, ms }, &bufs);
        }
        Request::Catalog { file } => {
            let bytes = get("bufs")
                .dyn_ref::<Array>()
                .map(|a| Uint8Array::new(&a.get(0)).to_vec())
                .unwrap_or_default();
            let mut s = state.borrow_mut();
            if file == "base-images.json" {
                if let Ok(catalog) = BaseImageCatalog::from_json(&bytes) {
                    // The lint consults the process's catalog (the checks run here too).
                    BaseImageCatalog::install(catalog.clone());
                    s.base_images = Some(catalog.clone());
                    s.catalogs = Catalogs::new(Some(catalog));
                    s.catalogs_changed = true;
                }
            } else if let Some(dataset) = [
                PackageDataset::DebianBookwormAmd64,
                PackageDataset::DebianTrixieAmd64,
            ]
            .into_iter()
            .find(|d| d.file_name() == file)
            {
                if let Ok(catalog) = PackageCatalog::from_bytes(&bytes) {
                    s.catalogs.set_packages(dataset, catalog);
                    s.catalogs_changed = true;
                }
            }
        }
        Request::Read { id, paths, archive } => {
            let files: Vec<File> = get("files")
                .dyn_ref::<Array>()
                .map(|a| a.iter().map(|f| f.unchecked_into()).collect())
                .unwrap_or_default();
            let state = state.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let result = read_upload(&state, id, paths, files, archive).await;
                answer_read(&state, id, result);
            });
        }
        Request::LoadSaved { id } => {
            let state = state.clone();
            idb::load(move |saved| {
                let result = saved
                    .map(|context| to_records(&context))
                    .ok_or_else(|| "no saved context".to_string());
                answer_read(&state, id, result);
            });
        }
        Request::Cancel { id } => {
            let mut s = state.borrow_mut();
            if s.pending.remove(&id).is_none() {
                s.cancelled.insert(id);
            }
        }
        Request::Context { op, persist } => {
            let mut s = state.borrow_mut();
            let result = match op {
                ContextOp::Replace { records } => from_records(&records, contents_of(&get("bufs"))),
                ContextOp::Upload { id } => match s.pending.remove(&id) {
                    Some((records, contents)) => {
                        with_records(&s.context, &records, contents).map(|(c, _)| c)
                    }
                    None => Err(format!("upload {id} is not here")),
                },
                ContextOp::Saved { id } => match s.pending.remove(&id) {
                    Some((records, contents)) => from_records(&records, contents),
                    None => Err(format!("the saved context {id} is not here")),
                },
                ContextOp::Text { path, text } => workspace::with_text(&s.context, &path, &text),
                ContextOp::Rename { from, to } => workspace::renamed(&s.context, &from, &to),
                ContextOp::Delete { path } => workspace::without(&s.context, &path),
            };
            match result {
                Ok(context) => {
                    s.context = context;
                    if persist {
                        idb::save(&s.context);
                    }
                }
                Err(error) => post(&Response::ContextFailed { error }, &Array::new()),
            }
        }
        Request::Check { seq, text } => {
            let start = now_ms();
            let bytes = encode_checks(&analyze(&text));
            let ms = now_ms() - start;
            let bufs: Array = std::iter::once(buffer_of(&bytes)).collect();
            post(&Response::Checked { seq, ms }, &bufs);
        }
        Request::Export { id, kind } => {
            let s = state.borrow();
            let result = match &s.previous {
                None => Err("no build to export".to_string()),
                Some(build) => {
                    let layers = build.0.owned_layers();
                    let config = build.0.image_config();
                    if kind == "docker" {
                        docker_save(config, &layers, crate::REFERENCE)
                    } else {
                        oci_layout(config, &layers, crate::REFERENCE, Compression::Gzip)
                            .map(|(f, _)| f)
                    }
                    .map(|files| files.to_tar())
                    .map_err(|e| format!("Cannot export the image: {e}"))
                }
            };
            drop(s);
            match result {
                Ok(tar) => {
                    let name = if kind == "docker" {
                        "image-docker.tar"
                    } else {
                        "image-oci.tar"
                    };
                    let bufs: Array = std::iter::once(buffer_of(&tar)).collect();
                    post(
                        &Response::Exported {
                            id,
                            result: Ok(name.to_string()),
                        },
                        &bufs,
                    );
                }
                Err(e) => post(&Response::Exported { id, result: Err(e) }, &Array::new()),
            }
        }
        Request::TerminalStore { json } => state.borrow_mut().terminal.load(json.as_deref()),
        Request::Terminal {
            id,
            line,
            dockerfile,
        } => {
            let mut s = state.borrow_mut();
            let catalogs = Catalogs::new(s.base_images.clone());
            let State {
                terminal, context, ..
            } = &mut *s;
            let out = terminal.run(id, &line, &dockerfile, context, &catalogs);
            drop(s);
            post_all(out);
        }
        Request::PushResponse { id, response } => {
            let out = state.borrow_mut().terminal.advance(id, response);
            post_all(out);
        }
        Request::Share { id, dockerfile } => {
            let encoded = share::encode(&dockerfile, &workspace::files(&state.borrow().context));
            post(
                &Response::Shared {
                    id,
                    fragment: encoded.fragment,
                    skipped: encoded.skipped,
                },
                &Array::new(),
            );
        }
        Request::OpenShare { fragment } => {
            let result = share::decode(&fragment).map(|s| (s.dockerfile, s.files));
            post(&Response::Opened { result }, &Array::new());
        }
        Request::Evaluate {
            seq,
            text,
            files,
            checks,
        } => {
            let catalogs = Catalogs::new(state.borrow().base_images.clone());
            let result = widget::evaluate(&text, &files, &checks, &catalogs, now_secs());
            let bufs: Array = std::iter::once(buffer_of(&encode_widget(&result))).collect();
            post(&Response::Evaluated { seq }, &bufs);
        }
    }
}

/// Posts the terminal's messages in order, each with its body (if any) transferred.
fn post_all(messages: Vec<Outgoing>) {
    for (response, body) in messages {
        let bufs: Array = body.iter().map(|b| buffer_of(b)).collect();
        post(&response, &bufs);
    }
}

fn is_cancelled(state: &Shared, id: u64) -> bool {
    state.borrow().cancelled.contains(&id)
}

/// Reads (in steps, with progress), unpacks an archive, and hashes an upload. `Err("")`
/// when cancelled.
async fn read_upload(
    state: &Shared,
    id: u64,
    paths: Vec<String>,
    files: Vec<File>,
    archive: bool,
) -> Result<(Vec<EntryRecord>, Vec<FileContent>), String> {
    let total: f64 = files.iter().map(|f| f.size()).sum();
    let progress = |phase: &str, done: f64| {
        post(
            &Response::Progress {
                id,
                phase: phase.to_string(),
                done,
                total,
            },
            &Array::new(),
        )
    };
    let mut done = 0.0;
    let mut read = Vec::with_capacity(files.len());
    for file in &files {
        let size = file.size();
        let mut bytes: Vec<u8> = Vec::new();
        bytes
            .try_reserve_exact(size as usize)
            .map_err(|_| format!("{}: not enough memory for {size} bytes", file.name()))?;
        let mut offset = 0.0;
        while offset < size {
            if is_cancelled(state, id) {
                return Err(String::new());
            }
            let end = (offset + READ_CHUNK).min(size);
            let chunk = file
                .slice_with_f64_and_f64(offset, end)
                .map_err(|_| format!("cannot read {}", file.name()))?;
            let buffer = JsFuture::from(chunk.array_buffer())
                .await
                .map_err(|_| format!("cannot read {}", file.name()))?;
            let array = Uint8Array::new(&buffer);
            let at = bytes.len();
            bytes.resize(at + array.length() as usize, 0);
            array.copy_to(&mut bytes[at..]);
            done += end - offset;
            offset = end;
            progress("reading", done);
        }
        read.push(bytes);
    }
    let (records, contents) = if archive {
        let name = files.first().map(|f| f.name()).unwrap_or_default();
        let bytes = read.into_iter().next().unwrap_or_default();
        progress("unpacking", total);
        let unpacked = Context::from_archive(bytes).map_err(|e| format!("{name}: {e}"))?;
        to_records(&unpacked)
    } else {
        let records = paths.into_iter().map(file_record).collect();
        (
            records,
            read.into_iter().map(FileContent::from_vec).collect(),
        )
    };
    // Hash now (the digests are cached in the contents the simulation will read).
    let all: f64 = contents.iter().map(|c| c.len() as f64).sum();
    let mut hashed = 0.0;
    for content in &contents {
        if is_cancelled(state, id) {
            return Err(String::new());
        }
        content.digest();
        hashed += content.len() as f64;
        post(
            &Response::Progress {
                id,
                phase: "hashing".to_string(),
                done: hashed,
                total: all,
            },
            &Array::new(),
        );
        if content.len() > 1 << 20 {
            // Let a Cancel message in between big files.
            crate::pause::pause().await;
        }
    }
    Ok((records, contents))
}
