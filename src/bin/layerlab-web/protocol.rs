//! The messages between the page and the engine's worker (`worker.rs`), and the two
//! conversions that cross the thread boundary: a build context as entry records plus file
//! bytes, and a simulated build as its serialised report plus what the Image panel shows
//! (config and manifest JSON, digests, docker views: never a layer's bytes).
//!
//! Every message is one JSON text (`serde_json`); file and archive bytes travel beside it as
//! transferable `ArrayBuffer`s and picked files as `File` objects, never inside the JSON.
//! Pure data, no browser API: the round trips are unit-tested natively (in the engine's
//! `pack.rs`, which makes what the page restores).
//!
//! One source file compiled into both binaries (`#[path]` in `layerlab-engine`): the page
//! (`layerlab-web`) writes requests and reads responses, the engine the other way round, and
//! neither links the other's side of the work.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use layerlab::advisor::{self, Advice, Fix};
use layerlab::analysis::Analysis;
use layerlab::context::{Context, EntryKind, FileContent, Metadata};
use layerlab::image::{Descriptor, Digest};
use layerlab::labcheck::{CheckResult, CheckSpec};
use layerlab::simulate::Certainty;
use layerlab::span::Span;
use layerlab::terminal::StoredImage;

/// What the page asks the worker.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub enum Request {
    /// Analyse and simulate `text` with the worker's context. `seq` comes back with the
    /// result; `fresh` drops the cached steps (new catalog data changes results, not keys).
    Analyze {
        seq: u64,
        text: String,
        target: Option<usize>,
        build_args: Vec<(String, String)>,
        epoch: i64,
    },
    /// Catalog data (the bytes travel beside the message): `base-images.json` or a Debian
    /// package index by its file name.
    Catalog { file: String },
    /// Read the attached files (an upload), hashing them, reporting progress. `archive`:
    /// one `.tar`/`.tar.gz` to unpack. The result is kept as upload `id` until the page
    /// applies it ([`ContextOp::Upload`]) or discards it.
    Read {
        id: u64,
        paths: Vec<String>,
        archive: bool,
    },
    /// Stop reading upload `id` (or forget its result).
    Cancel { id: u64 },
    /// Read the context saved in IndexedDB as upload `id`: answered with [`Response::Read`]
    /// (an error when nothing is saved); the page adopts it with [`ContextOp::Saved`] or
    /// forgets it with [`Request::Cancel`].
    LoadSaved { id: u64 },
    /// A change of the build context, applied in the page's order; `persist`: save the
    /// context in IndexedDB afterwards.
    Context { op: ContextOp, persist: bool },
    /// The checks only (parse, instructions, lint) of `text`: the checks worker's one job.
    Check { seq: u64, text: String },
    /// The last simulated image as an archive: `oci` (OCI layout) or `docker` (docker load).
    Export { id: u64, kind: String },
    /// The terminal's image store as the page saved it (`localStorage`), sent once before
    /// the first command: the worker keeps the live store.
    TerminalStore { json: Option<String> },
    /// One terminal line (`docker build -t app .`, …), run with `dockerfile` and the
    /// worker's copy of the context.
    Terminal {
        id: u64,
        line: String,
        dockerfile: String,
    },
    /// What the page's `fetch` got for the last [`Response::PushRequest`] of push `id`.
    PushResponse {
        id: u64,
        response: Result<HttpResponseWire, String>,
    },
    /// A share link's fragment for `dockerfile` and the worker's context (its small text
    /// files).
    Share { id: u64, dockerfile: String },
    /// Read a share link's fragment (`#s=…`).
    OpenShare { fragment: String },
    /// The widget's evaluation: the analysis, the build and the lab checks of `text` with
    /// the text `files` as context.
    Evaluate {
        seq: u64,
        text: String,
        files: BTreeMap<String, String>,
        checks: Vec<CheckSpec>,
    },
}

