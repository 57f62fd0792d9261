//! The page's side of the engine's worker (`src/bin/layerlab-engine/worker.rs`): starts it
//! (`worker.js`, a module Worker running the engine module, `layerlab-engine`), sends it the
//! requests of [`crate::protocol`] and routes its answers: analyses and checks to the app,
//! progress and results of uploads and exports, terminal output and the widget's
//! evaluations to whoever asked. A push's HTTP requests are made here, with `fetch`.
//!
//! The page links no engine code, so there is no main-thread fallback: when the worker cannot
//! start (or stops), [`Engine::failure`] says why and the app shows it (every browser the
//! page's Content-Security-Policy targets has module workers).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{File, Worker, WorkerOptions, WorkerType};
use yew::Callback;

use layerlab::advisor::Advice;
use layerlab::analysis::Analysis;
use layerlab::context::{Context, FileContent};

use crate::protocol::{
    decode_checks, decode_result, decode_widget, to_records, unpack, ContextOp, EntryRecord,
    ImageFacts, Request, Response, WidgetResult,
};

/// What the app hears from the worker.
pub enum EngineEvent {
    /// The engine module is loaded and running in the worker.
    Ready,
    /// Share link `id` (asked with [`Engine::share`]).
    Shared {
        id: u64,
        fragment: String,
        skipped: Vec<String>,
    },
    /// The share link the page opened with: its Dockerfile and files, or why not.
    Opened(Result<(String, Vec<(String, String)>), String>),
    /// The widget's evaluation `seq`.
    Evaluated { seq: u64, result: Box<WidgetResult> },
    /// An analysis with its simulated build; `ms` in the worker, `decode_ms` on the page.
    Analyzed {
        seq: u64,
        analysis: Box<Analysis>,
        image: Option<ImageFacts>,
        advice: Vec<Advice>,
        ms: f64,
        decode_ms: f64,
    },
    /// The worker's copy of the context could not follow a change (it gets the whole
    /// context again).
    ContextFailed,
    /// The worker failed (or could not start): no engine from now on.
    Stopped(String),
    /// The checks (no build) of request `seq`; `ms` in the worker.
    Checked {
        seq: u64,
        analysis: Box<Analysis>,
        ms: f64,
    },
    /// The checks worker failed: the checks run in the main worker.
    CheckerStopped,
}

/// What the terminal hears about one of its lines.
pub enum TerminalEvent {
    /// The line ran (`running`: a push goes on, [`TerminalEvent::Step`]s follow).
    Output {
        stdout: String,
        stderr: String,
        status: i32,
        clear: bool,
        running: bool,
    },
    /// More output of a push; `status` once it is over.
    Step {
        stdout: String,
        stderr: String,
        status: Option<i32>,
    },
}

/// An upload's progress: the phase (`reading`, `unpacking`, `hashing`), bytes done, total.
#[derive(Clone, Debug, PartialEq)]
pub struct Progress {
    pub phase: String,
    pub done: f64,
    pub total: f64,
}

/// An upload read by the worker: its entries and, in order, the files' bytes (still in
/// JavaScript memory; [`into_contents`] copies them in without a long task).
pub struct ReadUpload {
    pub id: u64,
    pub records: Vec<EntryRecord>,
    pub buffers: Vec<Uint8Array>,
}

struct Upload {
    on_progress: Callback<Progress>,
    on_done: Callback<Result<ReadUpload, String>>,
}

/// An exported archive: its file name and bytes, or why not.
pub type Exported = Result<(String, Uint8Array), String>;
type Handler = Closure<dyn FnMut(JsValue)>;

