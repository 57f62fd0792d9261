//! `docker push` from the terminal to a real registry (distribution 2.8, `docker-registry`
//! with the CORS config of `../shared/tools/registry-cors.yml`, on a free port and a private
//! storage folder). The engine's [`RemotePush`] state machine is driven here by a small
//! HTTP/1.1 client, as the page drives it with `fetch`: a FROM-scratch image goes up (blobs
//! and manifest byte for byte as the build's artifacts), a second push finds every layer
//! there, base layers without bytes are checked with HEAD (present: reused; absent: a
//! Docker-style error before anything is uploaded), and images that cannot be pushed say why.

mod common;
mod image_support;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use layerlab::context::Context;
use layerlab::image::manifest::MEDIA_TYPE_LAYER_GZIP;
use layerlab::image::{Compression, Descriptor, ImageArtifacts, Layer};
use layerlab::simulate::Catalogs;
use layerlab::terminal::remote::{RegistryTarget, RemotePush};
use layerlab::terminal::{self, HttpRequest, HttpResponse, ImageStore, Output, Workspace};

const DOCKERFILE: &str =
    "FROM scratch\nCOPY site/ /srv/\nCOPY motd /etc/motd\nCMD [\"/srv/index.html\"]\n";

fn context() -> Context {
    Context::from_files([
        (
            "site/index.html",
            b"<h1>pushed from layerlab</h1>\n".to_vec(),
        ),
        ("motd", b"hello registry\n".to_vec()),
    ])
    .expect("context")
}

struct Registry {
    child: Child,
    port: u16,
    log: std::path::PathBuf,
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `docker-registry` with the shared CORS config on a free port.
fn start_registry(work: &Path) -> Option<Registry> {
    let shared = common::shared("tools/registry-cors.yml")?;
    if !image_support::tools_available("terminal_registry", &["docker-registry"]) {
        return None;
    }
    let port = TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port");
    let text = std::fs::read_to_string(shared).expect("registry-cors.yml");
    let mut config = String::new();
    for line in text.lines() {
        let indent = &line[..line.len() - line.trim_start().len()];
        if line.trim_start().starts_with("addr:") {
            config.push_str(&format!("{indent}addr: 127.0.0.1:{port}\n"));
        } else if line.trim_start().starts_with("rootdirectory:") {
            config.push_str(&format!(
                "{indent}rootdirectory: {}\n",
                work.join("storage").display()
            ));
        } else {
            config.push_str(line);
            config.push('\n');
        }
    }
    let config_path = work.join("registry.yml");
    std::fs::write(&config_path, config).expect("config");
    let log = work.join("registry.log");
    let log_file = std::fs::File::create(&log).expect("log");
    let child = Command::new("docker-registry")
        .arg("serve")
        .arg(&config_path)
        .stdin(Stdio::null())
        .stdout(log_file.try_clone().expect("log"))
        .stderr(log_file)
        .spawn()
        .expect("start docker-registry");
    let mut registry = Registry { child, port, log };
    let started = Instant::now();
    loop {
        let ping = send(&HttpRequest {
            method: "GET",
            url: format!("http://127.0.0.1:{port}/v2/"),
            headers: Vec::new(),
            body: None,
        });
        if ping.is_ok_and(|(r, _)| r.status == 200) {
            return Some(registry);
        }
        if let Ok(Some(status)) = registry.child.try_wait() {
            panic!(
                "registry exited ({status}): {}",
                std::fs::read_to_string(&registry.log).unwrap_or_default()
            );
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "registry did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// One HTTP/1.1 request (`Connection: close`): the response the push reads, and the body.
fn send(request: &HttpRequest) -> Result<(HttpResponse, Vec<u8>), String> {
    let rest = request
        .url
        .strip_prefix("http://")
        .ok_or_else(|| format!("not http: {}", request.url))?;
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut s = TcpStream::connect(host).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(20)))
        .map_err(|e| e.to_string())?;
    let body = request.body.as_deref().unwrap_or_default();
    let mut head = format!(
        "{} {} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n",
        request.method,
        if path.is_empty() { "/" } else { path },
        body.len()
    );
    for (k, v) in &request.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).map_err(|e| e.to_string())?;
    s.write_all(body).map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).map_err(|e| e.to_string())?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("no header end")?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let body = raw[split + 4..].to_vec();
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or("no status")?;
    let header = |name: &str| {
        head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    };
    let chunked = header("Transfer-Encoding").is_some_and(|v| v.contains("chunked"));
    let body = if chunked { dechunk(&body) } else { body };
    Ok((
        HttpResponse {
            status,
            location: header("Location"),
            content_digest: header("Docker-Content-Digest"),
            body: if status >= 300 {
                String::from_utf8_lossy(&body).into_owned()
            } else {
                String::new()
            },
        },
        body,
    ))
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = raw.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&raw[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&raw[end + 2..end + 2 + size]);
        raw = &raw[end + 2 + size + 2..];
    }
    out
}

