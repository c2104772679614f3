#!/usr/bin/env bash
# Packs the npm packages for this machine into OUTDIR: the launcher (static-first), this host's
# platform package (@static-first/cli-<os>-<arch>[-musl], with the binary in bin/) and the ESLint
# plugin. The platform package is staged under OUTDIR; nothing in the repository is written.
#
#   bash npm/build.sh OUTDIR            builds the release binary with cargo first
#   bash npm/build.sh OUTDIR BINARY     packs BINARY instead (the tests pass their debug build)
#
# Prints the path of each tarball, one a line.
set -euo pipefail
NPM_DIR="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$NPM_DIR")"
[ $# -ge 1 ] || { echo "usage: bash npm/build.sh OUTDIR [BINARY]" >&2; exit 2; }
OUT="$(realpath -m "$1")"
BINARY="${2:-}"
if [ -z "$BINARY" ]; then
  cargo build --release --locked --quiet --manifest-path "$ROOT/Cargo.toml"
  BINARY="${CARGO_TARGET_DIR:-$ROOT/target}/release/static-first"
fi
[ -x "$BINARY" ] || { echo "npm/build.sh: $BINARY is not an executable" >&2; exit 2; }
PLATFORM="$(node "$NPM_DIR/static-first/lib/platform.js")"

mkdir -p "$OUT"
STAGE="$OUT/stage/$PLATFORM"
rm -rf "$STAGE"
mkdir -p "$STAGE/bin"
cp "$NPM_DIR/$PLATFORM/package.json" "$STAGE/"
cp "$ROOT/LICENSE" "$STAGE/"
cp "$BINARY" "$STAGE/bin/static-first"
chmod 755 "$STAGE/bin/static-first"

pack() {
  local name
  name="$(cd "$1" && npm pack --silent --pack-destination "$OUT")"
  echo "$OUT/$name"
}
pack "$STAGE"
pack "$NPM_DIR/static-first"
pack "$NPM_DIR/eslint-plugin-static-first"