/// A change of the build context: the page makes the same change to its own copy with the
/// same `workspace` function, so both stay equal.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub enum ContextOp {
    /// The whole context (records; file bytes beside the message).
    Replace {
        records: Vec<EntryRecord>,
    },
    /// Merge upload `id` read earlier ([`workspace::merged`](crate::workspace::merged)).
    Upload {
        id: u64,
    },
    /// Replace the context by the saved one read as upload `id` ([`Request::LoadSaved`]).
    Saved {
        id: u64,
    },
    /// Create or replace a text file.
    Text {
        path: String,
        text: String,
    },
    Rename {
        from: String,
        to: String,
    },
    Delete {
        path: String,
    },
}

/// Share links' limits (the links are made and read in the worker, `share.rs`; the page
/// shows them).
pub mod share_limits {
    /// The fragment prefix of a share link.
    pub const PREFIX: &str = "s=";
    /// Largest context file carried in a link.
    pub const MAX_FILE_BYTES: usize = 16 * 1024;
    /// Links longer than this may be cut by chat tools and browsers: the UI warns.
    pub const WARN_URL_CHARS: usize = 8_000;
    /// Links longer than this are not offered at all.
    pub const MAX_URL_CHARS: usize = 64_000;
}

/// What the worker answers.
#[derive(Debug, Serialize, Deserialize)]
pub enum Response {
    /// The worker is running (sent once, after the wasm started).
    Ready,
    /// The analysis of request `seq`: a [`BuildResult`] in bincode beside the message
    /// ([`encode_result`]); `ms`: the worker's time.
    Analyzed { seq: u64, ms: f64 },
    /// The checks of request `seq`: an `Analysis` without build in bincode beside the
    /// message ([`encode_checks`]); `ms`: the worker's time.
    Checked { seq: u64, ms: f64 },
    /// Upload `id`: `done` of `total` bytes read (then hashed).
    Progress {
        id: u64,
        phase: String,
        done: f64,
        total: f64,
    },
    /// Upload `id` was read: its entries (file bytes beside the message), or why not.
    Read {
        id: u64,
        result: Result<Vec<EntryRecord>, String>,
    },
    /// Export `id`: the archive's file name (bytes beside the message), or why not.
    Exported {
        id: u64,
        result: Result<String, String>,
    },
    /// A context change the worker could not make (its copy is then out of step).
    ContextFailed { error: String },
    /// Terminal line `id` ran: what it printed; `store`: the image store to save (JSON);
    /// `running`: a push to a real registry goes on ([`Response::PushRequest`]s follow).
    Terminal {
        id: u64,
        stdout: String,
        stderr: String,
        status: i32,
        clear: bool,
        store: String,
        running: bool,
    },
    /// The next HTTP request of push `id`, for the page to make with `fetch` (the page's
    /// Content-Security-Policy decides where it may go); its body beside the message.
    PushRequest {
        id: u64,
        method: String,
        url: String,
        headers: Vec<(String, String)>,
        has_body: bool,
    },
    /// What a step of push `id` printed; `status` once it is over; `store` when the push
    /// recorded a digest in it.
    PushStep {
        id: u64,
        stdout: String,
        stderr: String,
        status: Option<i32>,
        store: Option<String>,
    },
    /// The widget's evaluation `seq`: a [`WidgetResult`] in bincode beside the message.
    Evaluated { seq: u64 },
    /// Share link `id`: its fragment and the files left out of it.
    Shared {
        id: u64,
        fragment: String,
        skipped: Vec<String>,
    },
    /// The share link read: its Dockerfile and (path, text) files, or why it cannot be.
    Opened {
        result: Result<(String, Vec<(String, String)>), String>,
    },
}

/// An HTTP response as the page's `fetch` saw it (the engine's `terminal::HttpResponse`).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct HttpResponseWire {
    pub status: u16,
    pub location: Option<String>,
    pub content_digest: Option<String>,
    pub body: String,
}

/// What the widget shows and reports for one evaluation.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct WidgetResult {
    /// Instructions and diagnostics (without the build).
    pub analysis: Analysis,
    /// The built image, as `docker images`/`inspect` know it.
    pub image: Option<StoredImage>,
    /// Why the build failed.
    pub error: Option<String>,
    /// `docker inspect` of the image (the Image view).
    pub inspect: Option<String>,
    pub checks: Vec<CheckResult>,
}