/// Carries a push on to its end as the page does; returns (stdout, stderr, status, requests).
fn drive(push: &mut RemotePush) -> (String, String, i32, Option<String>, Vec<(String, String)>) {
    let mut stdout = String::new();
    let mut stderr = String::new();
    let mut log = Vec::new();
    let mut next = Some(push.first_request());
    let mut status = None;
    let mut repo_digest = None;
    while let Some(request) = next.take() {
        log.push((request.method.to_string(), request.url.clone()));
        let step = push.advance(send(&request).map(|(r, _)| r));
        stdout.push_str(&step.stdout);
        stderr.push_str(&step.stderr);
        next = step.next;
        status = step.status.or(status);
        repo_digest = step.repo_digest.or(repo_digest);
        assert!(log.len() < 100, "the push does not end: {log:?}");
    }
    assert!(push.is_over());
    (
        stdout,
        stderr,
        status.expect("a final status"),
        repo_digest,
        log,
    )
}

struct Session {
    store: ImageStore,
    context: Context,
    dockerfile: String,
    catalogs: Catalogs,
}

impl Session {
    fn run(&mut self, line: &str) -> Output {
        terminal::execute(
            line,
            &mut self.store,
            Workspace {
                dockerfile: &self.dockerfile,
                context: &self.context,
            },
            &self.catalogs,
            1_800_000_000,
        )
    }
}

fn get(port: u16, path: &str, accept: &str) -> (HttpResponse, Vec<u8>) {
    send(&HttpRequest {
        method: "GET",
        url: format!("http://127.0.0.1:{port}{path}"),
        headers: vec![("Accept", accept.to_string())],
        body: None,
    })
    .expect("GET")
}

#[test]
fn a_scratch_image_is_pushed_to_a_real_registry_byte_for_byte() {
    let work = tempfile::tempdir().expect("tempdir");
    let Some(registry) = start_registry(work.path()) else {
        return;
    };
    let port = registry.port;
    let mut s = Session {
        store: ImageStore::default(),
        context: context(),
        dockerfile: DOCKERFILE.to_string(),
        catalogs: Catalogs::bundled(),
    };
    let name = format!("127.0.0.1:{port}/layerlab/demo:1");
    let build = s.run(&format!(
        "docker build --build-arg SOURCE_DATE_EPOCH=0 -t {name} ."
    ));
    assert_eq!(build.status, 0, "{}", build.stderr);

    // The image's artifacts, from the same simulation the push takes its bytes from.
    let image = s.store.images[0].clone();
    let sim = s
        .store
        .session
        .get(&image.id)
        .expect("session build")
        .clone();
    let art = sim.artifacts(Compression::Gzip).expect("artifacts");
    assert_eq!(art.config.digest.as_str(), image.id);
    // SOURCE_DATE_EPOCH=0 gives the digests the Image tab shows (its default epoch is 0).
    let tab = {
        let parsed = layerlab::syntax::parse(DOCKERFILE);
        let typed = layerlab::instructions::parse(&parsed.dockerfile);
        layerlab::simulate::build(
            &parsed,
            &typed,
            &context(),
            &layerlab::simulate::BuildOptions::default(),
            &Catalogs::bundled(),
            None,
        )
    };
    assert_eq!(
        tab.artifacts.manifest_digest.as_deref(),
        Some(art.manifest.digest.as_str())
    );

    let out = s.run(&format!("docker push {name}"));
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        format!("The push refers to repository [127.0.0.1:{port}/layerlab/demo]\n")
    );
    let mut push = out.remote_push.expect("a remote push");
    let (stdout, stderr, status, repo_digest, log) = drive(&mut push);
    assert_eq!(status, 0, "{stderr}\n{log:#?}");
    // Top layer first, labelled by the short diff_id, then the tag line.
    let expected: String = art
        .diff_ids
        .iter()
        .rev()
        .map(|d| format!("{}: Pushed\n", d.short()))
        .chain([format!(
            "1: digest: {} size: {}\n",
            art.manifest.digest,
            art.manifest_bytes.len()
        )])
        .collect();
    assert_eq!(stdout, expected);
    let methods: Vec<&str> = log.iter().map(|(m, _)| m.as_str()).collect();
    assert_eq!(
        methods,
        ["GET", "HEAD", "POST", "PUT", "HEAD", "POST", "PUT", "HEAD", "POST", "PUT", "PUT"]
    );
    let repo_digest = repo_digest.expect("repo digest");
    assert_eq!(
        repo_digest,
        format!("127.0.0.1:{port}/layerlab/demo@{}", art.manifest.digest)
    );
    terminal::remote::record_push(
        &mut s.store,
        &format!("127.0.0.1:{port}/layerlab/demo:1"),
        &repo_digest,
    );
    assert_eq!(
        s.store.images[0].repo_digests,
        std::slice::from_ref(&repo_digest)
    );

    // What the registry serves is what the build made, byte for byte.
    let (head, manifest) = get(
        port,
        "/v2/layerlab/demo/manifests/1",
        "application/vnd.oci.image.manifest.v1+json",
    );
    assert_eq!(head.status, 200);
    assert_eq!(manifest, &art.manifest_bytes[..]);
    let (_, config) = get(
        port,
        &format!("/v2/layerlab/demo/blobs/{}", art.config.digest),
        "*/*",
    );
    assert_eq!(config, &art.config_bytes[..]);
    for (desc, bytes) in &art.layers {
        let (_, blob) = get(
            port,
            &format!("/v2/layerlab/demo/blobs/{}", desc.digest),
            "*/*",
        );
        assert_eq!(&blob[..], &bytes.as_ref().expect("layer bytes")[..]);
    }

    // Again: everything is there already.
    let mut again = s
        .run(&format!("docker push {name}"))
        .remote_push
        .expect("a remote push");
    let (stdout, _, status, _, log) = drive(&mut again);
    assert_eq!(status, 0);
    assert!(stdout.contains(": Layer already exists\n"), "{stdout}");
    assert!(!log.iter().any(|(m, _)| m == "POST"), "{log:?}");
}

