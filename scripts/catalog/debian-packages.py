#!/usr/bin/env python3
"""Build layerlab's compact Debian package catalog from apt's package index.

Input: the `Packages` indexes that `apt-get update` left in /var/lib/apt/lists
(plain, .gz, .xz or .lz4 -- this machine, like the debian:* Docker images,
keeps them compressed because of Acquire::GzipIndexes; .lz4 is read with
`apt-helper cat-file` or the `lz4` tool, everything else with the stdlib).
Several suites of one release (bookworm, bookworm-updates, bookworm-security)
are merged: a later suite on the command line replaces a package of an
earlier one (that is how point updates and security fixes supersede the
release; their versions are always newer).

Output: a gzip-compressed, tab-separated text file (see FORMAT below) with
only the fields the `RUN apt-get install` simulation needs, plus a header
that records the provenance (the suites, their InRelease `Date:`) and the
on-disk size of the lists directory, i.e. what an `apt-get update` layer
weighs in a debian:<release> image.

FORMAT (one record per line after the `#` header lines):
  name TAB version TAB installed_size_kib TAB size_bytes TAB flags
      TAB pre_depends TAB depends TAB recommends TAB provides
  flags: priority letter (r required, i important, s standard, o optional,
         x extra, - unknown) followed by `E` when Essential: yes.
  relations: comma-separated groups, alternatives joined by `|`; version
         constraints and architecture qualifiers (`:any`) are dropped.

Usage:
  python3 scripts/catalog/debian-packages.py --release bookworm --arch amd64 \
      --out data/debian-bookworm-amd64.tsv.gz [--lists /var/lib/apt/lists]
"""

import argparse
import gzip
import io
import lzma
import os
import re
import shutil
import subprocess
import sys

FORMAT_NAME = "layerlab-debian-packages"
FORMAT_VERSION = 1
PRIORITY_LETTER = {"required": "r", "important": "i", "standard": "s", "optional": "o", "extra": "x"}


def read_index(path):
    """Return the text of a (possibly compressed) Packages file."""
    if path.endswith(".gz"):
        with gzip.open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")
    if path.endswith(".xz"):
        with lzma.open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")
    if path.endswith(".lz4"):
        helper = "/usr/lib/apt/apt-helper"
        if os.path.exists(helper):
            cmd = [helper, "cat-file", path]
        elif shutil.which("lz4"):
            cmd = ["lz4", "-dc", path]
        else:
            sys.exit(f"cannot decompress {path}: neither apt-helper nor lz4 found")
        return subprocess.run(cmd, check=True, capture_output=True).stdout.decode("utf-8", "replace")
    with open(path, "rb") as f:
        return f.read().decode("utf-8", "replace")


def stanzas(text):
    """Yield dicts of the fields of each paragraph (continuation lines joined)."""
    fields = {}
    last = None
    for line in io.StringIO(text):
        line = line.rstrip("\n")
        if not line:
            if fields:
                yield fields
            fields, last = {}, None
        elif line[0] in " \t":
            if last is not None:
                fields[last] += " " + line.strip()
        else:
            key, _, value = line.partition(":")
            last = key
            fields[key] = value.strip()
    if fields:
        yield fields


RELATION_ITEM = re.compile(r"^\s*([a-z0-9][a-z0-9+.\-]*)(?::[a-z0-9\-]+)?\s*(\(.*?\))?\s*(\[.*?\])?\s*(<.*?>)?\s*$")


def compact_relations(value):
    """'a (>= 1) | b:any, c' -> 'a|b,c' (names only)."""
    if not value:
        return ""
    groups = []
    for group in value.split(","):
        names = []
        for alt in group.split("|"):
            m = RELATION_ITEM.match(alt)
            if m:
                names.append(m.group(1))
        joined = "|".join(names)
        if names and joined not in groups:
            groups.append(joined)
    return ",".join(groups)


def inrelease_for(packages_path):
    """The InRelease (or Release) file beside a Packages index in apt's lists directory."""
    base = os.path.basename(packages_path)
    m = re.match(r"(.*_dists_[^_]+)_", base)
    if not m:
        return None
    for suffix in ("_InRelease", "_Release"):
        candidate = os.path.join(os.path.dirname(packages_path), m.group(1) + suffix)
        if os.path.exists(candidate):
            return candidate
    return None