struct Inner {
    worker: RefCell<Option<Worker>>,
    /// The worker for the checks (parse and lint) of big Dockerfiles.
    checker: RefCell<Option<Worker>>,
    /// Why the worker is not used (shown in the status bar).
    failure: RefCell<Option<String>>,
    next_id: Cell<u64>,
    uploads: RefCell<HashMap<u64, Upload>>,
    exports: RefCell<HashMap<u64, Callback<Exported>>>,
    /// Terminal lines waiting for output (and pushes going on), by id.
    terminals: RefCell<HashMap<u64, Callback<TerminalEvent>>>,
    /// The saved image store was sent (once, before the first line).
    store_sent: Cell<bool>,
    ready: Cell<bool>,
    on_event: Callback<EngineEvent>,
    /// Keeps the worker's handlers alive.
    _handlers: RefCell<Vec<Handler>>,
}

/// A handle on the engine's worker (cheap to clone; equal when the same engine).
#[derive(Clone)]
pub struct Engine(Rc<Inner>);

impl PartialEq for Engine {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl Engine {
    /// Starts the worker and the checks worker; `on_event` hears analyses and failures.
    pub fn start(on_event: Callback<EngineEvent>) -> Engine {
        Engine::start_with(on_event, true)
    }

    /// Starts the worker, and the checks worker when `checker` (the widget needs one only).
    pub fn start_with(on_event: Callback<EngineEvent>, checker: bool) -> Engine {
        let engine = Engine(Rc::new(Inner {
            worker: RefCell::new(None),
            checker: RefCell::new(None),
            failure: RefCell::new(None),
            next_id: Cell::new(1),
            uploads: RefCell::new(HashMap::new()),
            exports: RefCell::new(HashMap::new()),
            terminals: RefCell::new(HashMap::new()),
            store_sent: Cell::new(false),
            ready: Cell::new(false),
            on_event,
            _handlers: RefCell::new(Vec::new()),
        }));
        match engine.spawn(false) {
            Ok(worker) => *engine.0.worker.borrow_mut() = Some(worker),
            Err(e) => *engine.0.failure.borrow_mut() = Some(e),
        }
        // A second instance only for the checks, so a long simulation never delays them.
        if checker {
            if let Ok(worker) = engine.spawn(true) {
                *engine.0.checker.borrow_mut() = Some(worker);
            }
        }
        engine
    }

    /// Starts a worker (`checker`: the one for the checks, which may fail on its own).
    fn spawn(&self, checker: bool) -> Result<Worker, String> {
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let worker = Worker::new_with_options("./worker.js", &options).map_err(|e| {
            format!(
                "the engine's worker could not start ({})",
                e.as_string().unwrap_or_else(|| "blocked".to_string())
            )
        })?;
        let weak = Rc::downgrade(&self.0);
        let on_message = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            if let Some(inner) = weak.upgrade() {
                Engine(inner).receive(&event);
            }
        });
        let weak = Rc::downgrade(&self.0);
        let on_error = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            let message = Reflect::get(&event, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| "the engine's worker could not start".to_string());
            let Some(inner) = weak.upgrade() else {
                return;
            };
            if checker {
                // The checks run in the main worker from now on.
                if let Some(worker) = inner.checker.borrow_mut().take() {
                    worker.terminate();
                }
                inner.on_event.emit(EngineEvent::CheckerStopped);
            } else {
                Engine(inner).stop(message);
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        self.0._handlers.borrow_mut().extend([on_message, on_error]);
        Ok(worker)
    }

    /// Asks the checks worker (or, when it failed, the main one) for the checks of `text`.
    pub fn check(&self, seq: u64, text: &str) {
        let request = Request::Check {
            seq,
            text: text.to_string(),
        };
        match self.0.checker.borrow().as_ref() {
            Some(checker) => post(checker, &request, &Array::new(), &Array::new()),
            None => self.send(&request, &Array::new(), &Array::new()),
        }
    }

    /// Whether the engine module has loaded in the worker (the first answers come soon).
    pub fn is_ready(&self) -> bool {
        self.0.ready.get()
    }

    /// Why there is no engine, when there is none.
    pub fn failure(&self) -> Option<String> {
        self.0.failure.borrow().clone()
    }

