#!/usr/bin/env bash
# Rebuilds the example apps in a temporary folder and checks that the committed modules in wasm/
# are exactly what the sources produce, then runs each once (the toolchain's wasmkit CLI, and the
# native pi) and checks its output. Usage: Examples/apps/check.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$here/build.sh" "$work/wasm" "$work/native" >/dev/null
status=0
for committed in "$here"/wasm/*.wasm; do
  name="$(basename "$committed")"
  if ! cmp -s "$committed" "$work/wasm/$name"; then
    echo "examples: wasm/$name differs from what src/ builds; run Examples/apps/build.sh and commit" >&2
    status=1
  fi
done
for built in "$work"/wasm/*.wasm; do
  [ -f "$here/wasm/$(basename "$built")" ] || { echo "examples: wasm/$(basename "$built") is not committed" >&2; status=1; }
done
[ $status -eq 0 ] || exit $status

wasmkit="$(dirname "$(readlink -f "$(command -v swift)")")/wasmkit"
run() {  # run NAME ARGS…: the module with IEXEC_OUT=$work/out, IEXEC_IN=$work/in
  rm -rf "$work/out" && mkdir -p "$work/out"
  "$wasmkit" run --dir "$work/in" --dir "$work/out" \
    --env IEXEC_IN="$work/in" --env IEXEC_OUT="$work/out" --env IEXEC_DATASET_FILENAME=text.txt \
    "$here/wasm/$1.wasm" "${@:2}" >/dev/null
}
expect() {  # expect FILE TEXT: FILE holds TEXT
  [ "$(cat "$1")" = "$2" ] || { echo "examples: $1 is [$(cat "$1")], expected [$2]" >&2; exit 1; }
}
mkdir -p "$work/in"
printf 'The cat and the hat.\nThe end, the END!\n' > "$work/in/text.txt"
run pi 100000 7
grep -q '^pi 3\.1' "$work/out/result.txt" || { echo "examples: pi wrote $(cat "$work/out/result.txt")" >&2; exit 1; }
wasm_pi="$(cat "$work/out/result.txt")"
expect "$work/out/computed.json" '{"deterministic-output-path":"/iexec_out/result.txt"}'
rm -rf "$work/native-out" && mkdir -p "$work/native-out"
IEXEC_OUT="$work/native-out" "$work/native/pi" 100000 7 >/dev/null
expect "$work/native-out/result.txt" "$wasm_pi"
run wordfreq 3
expect "$work/out/result.txt" "$(printf 'bytes 39\nwords 9\ndistinct 5\n4 the\n2 end\n1 and')"
run mandelbrot 64 48 100
[ "$(head -c 11 "$work/out/mandelbrot.ppm")" = "$(printf 'P6\n64 48\n25')" ] || { echo "examples: bad PPM header" >&2; exit 1; }
[ "$(wc -c < "$work/out/mandelbrot.ppm")" -eq $((13 + 64 * 48 * 3)) ] || { echo "examples: bad PPM size" >&2; exit 1; }
echo "examples: $(ls "$here"/wasm/*.wasm | wc -l) wasm modules rebuilt identical; pi (wasm = native), wordfreq and mandelbrot outputs checked"
