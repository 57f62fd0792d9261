//! `docker push` to a real registry, over the distribution API (OCI distribution spec).
//!
//! Which references go out: a name whose first component is a registry host (has a `.` or
//! a `:`, or is `localhost`: distribution/reference's rule, [`ImageReference`]) other than
//! Docker Hub. `app`, `me/app` and `docker.io/me/app` stay in the in-browser registry (the
//! playground does not log in to Docker Hub, and Hub does not allow a page's requests).
//!
//! The engine decides everything: what to push (the layer blobs as the manifest lists them,
//! gzip; the config; the OCI manifest, byte for byte what the Image tab shows), in which
//! order, what each response means and what Docker would print. The page only performs the
//! requests: [`RemotePush`] is a state machine that gives one [`HttpRequest`] at a time and
//! takes its [`HttpResponse`] (or the network error) back ([`RemotePush::advance`]).
//!
//! The protocol, as the Docker daemon speaks it:
//! 1. `GET /v2/` (the registry answers, the browser may reach it);
//! 2. `HEAD /v2/<name>/blobs/<digest>` for every layer without bytes here (base-image layers:
//!    the catalog knows their digests only): each must already be in the registry, or the
//!    push fails before uploading anything;
//! 3. for every layer with bytes, top layer first, then the config: `HEAD` the blob; when
//!    absent, a monolithic upload: `POST /v2/<name>/blobs/uploads/` (202, `Location`), then
//!    `PUT <Location>?digest=<digest>` with the bytes (201);
//! 4. `PUT /v2/<name>/manifests/<tag>` with the manifest and its media type (201,
//!    `Docker-Content-Digest`).

use std::sync::Arc;

use crate::catalog::reference::{ImageReference, DEFAULT_DOMAIN};
use crate::image::ImageArtifacts;

use super::store::{ImageStore, StoredImage};

/// Where a push goes: the registry's base URL and the repository in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistryTarget {
    /// `http://127.0.0.1:5000` or `https://registry.example.com`.
    pub base_url: String,
    /// The registry host as written (`127.0.0.1:5000`).
    pub host: String,
    /// The repository path (`team/app`).
    pub repository: String,
}

impl RegistryTarget {
    /// The target of a parsed reference, or `None` when it names Docker Hub (the in-browser
    /// registry). Loopback hosts are spoken to over plain HTTP (Docker treats `localhost` and
    /// `127.0.0.0/8` as insecure registries; browsers treat them as secure origins, so a page
    /// served over HTTPS may still reach them), every other host over HTTPS.
    pub fn of(reference: &ImageReference) -> Option<RegistryTarget> {
        if reference.domain.is_empty() || reference.domain == DEFAULT_DOMAIN {
            return None;
        }
        let host = reference.domain.clone();
        let scheme = if is_loopback(&host) { "http" } else { "https" };
        Some(RegistryTarget {
            base_url: format!("{scheme}://{host}"),
            host,
            repository: reference.path.clone(),
        })
    }

    fn blob_url(&self, digest: &str) -> String {
        format!("{}/v2/{}/blobs/{digest}", self.base_url, self.repository)
    }
}

/// `localhost`, `127.x.y.z` or `[::1]`, with or without a port.
fn is_loopback(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or(rest)
    } else {
        host.split(':').next().unwrap_or(host)
    };
    name == "localhost"
        || name == "::1"
        || name.strip_prefix("127.").is_some_and(|r| {
            r.split('.').count() == 3 && r.split('.').all(|p| p.parse::<u8>().is_ok())
        })
}

/// One blob the push needs in the registry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushBlob {
    /// `sha256:…` of the blob as stored (the manifest's digest).
    pub digest: String,
    pub size: u64,
    /// What Docker prints for it: the layer's short diff_id; `None` for the config.
    pub label: Option<String>,
    /// The bytes, `None` for a base-image layer the catalog has no bytes of.
    pub bytes: Option<Arc<[u8]>>,
    /// The base image a layer without bytes comes from (`python:3.12-slim`).
    pub from_base: Option<String>,
}

