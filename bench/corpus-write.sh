#!/usr/bin/env bash
# Runs `static-first --write` over a copy of the large benchmark corpus and checks that it
# crashed nowhere and changed exactly planted bad apps, nothing else (issue: never lose a byte).
#
#   bash bench/corpus-write.sh [WORK_DIR]     (default bench/work)
#
# Builds the corpus with ../shared/bench/make-corpus.sh when WORK_DIR/corpus is missing.
# Not part of CI: it needs the npm registry and a few minutes.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(realpath -m "${1:-$ROOT/bench/work}")"
SHARED="${SHARED:-$ROOT/../shared/bench}"
mkdir -p "$WORK"

[ -d "$WORK/corpus" ] || bash "$SHARED/make-corpus.sh" "$WORK/corpus"
cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml"
BIN="$ROOT/target/release/static-first"

COPY="$WORK/corpus-write"
rm -rf "$COPY"
mkdir -p "$COPY"
cp -a "$(realpath "$WORK/corpus")/." "$COPY/"
git -C "$COPY" init -q
git -C "$COPY" add -A -f
git -C "$COPY" -c user.name=bench -c user.email=bench@localhost commit -q -m corpus

set +e
"$BIN" --write --color=never "$COPY" > "$WORK/write.out" 2> "$WORK/write.err"
rc=$?
set -e
echo "static-first --write exit code: $rc (1 = findings left for review)"
tail -n 1 "$WORK/write.err"
if grep -q "internal error" "$WORK/write.err"; then
  echo "FAIL: internal errors (crashes caught per file):"; grep "internal error" "$WORK/write.err"; exit 1
fi
if [ "$rc" -gt 1 ]; then
  echo "FAIL: errors:"; grep ": error:" "$WORK/write.err" | head -20; exit 1
fi

git -C "$COPY" diff --stat | tail -n 1
git -C "$COPY" diff --name-only | sort > "$WORK/changed.txt"
awk -F'\t' '$1 == "bad" { print $4 }' "$WORK/corpus.planted.tsv" | sort > "$WORK/planted-bad.txt"
unexpected=$(comm -23 "$WORK/changed.txt" "$WORK/planted-bad.txt")
if [ -n "$unexpected" ]; then
  echo "FAIL: changed files that are not planted bad apps:"; echo "$unexpected"; exit 1
fi
echo "changed: $(wc -l < "$WORK/changed.txt") files, all planted bad apps (of $(wc -l < "$WORK/planted-bad.txt"))"
# Every changed file must still parse and be final: a second run changes nothing.
"$BIN" --color=never $(sed "s|^|$COPY/|" "$WORK/changed.txt") > "$WORK/second.out" 2>&1 || true
if grep -q '^+++ ' "$WORK/second.out"; then
  echo "FAIL: a second run changes fixed files again"; exit 1
fi
echo "OK"
