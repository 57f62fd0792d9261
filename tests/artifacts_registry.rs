//! A layerlab export through a real registry: a FROM-scratch build simulated by layerlab is
//! written as an OCI layout with gzip layers, pushed with skopeo 1.9 to a local registry
//! (distribution 2.8, `docker-registry serve` with `../shared/tools/registry-cors.yml`, copied
//! to a free port and a private storage folder), pulled back into a new layout, and must
//! round-trip unchanged: the same manifest digest (also as the registry serves it) and every
//! blob byte for byte. The pulled layout is then validated by `oci-image-tool validate` and
//! `umoci unpack` (which also checks the diff_ids against the uncompressed layers). The same
//! image exported by the CLI (`layerlab export CONTEXT -o DIR`, context on disk) must have the
//! same manifest digest and makes the same round trip.

mod common;
mod image_support;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use image_support::{run, scratch_dir, tools_available};
use layerlab::context::Context;
use layerlab::image::{oci_layout, Compression, Digest};
use layerlab::simulate::{build, BuildOptions, Catalogs};

const DOCKERFILE: &str = "FROM scratch AS assets
COPY site/ /site/
FROM scratch
COPY --from=assets /site /usr/share/www
COPY --chmod=0755 serve.sh /usr/local/bin/serve
ENV PORT=8080
USER 1000:1000
CMD [\"/usr/local/bin/serve\"]
";

/// The context: path, bytes, mode on disk (`Context::from_files` gives files 0644).
const CONTEXT_FILES: &[(&str, &[u8], u32)] = &[
    ("site/index.html", b"<h1>layerlab</h1>\n", 0o644),
    ("site/css/main.css", b"h1 { color: teal }\n", 0o644),
    (
        "serve.sh",
        b"#!/bin/sh\nexec httpd -f -p \"$PORT\"\n",
        0o644,
    ),
];

fn write(path: &Path, bytes: &[u8], mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p).expect("mkdir");
    }
    std::fs::write(path, bytes).expect("write");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// How long the registry may take to listen, and any skopeo call to finish.
const START_TIMEOUT: Duration = Duration::from_secs(20);
const TOOL_TIMEOUT_SECS: &str = "120";

/// The registry process, killed and reaped when dropped (also when the test panics).
struct Registry {
    child: Child,
    log: PathBuf,
}

