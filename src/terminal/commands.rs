//! The docker subcommands the terminal knows, each printing what the Docker CLI prints.

use std::collections::BTreeSet;

use crate::catalog::base_images::LookupError;
use crate::catalog::reference::ImageReference;
use crate::image::config::{HistoryEntry, ImageConfig, Timestamp};
use crate::image::manifest::{
    manifest_bytes, Descriptor, MEDIA_TYPE_CONFIG, MEDIA_TYPE_LAYER_GZIP,
};
use crate::image::views::{docker_history, docker_inspect, human_duration, human_size, RowSize};
use crate::image::{Compression, Digest};
use crate::simulate::{Build, Catalogs};

use super::build::{self, canonical, familiar_tag, BuildRequest, Workspace};
use super::remote::{RegistryTarget, RemotePush};
use super::store::{ImageStore, RegistryEntry, SizeKnowledge, StoredHistory, StoredImage};
use super::Output;

/// Go's `text/tabwriter` with minwidth 10, padding 3, as the Docker CLI's tables (the last
/// cell of a row is not padded).
pub fn tabwrite(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; cols];
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(row.len().saturating_sub(1)) {
            widths[i] = widths[i].max((cell.chars().count() + 3).max(10));
        }
    }
    let mut out = String::new();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            out.push_str(cell);
            if i + 1 < row.len() {
                out.push_str(&" ".repeat(widths[i].saturating_sub(cell.chars().count())));
            }
        }
        out.push('\n');
    }
    out
}

fn daemon_error(message: impl std::fmt::Display) -> Output {
    Output::err(format!("Error response from daemon: {message}\n"))
}

/// Splits `name:tag` (the tag after the last `:` that is not part of a registry port).
fn split_tag(familiar: &str) -> (&str, &str) {
    match familiar.rfind(':') {
        Some(i) if !familiar[i + 1..].contains('/') => (&familiar[..i], &familiar[i + 1..]),
        _ => (familiar, "latest"),
    }
}

/// Finds an image by reference (`app`, `app:1.0`) or ID prefix, as the daemon does.
fn find_image(store: &ImageStore, reference: &str) -> Result<usize, String> {
    if let Ok(tag) = familiar_tag(reference) {
        if let Some(n) = store.by_tag(&tag) {
            return Ok(n);
        }
    }
    let by_id = store.by_id_prefix(reference);
    match by_id.as_slice() {
        [n] => Ok(*n),
        [] => Err(format!(
            "No such image: {}",
            familiar_tag(reference).unwrap_or_else(|_| reference.to_string())
        )),
        _ => Err(format!(
            "No such image: {reference} (the ID prefix is ambiguous)"
        )),
    }
}