    fn next_id(&self) -> u64 {
        let id = self.0.next_id.get();
        self.0.next_id.set(id + 1);
        id
    }

    /// Posts a request with `bufs` (transferred) and `files`.
    fn send(&self, request: &Request, bufs: &Array, files: &Array) {
        if let Some(worker) = self.0.worker.borrow().as_ref() {
            post(worker, request, bufs, files);
        }
    }

    /// The worker failed: everything waiting on it hears why, the app falls back.
    fn stop(&self, reason: String) {
        if let Some(worker) = self.0.worker.borrow_mut().take() {
            worker.terminate();
        }
        if let Some(worker) = self.0.checker.borrow_mut().take() {
            worker.terminate();
        }
        *self.0.failure.borrow_mut() = Some(reason.clone());
        let uploads: Vec<Upload> = self
            .0
            .uploads
            .borrow_mut()
            .drain()
            .map(|(_, u)| u)
            .collect();
        for upload in uploads {
            upload
                .on_done
                .emit(Err(format!("the engine's worker stopped: {reason}")));
        }
        let exports: Vec<_> = self
            .0
            .exports
            .borrow_mut()
            .drain()
            .map(|(_, e)| e)
            .collect();
        for export in exports {
            export.emit(Err(format!("the engine's worker stopped: {reason}")));
        }
        let terminals: Vec<_> = self
            .0
            .terminals
            .borrow_mut()
            .drain()
            .map(|(_, t)| t)
            .collect();
        for terminal in terminals {
            terminal.emit(TerminalEvent::Step {
                stdout: String::new(),
                stderr: format!("layerlab: the engine's worker stopped: {reason}\n"),
                status: Some(1),
            });
        }
        self.0.on_event.emit(EngineEvent::Stopped(reason));
    }

    /// Handles a message of a worker (measured as `layerlab:message`, rendering included).
    fn receive(&self, event: &JsValue) {
        crate::app::mark("layerlab:message-start");
        self.handle(event);
        crate::app::measure("layerlab:message", "layerlab:message-start");
    }

