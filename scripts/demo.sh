#!/usr/bin/env bash
# `make demo` until the devnet lands: a wallet, a PoCo request order signed for iExec's Bellecour
# chain id and hub, its EIP-712 hash, and the signer recovered — all through the iexec CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
iexec="$(swift build --show-bin-path)/iexec"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
password="demo-password"
hub=0x3eca1B216A7DF1C7689aEb259fFB83ADFB894E7f

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "1. create a wallet (keystore v3, scrypt) in $work/wallets"
"$iexec" wallet create --password "$password" --keystoredir "$work/wallets"
keystore="$(ls "$work"/wallets/UTC--*)"
address="$("$iexec" wallet show --keystore "$keystore" --password "$password" --raw | sed -E 's/.*"address":"([^"]+)".*/\1/')"

step "2. a request order: run app 0x2EbD… on any workerpool, 1 task, trust 1, category 0"
cat > "$work/request.json" <<JSON
{
  "app": "0x2EbD509d777B187E8394566bA6ec093B9dd73DF1",
  "appmaxprice": "0",
  "dataset": "0x0000000000000000000000000000000000000000",
  "datasetmaxprice": "0",
  "workerpool": "0x0000000000000000000000000000000000000000",
  "workerpoolmaxprice": "1000000000",
  "requester": "$address",
  "volume": "1",
  "tag": "0x0000000000000000000000000000000000000000000000000000000000000000",
  "category": "0",
  "trust": "1",
  "beneficiary": "$address",
  "callback": "0x0000000000000000000000000000000000000000",
  "params": "{\"iexec_args\":\"pi 1000000\"}",
  "salt": "0x$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')"
}
JSON
cat "$work/request.json"

step "3. its EIP-712 hash in the iExecODB/5.0.0 domain (chain 134, hub $hub)"
"$iexec" order hash --type request --chain-id 134 --hub "$hub" < "$work/request.json"

step "4. signed with the wallet"
"$iexec" order sign --type request --chain-id 134 --hub "$hub" \
  --keystore "$keystore" --password "$password" < "$work/request.json"

step "5. a wrong field is refused with a clear error"
sed 's/"volume": "1"/"volume": "one"/' "$work/request.json" |
  "$iexec" order hash --type request --chain-id 134 --hub "$hub" || true

printf '\nThe node, market, scheduler and workers that turn this order into a computed, verified\n'
printf 'result come in the next milestones; see README.md.\n'
