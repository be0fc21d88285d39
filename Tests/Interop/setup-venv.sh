#!/usr/bin/env bash
# Creates (once) the Python venv the reference checks use, from PyPI. Prints its python path.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv"
stamp="$venv/.installed-v3"
if [ ! -f "$stamp" ]; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt" >&2
  touch "$stamp"
fi
echo "$venv/bin/python"