    fn handle(&self, event: &JsValue) {
        let data = Reflect::get(event, &"data".into()).unwrap_or_default();
        let Some(json) = Reflect::get(&data, &"json".into())
            .ok()
            .and_then(|j| j.as_string())
        else {
            return;
        };
        let bufs: Vec<Uint8Array> = Reflect::get(&data, &"bufs".into())
            .ok()
            .and_then(|b| b.dyn_into::<Array>().ok())
            .map(|a| a.iter().map(|b| Uint8Array::new(&b)).collect())
            .unwrap_or_default();
        let start = crate::dom::now_ms();
        let response = match serde_json::from_str::<Response>(&json) {
            Ok(r) => r,
            Err(e) => {
                self.stop(format!("the engine's worker sent a bad message: {e}"));
                return;
            }
        };
        match response {
            Response::Ready => {
                self.0.ready.set(true);
                self.0.on_event.emit(EngineEvent::Ready);
            }
            Response::Analyzed { seq, ms } => {
                crate::app::mark("layerlab:result-start");
                let bytes = bufs.first().map(|b| b.to_vec()).unwrap_or_default();
                let (analysis, image, advice) = match decode_result(&bytes) {
                    Ok(result) => {
                        let (analysis, image, advice) = unpack(result);
                        (Box::new(analysis), image, advice)
                    }
                    Err(e) => {
                        self.stop(e);
                        return;
                    }
                };
                let decode_ms = crate::dom::now_ms() - start;
                // Decoding was this task; the app's update and render run in the next one, so
                // that neither nears the 50 ms of a long task on a big build.
                let on_event = self.0.on_event.clone();
                gloo::timers::callback::Timeout::new(0, move || {
                    on_event.emit(EngineEvent::Analyzed {
                        seq,
                        analysis,
                        image,
                        advice,
                        ms,
                        decode_ms,
                    })
                })
                .forget();
            }
            Response::Progress {
                id,
                phase,
                done,
                total,
            } => {
                let callback = self
                    .0
                    .uploads
                    .borrow()
                    .get(&id)
                    .map(|u| u.on_progress.clone());
                if let Some(callback) = callback {
                    callback.emit(Progress { phase, done, total });
                }
            }
            Response::Read { id, result } => {
                let upload = self.0.uploads.borrow_mut().remove(&id);
                match upload {
                    Some(upload) => upload.on_done.emit(result.map(|records| ReadUpload {
                        id,
                        records,
                        buffers: bufs,
                    })),
                    // Cancelled meanwhile: the worker forgets it too.
                    None => self.send(&Request::Cancel { id }, &Array::new(), &Array::new()),
                }
            }
            Response::Exported { id, result } => {
                let callback = self.0.exports.borrow_mut().remove(&id);
                if let Some(callback) = callback {
                    callback.emit(result.and_then(|name| {
                        bufs.into_iter()
                            .next()
                            .map(|b| (name, b))
                            .ok_or_else(|| "the export is empty".to_string())
                    }));
                }
            }
            Response::Checked { seq, ms } => {
                let bytes = bufs.first().map(|b| b.to_vec()).unwrap_or_default();
                match decode_checks(&bytes) {
                    Ok(analysis) => self.0.on_event.emit(EngineEvent::Checked {
                        seq,
                        analysis: Box::new(analysis),
                        ms,
                    }),
                    Err(e) => self.stop(e),
                }
            }
            Response::ContextFailed { .. } => self.0.on_event.emit(EngineEvent::ContextFailed),
            Response::Terminal {
                id,
                stdout,
                stderr,
                status,
                clear,
                store,
                running,
            } => {
                crate::terminal_view::save_store(&store);
                let callback = if running {
                    self.0.terminals.borrow().get(&id).cloned()
                } else {
                    self.0.terminals.borrow_mut().remove(&id)
                };
                if let Some(callback) = callback {
                    callback.emit(TerminalEvent::Output {
                        stdout,
                        stderr,
                        status,
                        clear,
                        running,
                    });
                }
            }
            Response::PushRequest {
                id,
                method,
                url,
                headers,
                has_body,
            } => {
                let body = if has_body {
                    bufs.into_iter().next()
                } else {
                    None
                };
                let engine = self.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let response =
                        crate::terminal_view::perform(&method, &url, &headers, body).await;
                    engine.send(
                        &Request::PushResponse { id, response },
                        &Array::new(),
                        &Array::new(),
                    );
                });
            }
            Response::PushStep {
                id,
                stdout,
                stderr,
                status,
                store,
            } => {
                if let Some(store) = store {
                    crate::terminal_view::save_store(&store);
                }
                let callback = if status.is_some() {
                    self.0.terminals.borrow_mut().remove(&id)
                } else {
                    self.0.terminals.borrow().get(&id).cloned()
                };
                if let Some(callback) = callback {
                    callback.emit(TerminalEvent::Step {
                        stdout,
                        stderr,
                        status,
                    });
                }
            }
            Response::Shared {
                id,
                fragment,
                skipped,
            } => self.0.on_event.emit(EngineEvent::Shared {
                id,
                fragment,
                skipped,
            }),
            Response::Opened { result } => self.0.on_event.emit(EngineEvent::Opened(result)),
            Response::Evaluated { seq } => {
                let bytes = bufs.first().map(|b| b.to_vec()).unwrap_or_default();
                match decode_widget(&bytes) {
                    Ok(result) => self.0.on_event.emit(EngineEvent::Evaluated {
                        seq,
                        result: Box::new(result),
                    }),
                    Err(e) => self.stop(e),
                }
            }
        }
    }

    /// Asks for the analysis and simulation of `text`.
    pub fn analyze(
        &self,
        seq: u64,
        text: &str,
        target: Option<usize>,
        build_args: &[(String, String)],
        epoch: i64,
    ) {
        let request = Request::Analyze {
            seq,
            text: text.to_string(),
            target,
            build_args: build_args.to_vec(),
            epoch,
        };
        self.send(&request, &Array::new(), &Array::new());
    }

    /// Gives the worker catalog data (`base-images.json` or a package index file name). The
    /// checks worker gets the base-image catalog too (the lint knows base images by it).
    pub fn catalog(&self, file: &str, bytes: &[u8]) {
        if file == crate::base_catalog::FILE {
            if let Some(checker) = self.0.checker.borrow().as_ref() {
                let request = Request::Catalog {
                    file: file.to_string(),
                };
                let bufs: Array =
                    std::iter::once(JsValue::from(Uint8Array::from(bytes).buffer())).collect();
                post(checker, &request, &bufs, &Array::new());
            }
        }
        let bufs: Array =
            std::iter::once(JsValue::from(Uint8Array::from(bytes).buffer())).collect();
        let request = Request::Catalog {
            file: file.to_string(),
        };
        self.send(&request, &bufs, &Array::new());
    }

    /// Makes `op` on the worker's copy of the context (`persist`: then saves it).
    pub fn context_op(&self, op: ContextOp, persist: bool) {
        self.send(
            &Request::Context { op, persist },
            &Array::new(),
            &Array::new(),
        );
    }

    /// Gives the worker the whole context (its copy is replaced).
    pub fn replace_context(&self, context: &Context, persist: bool) {
        let (records, contents) = to_records(context);
        let bufs: Array = contents
            .iter()
            .map(|c| JsValue::from(Uint8Array::from(c.bytes()).buffer()))
            .collect();
        let request = Request::Context {
            op: ContextOp::Replace { records },
            persist,
        };
        self.send(&request, &bufs, &Array::new());
    }

    /// Asks the worker for the context saved in IndexedDB, read like an upload: `on_done`
    /// hears its entries (adopt it with [`ContextOp::Saved`], or [`Engine::cancel`] it), or
    /// why there is none.
    pub fn load_saved(&self, on_done: Callback<Result<ReadUpload, String>>) {
        if let Some(reason) = self.failure() {
            on_done.emit(Err(format!("no engine: {reason}")));
            return;
        }
        let id = self.next_id();
        let on_progress = Callback::noop();
        self.0.uploads.borrow_mut().insert(
            id,
            Upload {
                on_progress,
                on_done,
            },
        );
        self.send(&Request::LoadSaved { id }, &Array::new(), &Array::new());
    }

    /// Reads `files` in the worker (one archive to unpack when `archive`); returns the
    /// upload's id (for [`Engine::cancel`] and [`ContextOp::Upload`]).
    pub fn read(
        &self,
        files: Vec<(String, File)>,
        archive: bool,
        on_progress: Callback<Progress>,
        on_done: Callback<Result<ReadUpload, String>>,
    ) -> u64 {
        let id = self.next_id();
        self.0.uploads.borrow_mut().insert(
            id,
            Upload {
                on_progress,
                on_done,
            },
        );
        let (paths, list): (Vec<String>, Vec<File>) = files.into_iter().unzip();
        let files: Array = list.into_iter().map(JsValue::from).collect();
        self.send(&Request::Read { id, paths, archive }, &Array::new(), &files);
        id
    }

    /// Stops upload `id`: nothing of it reaches the context.
    pub fn cancel(&self, id: u64) {
        self.0.uploads.borrow_mut().remove(&id);
        self.send(&Request::Cancel { id }, &Array::new(), &Array::new());
    }

    /// Asks the worker for the image as an archive (`oci` or `docker`).
    pub fn export(&self, kind: &str, on_done: Callback<Exported>) {
        if let Some(reason) = self.failure() {
            on_done.emit(Err(format!("no engine: {reason}")));
            return;
        }
        let id = self.next_id();
        self.0.exports.borrow_mut().insert(id, on_done);
        let request = Request::Export {
            id,
            kind: kind.to_string(),
        };
        self.send(&request, &Array::new(), &Array::new());
    }
}

