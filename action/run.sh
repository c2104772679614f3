#!/usr/bin/env bash
# The work of the static-first GitHub Action (action.yml): get the binary the `version` input
# names, run one mode on the `paths`, and write the step's outputs to $GITHUB_OUTPUT.
#
# Inputs come as INPUT_MODE, INPUT_PATHS, INPUT_VERSION and INPUT_SARIF_FILE. STATIC_FIRST_BINARY,
# when set, is the binary to run whatever the version (the tests point it at their build).
# Exit status: the tool's in check mode (1 while findings remain); in sarif and fix modes 0 when
# the tool ran (findings are the point of those modes), 2 when it or this script failed.
set -euo pipefail

mode=${INPUT_MODE:-check}
version=${INPUT_VERSION:-}
sarif_file=${INPUT_SARIF_FILE:-static-first.sarif}
outputs=${GITHUB_OUTPUT:?GITHUB_OUTPUT must name the step output file (the runner sets it)}
action_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/static-first"
mkdir -p "$work"

fail() {
  echo "::error title=static-first::$1"
  exit 2
}

case $mode in
  check | sarif | fix) ;;
  *) fail "unknown mode '$mode': use check, sarif or fix" ;;
esac

# One path per line, surrounding blanks trimmed, empty lines dropped; none means `.`.
paths=()
while IFS= read -r line; do
  line=${line#"${line%%[![:space:]]*}"}
  line=${line%"${line##*[![:space:]]}"}
  [ -n "$line" ] && paths+=("$line")
done <<<"${INPUT_PATHS:-.}"
[ ${#paths[@]} -gt 0 ] || paths=(.)

# The binary.
if [ -n "${STATIC_FIRST_BINARY:-}" ]; then
  tool=("$STATIC_FIRST_BINARY")
elif [ -n "$version" ]; then
  case $version in
    *[!0-9A-Za-z.+-]* | -*) fail "version '$version' is not a version number (such as 0.1.0)" ;;
  esac
  tool=(npm exec --yes "--package=static-first@$version" -- static-first)
else
  root="$work/cargo"
  cargo install --locked --quiet --path "$action_dir" --root "$root" ||
    fail "cargo install --locked --path $action_dir failed (the runner needs a Rust toolchain, or set version)"
  tool=("$root/bin/static-first")
fi

# Writes one output; values with newlines use a delimiter that cannot occur in them.
output() {
  local name=$1 value=$2 delimiter
  if [[ $value == *$'\n'* ]]; then
    delimiter="static-first-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
    printf '%s<<%s\n%s\n%s\n' "$name" "$delimiter" "$value" "$delimiter" >>"$outputs"
  else
    printf '%s=%s\n' "$name" "$value" >>"$outputs"
  fi
}

stdout="$work/stdout"
stderr="$work/stderr"
status=0
case $mode in
  check)
    "${tool[@]}" --format github --check "${paths[@]}" >"$stdout" 2>"$stderr" || status=$?
    ;;
  sarif)
    "${tool[@]}" --format sarif "${paths[@]}" >"$sarif_file" 2>"$stderr" || status=$?
    : >"$stdout"
    ;;
  fix)
    body="$work/pr-body.md"
    title="$work/pr-title"
    message="$work/commit-message"
    "${tool[@]}" --write --color never --pr-body "$body" --pr-title "$title" --commit-message "$message" \
      "${paths[@]}" >"$stdout" 2>"$stderr" || status=$?
    ;;
esac
cat "$stdout"
cat "$stderr" >&2
[ "$status" -le 1 ] || exit "$status"

# The summary line every format prints on stderr: `... N finding(s) (...`.
findings=$(sed -n 's/^static-first: .* scanned, \([0-9]*\) finding(s).*/\1/p' "$stderr")
[ -n "$findings" ] || fail "no summary line from static-first on stderr"
output findings "$findings"

case $mode in
  check)
    exit "$status"
    ;;
  sarif)
    output sarif-file "$sarif_file"
    ;;
  fix)
    fixed=$(sed -n 's/^fixed //p' "$stdout")
    output fixed-files "$fixed"
    output fixed-count "$(grep -c '^fixed ' "$stdout" || true)"
    output pr-body-path "$body"
    output title "$(head -n 1 "$title")"
    output commit-message "$(cat "$message")"
    ;;
esac
