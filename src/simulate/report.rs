//! Turning the simulation's internal state into the [`Build`] model: layer change rows,
//! the image config of the image module, and the artifacts (config/manifest digests).

use super::certainty::Certainty;
use super::model::*;
use super::preview::PreviewBudget;
use crate::fs::{ChangeKind, NodeKind};
use crate::image::{Compression, HistoryEntry, ImageConfig, RunConfig, Timestamp};

/// The report of a built layer; file previews take from the build's `budget`.
pub fn layer_report(
    text: &str,
    step: usize,
    built: &BuiltLayer,
    budget: &mut PreviewBudget,
) -> LayerReport {
    let changes = built
        .diff
        .changes()
        .iter()
        .map(|c| {
            let preview = match c.node.as_ref().map(|n| &n.kind) {
                Some(NodeKind::File { content, .. }) => Some(budget.preview(content)),
                _ => None,
            };
            let (kind, mode, uid, gid, size, link, known) = match &c.node {
                Some(n) => {
                    let (kind, size, link, known) = match &n.kind {
                        NodeKind::Dir(_) => (NodeKindRow::Dir, Some(0), None, true),
                        NodeKind::File { content, .. } => {
                            (NodeKindRow::File, content.size(), None, content.is_known())
                        }
                        NodeKind::Symlink(t) => (
                            NodeKindRow::Symlink,
                            Some(t.len() as u64),
                            Some(t.clone()),
                            true,
                        ),
                    };
                    (kind, n.meta.mode, n.meta.uid, n.meta.gid, size, link, known)
                }
                None => (NodeKindRow::Whiteout, 0, 0, 0, Some(0), None, true),
            };
            ChangeRow {
                path: c.path.clone(),
                change: match c.kind {
                    ChangeKind::Added => ChangeKindRow::Added,
                    ChangeKind::Modified => ChangeKindRow::Modified,
                    ChangeKind::Deleted => ChangeKindRow::Deleted,
                    ChangeKind::OpaqueDir => ChangeKindRow::Opaque,
                },
                kind,
                mode,
                uid,
                gid,
                size,
                link_target: link,
                known,
                preview,
            }
        })
        .collect();
    let size = built.diff.content_size();
    LayerReport {
        created_by: text.to_string(),
        step: Some(step),
        from_base: false,
        size: Some(size.bytes),
        certainty: built.certainty(),
        changes,
        diff_id: None,
        unknown_reason: built.forced_unknown.clone(),
    }
}

/// The image module's config for the final image.
pub fn image_config(
    c: &FinalConfig,
    health: Option<&crate::instructions::HealthConfig>,
    args_escaped: bool,
    history: &[HistoryRow],
    epoch: i64,
) -> ImageConfig {
    let created = Some(Timestamp::from_secs(epoch));
    let history = history
        .iter()
        .map(|h| HistoryEntry {
            created,
            created_by: h.created_by.clone(),
            author: String::new(),
            comment: h.comment.clone(),
            empty_layer: h.empty_layer,
        })
        .collect();
    ImageConfig::new(
        created,
        c.os.clone(),
        c.architecture.clone(),
        run_config(c, health, args_escaped),
        history,
    )
}

/// The `config` object of the final image.
fn run_config(
    c: &FinalConfig,
    health: Option<&crate::instructions::HealthConfig>,
    args_escaped: bool,
) -> RunConfig {
    RunConfig {
        user: c.user.clone(),
        exposed_ports: c.exposed_ports.clone(),
        env: c.env.clone(),
        entrypoint: c.entrypoint.clone(),
        cmd: c.cmd.clone(),
        volumes: c.volumes.clone(),
        working_dir: c.working_dir.clone(),
        labels: c.labels.clone(),
        stop_signal: c.stop_signal.clone(),
        args_escaped,
        healthcheck: health.map(|h| crate::image::Healthcheck {
            test: h.test.clone(),
            interval_ns: h.interval_ns,
            timeout_ns: h.timeout_ns,
            start_period_ns: h.start_period_ns,
            start_interval_ns: h.start_interval_ns,
            retries: i64::from(h.retries),
        }),
        on_build: c.on_build.clone(),
        shell: c.shell.clone(),
    }
}

/// Config and manifest digests, or the layers that prevent them.
pub fn artifacts(build: &Build) -> ArtifactsReport {
    let mut missing = Vec::new();
    for (i, l) in build.image_layers().iter().enumerate() {
        if let Err(e) = l.diff_id() {
            missing.push(format!("layer {}: {}", i + 1, e.0));
        }
    }
    if build.target.is_none() {
        missing.push("no stage to build".into());
    }
    if !missing.is_empty() {
        return ArtifactsReport {
            config_digest: None,
            manifest_digest: None,
            missing,
            deferred_bytes: None,
        };
    }
    match build.artifacts(Compression::Gzip) {
        Ok(a) => ArtifactsReport {
            config_digest: Some(a.config.digest.as_str().to_string()),
            manifest_digest: Some(a.manifest.digest.as_str().to_string()),
            missing: Vec::new(),
            deferred_bytes: None,
        },
        Err(e) => ArtifactsReport {
            config_digest: None,
            manifest_digest: None,
            missing: vec![e.to_string()],
            deferred_bytes: None,
        },
    }
}

/// The weakest certainty of the final image's layers.
pub fn overall(build: &Build) -> Certainty {
    build
        .layers
        .iter()
        .fold(Certainty::Exact, |acc, l| acc.combine(l.certainty))
}