#[test]
fn base_layers_without_bytes_must_already_be_in_the_registry() {
    let work = tempfile::tempdir().expect("tempdir");
    let Some(registry) = start_registry(work.path()) else {
        return;
    };
    let port = registry.port;
    // Image A goes up first: its layer is then "a base layer" of image B.
    let a_layer = Layer::from_tar(tar_with("a.txt", b"layer of A\n"));
    let config = layerlab::image::ImageConfig::default();
    let a = ImageArtifacts::build(&config, &[clone(&a_layer)], Compression::Gzip).expect("A");
    let target = RegistryTarget::of(
        &layerlab::catalog::reference::ImageReference::parse_normalized(&format!(
            "127.0.0.1:{port}/base"
        ))
        .expect("reference"),
    )
    .expect("remote target");
    let image = stored(&a);
    let (_, stderr, status, _, _) =
        drive(&mut RemotePush::new(target.clone(), "a", "x:a", &image, &a));
    assert_eq!(status, 0, "{stderr}");

    // B: A's layer without bytes (as the catalog gives base layers) plus a layer of its own.
    let (a_desc, _) = a_layer.blob(Compression::Gzip).expect("A blob");
    let inherited = Layer::base(Some(a_layer.diff_id().expect("diff_id").clone()), a_desc);
    let own = Layer::from_tar(tar_with("b.txt", b"layer of B\n"));
    let b =
        ImageArtifacts::build(&config, &[inherited, clone(&own)], Compression::Gzip).expect("B");
    let (stdout, stderr, status, _, log) = drive(&mut RemotePush::new(
        target.clone(),
        "b",
        "x:b",
        &stored(&b),
        &b,
    ));
    assert_eq!(status, 0, "{stderr}");
    assert!(
        stdout.starts_with(&format!(
            "{}: Layer already exists\n{}: Pushed\n",
            a_layer.diff_id().expect("a").short(),
            own.diff_id().expect("b").short()
        )),
        "{stdout}"
    );
    assert_eq!(log[1].0, "HEAD");

    // C: a base layer the registry has never seen: Docker's error, nothing uploaded.
    let unseen = Layer::base(
        Some(layerlab::image::Digest::sha256(b"unseen tar")),
        Descriptor::new(
            MEDIA_TYPE_LAYER_GZIP,
            layerlab::image::Digest::sha256(b"unseen blob"),
            10,
        ),
    );
    let c = ImageArtifacts::build(&config, &[unseen, clone(&own)], Compression::Gzip).expect("C");
    let mut image = stored(&c);
    image.layers[0].from_base = Some("python:3.12-slim".into());
    let (stdout, stderr, status, _, log) =
        drive(&mut RemotePush::new(target, "c", "x:c", &image, &c));
    assert_eq!(status, 1);
    assert_eq!(stdout, "");
    assert!(
        stderr.starts_with(&format!(
            "blob unknown: blob unknown to registry: {} (a layer of the base image python:3.12-slim)\n",
            layerlab::image::Digest::sha256(b"unseen blob")
        )),
        "{stderr}"
    );
    assert!(stderr.contains("layerlab: the playground has no bytes of base-image layers"));
    assert!(
        log.iter().all(|(m, _)| m == "GET" || m == "HEAD"),
        "{log:?}"
    );
}