/// `docker build`.
pub fn build(
    args: &[String],
    store: &mut ImageStore,
    workspace: Workspace<'_>,
    catalogs: &Catalogs,
    now: i64,
) -> Output {
    let mut request = BuildRequest::default();
    let mut paths = Vec::new();
    let mut quiet = false;
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = || -> Result<String, Output> {
            if let Some(v) = inline.clone() {
                return Ok(v);
            }
            i += 1;
            args.get(i)
                .cloned()
                .ok_or_else(|| Output::err(format!("ERROR: flag needs an argument: {flag}\n")))
        };
        match flag.as_str() {
            "-t" | "--tag" => match value() {
                Ok(v) => match familiar_tag(&v) {
                    Ok(t) => request.tags.push(t),
                    Err(e) => return Output::err(format!("ERROR: invalid tag \"{v}\": {e}\n")),
                },
                Err(o) => return o,
            },
            "-f" | "--file" => match value() {
                Ok(v) => request.file = Some(v),
                Err(o) => return o,
            },
            "--target" => match value() {
                Ok(v) => request.target = Some(v),
                Err(o) => return o,
            },
            "--build-arg" => match value() {
                // `--build-arg NAME` (no `=`) takes the value from the client's environment,
                // which the terminal does not have: the argument stays unset.
                Ok(v) => {
                    if let Some((k, val)) = v.split_once('=') {
                        request.build_args.push((k.to_string(), val.to_string()));
                    }
                }
                Err(o) => return o,
            },
            "--progress" => {
                if let Err(o) = value() {
                    return o;
                }
            }
            "--no-cache" => request.no_cache = true,
            "-q" | "--quiet" => quiet = true,
            "-h" | "--help" => return Output::ok(BUILD_HELP.to_string()),
            f if f.starts_with('-') && f.len() > 1 => {
                return Output::err(format!("unknown flag: {f}\nSee 'docker build --help'.\n"))
            }
            _ => paths.push(arg.clone()),
        }
        i += 1;
    }
    if paths.len() != 1 {
        return Output::err(
            "ERROR: \"docker buildx build\" requires exactly 1 argument.\nSee 'docker buildx build --help'.\n\nUsage:  docker buildx build [OPTIONS] PATH | URL | -\n\nStart a build\n"
                .to_string(),
        );
    }
    let path = paths[0].trim_end_matches('/');
    if path != "." && !path.is_empty() {
        return Output::err(format!(
            "ERROR: unable to prepare context: path \"{}\" not found\n(layerlab: the build context is the workspace, `.`)\n",
            paths[0]
        ));
    }
    let outcome = build::build(&request, workspace, catalogs, store, now);
    store
        .cache
        .extend(outcome.cache.iter().map(|(k, v)| (k.clone(), *v)));
    let Some(image) = outcome.image else {
        return Output {
            stdout: String::new(),
            stderr: outcome.progress,
            status: 1,
            clear: false,
            remote_push: None,
        };
    };
    let id = image.id.clone();
    commit_image(store, image);
    if let Some(sim) = outcome.build {
        store.session.insert(&id, sim);
    }
    if quiet {
        Output::ok(format!("{id}\n"))
    } else {
        // BuildKit prints its progress on stderr.
        Output {
            stdout: String::new(),
            stderr: outcome.progress,
            status: 0,
            clear: false,
            remote_push: None,
        }
    }
}

/// Puts a built or pulled image into the store: its tags move to it (an image that loses
/// its last tag stays as a dangling `<none>` image), an image with the same ID is merged.
pub fn commit_image(store: &mut ImageStore, image: StoredImage) {
    for tag in &image.tags {
        store.untag(tag);
    }
    if let Some(existing) = store.images.iter_mut().find(|i| i.id == image.id) {
        for t in image.tags {
            if !existing.tags.contains(&t) {
                existing.tags.push(t);
            }
        }
    } else {
        store.images.push(image);
    }
}