/// One HTTP request for the page to make.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRequest {
    /// `GET`, `HEAD`, `POST` or `PUT`.
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<Arc<[u8]>>,
}

/// What the page got back (the headers the push reads; a CORS response exposes them only
/// when the registry lists them in `Access-Control-Expose-Headers`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub location: Option<String>,
    pub content_digest: Option<String>,
    /// The body of an error response (the registry's JSON errors), empty otherwise.
    pub body: String,
}

/// What one step printed and what comes next.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Advance {
    pub stdout: String,
    pub stderr: String,
    /// The next request, `None` when the push is over.
    pub next: Option<HttpRequest>,
    /// When over: the exit status (0 = pushed).
    pub status: Option<i32>,
    /// When pushed: `127.0.0.1:5000/app@sha256:…`, for the image's RepoDigests.
    pub repo_digest: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Ping,
    /// HEAD of `order[i]`.
    Check(usize),
    /// POST starting the upload of `order[i]`.
    Start(usize),
    /// PUT of `order[i]`'s bytes.
    Upload(usize),
    Manifest,
    Over,
}

/// A push to a real registry in progress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemotePush {
    pub target: RegistryTarget,
    pub tag: String,
    /// The image's local tag (`127.0.0.1:5000/app:1`), whose RepoDigests a push extends.
    pub local_tag: String,
    /// Every distinct blob: base layers first, then the layers with bytes from the top, then
    /// the config (the order of the requests).
    pub blobs: Vec<PushBlob>,
    pub manifest: Arc<[u8]>,
    pub manifest_media_type: String,
    pub manifest_digest: String,
    phase: Phase,
    /// The method and URL of the request in flight (for the error when it fails).
    sent: (&'static str, String),
    /// Base layers the registry does not have.
    missing: Vec<usize>,
}

/// The words `docker push` prints about a blob the registry has.
const EXISTS: &str = "Layer already exists";

impl RemotePush {
    /// The push of `image` (whose build gave `artifacts`) as `target:tag`.
    pub fn new(
        target: RegistryTarget,
        tag: &str,
        local_tag: &str,
        image: &StoredImage,
        artifacts: &ImageArtifacts,
    ) -> RemotePush {
        let mut base = Vec::new();
        let mut own = Vec::new();
        for (i, (desc, bytes)) in artifacts.layers.iter().enumerate().rev() {
            let blob = PushBlob {
                digest: desc.digest.as_str().to_string(),
                size: desc.size,
                label: Some(
                    artifacts
                        .diff_ids
                        .get(i)
                        .map_or(desc.digest.short(), |d| d.short())
                        .to_string(),
                ),
                bytes: bytes.clone(),
                from_base: image.layers.get(i).and_then(|l| l.from_base.clone()),
            };
            if blob.bytes.is_some() {
                own.push(blob);
            } else {
                base.push(blob);
            }
        }
        base.reverse();
        let config = PushBlob {
            digest: artifacts.config.digest.as_str().to_string(),
            size: artifacts.config.size,
            label: None,
            bytes: Some(Arc::clone(&artifacts.config_bytes)),
            from_base: None,
        };
        let mut blobs: Vec<PushBlob> = Vec::new();
        for b in base.into_iter().chain(own).chain([config]) {
            if !blobs.iter().any(|x| x.digest == b.digest) {
                blobs.push(b);
            }
        }
        RemotePush {
            target,
            tag: tag.to_string(),
            local_tag: local_tag.to_string(),
            blobs,
            manifest: Arc::clone(&artifacts.manifest_bytes),
            manifest_media_type: artifacts.manifest.media_type.clone(),
            manifest_digest: artifacts.manifest.digest.as_str().to_string(),
            phase: Phase::Ping,
            sent: ("GET", String::new()),
            missing: Vec::new(),
        }
    }