pub fn encode_widget(result: &WidgetResult) -> Vec<u8> {
    encode(result)
}

pub fn decode_widget(bytes: &[u8]) -> Result<WidgetResult, String> {
    bincode::deserialize(bytes).map_err(|e| format!("cannot decode the widget's result: {e}"))
}

impl Request {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl Response {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// One entry of a context: a file's bytes are the next buffer of the message.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct EntryRecord {
    pub path: String,
    pub kind: RecordKind,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub mtime: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub enum RecordKind {
    File,
    Dir,
    Symlink(String),
}

/// The context as records and, in the same order, the contents of its files.
pub fn to_records(context: &Context) -> (Vec<EntryRecord>, Vec<FileContent>) {
    let mut records = Vec::new();
    let mut contents = Vec::new();
    for (path, entry) in context.walk() {
        let kind = match entry.kind() {
            EntryKind::Dir(_) => RecordKind::Dir,
            EntryKind::Symlink { target } => RecordKind::Symlink(target.clone()),
            _ => match entry.content() {
                Some(content) => {
                    contents.push(content.clone());
                    RecordKind::File
                }
                None => continue,
            },
        };
        let m = entry.metadata();
        records.push(EntryRecord {
            path,
            kind,
            mode: m.mode,
            uid: m.uid,
            gid: m.gid,
            mtime: m.mtime,
        });
    }
    (records, contents)
}

/// The context of `records`, the files' bytes taken in order from `contents`.
pub fn from_records(
    records: &[EntryRecord],
    contents: Vec<FileContent>,
) -> Result<Context, String> {
    with_records(&Context::new(), records, contents).map(|(c, _)| c)
}

/// `records` put into a copy of `base` (replacing same-named entries), all or nothing: how
/// an upload joins the context on both sides. Returns the context and how many files and
/// links were added.
pub fn with_records(
    base: &Context,
    records: &[EntryRecord],
    contents: Vec<FileContent>,
) -> Result<(Context, usize), String> {
    let mut context = base.clone();
    let mut contents = contents.into_iter();
    let mut count = 0;
    for r in records {
        let meta = Metadata {
            mode: r.mode & 0o7777,
            uid: r.uid,
            gid: r.gid,
            mtime: r.mtime,
        };
        let result = match &r.kind {
            RecordKind::Dir => context.insert_dir(&r.path, meta),
            RecordKind::Symlink(target) => context.insert_symlink(&r.path, target, meta),
            RecordKind::File => {
                let content = contents
                    .next()
                    .ok_or_else(|| format!("{}: its bytes are missing", r.path))?;
                context.insert_file(&r.path, content, meta)
            }
        };
        result.map_err(|e| e.to_string())?;
        if r.kind != RecordKind::Dir {
            count += 1;
        }
    }
    Ok((context, count))
}

/// A picked or dropped file's record (what `workspace::with_files` gives it).
pub fn file_record(path: String) -> EntryRecord {
    EntryRecord {
        path,
        kind: RecordKind::File,
        mode: layerlab::context::DEFAULT_FILE_MODE,
        uid: 0,
        gid: 0,
        mtime: 0,
    }
}

/// A simulated build as the worker sends it: the analysis (with the build's serialised
/// report), what the Image panel shows, and the advice.
#[derive(Debug, Serialize, Deserialize)]
pub struct BuildResult {
    pub analysis: Analysis,
    /// The image's config, manifest and views, computed in the worker (the page has no
    /// tar, gzip or sha256): `None` without a build or a stage.
    pub image: Option<ImageFacts>,
    /// The advisor's advice on the build (computed in the worker too).
    pub advice: Vec<AdviceWire>,
}

/// The image as the Image panel shows it and the Export menu downloads it: written in the
/// worker exactly as an exporter would, digests included.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ImageFacts {
    /// Why the digests are not there (the layers whose content is not known, or that they
    /// wait for an export); the rest is then empty.
    pub unknown: Option<String>,
    /// The digests are computable but wait for an export (the built layers are too big to
    /// gzip at every build: [`EAGER_DIGEST_LIMIT`](layerlab::simulate::EAGER_DIGEST_LIMIT)).
    pub deferred: bool,
    pub config_digest: Option<Digest>,
    pub manifest_digest: Option<Digest>,
    pub manifest_size: u64,
    /// The config and manifest JSON as written (their digests are the ones above).
    pub config_json: String,
    pub manifest_json: String,
    /// Per layer of the image, bottom first.
    pub layers: Vec<LayerFacts>,
    /// `docker history` and `docker inspect` of the image.
    pub history: String,
    pub inspect: String,
}

/// One layer of the image: its gzip blob's descriptor and its diff_id.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct LayerFacts {
    pub blob: Descriptor,
    pub diff_id: Digest,
}

