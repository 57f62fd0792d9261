//! The messages between the page and the engine's worker (`worker.rs`), and the two
//! conversions that cross the thread boundary: a build context as entry records plus file
//! bytes, and a simulated build as its serialised report plus its image (config, and each
//! layer's digests and blob descriptor, never its bytes).
//!
//! Every message is one JSON text (`serde_json`); file and archive bytes travel beside it as
//! transferable `ArrayBuffer`s and picked files as `File` objects, never inside the JSON.
//! Pure data, no browser API: the round trips are unit-tested natively.

use serde::{Deserialize, Serialize};

use layerlab::advisor::{self, Advice, Fix};
use layerlab::analysis::Analysis;
use layerlab::context::{Context, EntryKind, FileContent, Metadata};
use layerlab::image::{Compression, Descriptor, Digest, ImageConfig, Layer};
use layerlab::simulate::Build;
use layerlab::simulate::Certainty;
use layerlab::span::Span;

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
    /// A change of the build context, applied in the page's order; `persist`: save the
    /// context in IndexedDB afterwards.
    Context { op: ContextOp, persist: bool },
    /// The checks only (parse, instructions, lint) of `text`: the checks worker's one job.
    Check { seq: u64, text: String },
    /// The last simulated image as an archive: `oci` (OCI layout) or `docker` (docker load).
    Export { id: u64, kind: String },
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
/// report) and the build's image.
#[derive(Debug, Serialize, Deserialize)]
pub struct BuildResult {
    pub analysis: Analysis,
    pub config: ImageConfig,
    pub layers: Vec<LayerDigests>,
    /// The advisor's advice on the build (computed in the worker too).
    pub advice: Vec<AdviceWire>,
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

/// One layer of the final image without its bytes.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub enum LayerDigests {
    /// Known: the diff_id (when known) and the gzip blob's descriptor.
    Blob {
        diff_id: Option<Digest>,
        blob: Descriptor,
    },
    /// Not known: the estimated size and why.
    Unknown { size: Option<u64>, reason: String },
}

/// Packs an analysis and its advice for the page. Writes (and keeps, in the worker's build)
/// each built layer's tar and gzip blob: the page gets their digests without ever holding
/// the bytes.
pub fn pack(analysis: Analysis, advice: Vec<Advice>) -> BuildResult {
    let (config, layers) = match &analysis.build {
        Some(build) => image_of(&build.0),
        None => (ImageConfig::default(), Vec::new()),
    };
    BuildResult {
        analysis,
        config,
        layers,
        advice: advice.into_iter().map(AdviceWire::from).collect(),
    }
}

fn image_of(build: &Build) -> (ImageConfig, Vec<LayerDigests>) {
    let layers = build
        .image_layers()
        .iter()
        .map(|layer| match layer.blob(Compression::Gzip) {
            Ok((blob, _)) => LayerDigests::Blob {
                diff_id: layer.diff_id().ok().cloned(),
                blob,
            },
            Err(e) => LayerDigests::Unknown {
                size: layer.tar_size(),
                // `blob` prefixes the layer's own reason; `Layer::unknown` adds it again.
                reason: e.0.strip_prefix(UNKNOWN_PREFIX).unwrap_or(&e.0).to_string(),
            },
        })
        .collect();
    (build.image_config().clone(), layers)
}

/// How [`Layer::blob`] words an unknown layer's reason.
const UNKNOWN_PREFIX: &str = "layer content not known: ";

/// The page's side of [`pack`]: the analysis whose build has its image restored, and the
/// advice.
pub fn unpack(result: BuildResult) -> (Analysis, Vec<Advice>) {
    let BuildResult {
        mut analysis,
        config,
        layers,
        advice,
    } = result;
    let advice = advice
        .into_iter()
        .filter_map(AdviceWire::into_advice)
        .collect();
    if let Some(shared) = analysis.build.as_mut() {
        let layers = layers
            .into_iter()
            .map(|l| match l {
                LayerDigests::Blob { diff_id, blob } => Layer::base(diff_id, blob),
                LayerDigests::Unknown { size, reason } => Layer::unknown(size, reason),
            })
            .collect();
        // Just deserialised: the only reference.
        if let Some(build) = std::sync::Arc::get_mut(&mut shared.0) {
            build.restore_image(config, layers);
        }
    }
    (analysis, advice)
}

#[cfg(test)]
mod tests {
    use super::*;
    use layerlab::analysis::analyze_with_context;
    use layerlab::simulate::{BuildOptions, Catalogs};

    fn context() -> Context {
        let mut c = Context::new();
        c.insert_file("app.py", "print(1)\n", Metadata::with_mode(0o644))
            .unwrap();
        c.insert_dir("etc", Metadata::with_mode(0o755)).unwrap();
        c.insert_symlink("etc/link", "../app.py", Metadata::with_mode(0o777))
            .unwrap();
        c.insert_file(
            "Dockerfile",
            "FROM scratch\nCOPY . /app\n",
            Metadata::with_mode(0o644),
        )
        .unwrap();
        c
    }

    #[test]
    fn a_context_survives_records_and_bytes() {
        let original = context();
        let (records, contents) = to_records(&original);
        assert_eq!(contents.len(), 2);
        let back = from_records(&records, contents).unwrap();
        assert_eq!(to_records(&back).0, records);
        assert_eq!(back.file("app.py").unwrap().bytes(), b"print(1)\n");
        // Fewer bytes than file records: an error, not a panic.
        assert!(from_records(&records, Vec::new()).is_err());
    }

