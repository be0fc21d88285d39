#!/usr/bin/env bash
# Reference checks: random cases (fresh seed each run) computed by eth-account / eth-abi / pyrlp,
# compared with ours. Usage: Tests/Interop/run.sh [--cases N] [--seed S]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
python="$(Tests/Interop/setup-venv.sh)"
swift build --product interop-check >/dev/null
checker="$(swift build --show-bin-path)/interop-check"
exec "$python" Tests/Interop/interop.py --checker "$checker" "$@"