    /// The first request (the registry's `/v2/` endpoint).
    pub fn first_request(&mut self) -> HttpRequest {
        let request = self.request(Phase::Ping, None);
        self.sent = (request.method, request.url.clone());
        request
    }

    /// True once the push succeeded or failed.
    pub fn is_over(&self) -> bool {
        self.phase == Phase::Over
    }

    fn request(&self, phase: Phase, location: Option<&str>) -> HttpRequest {
        let t = &self.target;
        let blob = |i: usize| &self.blobs[i];
        match phase {
            Phase::Ping | Phase::Over => HttpRequest {
                method: "GET",
                url: format!("{}/v2/", t.base_url),
                headers: Vec::new(),
                body: None,
            },
            Phase::Check(i) => HttpRequest {
                method: "HEAD",
                url: t.blob_url(&blob(i).digest),
                headers: Vec::new(),
                body: None,
            },
            Phase::Start(_) => HttpRequest {
                method: "POST",
                url: format!("{}/v2/{}/blobs/uploads/", t.base_url, t.repository),
                headers: Vec::new(),
                body: None,
            },
            Phase::Upload(i) => {
                let location = location.unwrap_or_default();
                let sep = if location.contains('?') { '&' } else { '?' };
                HttpRequest {
                    method: "PUT",
                    url: format!("{location}{sep}digest={}", blob(i).digest),
                    headers: vec![("Content-Type", "application/octet-stream".to_string())],
                    body: blob(i).bytes.clone(),
                }
            }
            Phase::Manifest => HttpRequest {
                method: "PUT",
                url: format!("{}/v2/{}/manifests/{}", t.base_url, t.repository, self.tag),
                headers: vec![("Content-Type", self.manifest_media_type.clone())],
                body: Some(Arc::clone(&self.manifest)),
            },
        }
    }

    /// Takes the response to the last request (`Err` = the request did not complete: the
    /// browser's network or CORS error) and gives what to print and the next request.
    pub fn advance(&mut self, response: Result<HttpResponse, String>) -> Advance {
        let phase = self.phase;
        if phase == Phase::Over {
            return Advance::default();
        }
        let response = match response {
            Ok(r) => r,
            Err(e) => {
                let message = unreachable(self.sent.0, &self.sent.1, &e, &self.target);
                return self.fail(message);
            }
        };
        let status = response.status;
        if status == 401 || status == 403 {
            return self.fail(format!(
                "{}\nlayerlab: the playground does not log in to registries (there is no `docker login`); push to a registry that accepts anonymous pushes.\n",
                registry_error(&response, "unauthorized: authentication required")
            ));
        }
        let mut out = Advance::default();
        match phase {
            Phase::Ping => {
                if !(200..300).contains(&status) {
                    return self.fail(format!(
                        "{}\n",
                        registry_error(
                            &response,
                            &format!(
                                "{} does not answer as a registry (GET /v2/: HTTP {status})",
                                self.target.host
                            )
                        )
                    ));
                }
                self.next_check(0, &mut out);
            }
            Phase::Check(i) => {
                let blob = &self.blobs[i];
                match status {
                    200 => {
                        if let Some(label) = &blob.label {
                            out.stdout.push_str(&format!("{label}: {EXISTS}\n"));
                        }
                        self.next_check(i + 1, &mut out);
                    }
                    404 if blob.bytes.is_none() => {
                        self.missing.push(i);
                        self.next_check(i + 1, &mut out);
                    }
                    404 => self.go(Phase::Start(i), None, &mut out),
                    _ => {
                        return self.fail(format!(
                            "{}\n",
                            registry_error(
                                &response,
                                &format!("received unexpected HTTP status: {status}")
                            )
                        ))
                    }
                }
            }
            Phase::Start(i) => {
                if status != 202 {
                    return self.fail(format!(
                        "{}\n",
                        registry_error(
                            &response,
                            &format!("starting an upload: unexpected HTTP status: {status}")
                        )
                    ));
                }
                let Some(location) = response.location.as_deref().filter(|l| !l.is_empty()) else {
                    return self.fail(
                        "the registry's upload response has no Location header the page can read\nlayerlab: a registry reached from a browser must expose it: `Access-Control-Expose-Headers: Location, Docker-Content-Digest`.\n"
                            .to_string(),
                    );
                };
                let location =
                    if location.starts_with("http://") || location.starts_with("https://") {
                        location.to_string()
                    } else if location.starts_with('/') {
                        format!("{}{location}", self.target.base_url)
                    } else {
                        return self.fail(format!(
                            "the registry gave an upload location that is not a URL: {location}\n"
                        ));
                    };
                self.go(Phase::Upload(i), Some(&location), &mut out);
            }
            Phase::Upload(i) => {
                if status != 201 {
                    return self.fail(format!(
                        "{}\n",
                        registry_error(
                            &response,
                            &format!("uploading a blob: unexpected HTTP status: {status}")
                        )
                    ));
                }
                if let Some(label) = &self.blobs[i].label {
                    out.stdout.push_str(&format!("{label}: Pushed\n"));
                }
                self.next_check(i + 1, &mut out);
            }
            Phase::Manifest => {
                if status != 201 {
                    return self.fail(format!(
                        "{}\n",
                        registry_error(
                            &response,
                            &format!("putting the manifest: unexpected HTTP status: {status}")
                        )
                    ));
                }
                if let Some(d) = response.content_digest.as_deref() {
                    if d != self.manifest_digest {
                        return self.fail(format!(
                            "the registry stored the manifest as {d}, not {}\n",
                            self.manifest_digest
                        ));
                    }
                }
                out.stdout.push_str(&format!(
                    "{}: digest: {} size: {}\n",
                    self.tag,
                    self.manifest_digest,
                    self.manifest.len()
                ));
                out.status = Some(0);
                out.repo_digest = Some(format!(
                    "{}/{}@{}",
                    self.target.host, self.target.repository, self.manifest_digest
                ));
                self.phase = Phase::Over;
            }
            Phase::Over => {}
        }
        out
    }