/// `docker images` / `docker image ls`.
pub fn images(args: &[String], store: &ImageStore, now: i64) -> Output {
    let mut quiet = false;
    let mut filter: Option<String> = None;
    for a in args {
        match a.as_str() {
            "-q" | "--quiet" => quiet = true,
            // BuildKit builds keep no intermediate images: `-a` lists the same images.
            "-a" | "--all" => {}
            "-h" | "--help" => {
                return Output::ok(
                    "Usage:  docker images [OPTIONS] [REPOSITORY[:TAG]]\n\nList images\n\nOptions:\n  -a, --all     Show all images (default hides intermediate images)\n  -q, --quiet   Only show image IDs\n"
                        .into(),
                )
            }
            f if f.starts_with('-') => {
                return Output::err(format!("unknown flag: {f}\nSee 'docker images --help'.\n"))
            }
            f => filter = Some(f.to_string()),
        }
    }
    let mut order: Vec<&StoredImage> = store.images.iter().collect();
    crate::sort::sort_by(&mut order, |a, b| {
        b.created.cmp(&a.created).then(a.id.cmp(&b.id))
    });
    let mut rows = vec![vec![
        "REPOSITORY".to_string(),
        "TAG".into(),
        "IMAGE ID".into(),
        "CREATED".into(),
        "SIZE".into(),
    ]];
    let mut ids = Vec::new();
    let mut lower_bound = false;
    for image in order {
        let mut tags: Vec<(String, String)> = image
            .tags
            .iter()
            .map(|t| {
                let (r, t) = split_tag(t);
                (r.to_string(), t.to_string())
            })
            .collect();
        crate::sort::sort(&mut tags);
        if tags.is_empty() {
            tags.push(("<none>".into(), "<none>".into()));
        }
        for (repo, tag) in tags {
            if let Some(f) = &filter {
                let (fr, ft) = if f.contains(':') {
                    split_tag(f)
                } else {
                    (f.as_str(), "")
                };
                if repo != fr || (!ft.is_empty() && tag != ft) {
                    continue;
                }
            }
            if !ids.contains(&image.short_id().to_string()) {
                ids.push(image.short_id().to_string());
            }
            lower_bound |= image.size_is_lower_bound();
            rows.push(vec![
                repo,
                tag,
                image.short_id().to_string(),
                format!("{} ago", human_duration(now.saturating_sub(image.created))),
                human_size(image.size()),
            ]);
        }
    }
    if quiet {
        return Output::ok(ids.iter().map(|i| format!("{i}\n")).collect());
    }
    let out = tabwrite(&rows);
    let mut note = String::new();
    if lower_bound {
        note.push_str("layerlab: sizes leave out RUN layers of unknown size; base layers count at their compressed size.\n");
    }
    Output {
        stdout: out,
        stderr: note,
        status: 0,
        clear: false,
        remote_push: None,
    }
}

/// `docker history`.
pub fn history(args: &[String], store: &ImageStore, now: i64) -> Output {
    let no_trunc = args.iter().any(|a| a == "--no-trunc");
    let human = !args.iter().any(|a| a == "--human=false" || a == "-H=false");
    let names: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let [name] = names.as_slice() else {
        return Output::err(
            "\"docker history\" requires exactly 1 argument.\nSee 'docker history --help'.\n\nUsage:  docker history [OPTIONS] IMAGE\n\nShow the history of an image\n".into(),
        );
    };
    let n = match find_image(store, name) {
        Ok(n) => n,
        Err(e) => return daemon_error(e),
    };
    let image = &store.images[n];
    let entries: Vec<HistoryEntry> = image.history.iter().map(StoredHistory::entry).collect();
    let sizes: Vec<RowSize> = image
        .history
        .iter()
        .map(|h| match (h.empty_layer, h.size, h.size_knowledge) {
            (true, _, _) => RowSize::Empty,
            (false, _, SizeKnowledge::Unknown) => RowSize::Unknown,
            (false, Some(b), _) => RowSize::Bytes(b),
            (false, None, _) => RowSize::Unknown,
        })
        .collect();
    let Ok(id) = Digest::parse(&image.id) else {
        return Output::err(format!(
            "layerlab: the stored image ID {} is damaged\n",
            image.id
        ));
    };
    let out = docker_history(
        &id,
        &entries,
        &sizes,
        human.then(|| Timestamp::from_secs(now)),
        no_trunc,
    );
    let mut note = String::new();
    if image
        .history
        .iter()
        .any(|h| !h.empty_layer && h.size_knowledge == SizeKnowledge::Estimated)
    {
        note.push_str("layerlab: RUN layer sizes are estimates of the simulation (package data), not measured.\n");
    }
    if sizes.contains(&RowSize::Unknown) {
        note.push_str("layerlab: `?` is the size of a RUN layer the simulation does not know.\n");
    }
    Output {
        stdout: out,
        stderr: note,
        status: 0,
        clear: false,
        remote_push: None,
    }
}

fn image_config(image: &StoredImage) -> ImageConfig {
    let history = image.history.iter().map(StoredHistory::entry).collect();
    ImageConfig::new(
        Some(Timestamp::from_secs(image.created)),
        image.config.os.clone(),
        image.config.architecture.clone(),
        image.config.run_config(),
        history,
    )
}

