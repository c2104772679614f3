#!/usr/bin/env bash
# Side-by-side benchmark of static-first against its peers, in one run on this machine.
#
#   bash bench/run.sh            (RUNS=5 timed runs per fast command, SLOW_RUNS=1 for semgrep)
#
# Builds the release binary, the shared corpus (../shared/bench/make-corpus.sh) and the peers
# (../shared/bench/install-peers.sh) when missing, under bench/work/. Times whole processes over
# a warm tree with GNU time (one untimed warm-up run each), takes medians, and writes
# bench/RESULTS.md. Not a test: it reports ratios measured in the same run.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(realpath -m "${WORK:-$ROOT/bench/work}")"
SHARED="$(realpath "${SHARED:-$ROOT/../shared/bench}")"
RUNS="${RUNS:-5}"
SLOW_RUNS="${SLOW_RUNS:-1}"
mkdir -p "$WORK"

cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml"
SF="${CARGO_TARGET_DIR:-$ROOT/target}/release/static-first"
[ -d "$WORK/corpus" ] || bash "$SHARED/make-corpus.sh" "$WORK/corpus"
[ -d "$WORK/tools/node_modules/@ast-grep" ] || bash "$SHARED/install-peers.sh" "$WORK/tools"
SG="$WORK/tools/node_modules/@ast-grep/cli-linux-x64-gnu/ast-grep"
[ -x "$SG" ] || SG="$WORK/tools/node_modules/@ast-grep/cli/ast-grep"
SEMGREP="$WORK/tools/venv/bin/semgrep"
for n in 10000 20000; do
  [ -d "$WORK/dense-$n" ] || python3 "$ROOT/bench/make-dense.py" "$WORK/dense-$n" "$n"
done
export SEMGREP_SEND_METRICS=off

RESULTS="$WORK/results.tsv"
: > "$RESULTS"
# measure NAME RUNS COMMAND...: median wall, cpu (user+sys) and peak RSS of whole processes.
measure() {
  local name=$1 runs=$2; shift 2
  "$@" > /dev/null 2>&1 || true
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %U %S %M" -o "$WORK/time.txt" "$@" > /dev/null 2>&1 || true
    printf '%s\t%s\n' "$name" "$(tail -n 1 "$WORK/time.txt")" >> "$RESULTS"
  done
  echo "measured $name" >&2
}

cd "$WORK"
# Real paths: semgrep refuses a root that is a symbolic link. It only scans inside its project
# root, which gets an empty .semgrepignore so that its built-in ignore list (dist/, test/, ...)
# does not hide files the other tools read.
CORPUS="$(realpath corpus)"
PROOT="$(dirname "$CORPUS")"
[ -e "$PROOT/.semgrepignore" ] || : > "$PROOT/.semgrepignore"
measure static-first "$RUNS" "$SF" --color=never "$CORPUS"
measure rg-floor "$RUNS" rg -l --no-ignore -e express.static "$CORPUS"
measure ast-grep "$RUNS" "$SG" scan -c "$SHARED/peers/ast-grep/sgconfig.yml" --json=stream "$CORPUS"
measure semgrep "$SLOW_RUNS" "$SEMGREP" scan --metrics=off --disable-version-check --no-git-ignore --project-root "$PROOT" \
  --max-target-bytes 0 --config "$SHARED/peers/semgrep/session-before-static.yml" --json "$CORPUS"
measure dense10k-static-first "$RUNS" "$SF" --color=never dense-10000
measure dense10k-static-first-1-thread "$RUNS" "$SF" --color=never -j1 dense-10000
measure dense20k-static-first "$RUNS" "$SF" --color=never dense-20000
measure dense10k-ast-grep "$RUNS" "$SG" scan -c "$SHARED/peers/ast-grep/sgconfig.yml" --json=stream dense-10000
measure dense10k-rg-floor "$RUNS" rg -l --no-ignore -e express.static dense-10000