/// An [`Advice`] on the wire: its kind as text (the page maps it back to the kind's
/// `&'static str` id from [`advisor::DOCS`]).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct AdviceWire {
    pub number: usize,
    pub id: String,
    pub title: String,
    pub detail: String,
    pub lines: Vec<usize>,
    pub span: Span,
    pub estimated_before_bytes: Option<u64>,
    pub estimated_after_bytes: Option<u64>,
    pub saving_bytes: Option<u64>,
    pub certainty: Certainty,
    pub fix: Option<Fix>,
}

impl From<Advice> for AdviceWire {
    fn from(a: Advice) -> AdviceWire {
        AdviceWire {
            number: a.number,
            id: a.id.to_string(),
            title: a.title,
            detail: a.detail,
            lines: a.lines,
            span: a.span,
            estimated_before_bytes: a.estimated_before_bytes,
            estimated_after_bytes: a.estimated_after_bytes,
            saving_bytes: a.saving_bytes,
            certainty: a.certainty,
            fix: a.fix,
        }
    }
}

impl AdviceWire {
    /// The advice, unless its kind is unknown here.
    pub fn into_advice(self) -> Option<Advice> {
        let id = advisor::DOCS.iter().find(|d| d.id == self.id)?.id;
        Some(Advice {
            number: self.number,
            id,
            title: self.title,
            detail: self.detail,
            lines: self.lines,
            span: self.span,
            estimated_before_bytes: self.estimated_before_bytes,
            estimated_after_bytes: self.estimated_after_bytes,
            saving_bytes: self.saving_bytes,
            certainty: self.certainty,
            fix: self.fix,
        })
    }
}

/// The binary form of a result (bincode: compact, and fast to decode on the page's thread,
/// where JSON took 140 ms for a 5,000-line Dockerfile).
pub fn encode_result(result: &BuildResult) -> Vec<u8> {
    encode(result)
}

/// Bincode into a growing buffer (`bincode::serialize` would first run a second, size-counting
/// serialiser: more code in the page's wasm).
fn encode(value: &impl Serialize) -> Vec<u8> {
    let mut bytes = Vec::new();
    // Writing into a Vec cannot fail; every type here serialises.
    let _ = bincode::serialize_into(&mut bytes, value);
    bytes
}

pub fn decode_result(bytes: &[u8]) -> Result<BuildResult, String> {
    bincode::deserialize(bytes).map_err(|e| format!("cannot decode the worker's result: {e}"))
}

/// The binary form of the checks (an analysis without build).
pub fn encode_checks(analysis: &Analysis) -> Vec<u8> {
    encode(analysis)
}

pub fn decode_checks(bytes: &[u8]) -> Result<Analysis, String> {
    bincode::deserialize(bytes).map_err(|e| format!("cannot decode the worker's checks: {e}"))
}

/// The page's side of the engine's `pack`: the analysis, the image's facts and the advice.
pub fn unpack(result: BuildResult) -> (Analysis, Option<ImageFacts>, Vec<Advice>) {
    let advice = result
        .advice
        .into_iter()
        .filter_map(AdviceWire::into_advice)
        .collect();
    (result.analysis, result.image, advice)
}
