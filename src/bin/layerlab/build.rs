//! `layerlab build CONTEXT [-f Dockerfile] [--target T] [--build-arg K=V]… [--platform P]
//! [--format text|json]`: the simulated build, stage by stage and layer by layer.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use layerlab::context::{detect_format, ArchiveFormat, Context};
use layerlab::simulate::{self, Build, BuildOptions, CacheState, Catalogs};

use crate::args::{format_arg, Args, CliError, UsageError};
use crate::input::read_file;

/// Reads CONTEXT, the Dockerfile and the options shared by `build`, `export` and `advise`,
/// and simulates the build.
pub fn load(args: &Args) -> Result<(Build, String), CliError> {
    load_parsed(args).map(|(build, diagnostics, _)| (build, diagnostics))
}

/// [`load`], also returning the parsed Dockerfile (the advisor edits its text).
pub fn load_parsed(args: &Args) -> Result<(Build, String, layerlab::syntax::Parsed), CliError> {
    let context_arg = args.one_positional("CONTEXT")?;
    let dockerfile_flag = args.value("f").or(args.value("file"));
    let source = ContextSource::load(context_arg, dockerfile_flag)?;
    let dockerfile = source.dockerfile_label.clone();
    let mut build_args = Vec::new();
    for (name, value) in &args.values {
        if name == "build-arg" {
            match value.split_once('=') {
                Some((k, v)) => build_args.push((k.to_string(), v.to_string())),
                // `--build-arg K` takes the value from the environment, as docker does.
                None => {
                    if let Ok(v) = std::env::var(value) {
                        build_args.push((value.clone(), v));
                    }
                }
            }
        }
    }
    let options = BuildOptions {
        dockerfile_path: source.dockerfile_path,
        target: args.value("target").map(str::to_string),
        build_args,
        platform: args.value("platform").map(str::to_string),
        epoch: match std::env::var("SOURCE_DATE_EPOCH") {
            Ok(v) => v
                .parse()
                .map_err(|_| UsageError(format!("SOURCE_DATE_EPOCH `{v}` is not a number")))?,
            Err(_) => 0,
        },
    };
    let (text, context) = (source.dockerfile, source.context);
    let parsed = layerlab::syntax::parse_bytes(&text);
    let ins = layerlab::instructions::parse(&parsed.dockerfile);
    let mut build = simulate::build(
        &parsed,
        &ins,
        &context,
        &options,
        &Catalogs::bundled(),
        None,
    );
    let index = parsed.line_index.clone();
    let source = parsed.source.clone();
    let mut errors: Vec<_> = parsed.diagnostics.clone();
    errors.extend(ins.diagnostics.iter().cloned());
    errors.retain(|d| d.severity == layerlab::diagnostic::Severity::Error);
    errors.append(&mut build.diagnostics);
    build.diagnostics = errors;
    let located: Vec<String> = build
        .diagnostics
        .iter()
        .map(|d| {
            let (start, _) = d.located(&source, &index);
            format!(
                "{}:{}:{}: {}[{}]: {}",
                dockerfile,
                start.line,
                start.column,
                d.severity.as_str(),
                d.code,
                d.message
            )
        })
        .collect();
    Ok((build, located.join("\n"), parsed))
}

/// The build context and the Dockerfile, as `docker build` takes them: CONTEXT is a folder
/// (the Dockerfile is `-f` or `CONTEXT/Dockerfile`), a tar archive (plain, gzip, bzip2, xz or
/// zstd, recognised by its content) or `-` for such an archive on standard input. With an
/// archive the Dockerfile is the archive's `-f` path (default `Dockerfile`), or else the local
/// file `-f` names; standard input that is not an archive is the Dockerfile itself, with an
/// empty context (`docker build - < Dockerfile`).
struct ContextSource {
    context: Context,
    dockerfile: Vec<u8>,
    /// How diagnostics name the Dockerfile.
    dockerfile_label: String,
    /// The Dockerfile's path inside the context, when it is there (for
    /// `<Dockerfile>.dockerignore`).
    dockerfile_path: Option<String>,
}

impl ContextSource {
    fn load(context_arg: &str, dockerfile_flag: Option<&str>) -> Result<ContextSource, CliError> {
        if context_arg != "-" && Path::new(context_arg).is_dir() {
            return Self::folder(context_arg, dockerfile_flag);
        }
        if context_arg == "-" && dockerfile_flag == Some("-") {
            return Err(UsageError(
                "CONTEXT and -f cannot both be standard input (`-`)".to_string(),
            )
            .into());
        }
        let bytes = read_file(context_arg)?;
        let shown = if context_arg == "-" {
            "standard input"
        } else {
            context_arg
        };
        if detect_format(&bytes) == ArchiveFormat::Unknown {
            if context_arg != "-" {
                return Err(CliError::Io(format!(
                    "cannot read context {shown}: not a folder nor a tar archive (plain, gzip, \
                     bzip2, xz or zstd)"
                )));
            }
            // `docker build - < Dockerfile`: no context, the input is the Dockerfile.
            let dockerfile = match dockerfile_flag {
                Some(f) => read_file(f)?,
                None => bytes,
            };
            return Ok(ContextSource {
                context: Context::new(),
                dockerfile,
                dockerfile_label: dockerfile_flag.unwrap_or("Dockerfile").to_string(),
                dockerfile_path: None,
            });
        }
        let context = Context::from_archive(bytes)
            .map_err(|e| CliError::Io(format!("cannot read context {shown}: {e}")))?;
        let name = dockerfile_flag.unwrap_or("Dockerfile");
        let inside = name.trim_start_matches("./").to_string();
        if let Some(file) = context.file(&inside) {
            return Ok(ContextSource {
                dockerfile: file.bytes().to_vec(),
                context,
                dockerfile_label: format!("{shown}:{inside}"),
                dockerfile_path: Some(inside),
            });
        }
        match dockerfile_flag {
            Some(f) if f == "-" || Path::new(f).is_file() => Ok(ContextSource {
                dockerfile: read_file(f)?,
                context,
                dockerfile_label: f.to_string(),
                dockerfile_path: None,
            }),
            _ => Err(CliError::Io(format!(
                "cannot find the Dockerfile: {shown} has no `{inside}`"
            ))),
        }
    }

