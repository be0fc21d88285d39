#!/usr/bin/env bash
# Fuzzes the decoders that face the network with libFuzzer (the toolchain's -sanitize=fuzzer, with
# AddressSanitizer): RLP, raw transactions, ABI, JSON. Each harness in Tests/Fuzz/ is compiled together
# with the Ethereum module's sources (all but the keystore, which needs swift-crypto) into one
# binary under .build-fuzz/, and starts from the valid inputs in Tests/Fuzz/seeds/ (made with pyrlp,
# eth-account and eth-abi). Usage: scripts/fuzz.sh [RUNS] [harness…]   (default 1000000, all)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-1000000}"
shift || true
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(rlp transaction abi json)
out=.build-fuzz
mkdir -p "$out"
mapfile -t sources < <(find Sources/Ethereum -name '*.swift' -not -path '*/Keystore/*' | sort)

for harness in "${harnesses[@]}"; do
  echo "== building $harness"
  if ! swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name EthereumFuzz \
    -I Sources/CSecp256k1 "${sources[@]}" "Tests/Fuzz/$harness.swift" -lsecp256k1 -o "$out/$harness" \
    >"$out/$harness.build.log" 2>&1; then
    cat "$out/$harness.build.log"
    exit 1
  fi

  corpus="$out/corpus-$harness"
  mkdir -p "$corpus"
  seed_number=0
  while read -r hex; do
    seed_number=$((seed_number + 1))
    printf "$(printf '%s' "$hex" | sed 's/../\\x&/g')" > "$corpus/seed-$seed_number"
  done < "Tests/Fuzz/seeds/$harness.hex"

  echo "== fuzzing $harness: $runs inputs"
  # Leak checking is off: LeakSanitizer counts the Swift runtime's lazily built metadata caches
  # (allocated once, kept for the process's life) as leaks. Memory errors and traps still stop the run.
  log="$out/$harness.log"
  if ASAN_OPTIONS=detect_leaks=0 "$out/$harness" -runs="$runs" -max_len=2048 -print_final_stats=1 \
       -artifact_prefix="$out/$harness-" \
       "$corpus" >"$log" 2>&1; then
    grep -E "stat::number_of_executed_units|stat::peak_rss" "$log"
    echo "== $harness: no crash in $runs inputs"
  else
    tail -n 40 "$log"
    echo "== $harness: FAILED (the crashing input is $out/$harness-crash-*; log: $log)"
    exit 1
  fi
done