    /// The page renders from the serialised report and computes the image's config,
    /// manifest and digests from the restored image: they must be what the worker has.
    #[test]
    fn a_build_survives_the_thread_boundary_with_its_image() {
        let text =
            "FROM scratch\nCOPY app.py /app/\nCOPY etc /etc/\nENV A=1\nCMD [\"/app/app.py\"]\n";
        let analysis = analyze_with_context(
            text.as_bytes(),
            &context(),
            &BuildOptions::default(),
            &Catalogs::new(None),
            None,
        );
        let expected = analysis
            .build
            .as_ref()
            .unwrap()
            .0
            .artifacts(Compression::Gzip)
            .unwrap();
        let bytes = encode_result(&pack(analysis.clone(), Vec::new()));
        let (restored, _) = unpack(decode_result(&bytes).unwrap());
        assert_eq!(restored.instructions, analysis.instructions);
        assert_eq!(restored.diagnostics, analysis.diagnostics);
        let build = &restored.build.as_ref().unwrap().0;
        // File previews (a tagged enum in JSON) crossed too.
        assert!(build
            .layers
            .iter()
            .flat_map(|l| &l.changes)
            .any(|c| matches!(
                c.preview,
                Some(layerlab::simulate::ContentPreview::Text { .. })
            )));
        // The report is the same (its JSON, which the CLI prints, too).
        assert_eq!(
            serde_json::to_string(&**build).unwrap(),
            serde_json::to_string(&*analysis.build.as_ref().unwrap().0).unwrap()
        );
        let got = build.artifacts(Compression::Gzip).unwrap();
        assert_eq!(got.config_bytes, expected.config_bytes);
        assert_eq!(got.manifest_bytes, expected.manifest_bytes);
        assert_eq!(got.diff_ids, expected.diff_ids);
        assert_eq!(
            build.image_config(),
            analysis.build.unwrap().0.image_config()
        );
    }

    /// Every cache state (cached, rebuilt with a reason, fresh, config only) and the
    /// simulation's diagnostics survive the binary form.
    #[test]
    fn cache_states_survive_the_binary_form() {
        let text = "FROM scratch\nCOPY app.py /app/\nCOPY etc /etc/\nENV A=$B\nCMD [\"x\"]\n";
        let first = analyze_with_context(
            text.as_bytes(),
            &context(),
            &BuildOptions::default(),
            &Catalogs::new(None),
            None,
        );
        let mut changed = context();
        changed
            .insert_file("etc/new", "x", Metadata::with_mode(0o644))
            .unwrap();
        let second = analyze_with_context(
            text.as_bytes(),
            &changed,
            &BuildOptions::default(),
            &Catalogs::new(None),
            first.build.as_ref().map(|b| &*b.0),
        );
        let report = |a: &Analysis| serde_json::to_string(&*a.build.as_ref().unwrap().0).unwrap();
        for analysis in [first, second] {
            let expected = report(&analysis);
            let (restored, _) =
                unpack(decode_result(&encode_result(&pack(analysis, Vec::new()))).unwrap());
            assert_eq!(report(&restored), expected);
        }
        assert!(decode_result(b"not bincode").is_err());
        // JSON (the CLI, the JS API) keeps its tagged form.
        use layerlab::simulate::CacheState;
        assert_eq!(
            serde_json::to_string(&CacheState::Rebuilt("x".into())).unwrap(),
            r#"{"state":"rebuilt","reason":"x"}"#
        );
        assert_eq!(
            serde_json::to_string(&CacheState::Cached).unwrap(),
            r#"{"state":"cached"}"#
        );
    }

    #[test]
    fn an_unknown_layer_keeps_its_reason() {
        let text = "FROM scratch\nRUN echo hi > /x\n";
        let analysis = analyze_with_context(
            text.as_bytes(),
            &context(),
            &BuildOptions::default(),
            &Catalogs::new(None),
            None,
        );
        let expected = analysis
            .build
            .as_ref()
            .unwrap()
            .0
            .artifacts(Compression::Gzip);
        let (restored, _) =
            unpack(decode_result(&encode_result(&pack(analysis, Vec::new()))).unwrap());
        let got = restored.build.unwrap().0.artifacts(Compression::Gzip);
        assert_eq!(
            got.map(|a| a.config_bytes).map_err(|e| e.to_string()),
            expected.map(|a| a.config_bytes).map_err(|e| e.to_string())
        );
    }

    /// The advice (with its one-click fix) crosses as it is.
    #[test]
    fn advice_survives_the_binary_form() {
        let text = "FROM debian:bookworm\nRUN apt-get update\nRUN apt-get install -y curl\n";
        let catalogs = Catalogs::bundled();
        let analysis = analyze_with_context(
            text.as_bytes(),
            &context(),
            &BuildOptions::default(),
            &catalogs,
            None,
        );
        let advice = advisor::advise(
            &analysis.build.as_ref().unwrap().0,
            &layerlab::syntax::parse(text),
            &catalogs,
        );
        assert!(advice.iter().any(|a| a.fix.is_some()), "{advice:?}");
        let (_, back) =
            unpack(decode_result(&encode_result(&pack(analysis, advice.clone()))).unwrap());
        assert_eq!(back, advice);
    }

    #[test]
    fn checks_survive_the_binary_form() {
        let analysis = layerlab::analysis::analyze("FROM alpine\nRUN apt-get install x\nFROM\n");
        assert!(!analysis.diagnostics.is_empty());
        assert_eq!(decode_checks(&encode_checks(&analysis)).unwrap(), analysis);
    }

    #[test]
    fn requests_round_trip_as_json() {
        let r = Request::Context {
            op: ContextOp::Rename {
                from: "a".into(),
                to: "b".into(),
            },
            persist: true,
        };
        assert_eq!(serde_json::from_str::<Request>(&r.to_json()).unwrap(), r);
    }
}