    /// Moves to `phase` and asks for its request.
    fn go(&mut self, phase: Phase, location: Option<&str>, out: &mut Advance) {
        self.phase = phase;
        let request = self.request(phase, location);
        self.sent = (request.method, request.url.clone());
        out.next = Some(request);
    }

    /// Checks blob `i` next, or, after the base layers, stops when some are missing; after
    /// the last blob, puts the manifest.
    fn next_check(&mut self, i: usize, out: &mut Advance) {
        let base_done = self.blobs.get(i).is_none_or(|b| b.bytes.is_some());
        if base_done && !self.missing.is_empty() {
            let message = self.missing_message();
            *out = Advance {
                stdout: std::mem::take(&mut out.stdout),
                ..self.fail(message)
            };
            return;
        }
        if i < self.blobs.len() {
            self.go(Phase::Check(i), None, out);
        } else {
            self.go(Phase::Manifest, None, out);
        }
    }

    fn missing_message(&self) -> String {
        let mut msg = String::new();
        let mut bases: Vec<&str> = Vec::new();
        for &i in &self.missing {
            let b = &self.blobs[i];
            msg.push_str(&format!(
                "blob unknown: blob unknown to registry: {} (a layer of the base image{})\n",
                b.digest,
                b.from_base
                    .as_deref()
                    .map(|s| format!(" {s}"))
                    .unwrap_or_default()
            ));
            if let Some(base) = b.from_base.as_deref() {
                if !bases.contains(&base) {
                    bases.push(base);
                }
            }
        }
        msg.push_str(&format!(
            "layerlab: the playground has no bytes of base-image layers (the catalog lists their digests only), so an image built on {} pushes only to a registry that already has those layers (copy the base image there first, e.g. `skopeo copy docker://{} docker://{}/…`).\n",
            if bases.is_empty() { "a base image".to_string() } else { bases.join(", ") },
            bases.first().copied().unwrap_or("BASE"),
            self.target.host
        ));
        msg
    }

