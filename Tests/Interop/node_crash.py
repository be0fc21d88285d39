#!/usr/bin/env python3
"""Crash test of `iexec node`: SIGKILL in the middle of a stream of transactions, restart on the
same data dir, and check that no acknowledged transaction was lost.

Pre-signs (eth-account) plain RLC transfers and payable `deposit()` calls from nine dev accounts,
streams them with `eth_sendRawTransaction` (single requests and JSON-RPC batches) from several
threads while another thread kills the node with SIGKILL; records every hash the node acknowledged.
After a restart each acknowledged hash must be mined (receipt) or pending (eth_getTransactionByHash,
then mined); nonces continue; native RLC is conserved; after a clean stop `iexec node verify` must
replay every block (exit 0). Usage:

    node_crash.py --iexec .build/debug/iexec [--block-times 0,1000] [--per-sender 150] [--keep]

Prints `crash: acked A, mined M, pending P, lost 0`; exits 1 naming what failed.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import threading
import time
import urllib.error

from eth_abi import decode as abi_decode

from node_support import (Checks, Failure, Node, dev_accounts, free_port, parse_info, post, rpc, run_in_workdir,
                          verify)
from poco_support import DEV_BALANCE, DEV_CHAIN_ID, NRLC

DEPOSIT = bytes.fromhex("d0e30db0")
TOTAL_SUPPLY = "0x18160ddd"


def presign(accounts, hub, start_nonces, per_sender, seed):
    """Per sender, `per_sender` signed transactions with consecutive nonces: transfers to another dev
    account and deposits to the hub, mixed; EIP-1559 and legacy EIP-155 forms."""
    rng = random.Random(seed)
    streams = {}
    for index, account in enumerate(accounts):
        txs = []
        for k in range(per_sender):
            nonce = start_nonces[account.address] + k
            if rng.random() < 0.5:
                to, value, data = hub, NRLC * rng.randint(1, 1000) + rng.randint(0, NRLC - 1), DEPOSIT
            else:
                other = accounts[(index + 1 + rng.randrange(len(accounts) - 1)) % len(accounts)]
                to, value, data = other.address, rng.randint(1, 10**15), b""
            tx = {"to": to, "value": value, "data": data, "nonce": nonce, "gas": 100_000, "chainId": DEV_CHAIN_ID}
            if k % 3 == 2:
                tx["gasPrice"] = 0
            else:
                tx["maxFeePerGas"], tx["maxPriorityFeePerGas"] = 0, 0
            signed = account.sign_transaction(tx)
            txs.append(("0x" + bytes(signed.raw_transaction).hex(), "0x" + bytes(signed.hash).hex()))
        streams[account.address] = txs
    return streams


class Streamer(threading.Thread):
    """Sends some senders' transactions in nonce order, alone or in batches, until one is not acknowledged
    (the node died); records acknowledged hashes per sender."""

    def __init__(self, url, streams, batch):
        super().__init__(daemon=True)
        self.url, self.streams, self.batch = url, streams, batch
        self.acked = {sender: [] for sender in streams}
        self.refusals = []  # JSON-RPC errors while the node was alive: each is a failure

    def run(self):
        cursors = {sender: 0 for sender in self.streams}
        live = set(self.streams)
        while live:
            for sender in sorted(live):
                txs = self.streams[sender]
                chunk = txs[cursors[sender]:cursors[sender] + self.batch]
                if not chunk:
                    live.discard(sender)
                    continue
                try:
                    if self.batch == 1:
                        answers = [post(self.url, {"jsonrpc": "2.0", "id": 0, "method": "eth_sendRawTransaction",
                                                   "params": [chunk[0][0]]})]
                    else:
                        answers = post(self.url, [{"jsonrpc": "2.0", "id": i, "method": "eth_sendRawTransaction",
                                                   "params": [raw]} for i, (raw, _) in enumerate(chunk)])
                        answers = sorted(answers, key=lambda a: a.get("id", 0))
                except (urllib.error.URLError, ConnectionError, OSError, json.JSONDecodeError):
                    return  # the node is gone: nothing after this is acknowledged
                for (raw, tx_hash), answer in zip(chunk, answers):
                    if "result" in answer:
                        if answer["result"] != tx_hash:
                            self.refusals.append(f"eth_sendRawTransaction returned {answer['result']} for a "
                                                 f"transaction whose hash is {tx_hash}")
                        self.acked[sender].append(tx_hash)
                        cursors[sender] += 1
                    else:
                        self.refusals.append(f"eth_sendRawTransaction {tx_hash} from {sender} refused: "
                                             f"{json.dumps(answer.get('error'))}")
                        return
                if len(answers) < len(chunk):
                    self.refusals.append(f"a batch of {len(chunk)} got {len(answers)} answers")
                    return


def wait_mined(url, hashes, timeout):
    """Receipts of `hashes`, waiting up to `timeout` s; returns {hash: receipt or None}."""
    receipts = {}
    deadline = time.time() + timeout
    while True:
        for h in hashes:
            if receipts.get(h) is None:
                result, error = rpc(url, "eth_getTransactionReceipt", [h])
                if error:
                    raise Failure(f"eth_getTransactionReceipt {h}: {json.dumps(error)}")
                receipts[h] = result
        if all(receipts.values()) or time.time() > deadline:
            return receipts
        time.sleep(0.2)


def native_total(url, addresses):
    total = 0
    for address in addresses:
        result, error = rpc(url, "eth_getBalance", [address, "latest"])
        if error:
            raise Failure(f"eth_getBalance {address}: {json.dumps(error)}")
        total += int(result, 16)
    return total


def round_trip(args, round_index, block_time, node, accounts, hub, checks):
    """One stream, kill, restart, check, on a node sealing every `block_time` ms (0: as soon as transactions
    wait; a long block time leaves many acknowledged transactions in the mempool at the kill).
    Returns (acked, mined_at_restart, pending_at_restart)."""
    senders = accounts[1:]
    url = node.url
    if node.extra != ["--block-time", str(block_time)]:
        node.stop()
        node.extra = ["--block-time", str(block_time)]
        node.start()
    start_nonces = {}
    for account in senders:
        result, error = rpc(url, "eth_getTransactionCount", [account.address, "pending"])
        if error:
            raise Failure(f"eth_getTransactionCount: {json.dumps(error)}")
        start_nonces[account.address] = int(result, 16)
    streams = presign(senders, hub, start_nonces, args.per_sender, seed=round_index)
    total = sum(len(s) for s in streams.values())
    groups = [dict(list(streams.items())[i::3]) for i in range(3)]
    streamers = [Streamer(url, group, batch) for group, batch in zip(groups, (1, 8, 3))]
    for s in streamers:
        s.start()
    # Kill once a random share of the stream was acknowledged (never all of it).
    target = random.Random(1000 + round_index).randint(total // 5, total * 3 // 5)
    deadline = time.time() + 120
    while sum(len(a) for s in streamers for a in s.acked.values()) < target:
        if time.time() > deadline or not any(s.is_alive() for s in streamers):
            break
        time.sleep(0.001)
    node.kill()
    for s in streamers:
        s.join(30)
    refusals = [r for s in streamers for r in s.refusals]
    if refusals:
        raise Failure(f"round {round_index}: {len(refusals)} transactions refused while the node ran; first: "
                      f"{refusals[0]}")
    acked = {}
    for s in streamers:
        acked.update(s.acked)
    acked_hashes = [h for hs in acked.values() for h in hs]
    if not acked_hashes:
        raise Failure(f"round {round_index}: the node acknowledged no transaction before it was killed")
    if len(acked_hashes) == total:
        raise Failure(f"round {round_index}: every transaction was acknowledged before the kill; raise --per-sender")

    # The ledger exactly as SIGKILL left it replays.
    verify(args.iexec, node.data_dir, f"round {round_index}: `iexec node verify` right after SIGKILL", checks)
    node.start()
    mined = pending = 0
    lost = []
    for h in acked_hashes:
        receipt, error = rpc(url, "eth_getTransactionReceipt", [h])
        if error:
            raise Failure(f"eth_getTransactionReceipt {h} after restart: {json.dumps(error)}")
        if receipt:
            mined += 1
            continue
        tx, error = rpc(url, "eth_getTransactionByHash", [h])
        if error:
            raise Failure(f"eth_getTransactionByHash {h} after restart: {json.dumps(error)}")
        if tx:
            pending += 1
        else:
            lost.append(h)
    checks.true(f"round {round_index}: no acknowledged transaction lost", not lost,
                f"{len(lost)} of {len(acked_hashes)} acknowledged transactions are neither mined nor pending after "
                f"the restart, e.g. {lost[:3]}")
    receipts = wait_mined(url, acked_hashes, timeout=60)
    never = [h for h, r in receipts.items() if r is None]
    checks.true(f"round {round_index}: every pending acknowledged transaction is mined after the restart", not never,
                f"{len(never)} still without a receipt after 60 s, e.g. {never[:3]}")
    failed = [h for h, r in receipts.items() if int(r["status"], 16) != 1]
    checks.true(f"round {round_index}: every acknowledged transfer/deposit succeeded", not failed,
                f"{len(failed)} receipts with status 0, e.g. {failed[:3]}")
    # Sending a mined transaction again changes nothing (refused, or its hash answered and not re-run).
    raw_by_hash = {tx_hash: raw for txs in streams.values() for raw, tx_hash in txs}
    again = acked_hashes[:3] + acked_hashes[-3:]
    counts = {s.address: rpc(url, "eth_getTransactionCount", [s.address, "latest"])[0] for s in senders}
    for h in again:
        result, error = rpc(url, "eth_sendRawTransaction", [raw_by_hash[h]])
        checks.true(f"round {round_index}: re-sending mined {h} is refused or answers its hash",
                    error is not None or result == h, f"result {result}")
    time.sleep(max(0.5, 2 * block_time / 1000))
    checks.true(f"round {round_index}: re-sent transactions did not run again",
                counts == {s.address: rpc(url, "eth_getTransactionCount", [s.address, "latest"])[0] for s in senders})
    # Nonces continue: at least past every acknowledged one, and the next one is accepted.
    for account in senders:
        result, _ = rpc(url, "eth_getTransactionCount", [account.address, "latest"])
        count = int(result, 16)
        floor = start_nonces[account.address] + len(acked[account.address])
        checks.true(f"round {round_index}: nonce of {account.address} continues", count >= floor,
                    f"eth_getTransactionCount is {count}, but {floor} transactions were acknowledged")
        receipt_nonces = sorted(int(rpc(url, "eth_getTransactionByHash", [h])[0]["nonce"], 16)
                                for h in acked[account.address])
        checks.true(f"round {round_index}: acknowledged nonces of {account.address}",
                    receipt_nonces == list(range(start_nonces[account.address], floor)))
    return len(acked_hashes), mined, pending


def run_crash(args, work):
    accounts = dev_accounts()
    checks = Checks()
    port = args.port or free_port()
    data_dir = os.path.join(work, "crash-data")
    block_times = [int(t) for t in args.block_times.split(",")]
    node = Node(args.iexec, data_dir, port, ["--block-time", str(block_times[0])],
                os.path.join(work, "crash-node.log"))
    info = node.start()
    hub = parse_info(info)[1]
    everyone = [a.address for a in accounts] + [hub]
    try:
        total_before = native_total(node.url, everyone)
        checks.true("dev accounts funded", total_before >= DEV_BALANCE * len(accounts))
        totals = [0, 0, 0]
        for round_index, block_time in enumerate(block_times):
            acked, mined, pending = round_trip(args, round_index, block_time, node, accounts, hub, checks)
            totals = [totals[0] + acked, totals[1] + mined, totals[2] + pending]
        # After the last restart: a fresh transaction from each sender still goes through.
        for account in accounts[1:]:
            nonce = int(rpc(node.url, "eth_getTransactionCount", [account.address, "pending"])[0], 16)
            signed = account.sign_transaction({"to": accounts[0].address, "value": 1, "nonce": nonce, "gas": 21_000,
                                               "maxFeePerGas": 0, "maxPriorityFeePerGas": 0, "chainId": DEV_CHAIN_ID})
            result, error = rpc(node.url, "eth_sendRawTransaction", ["0x" + bytes(signed.raw_transaction).hex()])
            checks.true(f"a new transaction from {account.address} after the restarts is accepted", error is None,
                        json.dumps(error))
            receipt = wait_mined(node.url, [result], 30)[result]
            checks.true(f"its receipt (nonce {nonce})", receipt is not None and int(receipt["status"], 16) == 1,
                        json.dumps(receipt))
        checks.true("native RLC conserved across the crashes", native_total(node.url, everyone) == total_before)
        supply = abi_decode(["uint256"], bytes.fromhex(rpc(node.url, "eth_call", [
            {"to": hub, "data": TOTAL_SUPPLY}, "latest"])[0][2:]))[0]
        hub_wei = int(rpc(node.url, "eth_getBalance", [hub, "latest"])[0], 16)
        checks.true("hub native balance = totalSupply·1e9 after the crashes", hub_wei == supply * NRLC,
                    f"hub holds {hub_wei} wei, totalSupply is {supply} nRLC")
        head = rpc(node.url, "eth_blockNumber", [])[0]
        status = node.stop()
        checks.true("the node stops on SIGTERM", status is not None)
    except BaseException:
        print(f"--- node output (last lines of {node.log_path}) ---\n{node.tail()}", file=sys.stderr)
        node.kill()
        raise
    verify(args.iexec, data_dir, f"`iexec node verify` after a clean stop (head {int(head, 16)})", checks)
    return checks.passed, totals


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iexec", default=".build/debug/iexec", help="the iexec binary")
    parser.add_argument("--block-times", default="0,1000",
                        help="one kill/restart round per value: the node's --block-time (ms) in that round")
    parser.add_argument("--per-sender", type=int, default=150, help="transactions per sender per round (9 senders)")
    parser.add_argument("--port", type=int, default=0, help="the node's port (default: a free one)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dir and node log")
    args = parser.parse_args()
    passed, (acked, mined, pending) = run_in_workdir("crash", args, lambda work: run_crash(args, work))
    print(f"crash: acked {acked}, mined {mined}, pending {pending}, lost 0 ({passed} checks passed)")


if __name__ == "__main__":
    main()