impl Registry {
    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// 5000 (the shared config's port) when free, otherwise any free port.
fn free_port() -> u16 {
    if TcpListener::bind(("127.0.0.1", 5000)).is_ok() {
        return 5000;
    }
    TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The shared config with our port and storage folder.
fn write_config(shared: &Path, work: &Path, port: u16) -> PathBuf {
    let text = std::fs::read_to_string(shared).expect("registry-cors.yml");
    let storage = work.join("registry-storage");
    let mut out = String::new();
    for line in text.lines() {
        let indent = &line[..line.len() - line.trim_start().len()];
        if line.trim_start().starts_with("addr:") {
            out.push_str(&format!("{indent}addr: 127.0.0.1:{port}\n"));
        } else if line.trim_start().starts_with("rootdirectory:") {
            out.push_str(&format!("{indent}rootdirectory: {}\n", storage.display()));
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    assert!(
        out.contains(&format!("127.0.0.1:{port}")),
        "no addr in {text}"
    );
    let path = work.join("registry.yml");
    std::fs::write(&path, out).expect("write registry config");
    path
}

/// One HTTP/1.0 GET against the registry: (status line and headers, body).
fn http_get(port: u16, path: &str, accept: &str) -> std::io::Result<(String, Vec<u8>)> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        s,
        "GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nAccept: {accept}\r\n\r\n"
    )?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(raw.len());
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let body = raw.get(split + 4..).unwrap_or_default().to_vec();
    Ok((head, body))
}

fn start_registry(config: &Path, work: &Path, port: u16) -> Registry {
    let log = work.join("registry.log");
    let log_file = std::fs::File::create(&log).expect("registry log");
    let child = Command::new("docker-registry")
        .arg("serve")
        .arg(config)
        .stdin(Stdio::null())
        .stdout(log_file.try_clone().expect("log"))
        .stderr(log_file)
        .spawn()
        .expect("start docker-registry");
    let mut registry = Registry { child, log };
    let started = Instant::now();
    loop {
        if let Ok((head, _)) = http_get(port, "/v2/", "*/*") {
            if head.starts_with("HTTP/1.") && head.contains(" 200 ") {
                return registry;
            }
        }
        if let Ok(Some(status)) = registry.child.try_wait() {
            panic!("registry exited ({status}):\n{}", registry.log_text());
        }
        assert!(
            started.elapsed() < START_TIMEOUT,
            "registry not listening on {port} after {START_TIMEOUT:?}:\n{}",
            registry.log_text()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// `timeout 120 <tool> args…` (a hung tool fails the test instead of hanging it).
fn bounded(tool: &str) -> Command {
    let mut c = Command::new("timeout");
    c.arg(TOOL_TIMEOUT_SECS).arg(tool);
    c
}

/// Every file under `dir/blobs/sha256`: hex → bytes.
fn blobs(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(dir.join("blobs/sha256")).expect("blobs") {
        let e = e.expect("entry");
        out.insert(
            e.file_name().to_string_lossy().into_owned(),
            std::fs::read(e.path()).expect("blob"),
        );
    }
    out
}

fn index_manifest_digest(dir: &Path) -> String {
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("index.json")).expect("index.json"))
            .expect("index json");
    index["manifests"][0]["digest"]
        .as_str()
        .expect("manifest digest")
        .to_string()
}

/// Pushes the layout `layout` (tag `v1`) as `layerlab/<name>:v1`, checks what the registry
/// serves, pulls it into a new layout and checks that nothing changed, then validates and
/// unpacks the pulled layout.
fn round_trip(
    port: u16,
    work: &Path,
    layout: &Path,
    name: &str,
    expected_manifest: &str,
    manifest_bytes: Option<&[u8]>,
) {
    let remote = format!("docker://127.0.0.1:{port}/layerlab/{name}:v1");

    run(bounded("skopeo")
        .args([
            "copy",
            "-q",
            "--dest-tls-verify=false",
            "--preserve-digests",
        ])
        .arg(format!("oci:{}:v1", layout.display()))
        .arg(&remote));

    // The registry serves the manifest under our digest, byte for byte.
    let (head, body) = http_get(
        port,
        &format!("/v2/layerlab/{name}/manifests/v1"),
        "application/vnd.oci.image.manifest.v1+json",
    )
    .expect("GET manifest");
    assert!(head.contains(" 200 "), "{head}");
    assert_eq!(Digest::sha256(&body).as_str(), expected_manifest);
    if let Some(bytes) = manifest_bytes {
        assert_eq!(&body[..], bytes);
    }
    let served_digest = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .starts_with("docker-content-digest:")
                .then(|| l.split_once(':').map(|(_, v)| v.trim().to_string()))
                .flatten()
        })
        .expect("Docker-Content-Digest header");
    assert_eq!(served_digest, expected_manifest);

    // Pull back into a new layout.
    let pulled = work.join(format!("pulled-{name}"));
    run(bounded("skopeo")
        .args(["copy", "-q", "--src-tls-verify=false", "--preserve-digests"])
        .arg(&remote)
        .arg(format!("oci:{}:v1", pulled.display())));

    assert_eq!(index_manifest_digest(&pulled), expected_manifest);
    let ours_blobs = blobs(layout);
    let pulled_blobs = blobs(&pulled);
    assert_eq!(
        ours_blobs.keys().collect::<Vec<_>>(),
        pulled_blobs.keys().collect::<Vec<_>>(),
        "the same blobs (manifest, config, 2 layers)"
    );
    for (hex, bytes) in &ours_blobs {
        assert!(pulled_blobs[hex] == *bytes, "blob {hex} changed");
        assert_eq!(
            Digest::sha256(bytes).hex(),
            hex,
            "blob {hex} named by its digest"
        );
    }
    assert_eq!(ours_blobs.len(), 4);

    // Validate what came back.
    run(bounded("oci-image-tool")
        .args(["validate", "--type", "image"])
        .arg(&pulled));
    let bundle = work.join(format!("bundle-{name}"));
    run(bounded("umoci")
        .arg("unpack")
        .arg("--image")
        .arg(format!("{}:v1", pulled.display()))
        .arg(&bundle));
    let rootfs = bundle.join("rootfs");
    assert_eq!(
        std::fs::read(rootfs.join("usr/share/www/css/main.css")).expect("unpacked css"),
        b"h1 { color: teal }\n"
    );
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(rootfs.join("usr/local/bin/serve"))
            .expect("unpacked serve")
            .permissions()
            .mode();
        assert_eq!(mode & 0o7777, 0o755);
    }
}