    fn fail(&mut self, stderr: String) -> Advance {
        self.phase = Phase::Over;
        Advance {
            stderr,
            status: Some(1),
            ..Advance::default()
        }
    }
}

/// A request that did not complete, as Go's `url.Error` prints it, with what to check.
fn unreachable(method: &str, url: &str, error: &str, target: &RegistryTarget) -> String {
    let method = match method {
        "HEAD" => "Head",
        "POST" => "Post",
        "PUT" => "Put",
        _ => "Get",
    };
    format!(
        "{method} \"{}\": {error}\nlayerlab: the browser could not reach {} — it is not running, or it does not allow this page's requests (a registry reached from a page must send CORS headers: Access-Control-Allow-Origin, -Allow-Methods, -Allow-Headers, -Expose-Headers), or the page's Content-Security-Policy does not allow the address (the playground's connect-src allows registries on localhost and 127.0.0.1; a deployment adds its own registry's origin).\n",
        url, target.host
    )
}

/// The registry's error as Docker prints it (`errcode`: `<code in words>: <message>`), or
/// `fallback` when the body is not the registry's JSON.
fn registry_error(response: &HttpResponse, fallback: &str) -> String {
    let parsed: Option<Vec<String>> = serde_json::from_str::<serde_json::Value>(&response.body)
        .ok()
        .and_then(|v| {
            v.get("errors")?.as_array().map(|errors| {
                errors
                    .iter()
                    .map(|e| {
                        let code = e
                            .get("code")
                            .and_then(|c| c.as_str())
                            .unwrap_or("UNKNOWN")
                            .to_ascii_lowercase()
                            .replace('_', " ");
                        let message = e.get("message").and_then(|m| m.as_str()).unwrap_or("");
                        format!("{code}: {message}")
                    })
                    .collect()
            })
        });
    match parsed {
        Some(list) if !list.is_empty() => list.join("\n"),
        _ => fallback.to_string(),
    }
}

/// Records a finished push in the store: the image tagged `local_tag` gets `repo_digest` in
/// its RepoDigests, as `docker push` does.
pub fn record_push(store: &mut ImageStore, local_tag: &str, repo_digest: &str) {
    if let Some(n) = store.by_tag(local_tag) {
        let digests = &mut store.images[n].repo_digests;
        if !digests.iter().any(|d| d == repo_digest) {
            digests.push(repo_digest.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(s: &str) -> Option<RegistryTarget> {
        RegistryTarget::of(&ImageReference::parse_normalized(s).expect("reference"))
    }

    #[test]
    fn only_names_with_a_registry_host_go_to_a_real_registry() {
        assert_eq!(target("app"), None);
        assert_eq!(target("me/app:1"), None);
        assert_eq!(target("docker.io/me/app"), None);
        let t = target("127.0.0.1:5000/team/app:1").expect("remote");
        assert_eq!(t.base_url, "http://127.0.0.1:5000");
        assert_eq!(t.repository, "team/app");
        assert_eq!(
            target("localhost/app").expect("remote").base_url,
            "http://localhost"
        );
        assert_eq!(
            target("ghcr.io/me/app").expect("remote").base_url,
            "https://ghcr.io"
        );
        // Not loopback: 127 as a name component, or a longer address.
        assert_eq!(
            target("127.example.com/app").expect("remote").base_url,
            "https://127.example.com"
        );
    }

    #[test]
    fn registry_errors_read_like_docker() {
        let r = HttpResponse {
            status: 400,
            body: r#"{"errors":[{"code":"MANIFEST_BLOB_UNKNOWN","message":"blob unknown to registry","detail":"sha256:ab"}]}"#.into(),
            ..HttpResponse::default()
        };
        assert_eq!(
            registry_error(&r, "x"),
            "manifest blob unknown: blob unknown to registry"
        );
        assert_eq!(
            registry_error(&HttpResponse::default(), "fallback"),
            "fallback"
        );
    }
}