impl Engine {
    /// Runs a terminal line in the worker with `dockerfile` and its copy of the context;
    /// `on_event` hears the output (and a push's progress). The saved image store goes
    /// first, once.
    pub fn terminal(&self, line: &str, dockerfile: &str, on_event: Callback<TerminalEvent>) {
        if !self.0.store_sent.replace(true) {
            let json = crate::terminal_view::saved_store();
            self.send(
                &Request::TerminalStore { json },
                &Array::new(),
                &Array::new(),
            );
        }
        if let Some(reason) = self.failure() {
            on_event.emit(TerminalEvent::Output {
                stdout: String::new(),
                stderr: format!("layerlab: no engine: {reason}\n"),
                status: 1,
                clear: false,
                running: false,
            });
            return;
        }
        let id = self.next_id();
        self.0.terminals.borrow_mut().insert(id, on_event);
        let request = Request::Terminal {
            id,
            line: line.to_string(),
            dockerfile: dockerfile.to_string(),
        };
        self.send(&request, &Array::new(), &Array::new());
    }

    /// Asks for a share link of `dockerfile` and the worker's context; returns its id (the
    /// answer is [`EngineEvent::Shared`]).
    pub fn share(&self, dockerfile: &str) -> u64 {
        let id = self.next_id();
        let request = Request::Share {
            id,
            dockerfile: dockerfile.to_string(),
        };
        self.send(&request, &Array::new(), &Array::new());
        id
    }

