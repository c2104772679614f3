#!/usr/bin/env bash
# How static-first's cost grows on hostile files: each shape of bench/make-hostile.py at 1x, 2x,
# 4x and 8x its base size, one file per run (`--check`, one thread), median wall time, CPU time
# and peak RSS of 3 whole-process runs (bench/rusage.py: microseconds, where GNU time counts in
# 10 ms steps that a 1x file does not fill). Writes bench/SCALING.md. Not a test: the clock-free
# bound is src/pipeline/work.rs; this shows the time. 8x the file must cost at most 10x the time.
#
#   bash bench/scaling.sh
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(realpath -m "${WORK:-$ROOT/bench/work/hostile}")"
RUNS="${RUNS:-3}"
mkdir -p "$WORK"
# SF=path/to/static-first measures that binary instead of building one.
if [ -z "${SF:-}" ]; then
  cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml"
  SF="${CARGO_TARGET_DIR:-$ROOT/target}/release/static-first"
fi

OUT="$ROOT/bench/SCALING.md"
{
  echo "# Scaling on hostile files"
  echo
  echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(uname -sr)," \
    "$(date -u +%Y-%m-%d). Produced by \`bash bench/scaling.sh\`: median of $RUNS runs of" \
    "\`static-first -j1 --check FILE\` (bench/rusage.py: wall clock and the child's user + system" \
    "time from getrusage, in microseconds). The load average when the run ended is below; on a" \
    "shared machine the CPU time (median) is what to compare. The shapes ran one after another." \
    "\"8x result\" is what the 8x file got: its findings, or the per-file error (a nest that deep" \
    "is refused before name resolution, see src/parse/scopes.rs). What remains superlinear in" \
    "\`nest\` and \`callbacks\` is oxc_semantic's name resolution, which walks out through every scope around each" \
    "name (n * n / 2 steps for n nested blocks, at most 2^25, about 0.2 s, before a file is" \
    "refused); the work the tool itself does grows linearly (src/pipeline/work.rs)."
  echo
  echo "| shape | base n | 1x s | 2x s | 4x s | 8x s | 8x / 1x time | 1x cpu s | 8x cpu s | 8x / 1x cpu | 1x MiB | 8x MiB | 8x file KiB | 8x result |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
} > "$OUT"
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
for spec in nest:1000 nest:2000 callbacks:1000 callbacks-two:1000 elseif:2000 routers:500 \
  registrations:1000 chain:1000 array:2000; do
  shape=${spec%:*} base=${spec#*:}
  row="| $shape | $base"
  first="" mem1="" mem8="" size8="" cpu1=""
  for k in 1 2 4 8; do
    file="$WORK/$shape-$k.js"
    python3 "$ROOT/bench/make-hostile.py" "$shape" $((base * k)) "$file"
    : > "$WORK/runs.txt"
    for _ in $(seq "$RUNS"); do
      python3 "$ROOT/bench/rusage.py" "$SF" -j1 --check "$file" >> "$WORK/runs.txt" 2> "$WORK/err.txt"
    done
    wall=$(cut -d' ' -f1 < "$WORK/runs.txt" | median)
    mem=$(cut -d' ' -f2 < "$WORK/runs.txt" | median)
    cpu=$(cut -d' ' -f3 < "$WORK/runs.txt" | median)
    row="$row | $wall"
    [ -n "$first" ] || { first=$wall; mem1=$mem; cpu1=$cpu; }
    mem8=$mem size8=$(( $(stat -c %s "$file") / 1024 ))
    result=$(grep -o '[0-9]* finding(s)\|[0-9]* error(s)' "$WORK/err.txt" | grep -v '^0 ' | paste -sd ' ' || true)
  done
  ratio=$(awk -v a="$first" -v b="$wall" 'BEGIN { printf "%.1fx", (a > 0 ? b / a : 0) }')
  cpu_ratio=$(awk -v a="$cpu1" -v b="$cpu" 'BEGIN { printf "%.1fx", (a > 0 ? b / a : 0) }')
  echo "$row | $ratio | $cpu1 | $cpu | $cpu_ratio | $((mem1 / 1024)) | $((mem8 / 1024)) | $size8 | ${result:-none} |" >> "$OUT"
  echo "measured $shape" >&2
done
echo >> "$OUT"
echo "Load average when the run ended: $(cut -d' ' -f1-3 /proc/loadavg)." >> "$OUT"
cat "$OUT"
