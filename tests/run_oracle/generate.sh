#!/usr/bin/env bash
# Regenerates the RUN oracle goldens: each case is a Dockerfile of single-line RUNs on a local
# busybox base (the base's files are all known, so the simulation can be compared exactly),
# built by buildah 1.28 through /work/shared/tools/oracle-build (uncompressed layers, all
# timestamps 0). golden/<case>.txt lists every layer after the base:
#   layer <n>
#   <path> <type f|d|l|h|wh> <mode octal> <uid> <gid> <size> [-> link target]
# Needs (Debian): buildah skopeo jq runc busybox-static. Run as root: tests/run_oracle/generate.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ORACLE=${ORACLE_BUILD:-/work/shared/tools/oracle-build}
export TMPDIR=${TMPDIR:-/tmp}
BASE=localhost/busybox-run:latest
APPLETS="sh mkdir echo printf rm touch cp mv ln chmod chown cat tee tar gzip ls rmdir true false id test install"

make_base() {
  local base=$TMPDIR/layerlab-oracle ST RR
  ST=${ORACLE_STORE:-$base/storage}; RR=${ORACLE_RUNROOT:-$base/run}
  local B=(buildah --root "$ST" --runroot "$RR" --storage-driver vfs)
  if "${B[@]}" inspect "$BASE" >/dev/null 2>&1; then return 0; fi
  local r; r=$(mktemp -d); mkdir -p "$r/bin" "$r/tmp" "$r/etc"; cp "$(command -v busybox)" "$r/bin/"
  for c in $APPLETS; do ln -s busybox "$r/bin/$c"; done
  chmod 1777 "$r/tmp"
  local c; c=$("${B[@]}" from scratch); "${B[@]}" copy "$c" "$r/" /
  "${B[@]}" config --cmd '["/bin/sh"]' --env PATH=/bin "$c"
  "${B[@]}" commit --timestamp 0 "$c" "$BASE" >/dev/null; "${B[@]}" rm "$c" >/dev/null
}

dump_layers() { # layout dir -> listing of the layers after the base's one
  python3 - "$1" <<'PY'
import json, sys, tarfile, os
layout = sys.argv[1]
idx = json.load(open(os.path.join(layout, 'index.json')))
def blob(d): return os.path.join(layout, 'blobs', *d.split(':'))
man = json.load(open(blob(idx['manifests'][0]['digest'])))
for n, l in enumerate(man['layers'][1:], 1):
    print(f'layer {n}')
    with tarfile.open(blob(l['digest'])) as t:
        for m in t.getmembers():
            name = m.name.rstrip('/')
            base = name.rsplit('/', 1)[-1]
            ty = 'wh' if base.startswith('.wh.') else 'd' if m.isdir() else 'l' if m.issym() else 'h' if m.islnk() else 'f'
            size = m.size if ty == 'f' else 0
            line = f'{name} {ty} {m.mode & 0o7777:o} {m.uid} {m.gid} {size}'
            if ty in ('l', 'h'):
                line += f' -> {m.linkname}'
            print(line)
PY
}

case_def() { # name, Dockerfile text
  mkdir -p "$HERE/cases/$1"
  printf 'FROM %s\n%s\n' "$BASE" "$2" > "$HERE/cases/$1/Dockerfile"
}

cases() {
  case_def run-files 'RUN mkdir -m 750 /d && cd /d && printf "a=%s\n" 1 2 > conf && echo x >> conf && touch empty && ln -s conf link && cp conf copy && chmod g+w,o-r copy && mv empty moved && mkdir -p deep/er && echo y > deep/er/z'
  case_def run-layers 'RUN mkdir -p /s/dir1/dir2 && echo foo > /s/dir1/dir2/foo && echo f > /s/f.txt && echo g > /s/g.txt && echo keep > /s/keep.log
RUN rm -rf /s/dir1 /s/*.txt && chmod 700 /s && touch /s/new'
  case_def run-cp 'RUN mkdir -p /src/a/b && echo 1 > /src/a/b/f && chmod 600 /src/a/b/f && ln -s b /src/a/lnk && cp -a /src /dst && cp -r /src /dst2 && cp /src/a/b/f /single'
  case_def run-loop 'RUN for n in one two; do mkdir -p /loop/$n && echo $n > /loop/$n/name; done; X=val; echo "$X ${Y:-dflt}" > /loop/vars'
  case_def run-owner 'RUN mkdir /o && touch /o/f /o/g && chown -R 1000:1000 /o && chown 0 /o/f && chmod 4755 /o/g'
  case_def run-echo 'RUN echo "a\tb" > /e1 && echo -e "a\tb" > /e2 && echo -n x > /e3 && printf "%s|%5s|%-3d|\n" a b 7 > /e4 && cat /e1 /e3 > /e5 && echo one | tee /e6 >> /e3'
  case_def run-if 'RUN X=1; if [ "$X" = 2 ]; then mkdir /two; elif [ -d /tmp ]; then mkdir /tmpdir; else mkdir /other; fi; [ -f /nope ] || touch /fallback; if [ -e /fallback ]; then echo yes > /tmpdir/seen; fi'
  case_def run-tar 'RUN mkdir -p /src/t/inner && echo in > /src/t/inner/file && ln -s inner/file /src/t/alias && tar -C /src -cf /tmp/a.tar t
RUN mkdir /x && tar -xf /tmp/a.tar -C /x && rm /tmp/a.tar'
}

make_base
cases
mkdir -p "$HERE/golden"
for d in "$HERE"/cases/*/; do
  name=$(basename "$d"); out=$(mktemp -d)/layout
  ORACLE_TS=0 "$ORACLE" "$d" "$out" >/dev/null
  { echo "# buildah 1.28 via oracle-build, ORACLE_TS=0"; dump_layers "$out"; } > "$HERE/golden/$name.txt"
  echo "$name"
done