    /// Asks the worker to read a share link's fragment ([`EngineEvent::Opened`]).
    pub fn open_share(&self, fragment: &str) {
        let request = Request::OpenShare {
            fragment: fragment.to_string(),
        };
        self.send(&request, &Array::new(), &Array::new());
    }

    /// Asks for the widget's evaluation of `text` with `files` against `checks`.
    pub fn evaluate(
        &self,
        seq: u64,
        text: &str,
        files: &std::collections::BTreeMap<String, String>,
        checks: &[layerlab::labcheck::CheckSpec],
    ) {
        let request = Request::Evaluate {
            seq,
            text: text.to_string(),
            files: files.clone(),
            checks: checks.to_vec(),
        };
        self.send(&request, &Array::new(), &Array::new());
    }
}

/// Bytes copied into wasm memory per step, between which the page stays responsive.
const COPY_STEP: usize = 8 << 20;

/// The upload's buffers as file contents, copied a step at a time (a 100 MB file is not
/// one long task).
pub async fn into_contents(buffers: Vec<Uint8Array>) -> Vec<FileContent> {
    let mut contents = Vec::with_capacity(buffers.len());
    let mut since_pause = 0;
    for array in buffers {
        let len = array.length() as usize;
        let mut bytes = Vec::with_capacity(len);
        let mut at = 0;
        while at < len {
            let end = (at + COPY_STEP).min(len);
            bytes.resize(end, 0);
            array
                .subarray(at as u32, end as u32)
                .copy_to(&mut bytes[at..end]);
            since_pause += end - at;
            at = end;
            if since_pause >= COPY_STEP {
                since_pause = 0;
                crate::pause::pause().await;
            }
        }
        contents.push(FileContent::from_vec(bytes));
    }
    contents
}

/// Posts `request` to `worker` with `bufs` (transferred) and `files`.
fn post(worker: &Worker, request: &Request, bufs: &Array, files: &Array) {
    let message = Object::new();
    let _ = Reflect::set(&message, &"json".into(), &request.to_json().into());
    let _ = Reflect::set(&message, &"bufs".into(), bufs);
    let _ = Reflect::set(&message, &"files".into(), files);
    let _ = worker.post_message_with_transfer(&message, bufs);
}
