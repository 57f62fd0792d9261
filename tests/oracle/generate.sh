#!/usr/bin/env bash
# Regenerates the oracle goldens: every case under cases/ is (re)created from this script,
# built with a REAL builder (buildah, via /work/shared/tools/oracle-build: uncompressed
# layers, every timestamp 0), and each layer's tar listing is written to golden/<case>.txt:
#   layer <n>
#   <path> <type f|d|l|h|wh> <mode octal> <uid> <gid> <size> [-> link target]
# Needs (Debian): buildah skopeo jq python3; RUN cases also runc busybox-static.
# Usage: tests/oracle/generate.sh [case…]   (run as root from anywhere)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ORACLE=${ORACLE_BUILD:-/work/shared/tools/oracle-build}
CASES="$HERE/cases"; GOLD="$HERE/golden"
mkdir -p "$CASES" "$GOLD"
export TMPDIR=${TMPDIR:-/tmp}

common_files() { # $1 = context dir
  local d=$1
  mkdir -p "$d/sub/dir1/dir2" "$d/sub2" "$d/links" "$d/pkg/a/b"
  printf 'hello\n' > "$d/a.txt"; printf 'bee\n' > "$d/b.txt"
  printf 'foo\n' > "$d/sub/dir1/dir2/foo"; printf 'sub file\n' > "$d/sub/f.txt"
  printf 'two\n' > "$d/sub2/g.txt"; printf 'kept\n' > "$d/keep.log"; printf 'dropped\n' > "$d/x.log"
  printf 'deep\n' > "$d/pkg/a/b/c.txt"; printf 'top\n' > "$d/pkg/a/top.txt"
  printf '#!/bin/sh\necho run\n' > "$d/run.sh"; chmod 755 "$d/run.sh"
  ln -sfn a.txt "$d/link"; ln -sfn ../a.txt "$d/links/up"; ln -sfn sub "$d/subdir-link"
  printf 'app:x:1000:1001::/home/app:/bin/sh\nroot:x:0:0::/root:/bin/sh\n' > "$d/passwd"
  printf 'root:x:0:\nstaff:x:50:\napp:x:1001:\n' > "$d/group"
  mkdir -p "$d/.tarsrc/t/inner"; printf 'in tar\n' > "$d/.tarsrc/t/inner/file"
  ln -sfn inner/file "$d/.tarsrc/t/alias"
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$d/.tarsrc" -cf "$d/archive.tar" t
  gzip -n -c "$d/archive.tar" > "$d/archive.tar.gz"
  rm -rf "$d/.tarsrc"
}

case_def() { # name, Dockerfile text, [dockerignore text]
  local name=$1 df=$2 ign=${3:-}
  local d="$CASES/$name"
  rm -rf "$d"; mkdir -p "$d"; common_files "$d"
  printf '%s\n' "$df" > "$d/Dockerfile"
  [ -n "$ign" ] && printf '%s\n' "$ign" > "$d/.dockerignore"
  return 0
}