/// `docker inspect` / `docker image inspect`.
pub fn inspect(args: &[String], store: &ImageStore) -> Output {
    let names: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    if names.is_empty() {
        return Output::err(
            "\"docker inspect\" requires at least 1 argument.\nSee 'docker inspect --help'.\n\nUsage:  docker inspect [OPTIONS] NAME|ID [NAME|ID...]\n\nReturn low-level information on Docker objects\n".into(),
        );
    }
    let mut parts = Vec::new();
    let mut errors = String::new();
    let mut base_layers = false;
    for name in names {
        match find_image(store, name) {
            Ok(n) => {
                let image = &store.images[n];
                let (Ok(id), Ok(layers)) = (
                    Digest::parse(&image.id),
                    image
                        .layers
                        .iter()
                        .map(|l| Digest::parse(&l.digest))
                        .collect::<Result<Vec<_>, _>>(),
                ) else {
                    errors.push_str(&format!("layerlab: the stored image {name} is damaged\n"));
                    continue;
                };
                base_layers |= image.layers.iter().any(|l| l.from_base.is_some());
                let text = docker_inspect(
                    &id,
                    &image.tags,
                    &image_config(image),
                    &layers,
                    image.size(),
                );
                parts.push(with_repo_digests(text, &image.repo_digests));
            }
            Err(_) => errors.push_str(&format!("Error: No such object: {name}\n")),
        }
    }
    // Several objects are one JSON array in Docker's output.
    let stdout = match parts.len() {
        0 => "[]\n".to_string(),
        1 => parts.remove(0),
        _ => {
            let inner: Vec<String> = parts
                .iter()
                .map(|p| {
                    p.trim()
                        .trim_start_matches('[')
                        .trim_end_matches(']')
                        .trim_matches('\n')
                        .to_string()
                })
                .collect();
            format!("[\n{}\n]\n", inner.join(",\n"))
        }
    };
    if base_layers {
        errors.push_str("layerlab: RootFS.Layers lists layer identities: blob digests for base-image layers (the catalog has no diff_ids) and simulated keys for the Dockerfile's layers.\n");
    }
    let failed = errors.contains("No such object");
    Output {
        stdout,
        stderr: errors,
        status: i32::from(failed),
        clear: false,
        remote_push: None,
    }
}

/// Fills `RepoDigests` (the inspect view writes it empty: a local build has none) with the
/// digests a push or pull recorded, in the view's indentation.
fn with_repo_digests(text: String, digests: &[String]) -> String {
    if digests.is_empty() {
        return text;
    }
    let items: Vec<String> = digests
        .iter()
        .map(|d| format!("            {}", serde_json::Value::String(d.clone())))
        .collect();
    let filled = format!("\"RepoDigests\": [\n{}\n        ],", items.join(",\n"));
    text.replacen("\"RepoDigests\": [],", &filled, 1)
}

/// `docker tag SOURCE TARGET`.
pub fn tag(args: &[String], store: &mut ImageStore) -> Output {
    let [source, target] = args else {
        return Output::err(
            "\"docker tag\" requires exactly 2 arguments.\nSee 'docker tag --help'.\n\nUsage:  docker tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]\n\nCreate a tag TARGET_IMAGE that refers to SOURCE_IMAGE\n".into(),
        );
    };
    let target_tag = match familiar_tag(target) {
        Ok(t) => t,
        Err(e) => {
            return Output::err(format!(
                "Error parsing reference: \"{target}\" is not a valid repository/tag: {e}\n"
            ))
        }
    };
    let n = match find_image(store, source) {
        Ok(n) => n,
        Err(e) => return daemon_error(e),
    };
    let id = store.images[n].id.clone();
    store.untag(&target_tag);
    if let Some(image) = store.images.iter_mut().find(|i| i.id == id) {
        if !image.tags.contains(&target_tag) {
            image.tags.push(target_tag);
        }
    }
    Output::ok(String::new())
}

