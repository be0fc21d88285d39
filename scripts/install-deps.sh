#!/usr/bin/env bash
# Installs the Debian packages the build and the tests need, only those missing. Idempotent.
# Usage: scripts/install-deps.sh [build|test]
set -euo pipefail
need=(libsecp256k1-dev pkg-config bubblewrap)
if [ "${1:-build}" = test ]; then
  need+=(python3 python3-venv)
fi
missing=()
for package in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# A python3 outside Debian's packages (pyenv, a toolchain image) with a working venv module is fine.
if [ "${1:-build}" = test ] && command -v python3 >/dev/null && python3 -m venv --help >/dev/null 2>&1; then
  filtered=()
  for package in "${missing[@]}"; do
    case "$package" in python3|python3-venv) ;; *) filtered+=("$package") ;; esac
  done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing missing Debian packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