#[test]
fn oci_export_round_trips_through_a_registry_unchanged() {
    let Some(shared_config) = common::shared("tools/registry-cors.yml") else {
        return;
    };
    if !tools_available(
        "artifacts_registry",
        &[
            "docker-registry",
            "skopeo",
            "oci-image-tool",
            "umoci",
            "timeout",
        ],
    ) {
        return;
    }
    let work = scratch_dir("artifacts-registry");

    // layerlab: simulate and export the OCI layout with gzip layers.
    let ctx = Context::from_files(CONTEXT_FILES.iter().map(|(p, b, _)| (*p, *b))).expect("context");
    let parsed = layerlab::syntax::parse(DOCKERFILE);
    let ins = layerlab::instructions::parse(&parsed.dockerfile);
    let b = build(
        &parsed,
        &ins,
        &ctx,
        &BuildOptions::default(),
        &Catalogs::new(None),
        None,
    );
    assert!(!b.has_errors(), "{:?}", b.diagnostics);
    let (files, art) = oci_layout(
        b.image_config(),
        &b.owned_layers(),
        "localhost/layerlab/roundtrip:v1",
        Compression::Gzip,
    )
    .expect("oci layout");
    assert_eq!(art.layers.len(), 2, "two COPY layers");
    let ours = work.join("ours");
    files.write_to_dir(&ours).expect("write layout");
    let our_manifest = art.manifest.digest.as_str().to_string();
    assert_eq!(index_manifest_digest(&ours), our_manifest);

    // The same image from the CLI (`layerlab export CONTEXT -o DIR`, gzip layers), the
    // context on disk this time.
    let ctx_dir = work.join("context");
    for (path, bytes, mode) in CONTEXT_FILES {
        write(&ctx_dir.join(path), bytes, *mode);
    }
    write(&ctx_dir.join("Dockerfile"), DOCKERFILE.as_bytes(), 0o644);
    let cli = work.join("cli");
    run(Command::new(env!("CARGO_BIN_EXE_layerlab"))
        .arg("export")
        .arg(&ctx_dir)
        .arg("-o")
        .arg(&cli)
        .args(["--format", "oci-dir", "--tag", "localhost/layerlab/cli:v1"]));
    let cli_manifest = index_manifest_digest(&cli);
    assert_eq!(
        cli_manifest, our_manifest,
        "the CLI's export of the same files equals the library's"
    );

    // The registry.
    let port = free_port();
    let config = write_config(&shared_config, &work, port);
    let registry = start_registry(&config, &work, port);
    round_trip(
        port,
        &work,
        &ours,
        "roundtrip",
        &our_manifest,
        Some(&art.manifest_bytes),
    );
    round_trip(port, &work, &cli, "cli", &cli_manifest, None);
    drop(registry);
    let _ = std::fs::remove_dir_all(&work);
}