define_cases() {
  case_def copy-file 'FROM scratch
COPY a.txt /a.txt'
  case_def copy-file-into-dir 'FROM scratch
COPY a.txt /dir/'
  case_def copy-dir-contents 'FROM scratch
COPY sub /dest'
  case_def copy-dir-trailing 'FROM scratch
COPY sub/ /dest2/'
  case_def copy-wildcard 'FROM scratch
COPY *.txt /w/'
  case_def copy-wildcard-dirs 'FROM scratch
COPY sub/* /subdest/'
  case_def copy-multi 'FROM scratch
COPY a.txt b.txt /m/'
  case_def copy-dot 'FROM scratch
COPY . /app'
  case_def dockerignore 'FROM scratch
COPY . /ctx' '*.log
!keep.log
sub2'
  case_def workdir-copy 'FROM scratch
WORKDIR /w
COPY a.txt .'
  case_def chown-numeric 'FROM scratch
COPY --chown=1000:1000 a.txt /o/'
  case_def chown-names 'FROM scratch
COPY passwd group /etc/
COPY --chown=app:staff a.txt sub /owned/'
  case_def chmod-octal 'FROM scratch
COPY --chmod=0700 a.txt /x'
  case_def chmod-dir 'FROM scratch
COPY --chmod=750 sub /cd/'
  case_def symlink-in-dir 'FROM scratch
COPY links /l/'
  case_def symlink-top 'FROM scratch
COPY link /t'
  case_def add-tar 'FROM scratch
ADD archive.tar /x/'
  case_def add-targz 'FROM scratch
ADD archive.tar.gz /y/'
  case_def add-plain 'FROM scratch
ADD a.txt /z'
  case_def multistage 'FROM scratch AS build
COPY sub /s
COPY a.txt /s/a.txt
FROM scratch
COPY --from=build /s /final'
  case_def copy-from-index 'FROM scratch
COPY b.txt /b
FROM scratch
COPY --from=0 /b /copied/'
  case_def overwrite 'FROM scratch
COPY a.txt /f
COPY b.txt /f'
  case_def merge-dirs 'FROM scratch
COPY sub /d
COPY sub2 /d'
  case_def empty-wildcard 'FROM scratch
COPY a.txt nomatch* /e/'
  case_def deep-dest 'FROM scratch
COPY a.txt /deep/er/path/file'
  case_def exec-bit 'FROM scratch
COPY run.sh /bin/'
  case_def dir-link-top 'FROM scratch
COPY subdir-link /via-link/'
  # RUN cases: need the RUN simulation (src/simulate/run) and the local busybox base.
  case_def run-mkdir 'FROM localhost/busybox:latest
RUN mkdir -p /data/sub && echo hi > /data/sub/x && ln -s /data/sub/x /data/lnk'
  case_def run-rm 'FROM localhost/busybox:latest
COPY a.txt b.txt /files/
RUN rm /files/a.txt && chmod 600 /files/b.txt'
}

make_busybox() {
  local base=$TMPDIR/layerlab-oracle ST RR
  ST=${ORACLE_STORE:-$base/storage}; RR=${ORACLE_RUNROOT:-$base/run}
  local B=(buildah --root "$ST" --runroot "$RR" --storage-driver vfs)
  if "${B[@]}" inspect localhost/busybox:latest >/dev/null 2>&1; then return 0; fi
  command -v busybox >/dev/null || { echo "busybox-static missing: RUN cases skipped" >&2; return 1; }
  local r; r=$(mktemp -d); mkdir -p "$r/bin" "$r/tmp" "$r/etc"; cp "$(command -v busybox)" "$r/bin/"
  for c in sh mkdir echo rm touch cp mv ln chmod cat ls find stat rmdir true id; do ln -s busybox "$r/bin/$c"; done
  chmod 1777 "$r/tmp"
  local c; c=$("${B[@]}" from scratch); "${B[@]}" copy "$c" "$r/" /
  "${B[@]}" config --cmd '["/bin/sh"]' --env PATH=/bin "$c"
  "${B[@]}" commit --timestamp 0 "$c" localhost/busybox:latest >/dev/null; "${B[@]}" rm "$c" >/dev/null
}

dump_layers() { # layout dir -> golden listing (skips the base layers of localhost/busybox)
  python3 - "$1" "${2:-0}" <<'PY'
import json, sys, tarfile, os
layout, skip = sys.argv[1], int(sys.argv[2])
idx = json.load(open(os.path.join(layout, 'index.json')))
def blob(d): return os.path.join(layout, 'blobs', *d.split(':'))
man = json.load(open(blob(idx['manifests'][0]['digest'])))
for n, l in enumerate(man['layers'][skip:], 1):
    print(f'layer {n}')
    with tarfile.open(blob(l['digest'])) as t:
        for m in t.getmembers():
            name = m.name.rstrip('/')
            base = os.path.basename(name)
            if base.startswith('.wh.'):
                ty = 'wh'
            elif m.isdir(): ty = 'd'
            elif m.issym(): ty = 'l'
            elif m.islnk(): ty = 'h'
            else: ty = 'f'
            line = f'{name} {ty} {m.mode:o} {m.uid} {m.gid} {m.size if m.isfile() else 0}'
            if m.issym() or m.islnk(): line += f' -> {m.linkname}'
            print(line)
PY
}

define_cases
names=("$@"); [ ${#names[@]} -eq 0 ] && names=($(ls "$CASES"))
have_busybox=1; make_busybox || have_busybox=0
for n in "${names[@]}"; do
  skip=0
  if grep -q localhost/busybox "$CASES/$n/Dockerfile"; then
    [ $have_busybox = 1 ] || { echo "skip $n"; continue; }; skip=1
  fi
  out=$(mktemp -d)/layout
  if "$ORACLE" "$CASES/$n" "$out" >/dev/null 2>"$GOLD/$n.err"; then
    { echo "# buildah $(buildah --version | awk '{print $3}') via oracle-build, ORACLE_TS=0"; dump_layers "$out" $skip; } > "$GOLD/$n.txt"
    rm -f "$GOLD/$n.err"; echo "ok $n"
  else
    echo "FAILED $n (see golden/$n.err)"
  fi
  rm -rf "$(dirname "$out")"
done
