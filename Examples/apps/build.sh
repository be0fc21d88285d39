#!/usr/bin/env bash
# Builds the example apps: each src/*.c to a wasm32-wasi module (the toolchain's clang and wasm-ld,
# Debian's wasi-libc and wasm32 compiler-rt builtins), and pi.c to a native executable (gcc) for
# the native runtime. Deterministic: the same sources and tools give the same bytes, which
# check.sh verifies against the committed modules in wasm/.
# Usage: Examples/apps/build.sh [WASM_OUT_DIR] [NATIVE_OUT_DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
wasm_out="${1:-$here/wasm}"
native_out="${2:-$here/../../.build/examples}"

# Installs what is missing, idempotently.
need=(wasi-libc libclang-rt-19-dev-wasm32 gcc)
missing=()
for package in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing missing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The toolchain's clang (it has the wasm32 target and wasm-ld beside it).
clang="$(dirname "$(readlink -f "$(command -v swift)")")/clang"
[ -x "$clang" ] || { echo "build.sh: no clang beside swift ($clang)" >&2; exit 1; }
builtins=/usr/lib/llvm-19/lib/clang/19/lib/wasi/libclang_rt.builtins-wasm32.a
[ -f "$builtins" ] || { echo "build.sh: $builtins missing (package libclang-rt-19-dev-wasm32)" >&2; exit 1; }

mkdir -p "$wasm_out" "$native_out"
cd "$here/src"
# No fused multiply-add anywhere: floating-point results must not depend on the machine.
flags=(-O2 -ffp-contract=off -Wall -Wextra -Werror)
for source in *.c; do
  name="${source%.c}"
  "$clang" --target=wasm32-wasi --sysroot=/usr -isystem /usr/include/wasm32-wasi -L/usr/lib/wasm32-wasi \
    "${flags[@]}" -nodefaultlibs -Wl,--strip-all -o "$wasm_out/$name.wasm" "$source" -lc "$builtins"
done
gcc "${flags[@]}" -o "$native_out/pi" pi.c
echo "built $(ls "$wasm_out" | wc -l) wasm modules in $wasm_out and a native pi in $native_out"
