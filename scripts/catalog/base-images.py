#!/usr/bin/env python3
"""Build layerlab's compact base-image catalog (data/base-images.json).

Input: the shared transcription of docker-library/repo-info per-tag files
(`shared/data/base-images.json`; every entry names the repository, path and
commit it was read from). Output: one minified JSON document holding, per
(reference, platform), exactly the facts the engine uses: digests, compressed
layer sizes, the image config, the history, the provenance and the distro /
package manager the image is built on.

What is NOT in the source and therefore not in the catalog: diff_ids
(uncompressed layer digests), per-layer uncompressed sizes, the list of
packages installed in the image, /etc/passwd. The Rust side exposes those as
`Option`/absent. The distro is derived here from evidence that is in the data
(the rootfs step of the history, labels, the reference name) and the evidence
is kept next to it.

Usage: python3 scripts/catalog/base-images.py [INPUT] [OUTPUT]
(stdlib only; defaults: $LAYERLAB_SHARED or ../shared, data/base-images.json)
"""

import json
import os
import re
import sys

FORMAT_VERSION = 1

DEBIAN_RELEASES = {"bookworm": "12", "trixie": "13", "bullseye": "11", "buster": "10"}
UBUNTU_CODENAMES = {"20.04": "focal", "22.04": "jammy", "24.04": "noble", "26.04": "resolute"}


def derive_distro(entry):
    """Return {family, release, codename, package_manager, evidence} or None.

    family is one of debian, ubuntu, alpine, busybox; release/codename may be
    null when the data does not say which release it is.
    """
    history = [h.get("created_by", "") for h in entry.get("history", [])]
    ref = entry["ref"]
    for line in history:
        m = re.search(r"debian\.sh --arch '[^']+' out/ '([a-z]+)'", line)
        if m:
            codename = m.group(1)
            return {
                "family": "debian",
                "release": DEBIAN_RELEASES.get(codename),
                "codename": codename,
                "package_manager": "apt",
                "evidence": line,
            }
        m = re.search(r"alpine-minirootfs-(\d+\.\d+(?:\.\d+)?)-", line)
        if m:
            return {
                "family": "alpine",
                "release": m.group(1),
                "codename": None,
                "package_manager": "apk",
                "evidence": line,
            }
        m = re.search(r"BusyBox [0-9.]+ \(([a-z]+)\)", line)
        if m:
            return {
                "family": "busybox",
                "release": None,
                "codename": None,
                "package_manager": None,
                "evidence": line,
            }
        m = re.search(r"images/ubuntu:(\d+\.\d+)", line)
        if m:
            version = m.group(1)
            return {
                "family": "ubuntu",
                "release": version,
                "codename": UBUNTU_CODENAMES.get(version),
                "package_manager": "apt",
                "evidence": line,
            }
    labels = entry.get("config", {}).get("Labels") or {}
    if ref.startswith("ubuntu:") and "org.opencontainers.image.version" in labels:
        version = labels["org.opencontainers.image.version"]
        return {
            "family": "ubuntu",
            "release": version,
            "codename": UBUNTU_CODENAMES.get(version),
            "package_manager": "apt",
            "evidence": "label org.opencontainers.image.version=" + version,
        }
    # Older images whose rootfs step is an opaque `ADD file:...`: the package
    # manager its later steps call still tells the family, not the release.
    for line in history:
        if re.search(r"\bapt-get\b", line):
            return {
                "family": "debian",
                "release": None,
                "codename": None,
                "package_manager": "apt",
                "evidence": line[:200],
            }
        if re.search(r"\bapk add\b", line):
            return {
                "family": "alpine",
                "release": None,
                "codename": None,
                "package_manager": "apk",
                "evidence": line[:200],
            }
    return None


def compact_entry(entry):
    out = {"ref": entry["ref"], "platform": entry["platform"]}
    for key in ("index_digest", "manifest_digest", "image_id", "index_platform_count"):
        if entry.get(key) is not None:
            out[key] = entry[key]
    out["layers"] = [
        {k: layer[k] for k in ("digest", "size", "created_by", "mediaType") if layer.get(k) is not None}
        for layer in entry.get("layers", [])
    ]
    out["config"] = entry.get("config", {})
    history = []
    for h in entry.get("history", []):
        item = {"created_by": h.get("created_by", "")}
        if h.get("created"):
            item["created"] = h["created"]
        if h.get("empty_layer"):
            item["empty_layer"] = True
        if h.get("args_comment"):
            item["args_comment"] = h["args_comment"]
        history.append(item)
    out["history"] = history
    out["total_size"] = entry.get("total_size", sum(layer["size"] for layer in entry.get("layers", [])))
    local = entry.get("local_metadata")
    if local and local.get("image_id_matches_remote_amd64") and entry["platform"] == "linux/amd64":
        # `docker images` virtual size printed by repo-info's local file for the same image id.
        out["unpacked_size_text"] = local.get("virtual_size_text")
    distro = derive_distro(entry)
    if distro:
        out["distro"] = distro
    out["source"] = entry.get("source", "")
    if entry.get("source_notes"):
        out["notes"] = entry["source_notes"]
    return out


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    shared = os.environ.get("LAYERLAB_SHARED", os.path.join(root, "..", "shared"))
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(shared, "data", "base-images.json")
    dst = sys.argv[2] if len(sys.argv) > 2 else os.path.join(root, "data", "base-images.json")
    with open(src, encoding="utf-8") as f:
        raw = json.load(f)
    catalog = {
        "format": FORMAT_VERSION,
        "source": raw.get("source_repository", ""),
        "generated_by": "scripts/catalog/base-images.py from shared/data/base-images.json ("
        + raw.get("generated_by", "")
        + ")",
        "missing_facts": "diff_ids, per-layer uncompressed sizes, installed package lists and /etc/passwd"
        " are not in repo-info's remote files and are absent here",
        "images": [compact_entry(e) for e in raw["images"]],
    }
    with open(dst, "w", encoding="utf-8") as f:
        json.dump(catalog, f, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
        f.write("\n")
    print(f"{dst}: {len(catalog['images'])} entries, {os.path.getsize(dst)} bytes")


if __name__ == "__main__":
    main()
