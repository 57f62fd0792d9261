//! What the two buildah oracle harnesses share (`simulate_oracle.rs` for COPY/ADD/WORKDIR
//! contexts, `run_oracle.rs` for RUN file operations): reading a golden file's layer
//! listings, and listing a layer tar in the same one-line-per-entry form
//! (`path type mode uid gid size [-> target]`).

// Each harness uses part of this module.
#![allow(dead_code)]

use std::io::Read;
use std::path::Path;

/// How a whiteout's mode is listed.
#[derive(Clone, Copy)]
pub enum WhiteoutMode {
    /// As its tar header has it.
    AsWritten,
    /// As 0: buildah and BuildKit write different modes for `.wh.` entries, which carry none.
    Zero,
}

/// The layers of a golden file: the entry lines after each `layer …` line, without comments
/// and blank lines, and with modes reduced to their permission bits.
pub fn golden_layers(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).expect("golden");
    let mut layers: Vec<Vec<String>> = Vec::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        if line.starts_with("layer ") {
            layers.push(Vec::new());
            continue;
        }
        let mut fields: Vec<String> = line.split(' ').map(str::to_string).collect();
        if fields.len() >= 3 {
            let mode = u32::from_str_radix(&fields[2], 8).unwrap_or(0) & 0o7777;
            fields[2] = format!("{mode:o}");
        }
        if let Some(layer) = layers.last_mut() {
            layer.push(fields.join(" "));
        }
    }
    layers
}

/// One line per entry of a layer tar, in the golden files' form.
pub fn tar_listing(tar_bytes: &[u8], whiteouts: WhiteoutMode) -> Vec<String> {
    let mut out = Vec::new();
    let mut archive = tar::Archive::new(tar_bytes);
    for entry in archive.entries().expect("tar") {
        let mut e = entry.expect("entry");
        let h = e.header().clone();
        let name = e
            .path()
            .expect("path")
            .to_string_lossy()
            .trim_end_matches('/')
            .to_string();
        let base = name.rsplit('/').next().unwrap_or("");
        let ty = h.entry_type();
        let t = if base.starts_with(".wh.") {
            "wh"
        } else if ty.is_dir() {
            "d"
        } else if ty.is_symlink() {
            "l"
        } else if ty.is_hard_link() {
            "h"
        } else {
            "f"
        };
        let size = if t == "f" { h.size().unwrap_or(0) } else { 0 };
        let mode = match (t, whiteouts) {
            ("wh", WhiteoutMode::Zero) => 0,
            _ => h.mode().unwrap_or(0) & 0o7777,
        };
        let mut line = format!(
            "{name} {t} {mode:o} {} {} {size}",
            h.uid().unwrap_or(0),
            h.gid().unwrap_or(0)
        );
        if t == "l" || t == "h" {
            let target = e
                .link_name()
                .ok()
                .flatten()
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_default();
            line.push_str(&format!(" -> {target}"));
        }
        let mut sink = Vec::new();
        let _ = e.read_to_end(&mut sink);
        out.push(line);
    }
    out
}