/// `docker rmi` / `docker image rm`.
pub fn rmi(args: &[String], store: &mut ImageStore) -> Output {
    let force = args.iter().any(|a| a == "-f" || a == "--force");
    let names: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    if names.is_empty() {
        return Output::err(
            "\"docker rmi\" requires at least 1 argument.\nSee 'docker rmi --help'.\n\nUsage:  docker rmi [OPTIONS] IMAGE [IMAGE...]\n\nRemove one or more images\n".into(),
        );
    }
    let mut out = String::new();
    let mut err = String::new();
    for name in names {
        let tag = familiar_tag(name).ok();
        if let Some(n) = tag.as_deref().and_then(|t| store.by_tag(t)) {
            // By reference: untag; delete when it was the last tag.
            let t = tag.unwrap_or_default();
            store.images[n].tags.retain(|x| x != &t);
            out.push_str(&format!("Untagged: {t}\n"));
            if store.images[n].tags.is_empty() {
                out.push_str(&format!("Deleted: {}\n", store.images[n].id));
                store.images.remove(n);
            }
            continue;
        }
        match find_image(store, name) {
            Ok(n) => {
                let image = &store.images[n];
                if image.tags.len() > 1 && !force {
                    err.push_str(&format!(
                        "Error response from daemon: conflict: unable to delete {} (must be forced) - image is referenced in multiple repositories\n",
                        image.short_id()
                    ));
                    continue;
                }
                let mut tags = image.tags.clone();
                crate::sort::sort(&mut tags);
                for t in tags {
                    out.push_str(&format!("Untagged: {t}\n"));
                }
                out.push_str(&format!("Deleted: {}\n", image.id));
                store.images.remove(n);
            }
            Err(e) => err.push_str(&format!("Error response from daemon: {e}\n")),
        }
    }
    let status = i32::from(!err.is_empty());
    Output {
        stdout: out,
        stderr: err,
        status,
        clear: false,
        remote_push: None,
    }
}

/// The simulated manifest of an image (config descriptor: the image ID and the size of its
/// stored config; layers: their identities and sizes), as the registry would store it.
pub fn simulated_manifest(image: &StoredImage) -> Option<Vec<u8>> {
    let config_json = serde_json::to_string(&image.config).ok()?;
    let config = Descriptor::new(
        MEDIA_TYPE_CONFIG,
        Digest::parse(&image.id).ok()?,
        config_json.len() as u64,
    );
    let layers: Option<Vec<Descriptor>> = image
        .layers
        .iter()
        .map(|l| {
            Digest::parse(&l.digest)
                .ok()
                .map(|d| Descriptor::new(MEDIA_TYPE_LAYER_GZIP, d, l.size))
        })
        .collect();
    Some(manifest_bytes(&config, &layers?, &Default::default()))
}

fn manifest_of(image: &StoredImage) -> Option<(String, usize)> {
    let bytes = simulated_manifest(image)?;
    Some((Digest::sha256(&bytes).to_string(), bytes.len()))
}

fn short_hex(digest: &str) -> &str {
    let hex = digest.strip_prefix("sha256:").unwrap_or(digest);
    hex.get(..12).unwrap_or(hex)
}