# The floor under the dense case: what oxc's parser alone costs per file (the median of the
# `dense_parse` divan bench, on the same app the dense tree is made of).
PARSE_US=$(cargo bench --quiet --manifest-path "$ROOT/Cargo.toml" --bench pipeline -- dense_parse 2>/dev/null |
  python3 -c '
import re, sys
units = {"ns": 1e-3, "µs": 1, "ms": 1e3}
for line in sys.stdin:
    m = re.search(r"dense_parse\s.*?│.*?│\s*([\d.]+) (ns|µs|ms)", line)
    if m:
        print(float(m.group(1)) * units[m.group(2)])
        break
')

# Correctness on the corpus: the files static-first flags are exactly the planted bad apps.
"$SF" --check --color=never "$CORPUS" 2> /dev/null | cut -d: -f1 | sed "s|^$CORPUS/||" | sort -u > flagged.txt || true
awk -F'\t' '$1 == "bad" { print $4 }' corpus.planted.tsv | sort > planted-bad.txt
found=$(comm -12 flagged.txt planted-bad.txt | wc -l)
missed=$(comm -13 flagged.txt planted-bad.txt | wc -l)
extra=$(comm -23 flagged.txt planted-bad.txt | wc -l)
dense_fixed=$("$SF" --check --color=never dense-10000 2> /dev/null | grep -c 'fixable' || true)

python3 - "$RESULTS" "$ROOT/bench/RESULTS.md" "$found" "$missed" "$extra" "$dense_fixed" "$PARSE_US" <<'PY'
import statistics, subprocess, sys, platform, os
results, out, found, missed, extra, dense_fixed, parse_us = sys.argv[1:]
parse_us = float(parse_us)
rows = {}
for line in open(results):
    name, rest = line.rstrip("\n").split("\t")
    wall, user, sys_, rss = rest.split()
    rows.setdefault(name, []).append((float(wall), float(user) + float(sys_), int(rss) / 1024))
med = {k: tuple(statistics.median(x[i] for x in v) for i in range(3)) + (len(v),) for k, v in rows.items()}
cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], capture_output=True, text=True).stdout.strip()
sf, rg = med["static-first"], med["rg-floor"]
lines = [
    "# Benchmark results",
    "",
    f"Machine: {os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}. Produced by `bash bench/run.sh`;",
    "medians of whole-process runs over a warm tree (GNU time), one untimed warm-up run each.",
    "",
    "## Monorepo scan (shared corpus: ~48,000 JS/TS files, 330 MB, 400 planted apps)",
    "",
    "| command | wall s | cpu s | peak MiB | runs | wall vs static-first |",
    "|---|---|---|---|---|---|",
]
for name, cmd in [("static-first", "static-first corpus (dry run)"), ("rg-floor", "rg -l --no-ignore -e express.static corpus"),
                  ("ast-grep", "ast-grep scan (peers/ast-grep rule)"), ("semgrep", "semgrep scan (peers/semgrep rule)")]:
    w, c, m, n = med[name]
    lines.append(f"| `{cmd}` | {w:.2f} | {c:.2f} | {m:.0f} | {n} | {w / sf[0]:.1f}x |")
lines += [
    "",
    f"static-first / ripgrep floor: {sf[0] / rg[0]:.2f}x wall (target at most 1.5x); "
    f"ast-grep / static-first: {med['ast-grep'][0] / sf[0]:.0f}x (target 30x); "
    f"semgrep / static-first: {med['semgrep'][0] / sf[0]:.0f}x (target 100x); peak RSS {sf[2]:.0f} MiB (target under 64).",
    "",
    f"Correctness: static-first flags {found} of the 200 planted bad apps, misses {missed}, and flags {extra} other files.",
    "",
    "## Dense case (every file is an Express app that needs a fix; nothing can be skipped)",
    "",
    "| command | wall s | cpu s | peak MiB | files/s per core (cpu) |",
    "|---|---|---|---|---|",
]
for name, files, cmd in [("dense10k-static-first", 10000, "static-first dense-10000 (dry run: detect, plan, edit, verify, diff)"),
                         ("dense10k-static-first-1-thread", 10000, "static-first -j1 dense-10000"),
                         ("dense20k-static-first", 20000, "static-first dense-20000"),
                         ("dense10k-ast-grep", 10000, "ast-grep scan dense-10000"),
                         ("dense10k-rg-floor", 10000, "rg -l --no-ignore -e express.static dense-10000")]:
    w, c, m, n = med[name]
    lines.append(f"| `{cmd}` | {w:.2f} | {c:.2f} | {m:.0f} | {files / c:,.0f} |")
d10, d20, sg = med["dense10k-static-first"], med["dense20k-static-first"], med["dense10k-ast-grep"]
cores = os.cpu_count()
floor = med["dense10k-rg-floor"][0] + parse_us * 10000 / cores / 1e6
lines += [
    "",
    f"Fixable findings in dense-10000: {dense_fixed}. Throughput {10000 / d10[1]:,.0f} files per cpu-second "
    f"(target 20,000 per core); ast-grep / static-first on the same tree: {sg[0] / d10[0]:.0f}x (target 20x); "
    f"doubling the tree costs {d20[0] / d10[0]:.2f}x wall, {d20[1] / d10[1]:.2f}x cpu (target at most 2.2x).",
    "",
    "The floor under any tool that parses every file: reading the tree (ripgrep above) plus oxc's "
    f"parser alone, {parse_us:.1f} µs per file (`cargo bench --bench pipeline -- dense_parse`, same app), "
    f"on {cores} cores: {floor:.3f} s wall. ast-grep / that floor: {sg[0] / floor:.1f}x"
    + (", so no tool that parses the files can be 20x faster than ast-grep on this tree here" if sg[0] / floor < 20 else "")
    + f"; static-first takes {d10[0] / floor:.1f}x the floor.",
    "",
]
open(out, "w").write("\n".join(lines))
print("\n".join(lines))
PY
