//! `layerlab export CONTEXT -o OUT [-f Dockerfile] [--target T] [--build-arg K=V]…
//! [--platform P] [--format oci-dir|oci-tar|docker-archive]`: writes the simulated image.
//! Exits 1 with the list of layers whose content is unknown when the image cannot be written.

use std::process::ExitCode;

use layerlab::image::{docker_save, oci_layout, Compression, ExportError};

use crate::args::{Args, CliError, UsageError};

pub fn run(argv: &[String]) -> Result<ExitCode, CliError> {
    let args = Args::parse(
        argv,
        &[
            "f",
            "file",
            "target",
            "build-arg",
            "platform",
            "format",
            "o",
            "output",
            "tag",
        ],
        &[],
    )?;
    let out = args
        .value("o")
        .or(args.value("output"))
        .ok_or_else(|| UsageError("missing -o OUT".into()))?
        .to_string();
    let format = args.value("format").unwrap_or("oci-dir");
    if !["oci-dir", "oci-tar", "docker-archive"].contains(&format) {
        return Err(UsageError(format!(
            "unknown format `{format}` (expected oci-dir|oci-tar|docker-archive)"
        ))
        .into());
    }
    let reference = args
        .value("tag")
        .unwrap_or("layerlab/image:latest")
        .to_string();
    let (build, diagnostics) = crate::build::load(&args)?;
    if build.has_errors() {
        eprintln!("{diagnostics}");
        return Ok(ExitCode::from(1));
    }
    let layers = build.owned_layers();
    let config = build.image_config();
    let files = match format {
        "docker-archive" => docker_save(config, &layers, &reference),
        _ => oci_layout(config, &layers, &reference, Compression::Gzip).map(|(f, _)| f),
    };
    let files = match files {
        Ok(f) => f,
        Err(e @ (ExportError::NotComputable(_) | ExportError::MissingLayers(_))) => {
            eprintln!("layerlab: cannot export: not every layer is known\n{e}");
            return Ok(ExitCode::from(1));
        }
        Err(e) => {
            eprintln!("layerlab: cannot export: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    let path = std::path::Path::new(&out);
    let written = if format == "oci-dir" {
        files.write_to_dir(path)
    } else {
        std::fs::write(path, files.to_tar())
    };
    written.map_err(|e| CliError::Io(format!("cannot write {out}: {e}")))?;
    println!("wrote {out} ({format}, {} layers)", layers.len());
    Ok(ExitCode::SUCCESS)
}
