#!/usr/bin/env bash
# ESLint with and without eslint-plugin-static-first over a large tree of the shared corpus, in
# one run: the plugin's cost as a ratio of ESLint's own time (target: at most 1.10x).
#
#   bash bench/eslint.sh          (RUNS=2 timed runs of each, alternating)
#
# ESLint 9 and typescript-eslint's parser are the pinned ones of tests/eslint (npm ci when
# missing). The packages are packed by npm/build.sh with the release binary and installed from
# their tarballs under bench/work/eslint. Both runs use @eslint/js's recommended rules (the
# copy ESLint itself depends on), typescript-eslint's parser for TypeScript, and write ESLint's
# json report to a file; the plugin run adds configs.recommended. The tree: a copy of the corpus
# directories in DIRS (by default 50 planted apps and six server-side packages, about 1,400
# JS/TS files: four times the corpus's density of Express apps). Writes bench/ESLINT.md.
# Not a test.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(realpath -m "${WORK:-$ROOT/bench/work}")"
SHARED="$(realpath "${SHARED:-$ROOT/../shared/bench}")"
RUNS="${RUNS:-2}"
DIRS="${DIRS:-apps/search packages/@nestjs packages/express packages/express-session packages/graphql packages/mongoose packages/eslint}"
WARMUP="${WARMUP:-1}"
mkdir -p "$WORK"

[ -d "$WORK/corpus" ] || bash "$SHARED/make-corpus.sh" "$WORK/corpus"
TOOLS="$ROOT/tests/eslint"
[ -d "$TOOLS/node_modules/eslint" ] || (cd "$TOOLS" && npm ci --no-audit --no-fund --loglevel=error)
ESLINT="$TOOLS/node_modules/eslint/bin/eslint.js"

BENCH="$WORK/eslint"
rm -rf "$BENCH"
mkdir -p "$BENCH"
mapfile -t TARBALLS < <(bash "$ROOT/npm/build.sh" "$BENCH/pack")
(cd "$BENCH" && echo '{"name": "eslint-bench", "private": true}' > package.json &&
  npm install --no-audit --no-fund --loglevel=error --legacy-peer-deps "${TARBALLS[@]}")

# A copy of the tree under the directory of ESLint's configuration: ESLint lints nothing outside it.
CORPUS="$BENCH/tree"
SOURCE="$(realpath "$WORK/corpus")"
TREE=()
for d in $DIRS; do
  mkdir -p "$(dirname "$CORPUS/$d")"
  cp -r "$SOURCE/$d" "$CORPUS/$d"
  TREE+=("$CORPUS/$d")
done
FILES=$(find "${TREE[@]}" -type f \( -name '*.js' -o -name '*.cjs' -o -name '*.mjs' -o -name '*.ts' -o -name '*.cts' -o -name '*.mts' -o -name '*.tsx' -o -name '*.jsx' \) -not -name '*.d.ts' | wc -l)

config() {
  cat <<JS
import js from '$TOOLS/node_modules/@eslint/js/src/index.js';
import * as tsParser from '$TOOLS/node_modules/@typescript-eslint/parser/dist/index.js';
$([ "$1" = plugin ] && echo "import staticFirst from 'eslint-plugin-static-first';")
export default [
  { files: ['**/*.{js,cjs,mjs,jsx,ts,cts,mts,tsx}'] },
  { ignores: ['**/*.d.ts'] },
  js.configs.recommended,
  { files: ['**/*.{ts,cts,mts,tsx}'], languageOptions: { parser: tsParser } },
  $([ "$1" = plugin ] && echo "staticFirst.configs.recommended,")
];
JS
}
config base > "$BENCH/base.config.mjs"
config plugin > "$BENCH/plugin.config.mjs"

RESULTS="$BENCH/results.tsv"
: > "$RESULTS"
cd "$BENCH"
# run NAME: ESLint over the tree with NAME.config.mjs, timed (GNU time) into time.txt.
run() {
  /usr/bin/time -f "%e %U %S" -o time.txt node "$ESLINT" --config "$1.config.mjs" --no-warn-ignored \
    --format json --output-file "$1.json" "${TREE[@]}" > /dev/null 2>&1 || true
}
# One untimed warm-up of each (WARMUP=0: none), then alternating timed runs.
if [ "$WARMUP" = 1 ]; then
  run base
  run plugin
fi
for _ in $(seq "$RUNS"); do
  for name in base plugin; do
    run "$name"
    printf '%s\t%s\n' "$name" "$(tail -n 1 time.txt)" >> "$RESULTS"
  done
  echo "measured a round" >&2
done

python3 - "$RESULTS" "$ROOT/bench/ESLINT.md" "$FILES" "$BENCH/plugin.json" "$WORK/corpus.planted.tsv" "$CORPUS" "$DIRS" "$WARMUP" "$(uptime | sed 's/.*load average: //')" <<'PY'
import json, os, platform, statistics, sys
results, out, files, report, planted, corpus, dirs, warmup, load = sys.argv[1:]
warmup = "after one warm-up each" if warmup == "1" else "no warm-up"
rows = {}
for line in open(results):
    name, rest = line.rstrip("\n").split("\t")
    wall, user, sys_ = map(float, rest.split())
    rows.setdefault(name, []).append((wall, user + sys_))
med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v), len(v)) for k, v in rows.items()}
flagged = set()
for result in json.load(open(report)):
    if any(m.get("ruleId") == "static-first/session-before-static" for m in result["messages"]):
        flagged.add(os.path.relpath(result["filePath"], corpus))
bad = {l.split("\t")[3].strip() for l in open(planted) if l.startswith("bad\t")}
linted = {os.path.relpath(r["filePath"], corpus) for r in json.load(open(report))}
bad_in_tree = bad & linted
base, plugin = med["base"], med["plugin"]
lines = [
    "# ESLint with and without eslint-plugin-static-first",
    "",
    f"Machine: {os.cpu_count()} cores, {platform.system()} {platform.release()}, load average {load} at the end. Produced by `bash bench/eslint.sh`;",
    f"medians of {base[2]} alternating whole-process runs each ({warmup}), over {int(files):,} JS/TS files",
    f"of the shared corpus ({dirs}), ESLint 9 with @eslint/js's recommended rules and typescript-eslint's parser.",
    "",
    "| run | wall s | cpu s |",
    "|---|---|---|",
    f"| ESLint | {base[0]:.2f} | {base[1]:.2f} |",
    f"| ESLint + static-first/recommended | {plugin[0]:.2f} | {plugin[1]:.2f} |",
    "",
    f"The plugin adds {100 * (plugin[0] / base[0] - 1):+.1f}% wall and {100 * (plugin[1] / base[1] - 1):+.1f}% cpu "
    f"to ESLint's own time (ratio {plugin[0] / base[0]:.3f}x wall; target at most 1.10x).",
    "",
    f"Found: {len(flagged & bad_in_tree)} of the {len(bad_in_tree)} planted bad apps in the tree; {len(flagged - bad)} other files flagged.",
    "",
]
open(out, "w").write("\n".join(lines))
print("\n".join(lines))
PY