    fn folder(context_dir: &str, dockerfile_flag: Option<&str>) -> Result<ContextSource, CliError> {
        let dockerfile: PathBuf = match dockerfile_flag {
            Some(f) => PathBuf::from(f),
            None => Path::new(context_dir).join("Dockerfile"),
        };
        // `<Dockerfile>.dockerignore` applies when the Dockerfile is inside the context.
        let dockerfile_path = std::fs::canonicalize(&dockerfile)
            .ok()
            .zip(std::fs::canonicalize(context_dir).ok())
            .and_then(|(f, c)| {
                f.strip_prefix(&c)
                    .ok()
                    .map(|p| p.to_string_lossy().replace('\\', "/"))
            });
        let label = dockerfile.to_string_lossy().into_owned();
        let text = read_file(&label)?;
        let context = Context::from_dir(Path::new(context_dir))
            .map_err(|e| CliError::Io(format!("cannot read context {context_dir}: {e}")))?;
        Ok(ContextSource {
            context,
            dockerfile: text,
            dockerfile_label: label,
            dockerfile_path,
        })
    }
}

pub fn run(argv: &[String]) -> Result<ExitCode, CliError> {
    let args = Args::parse(
        argv,
        &["f", "file", "target", "build-arg", "platform", "format"],
        &[],
    )?;
    let format = format_arg(&args, &["text", "json"])?;
    let (build, diagnostics) = load(&args)?;
    let mut out = std::io::stdout().lock();
    if format == "json" {
        let json = serde_json::to_string_pretty(&build)
            .map_err(|e| CliError::Io(format!("cannot write JSON: {e}")))?;
        let _ = writeln!(out, "{json}");
    } else {
        print_text(&build, &mut out);
        if !diagnostics.is_empty() {
            let _ = writeln!(out, "\n{diagnostics}");
        }
    }
    Ok(if build.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_text(b: &Build, out: &mut dyn Write) {
    for s in &b.stages {
        let name = s.name.clone().unwrap_or_else(|| format!("#{}", s.index));
        match &s.skipped_reason {
            None => {
                let _ = writeln!(out, "stage {name} (FROM {}, {})", s.base, s.platform);
            }
            Some(why) => {
                let _ = writeln!(out, "stage {name} (FROM {}) skipped: {why}", s.base);
                continue;
            }
        }
        for &i in &s.steps {
            let step = &b.steps[i];
            let cache = match &step.cache {
                CacheState::Cached => "CACHED".to_string(),
                CacheState::Rebuilt(r) => format!("rebuilt: {r}"),
                CacheState::Fresh | CacheState::ConfigOnly => String::new(),
            };
            let layer = if step.creates_layer { "layer" } else { "     " };
            let _ = writeln!(
                out,
                "  {:>4}  {layer}  {:<9} {}{}",
                step.line,
                step.certainty.label(),
                step.text,
                if cache.is_empty() {
                    String::new()
                } else {
                    format!("  [{cache}]")
                }
            );
        }
    }
    let _ = writeln!(out, "\nlayers of the image:");
    for (i, l) in b.layers.iter().enumerate() {
        let size = l.size.map_or("?".to_string(), |s| s.to_string());
        let _ = writeln!(
            out,
            "  {:>2}  {:<9} {:>12} B  {}  {}",
            i + 1,
            l.certainty.label(),
            size,
            l.diff_id.as_deref().map_or("diff_id not computable", |d| d),
            l.created_by.chars().take(70).collect::<String>()
        );
        for c in l.changes.iter().take(20) {
            let _ = writeln!(
                out,
                "        {:?} {} {:o} {}:{} {}",
                c.change,
                c.path,
                c.mode,
                c.uid,
                c.gid,
                c.size.map_or("?".into(), |s| s.to_string())
            );
        }
        if l.changes.len() > 20 {
            let _ = writeln!(out, "        … {} more", l.changes.len() - 20);
        }
    }
    match (&b.artifacts.config_digest, &b.artifacts.manifest_digest) {
        (Some(c), Some(m)) => {
            let _ = writeln!(out, "\nimage id {c}\nmanifest {m}");
        }
        _ if b.artifacts.missing.is_empty() => {
            if let Some(bytes) = b.artifacts.deferred_bytes {
                let _ = writeln!(
                    out,
                    "\nimage digests: computed by an export (the {} of built layers are \
                     gzip-compressed first)",
                    layerlab::image::human_size(bytes)
                );
            }
        }
        _ => {
            let _ = writeln!(out, "\nimage digests not computable:");
            for m in &b.artifacts.missing {
                let _ = writeln!(out, "  {}", m.replace('\n', "\n  "));
            }
        }
    }
}