def release_fields(path):
    out = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith(" ") or ":" not in line:
                if out and line.startswith(" "):
                    break  # checksum lists start; the header fields are done
                continue
            key, _, value = line.partition(":")
            if key in ("Origin", "Suite", "Codename", "Version", "Date"):
                out[key] = value.strip()
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--release", required=True, help="codename, e.g. bookworm")
    ap.add_argument("--arch", default="amd64")
    ap.add_argument("--lists", default="/var/lib/apt/lists", help="apt's lists directory")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    names = sorted(os.listdir(args.lists))
    pattern = re.compile(
        r"_dists_" + re.escape(args.release) + r"(-updates|-security)?_main_binary-" + re.escape(args.arch) + r"_Packages(\.(gz|xz|lz4))?$"
    )
    order = {None: 0, "-updates": 1, "-security": 2}
    indexes = []
    for n in names:
        m = pattern.search(n)
        if m:
            indexes.append((order[m.group(1)], os.path.join(args.lists, n)))
    if not indexes:
        sys.exit(f"no Packages index for {args.release}/{args.arch} in {args.lists}: run apt-get update")
    indexes.sort()

    packages = {}
    provenance = []
    for _, path in indexes:
        rel = inrelease_for(path)
        info = release_fields(rel) if rel else {}
        count = 0
        for st in stanzas(read_index(path)):
            name = st.get("Package")
            if not name or st.get("Architecture") not in (args.arch, "all"):
                continue
            count += 1
            flags = PRIORITY_LETTER.get(st.get("Priority", ""), "-")
            if st.get("Essential", "").lower() == "yes":
                flags += "E"
            packages[name] = (
                name,
                st.get("Version", ""),
                st.get("Installed-Size", "0") or "0",
                st.get("Size", "0") or "0",
                flags,
                compact_relations(st.get("Pre-Depends", "")),
                compact_relations(st.get("Depends", "")),
                compact_relations(st.get("Recommends", "")),
                compact_relations(st.get("Provides", "")),
            )
        provenance.append(
            "{suite} ({codename} {version}) main/binary-{arch} Packages, {count} packages, InRelease Date: {date}".format(
                suite=info.get("Suite", "?"),
                codename=info.get("Codename", "?"),
                version=info.get("Version", "?"),
                arch=args.arch,
                count=count,
                date=info.get("Date", "?"),
            )
        )

    # What `apt-get update` leaves on disk for this release in a debian:<release>
    # image: the InRelease files and the binary Packages indexes of its suites.
    # Other targets that a desktop apt configuration adds (AppStream dep11
    # metadata, Translation-* files) are not fetched by the Docker images
    # (no appstream package; docker-no-languages), so they are not counted.
    suite_file = re.compile(
        r"_dists_" + re.escape(args.release) + r"(-updates|-security)?_(InRelease|Release|main_binary-" + re.escape(args.arch) + r"_Packages)"
    )
    list_files = [(n, os.path.getsize(os.path.join(args.lists, n))) for n in names if suite_file.search(n)]
    lists_bytes = sum(size for _, size in list_files)

    dates = [p.split("InRelease Date: ")[-1] for p in provenance]
    header = [
        f"#{FORMAT_NAME} {FORMAT_VERSION}",
        f"#release debian {args.release}",
        f"#arch {args.arch}",
        f"#source Debian {args.release} Packages index ({dates[0]})",
    ]
    header += [f"#suite {p}" for p in provenance]
    header.append(f"#apt_lists_bytes {lists_bytes}")
    header += [f"#apt_list_file {n} {size}" for n, size in list_files]
    header.append("#note version constraints and architecture qualifiers are dropped; Installed-Size is in KiB")

    body = "\n".join("\t".join(rec) for _, rec in sorted(packages.items()))
    data = ("\n".join(header) + "\n" + body + "\n").encode("utf-8")
    with open(args.out, "wb") as f:
        # mtime=0: reproducible output for identical input.
        with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=f, mtime=0) as gz:
            gz.write(data)
    print(f"{args.out}: {len(packages)} packages, {len(data)} bytes raw, {os.path.getsize(args.out)} bytes gzip; apt lists {lists_bytes} bytes")


if __name__ == "__main__":
    main()
