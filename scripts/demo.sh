#!/usr/bin/env bash
# `make demo`: a real decentralized job on a local devnet, end to end through the iexec CLI.
#
# One process (`iexec devnet`) runs the chain node, the market, the storage, a workerpool's
# scheduler and four workers — one of them configured to lie. As the requester (dev account 0) we
# deposit RLC, buy 8 tasks of the π estimator at trust 100 with `iexec app run --watch`, download
# and verify every result against the chain, and show who was paid what: the app owner, the
# workerpool, the honest workers — and what the liar lost.
set -euo pipefail
cd "$(dirname "$0")/.."
iexec="$(swift build --show-bin-path)/iexec"
work="$(mktemp -d "${TMPDIR:-/tmp}/iexec-demo.XXXXXX")"
devnet_pid=""
cleanup() {
  if [ -n "$devnet_pid" ] && kill -0 "$devnet_pid" 2>/dev/null; then
    kill -INT "$devnet_pid" 2>/dev/null || true
    wait "$devnet_pid" 2>/dev/null || true
  fi
  if [ -z "${KEEP:-}" ]; then rm -rf "$work"; else echo "(kept $work)"; fi
}
trap cleanup EXIT
password="demo-password"
volume="${DEMO_TASKS:-8}"
samples="${DEMO_SAMPLES:-300000}"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
field() { sed -nE "s/.*\"$1\":\"?([^\",}]*)\"?.*/\1/p" | head -1; }   # a scalar field of one JSON line
cli() { "$iexec" "$@" --project "$work/project"; }
signed() { cli "$@" --keystoredir "$work/keystore" --password "$password"; }

step "1. Start a devnet: node, market, storage, scheduler and 4 workers (worker 0 lies) — $work/devnet"
"$iexec" devnet --workers 4 --misbehave 0=lie --data-dir "$work/devnet" --port 0 --scheduler-port 0 --raw \
  > "$work/devnet.json" 2> "$work/devnet.log" &
devnet_pid=$!
for _ in $(seq 1 300); do
  if [ -s "$work/devnet.json" ]; then break; fi
  if ! kill -0 "$devnet_pid" 2>/dev/null; then cat "$work/devnet.log" >&2; echo "the devnet did not start" >&2; exit 1; fi
  sleep 0.2
done
banner="$(head -1 "$work/devnet.json")"
node="$(echo "$banner" | field node)"
pi="$(echo "$banner" | sed -nE 's/.*"address":"(0x[0-9a-fA-F]{40})","name":"pi".*/\1/p')"
mapfile -t workers < <(echo "$banner" | grep -oE '"address":"0x[0-9a-fA-F]{40}","behaviour":"[a-z-]+"' | sed -E 's/"address":"([^"]+)".*/\1/')
app_owner="$(echo "$banner" | sed -nE 's/.*"appOwner":\{"address":"(0x[0-9a-fA-F]{40})".*/\1/p')"
pool_owner="$(echo "$banner" | sed -nE 's/.*"workerpoolOwner":\{"address":"(0x[0-9a-fA-F]{40})".*/\1/p')"
user_key="$(echo "$banner" | sed -nE 's/.*"user":\{"address":"0x[0-9a-fA-F]{40}","privateKey":"(0x[0-9a-f]{64})".*/\1/p')"
echo "node $node, π app $pi"
echo "workers: ${workers[*]} (the first lies)"

step "2. Be the requester: import dev account 0, point a project at the devnet, deposit 1 RLC"
"$iexec" wallet import "$user_key" --keystoredir "$work/keystore" --password "$password" --light
"$iexec" init --project "$work/project" --host "$node" >/dev/null
requester="$("$iexec" wallet show --keystoredir "$work/keystore" --password "$password" --raw | field address)"
signed account deposit "1 RLC"

names=("requester" "app owner" "workerpool owner" "worker 0 (liar)" "worker 1" "worker 2" "worker 3")
addresses=("$requester" "$app_owner" "$pool_owner" "${workers[@]}")
declare -a before_balance before_score
for i in "${!addresses[@]}"; do
  line="$(cli account show "${addresses[$i]}" --raw)"
  before_balance[$i]=$(( $(echo "$line" | field balance) + $(echo "$line" | field frozen) ))
  before_score[$i]="$(echo "$line" | field score)"
done

step "3. Buy $volume tasks of π ($samples samples each) at trust 100, and watch PoCo run them"
echo "(the app order and the workerpool order come from the market; the request is signed here)"
run="$(signed app run "$pi" --volume "$volume" --trust 100 --args "$samples 42" --raw)"
deal="$(echo "$run" | field dealid)"
mapfile -t tasks < <(echo "$run" | grep -oE '"tasks":\[[^]]*\]' | grep -oE '0x[0-9a-f]{64}')
echo "deal $deal: ${#tasks[@]} tasks"
cli deal show "$deal" --watch --timeout 300

step "4. Download every result; each is checked against the digest the workers agreed on, on chain"
for task in "${tasks[@]}"; do
  signed task show "$task" --download "$work/results/$task" --raw > "$work/task.json"
  printf '%s…  %s\n' "${task:0:18}" "$(tr '\n' ' ' < "$work/results/$task/result.txt")"
done

step "5. Who was paid what (escrow balance + frozen, nRLC) and the workers' reputation"
printf '%-18s %-44s %16s %16s %12s  %s\n' "" "account" "before" "after" "change" "score"
total=0
for i in "${!addresses[@]}"; do
  line="$(cli account show "${addresses[$i]}" --raw)"
  after=$(( $(echo "$line" | field balance) + $(echo "$line" | field frozen) ))
  score="$(echo "$line" | field score)"
  change=$(( after - before_balance[i] ))
  total=$(( total + change ))
  printf '%-18s %-44s %16s %16s %+12d  %s\n' "${names[$i]}" "${addresses[$i]}" "${before_balance[$i]}" "$after" "$change" \
    "${before_score[$i]} → $score"
done
printf '%-18s %-44s %16s %16s %+12d  %s\n' "sum of changes" "(money is conserved)" "" "" "$total" ""
cat <<TEXT

The requester paid for $volume tasks: the app's price to its owner, the workerpool's price to the
scheduler and the workers whose result won. Each time the liar contributed, its result lost the
vote: PoCo seized its stake (given to the winners) and cut its reputation.
Results (verified against the chain): $work/results/<task id>/ — kept if you run KEEP=1 make demo.
Go on with the same CLI against your own node: README.md, "Run the services separately".
TEXT