#[test]
fn a_registry_that_is_not_there_is_reported_with_what_to_check() {
    // A port nothing listens on.
    let port = TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port");
    let mut s = Session {
        store: ImageStore::default(),
        context: context(),
        dockerfile: DOCKERFILE.to_string(),
        catalogs: Catalogs::bundled(),
    };
    let name = format!("localhost:{port}/demo");
    assert_eq!(s.run(&format!("docker build -t {name} .")).status, 0);
    let mut push = s
        .run(&format!("docker push {name}"))
        .remote_push
        .expect("a remote push");
    let first = push.first_request();
    assert_eq!(first.url, format!("http://localhost:{port}/v2/"));
    let step = push.advance(Err("Failed to fetch".into()));
    assert_eq!(step.status, Some(1));
    assert!(step.next.is_none());
    assert!(
        step.stderr.starts_with(&format!(
            "Get \"http://localhost:{port}/v2/\": Failed to fetch\nlayerlab: the browser could not reach localhost:{port}"
        )),
        "{}",
        step.stderr
    );
}

#[test]
fn images_the_page_cannot_push_say_why() {
    let mut s = Session {
        store: ImageStore::default(),
        context: context(),
        dockerfile: "FROM ubuntu:22.04\nCOPY motd /etc/motd\n".to_string(),
        catalogs: Catalogs::bundled(),
    };
    assert_eq!(
        s.run("docker build -t registry.example.com/app .").status,
        0
    );
    let out = s.run("docker push registry.example.com/app");
    assert_eq!(out.status, 1);
    assert!(out.remote_push.is_none());
    assert_eq!(
        out.stdout,
        "Using default tag: latest\nThe push refers to repository [registry.example.com/app]\n"
    );
    assert!(
        out.stderr.contains("layer 1: a layer of the base image: the catalog has its compressed blob digest, not its diff_id"),
        "{}",
        out.stderr
    );

    // A RUN whose output is not known.
    s.dockerfile = "FROM scratch\nCOPY motd /etc/motd\nRUN make\n".to_string();
    assert_eq!(s.run("docker build -t localhost:5000/run .").status, 0);
    let out = s.run("docker push localhost:5000/run");
    assert_eq!(out.status, 1);
    assert!(out.stderr.contains("(RUN make): "), "{}", out.stderr);

    // After a reload the store is back, the layer bytes are not.
    s.dockerfile = DOCKERFILE.to_string();
    assert_eq!(s.run("docker build -t localhost:5000/ok .").status, 0);
    s.store = ImageStore::from_json_or_default(Some(&s.store.to_json()));
    let out = s.run("docker push localhost:5000/ok");
    assert_eq!(out.status, 1);
    assert!(
        out.stderr.contains("not in this page's memory"),
        "{}",
        out.stderr
    );

    // Docker Hub names stay in the in-browser registry.
    assert_eq!(s.run("docker build -t me/app .").status, 0);
    let out = s.run("docker push me/app");
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(out.remote_push.is_none());
}

/// A one-file layer tar.
fn tar_with(name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_gnu();
    header.set_size(bytes.len() as u64);
    header.set_mode(0o644);
    header.set_cksum();
    builder
        .append_data(&mut header, name, bytes)
        .expect("append");
    builder.into_inner().expect("tar")
}

fn clone(layer: &Layer) -> Layer {
    Layer::from_tar(layer.tar().expect("tar").clone())
}

/// A stored image for `artifacts` (what the push reads from it: the base of each layer).
fn stored(artifacts: &ImageArtifacts) -> layerlab::terminal::StoredImage {
    layerlab::terminal::StoredImage {
        id: artifacts.config.digest.to_string(),
        tags: Vec::new(),
        created: 0,
        config: Default::default(),
        layers: artifacts
            .layers
            .iter()
            .map(|(d, _)| layerlab::terminal::StoredLayer {
                digest: d.digest.to_string(),
                size: d.size,
                size_knowledge: layerlab::terminal::SizeKnowledge::Exact,
                from_base: None,
            })
            .collect(),
        history: Vec::new(),
        repo_digests: Vec::new(),
        added_paths: Vec::new(),
        base: None,
    }
}