/// `docker push NAME[:TAG]` to the in-browser registry.
pub fn push(args: &[String], store: &mut ImageStore) -> Output {
    let names: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let [name] = names.as_slice() else {
        return Output::err(
            "\"docker push\" requires exactly 1 argument.\nSee 'docker push --help'.\n\nUsage:  docker push [OPTIONS] NAME[:TAG]\n\nUpload an image to a registry\n".into(),
        );
    };
    let parsed = match ImageReference::parse_normalized(name) {
        Ok(p) => p,
        Err(e) => return Output::err(format!("invalid reference format: {e}\n")),
    };
    let mut out = String::new();
    if parsed.tag.is_none() {
        out.push_str("Using default tag: latest\n");
    }
    let Ok(tag) = familiar_tag(name) else {
        return Output::err(format!("invalid reference format: {name}\n"));
    };
    let Some(n) = store.by_tag(&tag) else {
        return Output {
            stdout: out,
            stderr: format!(
                "An image does not exist locally with the tag: {}\n",
                parsed.familiar_name()
            ),
            status: 1,
            clear: false,
            remote_push: None,
        };
    };
    out.push_str(&format!(
        "The push refers to repository [{}]\n",
        parsed.name()
    ));
    if let Some(target) = RegistryTarget::of(&parsed) {
        return push_to_registry(out, &parsed, target, &tag, &store.images[n], store);
    }
    let image = store.images[n].clone();
    let pushed: BTreeSet<&str> = store
        .registry
        .iter()
        .flat_map(|e| e.image.layers.iter().map(|l| l.digest.as_str()))
        .collect();
    let mut seen = BTreeSet::new();
    for layer in image.layers.iter().rev() {
        if !seen.insert(layer.digest.clone()) {
            continue;
        }
        let status = if pushed.contains(layer.digest.as_str()) {
            "Layer already exists".to_string()
        } else if let Some(base) = &layer.from_base {
            let repo = ImageReference::parse_normalized(base)
                .map(|r| r.path)
                .unwrap_or_else(|_| base.clone());
            format!("Mounted from {}", repo.split(':').next().unwrap_or(&repo))
        } else {
            "Pushed".to_string()
        };
        out.push_str(&format!("{}: {status}\n", short_hex(&layer.digest)));
    }
    let Some((digest, size)) = manifest_of(&image) else {
        return Output::err(format!("layerlab: the stored image {tag} is damaged\n"));
    };
    let (_, t) = split_tag(&tag);
    out.push_str(&format!("{t}: digest: {digest} size: {size}\n"));
    let reference = canonical(&tag);
    store.registry.retain(|e| e.reference != reference);
    store.registry.push(RegistryEntry {
        reference,
        digest: digest.clone(),
        image: image.clone(),
    });
    let repo_digest = format!("{}@{digest}", parsed.familiar_name());
    if let Some(img) = store.images.get_mut(n) {
        if !img.repo_digests.contains(&repo_digest) {
            img.repo_digests.push(repo_digest);
        }
    }
    Output::ok(out)
}

/// `docker push` of `image` (tagged `tag`) to a real registry: checks that the page has
/// every byte the push needs and gives the page the [`RemotePush`] to carry on.
fn push_to_registry(
    out: String,
    parsed: &ImageReference,
    target: RegistryTarget,
    tag: &str,
    image: &StoredImage,
    store: &ImageStore,
) -> Output {
    let fail = |stderr: String| Output {
        stdout: out.clone(),
        stderr,
        status: 1,
        clear: false,
        remote_push: None,
    };
    let Some(build) = store.session.get(&image.id) else {
        return fail(format!(
            "layerlab: the layer bytes of {tag} are not in this page's memory: they are kept only for images built since the page was loaded (a reload forgets them, and images pulled from the catalog have none). Run `docker build` again, then push.\n"
        ));
    };
    let artifacts = match build.artifacts(Compression::Gzip) {
        Ok(a) => a,
        Err(_) => return fail(not_pushable(tag, build)),
    };
    if artifacts.config.digest.as_str() != image.id {
        return fail(format!(
            "layerlab: the image {tag} does not match the build kept for it; run `docker build` again, then push.\n"
        ));
    }
    let push = RemotePush::new(
        target,
        parsed.tag_or_default().unwrap_or("latest"),
        tag,
        image,
        &artifacts,
    );
    Output {
        stdout: out,
        remote_push: Some(Box::new(push)),
        ..Output::default()
    }
}

/// Why an image whose digests cannot be computed cannot go to a real registry.
fn not_pushable(tag: &str, build: &Build) -> String {
    let mut msg = format!(
        "layerlab: {tag} cannot be pushed to a real registry: its config and manifest list every layer's digest, and these layers are not known:\n"
    );
    for (n, layer) in build.layers.iter().enumerate() {
        if layer.diff_id.is_some() {
            continue;
        }
        if layer.from_base {
            msg.push_str(&format!(
                "  layer {}: a layer of the base image: the catalog has its compressed blob digest, not its diff_id (the digest of the uncompressed layer, which the image config lists)\n",
                n + 1
            ));
        } else {
            msg.push_str(&format!(
                "  layer {} ({}): {}; RUN is simulated, so what it writes is not known byte for byte\n",
                n + 1,
                layer.created_by.trim_end_matches(" # buildkit"),
                layer.certainty.label()
            ));
        }
    }
    msg.push_str("Images whose layers are all known push: FROM scratch (or a stage of it) with COPY and ADD of the build context.\n");
    msg
}

/// `docker pull NAME[:TAG]`: from the in-browser registry, else the base-image catalog.
pub fn pull(args: &[String], store: &mut ImageStore, catalogs: &Catalogs) -> Output {
    let names: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let [name] = names.as_slice() else {
        return Output::err(
            "\"docker pull\" requires exactly 1 argument.\nSee 'docker pull --help'.\n\nUsage:  docker pull [OPTIONS] NAME[:TAG|@DIGEST]\n\nDownload an image from a registry\n".into(),
        );
    };
    let parsed = match ImageReference::parse_normalized(name) {
        Ok(p) => p,
        Err(e) => return Output::err(format!("invalid reference format: {e}\n")),
    };
    let mut out = String::new();
    if parsed.tag.is_none() && parsed.digest.is_none() {
        out.push_str("Using default tag: latest\n");
    }
    let tag = parsed.tag.clone().unwrap_or_else(|| "latest".into());
    let familiar = format!("{}:{tag}", parsed.familiar_name());
    let reference = canonical(&familiar);
    let path = parsed.path.clone();
    // The in-browser registry first.
    if let Some(entry) = store
        .registry
        .iter()
        .find(|e| e.reference == reference)
        .cloned()
    {
        out.push_str(&format!("{tag}: Pulling from {path}\n"));
        let local = store.by_tag(&familiar).map(|n| store.images[n].id.clone());
        let up_to_date = local.as_deref() == Some(entry.image.id.as_str());
        if !up_to_date {
            for layer in &entry.image.layers {
                out.push_str(&format!("{}: Pull complete\n", short_hex(&layer.digest)));
            }
        }
        out.push_str(&format!("Digest: {}\n", entry.digest));
        if up_to_date {
            out.push_str(&format!("Status: Image is up to date for {familiar}\n"));
        } else {
            out.push_str(&format!("Status: Downloaded newer image for {familiar}\n"));
            let mut image = entry.image.clone();
            image.tags = vec![familiar.clone()];
            commit_image(store, image);
        }
        out.push_str(&format!("{reference}\n"));
        return Output::ok(out);
    }
    let Some(catalog) = catalogs.base_images.as_ref() else {
        return Output::err("layerlab: the base-image catalog is not loaded\n".into());
    };
    match catalog.lookup(name, None) {
        Ok(base) => {
            let state_image = build::stored_from_catalog(base, &familiar);
            out.push_str(&format!("{tag}: Pulling from {path}\n"));
            let local = store.by_tag(&familiar).map(|n| store.images[n].id.clone());
            let up_to_date = local.as_deref() == Some(state_image.id.as_str());
            if !up_to_date {
                for layer in &base.layers {
                    out.push_str(&format!("{}: Pull complete\n", short_hex(&layer.digest)));
                }
            }
            if let Some(d) = &base.index_digest {
                out.push_str(&format!("Digest: {d}\n"));
            }
            if up_to_date {
                out.push_str(&format!("Status: Image is up to date for {familiar}\n"));
            } else {
                out.push_str(&format!("Status: Downloaded newer image for {familiar}\n"));
                let key = build::base_cache_key(base);
                store.cache.insert(key, state_image.created);
                commit_image(store, state_image);
            }
            out.push_str(&format!("{reference}\n"));
            Output::ok(out)
        }
        Err(LookupError::NotInCatalog { known_tags, .. }) if parsed.is_official() => {
            let mut err = format!(
                "Error response from daemon: manifest for {familiar} not found: manifest unknown: manifest unknown\n"
            );
            if !known_tags.is_empty() {
                err.push_str(&format!(
                    "layerlab: the base-image catalog has {}: {}\n",
                    parsed.familiar_name(),
                    known_tags.join(", ")
                ));
            }
            Output {
                stdout: out,
                stderr: err,
                status: 1,
                clear: false,
                remote_push: None,
            }
        }
        Err(LookupError::NotInCatalog { .. }) => Output {
            stdout: out,
            stderr: format!(
                "Error response from daemon: pull access denied for {}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied\n",
                parsed.familiar_name()
            ),
            status: 1,
            clear: false,
            remote_push: None,
        },
        Err(e) => Output {
            stdout: out,
            stderr: format!("Error response from daemon: {e}\n"),
            status: 1,
            clear: false,
            remote_push: None,
        },
    }
}

/// `docker image prune [-a] [-f]`.
pub fn prune(args: &[String], store: &mut ImageStore) -> Output {
    let all = args.iter().any(|a| a == "-a" || a == "--all");
    let force = args.iter().any(|a| a == "-f" || a == "--force");
    let warning = if all {
        "WARNING! This will remove all images without at least one container associated to them.\n"
    } else {
        "WARNING! This will remove all dangling images.\n"
    };
    if !force {
        return Output {
            stdout: format!("{warning}Are you sure you want to continue? [y/N] \n"),
            stderr: "layerlab: the terminal cannot ask for confirmation; run it again with -f to confirm.\n".into(),
            status: 1,
            clear: false,
            remote_push: None,
        };
    }
    // No containers exist in the simulation: with -a every image is unused.
    let (removed, kept): (Vec<StoredImage>, Vec<StoredImage>) = store
        .images
        .drain(..)
        .partition(|i| all || i.tags.is_empty());
    store.images = kept;
    let kept_layers: BTreeSet<&str> = store
        .images
        .iter()
        .flat_map(|i| i.layers.iter().map(|l| l.digest.as_str()))
        .collect();
    let mut freed = BTreeSet::new();
    let mut reclaimed = 0u64;
    let mut out = String::new();
    if !removed.is_empty() {
        out.push_str("Deleted Images:\n");
        for image in &removed {
            let mut tags = image.tags.clone();
            crate::sort::sort(&mut tags);
            for t in tags {
                out.push_str(&format!("untagged: {t}\n"));
            }
            out.push_str(&format!("deleted: {}\n", image.id));
            for l in &image.layers {
                if !kept_layers.contains(l.digest.as_str()) && freed.insert(l.digest.clone()) {
                    reclaimed += l.size;
                }
            }
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "Total reclaimed space: {}\n",
        human_size(reclaimed)
    ));
    Output::ok(out)
}

pub const BUILD_HELP: &str = "Usage:  docker buildx build [OPTIONS] PATH | URL | -

Start a build

Options (simulated by layerlab):
      --build-arg stringArray   Set build-time variables
  -f, --file string             Name of the Dockerfile (default: \"PATH/Dockerfile\")
      --no-cache                Do not use cache when building the image
  -q, --quiet                   Suppress the build output and print image ID on success
  -t, --tag stringArray         Name and optionally a tag (format: \"name:tag\")
      --target string           Set the target build stage to build
";

pub const HELP: &str = "Usage:  docker [OPTIONS] COMMAND

A simulated Docker CLI: it builds the Dockerfile in the editor with the files of the
context, without a daemon (RUN steps are listed, not executed).

Common Commands:
  build       Build an image from a Dockerfile     docker build -t app .
  images      List images                          docker images
  pull        Download an image from the catalog   docker pull python:3.12-slim
  push        Upload an image: to the in-browser registry, or to a real one when the
              name starts with its host (docker push 127.0.0.1:5000/app:1)

Management Commands:
  image       Manage images (ls, rm, prune, inspect, history, tag, push, pull, build)

Commands:
  history     Show the history of an image
  inspect     Return low-level information on Docker objects
  rmi         Remove one or more images
  tag         Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE

Terminal:
  help        This text
  clear       Clear the screen
";
