#!/usr/bin/env python3
"""Reference client test of `iexec node`: web3.py + eth-account drive a full PoCo task over the
standard Ethereum JSON-RPC, with nothing from this project's Swift code.

Starts `iexec node --dev` on a fresh data dir, then: deposits; creates an app, a dataset and a
workerpool; signs the four orders with eth-account's EIP-712 signing; matchOrders; initialize; three
workers contribute with the scheduler's authorization; consensus; reveal; finalize. Every value read
back (eth_call views, receipts, logs, blocks) is checked against what this script computes itself
(eth-abi, eth-account, eth-utils); every log is found again with eth_getLogs and on WebSocket
subscriptions; RLC is conserved. Usage:

    node_reference.py --iexec .build/debug/iexec [--block-time MS] [--keep]

Prints `node reference: N checks passed`; exits 1 naming the first failed check.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

from eth_abi import encode as abi_encode
from eth_account import Account
from eth_account.messages import _hash_eip191_message, encode_defunct, encode_typed_data
from eth_utils import keccak, to_checksum_address
from hexbytes import HexBytes
from web3 import Web3
from web3.exceptions import ContractLogicError, Web3RPCError

# ---------------------------------------------------------------------------------------------
# Constants of the dev chain (issue #4 item 6) and of PoCo (shared/spec/poco-abi.md, POCO.md)
# ---------------------------------------------------------------------------------------------

DEV_MNEMONIC = "test test test test test test test test test test test junk"
DEV_CHAIN_ID = 31337
DEV_BALANCE = 10_000 * 10**18
# The well-known first two addresses of the dev mnemonic (Hardhat / Anvil), to check the derivation.
DEV_ACCOUNT_0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
DEV_ACCOUNT_1 = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
KITTY = "0x99c2268479b93fDe36232351229815DF80837e23"
ZERO_ADDRESS = "0x" + "00" * 20
ZERO32 = b"\x00" * 32
NRLC = 10**9  # wei per nRLC

# PoCo functions used here, canonical signature with the selector poco-abi.md gives (checked at start).
# Format: selector, name(param types), mutability, return types, parameter names (for the ABI JSON).
FUNCTIONS = [
    # hub: native escrow and SRLC views
    ("0xd0e30db0", "deposit()", "payable", "(bool)"),
    ("0x2e1a7d4d", "withdraw(uint256)", "nonpayable", "(bool)"),
    ("0x6b55f4a5", "viewAccount(address)", "view", "((uint256,uint256))"),
    ("0x70a08231", "balanceOf(address)", "view", "(uint256)"),
    ("0x1bf6e00d", "frozenOf(address)", "view", "(uint256)"),
    ("0x18160ddd", "totalSupply()", "view", "(uint256)"),
    ("0x313ce567", "decimals()", "view", "(uint8)"),
    ("0x95d89b41", "symbol()", "view", "(string)"),
    # hub: matching and lifecycle
    ("0x156194d4", "matchOrders((address,uint256,uint256,bytes32,address,address,address,bytes32,bytes),"
     "(address,uint256,uint256,bytes32,address,address,address,bytes32,bytes),"
     "(address,uint256,uint256,bytes32,uint256,uint256,address,address,address,bytes32,bytes),"
     "(address,uint256,address,uint256,address,uint256,address,uint256,bytes32,uint256,uint256,address,address,"
     "string,bytes32,bytes))", "nonpayable", "(bytes32)"),
    ("0x5b36c66b", "initialize(bytes32,uint256)", "nonpayable", "(bytes32)"),
    ("0x34623484", "contribute(bytes32,bytes32,bytes32,address,bytes,bytes)", "nonpayable", "()"),
    ("0xfc334e8c", "reveal(bytes32,bytes32)", "nonpayable", "()"),
    ("0x8fc375e5", "finalize(bytes32,bytes,bytes)", "nonpayable", "()"),
    # hub: views
    ("0xb74861b2", "viewDeal(bytes32)", "view",
     "(((address,address,uint256),(address,address,uint256),(address,address,uint256),uint256,uint256,bytes32,"
     "address,address,address,string,uint256,uint256,uint256,uint256,uint256,address))"),
    ("0xadccf0d5", "viewTask(bytes32)", "view",
     "((uint8,bytes32,uint256,uint256,uint256,uint256,uint256,bytes32,uint256,uint256,address[],bytes32,bytes,"
     "uint256,bytes))"),
    ("0xe741363b", "viewContribution(bytes32,address)", "view", "((uint8,bytes32,bytes32,address,uint256))"),
    ("0xdb230b52", "viewScore(address)", "view", "(uint256)"),
    ("0x4b2bec8c", "viewConsumed(bytes32)", "view", "(uint256)"),
    ("0x4f5f44ec", "viewCategory(uint256)", "view", "((string,string,uint256))"),
    ("0xc140996f", "countCategory()", "view", "(uint256)"),
    ("0x01751998", "verifySignature(address,bytes32,bytes)", "view", "(bool)"),
    ("0xe1523fb4", "viewApp(address)", "view", "((address,string,string,bytes,bytes32,bytes))"),
    ("0x1e143ef7", "viewDataset(address)", "view", "((address,string,bytes,bytes32))"),
    ("0xbd8ab058", "viewWorkerpool(address)", "view", "((address,string,uint256,uint256))"),
    ("0xc2fb26a6", "domain()", "view", "((string,string,uint256,address))"),
    ("0x9910fd72", "eip712domain_separator()", "view", "(bytes32)"),
    ("0x45b637a9", "appregistry()", "view", "(address)"),
    ("0xb1b11d2c", "datasetregistry()", "view", "(address)"),
    ("0x90a0f546", "workerpoolregistry()", "view", "(address)"),
    ("0xa47e7f80", "kitty_address()", "view", "(address)"),
    ("0xd09cc57e", "resultFor(bytes32)", "view", "(bytes)"),
    # registries
    ("0x3f7868ff", "createApp(address,string,string,bytes,bytes32,bytes)", "nonpayable", "(address)"),
    ("0x3354bcdb", "createDataset(address,string,bytes,bytes32)", "nonpayable", "(address)"),
    ("0xe40238f4", "createWorkerpool(address,string)", "nonpayable", "(address)"),
    ("0xc3c5a547", "isRegistered(address)", "view", "(bool)"),
    ("0x6352211e", "ownerOf(uint256)", "view", "(address)"),
    # entries
    ("0x8da5cb5b", "owner()", "view", "(address)"),
    ("0xb55e75af", "m_workerStakeRatioPolicy()", "view", "(uint256)"),
    ("0x87639c68", "m_schedulerRewardRatioPolicy()", "view", "(uint256)"),
]

# Events: topic0 from poco-abi.md §3, canonical signature, and which parameters are indexed.
EVENTS = [
    ("0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef", "Transfer(address,address,uint256)",
     [True, True, False]),
    ("0x625fed9875dada8643f2418b838ae0bc78d9a148a18eee4ee1979ff0f3f5d427", "Lock(address,uint256)", [False, False]),
    ("0x6381d9813cabeb57471b5a7e05078e64845ccdb563146a6911d536f24ce960f1", "Unlock(address,uint256)",
     [False, False]),
    ("0xc2aca55aa696938c7e95842e8939ca0fbb2120a3eeb8948cdcee2b70da566672", "Reward(address,uint256,bytes32)",
     [False, False, False]),
    ("0x1bccc549c38561cd5b57f0db11ceb8dde1b0b6ee05ab5e155b51c7c5ba64becb", "Seize(address,uint256,bytes32)",
     [False, False, False]),
    ("0x692ad61076dceddd0f1a861f737553dd61fc8501cf4190d29c4e90af6607f765", "SchedulerNotice(address,bytes32)",
     [True, False]),
    ("0xd811b592ed0899225773e8933d8df64bd0b62761a9d7aad4ed5b22735f4610a4",
     "OrdersMatched(bytes32,bytes32,bytes32,bytes32,bytes32,uint256)", [False] * 6),
    ("0x252992fb0468d68d6a5784ec03214f0d0a362083f2d7ebd157af43b017a22e06", "TaskInitialize(bytes32,address)",
     [True, True]),
    ("0x3fdb8d7797562d49a81078dbf7fa1771958ea452f8b13d1148383bd9506aecfb", "TaskContribute(bytes32,address,bytes32)",
     [True, True, False]),
    ("0xf6d49bf3e05d33a4bc497d3c793fb5756388bb96b947cf51bb60aaecb0e022e3", "TaskConsensus(bytes32,bytes32)",
     [True, False]),
    ("0x4b1763d473ac8fa80b4432ba90047e1b92444d8fabc55e6a002d9b1a316d7959", "TaskReveal(bytes32,address,bytes32)",
     [True, True, False]),
    ("0x78ce8a8bc0fcb704e8ba3b3dbb36aa88002df8038128b4af2f27ef65db665044", "TaskFinalize(bytes32,bytes)",
     [True, False]),
    ("0x9703f4589802246c80b822e63697180da799e363cd1b6fd9465a5e5574d53492", "AccurateContribution(address,bytes32)",
     [True, True]),
]
TOPIC = {sig.split("(")[0]: bytes.fromhex(t[2:]) for t, sig, _ in EVENTS}

# EIP-712 types of the four orders (poco-abi.md §4, vectors.json typehashes).
EIP712_DOMAIN_TYPE = [
    {"name": "name", "type": "string"}, {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"}, {"name": "verifyingContract", "type": "address"},
]


def _fields(text):
    return [{"name": n, "type": t} for t, n in (part.split(" ") for part in text.split(","))]


ORDER_TYPES = {
    "AppOrder": _fields("address app,uint256 appprice,uint256 volume,bytes32 tag,address datasetrestrict,"
                        "address workerpoolrestrict,address requesterrestrict,bytes32 salt"),
    "DatasetOrder": _fields("address dataset,uint256 datasetprice,uint256 volume,bytes32 tag,address apprestrict,"
                            "address workerpoolrestrict,address requesterrestrict,bytes32 salt"),
    "WorkerpoolOrder": _fields("address workerpool,uint256 workerpoolprice,uint256 volume,bytes32 tag,"
                               "uint256 category,uint256 trust,address apprestrict,address datasetrestrict,"
                               "address requesterrestrict,bytes32 salt"),
    "RequestOrder": _fields("address app,uint256 appmaxprice,address dataset,uint256 datasetmaxprice,"
                            "address workerpool,uint256 workerpoolmaxprice,address requester,uint256 volume,"
                            "bytes32 tag,uint256 category,uint256 trust,address beneficiary,address callback,"
                            "string params,bytes32 salt"),
}


# ---------------------------------------------------------------------------------------------
# ABI JSON built from the canonical signatures above
# ---------------------------------------------------------------------------------------------

def split_types(text):
    """Splits 'a,(b,c),d[]' at top-level commas."""
    parts, depth, start = [], 0, 0
    for i, c in enumerate(text):
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    if text[start:]:
        parts.append(text[start:])
    return parts


def abi_param(type_text, name):
    """One ABI JSON parameter; tuples get components named f0, f1, …"""
    if type_text.startswith("("):
        close = type_text.rindex(")")
        inner, suffix = type_text[1:close], type_text[close + 1:]
        return {"name": name, "type": "tuple" + suffix,
                "components": [abi_param(t, f"f{i}") for i, t in enumerate(split_types(inner))]}
    return {"name": name, "type": type_text}


def function_abi(signature, mutability, returns):
    name, args = signature.split("(", 1)
    return {
        "type": "function", "name": name, "stateMutability": mutability,
        "inputs": [abi_param(t, f"a{i}") for i, t in enumerate(split_types(args[:-1]))],
        "outputs": [abi_param(t, f"r{i}") for i, t in enumerate(split_types(returns[1:-1]))],
    }


def event_abi(signature, indexed):
    name, args = signature.split("(", 1)
    inputs = []
    for i, (t, ix) in enumerate(zip(split_types(args[:-1]), indexed)):
        param = abi_param(t, f"a{i}")
        param["indexed"] = ix
        inputs.append(param)
    return {"type": "event", "name": name, "anonymous": False, "inputs": inputs}


POCO_ABI = [function_abi(sig, mut, ret) for _, sig, mut, ret in FUNCTIONS] + \
           [event_abi(sig, ix) for _, sig, ix in EVENTS]


def check_abi_tables():
    """The selectors and topics typed above are those keccak gives for the signatures."""
    for selector, signature, _, _ in FUNCTIONS:
        got = "0x" + keccak(text=signature)[:4].hex()
        if got != selector:
            raise SystemExit(f"internal: selector of {signature} is {got}, poco-abi.md says {selector}")
    for topic, signature, _ in EVENTS:
        got = "0x" + keccak(text=signature).hex()
        if got != topic:
            raise SystemExit(f"internal: topic of {signature} is {got}, poco-abi.md says {topic}")


# ---------------------------------------------------------------------------------------------
# Independent PoCo computations (poco-abi.md §4.1)
# ---------------------------------------------------------------------------------------------

def typed_order(kind, order, chain_id, hub):
    return {
        "types": {"EIP712Domain": EIP712_DOMAIN_TYPE, kind: ORDER_TYPES[kind]},
        "primaryType": kind,
        "domain": {"name": "iExecODB", "version": "5.0.0", "chainId": chain_id, "verifyingContract": hub},
        "message": order,
    }


def order_digest(kind, order, chain_id, hub):
    return _hash_eip191_message(encode_typed_data(full_message=typed_order(kind, order, chain_id, hub)))


def domain_separator(chain_id, hub):
    return keccak(abi_encode(["bytes32", "bytes32", "bytes32", "uint256", "address"],
                             [keccak(text="EIP712Domain(string name,string version,uint256 chainId,"
                                          "address verifyingContract)"),
                              keccak(text="iExecODB"), keccak(text="5.0.0"), chain_id, hub]))


def order_tuple(kind, order, sign):
    return tuple(order[f["name"]] for f in ORDER_TYPES[kind]) + (sign,)


def addr_bytes(address):
    return bytes.fromhex(address[2:])


def deal_id(request_digest, consumed):
    return keccak(request_digest + consumed.to_bytes(32, "big"))


def task_id(dealid, idx):
    return keccak(dealid + idx.to_bytes(32, "big"))


def result_hash(taskid, digest):
    return keccak(taskid + digest)


def result_seal(worker, taskid, digest):
    return keccak(addr_bytes(worker) + taskid + digest)


def authorization(scheduler_key, worker, taskid, enclave=ZERO_ADDRESS):
    message = keccak(addr_bytes(worker) + taskid + addr_bytes(enclave))
    return Account.sign_message(encode_defunct(primitive=message), scheduler_key).signature


def predict_entry(registry, kind, initializer, types, values, owner):
    """CREATE2 address of a registry entry. **Here** (Sources/PoCo/Engine/Registries.swift, documented
    rule): salt = keccak(initializer calldata ‖ owner), init code hash = keccak("iexec-swift <kind> entry")."""
    call = keccak(text=initializer)[:4] + abi_encode(types, values)
    salt = keccak(call + addr_bytes(owner))
    code_hash = keccak(text=f"iexec-swift {kind} entry")
    return to_checksum_address(keccak(b"\xff" + addr_bytes(registry) + salt + code_hash)[12:])


def check_vectors(path):
    """Our EIP-712 order hashing reproduces the published digests in vectors.json."""
    with open(path) as f:
        vectors = json.load(f)
    count = 0
    for vector in vectors["orders_published"] + vectors["orders_extra"]:
        kind = vector["type"]
        order = {}
        for field in ORDER_TYPES[kind]:
            value = vector["order"][field["name"]]
            if field["type"] == "uint256":
                value = int(value)
            elif field["type"] == "bytes32":
                value = bytes.fromhex(value[2:])
            order[field["name"]] = value
        domain = vector["domain"]
        digest = order_digest(kind, order, domain["chainId"], domain["verifyingContract"])
        if "0x" + digest.hex() != vector["typedDataDigest"]:
            raise SystemExit(f"internal: digest of {vector['id']} is 0x{digest.hex()}, "
                             f"vectors.json says {vector['typedDataDigest']}")
        count += 1
    return count


# ---------------------------------------------------------------------------------------------
# The node process
# ---------------------------------------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Node:
    """One `iexec node` process on a data dir; its output goes to `log_path`."""

    def __init__(self, iexec, data_dir, port, extra, log_path):
        self.iexec, self.data_dir, self.port, self.extra, self.log_path = iexec, data_dir, port, extra, log_path
        self.process = None
        self.url = f"http://127.0.0.1:{port}/"

    def start(self, timeout=60):
        log = open(self.log_path, "ab")
        command = [self.iexec, "node", "--dev", "--data-dir", self.data_dir, "--port", str(self.port)] + self.extra
        log.write(("$ " + " ".join(command) + "\n").encode())
        log.flush()
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise Failure(f"`{' '.join(command)}` exited with status {self.process.returncode} before "
                              f"answering; its output:\n{self.tail()}")
            try:
                with urllib.request.urlopen(self.url + "info", timeout=2) as response:
                    return json.loads(response.read())
            except (urllib.error.URLError, ConnectionError, OSError, json.JSONDecodeError):
                time.sleep(0.2)
        self.kill()
        raise Failure(f"the node did not answer GET /info within {timeout} s; its output:\n{self.tail()}")

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self, timeout=20):
        """SIGTERM (graceful), SIGKILL after `timeout` s; returns the exit status."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                raise Failure(f"the node did not stop within {timeout} s of SIGTERM")
        return self.process.returncode if self.process else None

    def tail(self, lines=40):
        try:
            with open(self.log_path, "rb") as f:
                return b"\n".join(f.read().splitlines()[-lines:]).decode(errors="replace")
        except OSError:
            return "(no output)"


class Failure(Exception):
    pass


class Checks:
    """Counts passed checks; the first failure raises with its description."""

    def __init__(self):
        self.passed = 0

    def eq(self, what, got, expected):
        if got != expected:
            raise Failure(f"{what}: {difference(got, expected)}")
        self.passed += 1

    def true(self, what, condition, detail=""):
        if not condition:
            raise Failure(f"{what}{': ' + detail if detail else ''}")
        self.passed += 1


def difference(got, expected):
    """Where two values differ: the first differing element of two sequences, else both values."""
    if isinstance(got, (list, tuple)) and isinstance(expected, (list, tuple)):
        for i, (g, e) in enumerate(zip(got, expected)):
            if g != e:
                return f"element {i} differs: {difference(g, e)}" + (
                    f" (lengths {len(got)} and {len(expected)})" if len(got) != len(expected) else "")
        return f"got {len(got)} elements, expected {len(expected)}; the extra ones: " + \
            show(got[len(expected):] if len(got) > len(expected) else expected[len(got):])
    return f"got {show(got)}, expected {show(expected)}"


def show(value):
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(show(v) for v in value) + "]"
    return repr(value)


def rpc(url, method, params, timeout=10):
    """A raw JSON-RPC call; returns (result, error)."""
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        answer = json.loads(response.read())
    return answer.get("result"), answer.get("error")


# ---------------------------------------------------------------------------------------------
# WebSocket subscriptions
# ---------------------------------------------------------------------------------------------

class Subscriber(threading.Thread):
    """Subscribes to newHeads and logs (all, and a filtered one) and records every notification."""

    def __init__(self, ws_url, log_filter):
        super().__init__(daemon=True)
        from websockets.sync.client import connect
        self.connection = connect(ws_url, open_timeout=10, max_size=None, legacy=True)  # closed in close()
        self.ids = {}
        self.received = {"heads": [], "logs": [], "filtered": []}
        self.errors = []
        self.unsubscribed = []
        self.lock = threading.Lock()
        self.stopping = False
        early = []  # notifications that arrive between a subscription and the next one's answer
        for key, params in (("heads", ["newHeads"]), ("logs", ["logs", {}]), ("filtered", ["logs", log_filter])):
            self.connection.send(json.dumps({"jsonrpc": "2.0", "id": key, "method": "eth_subscribe",
                                             "params": params}))
            while True:
                answer = json.loads(self.connection.recv(timeout=10))
                if answer.get("method") == "eth_subscription":
                    early.append(answer)
                    continue
                if answer.get("id") != key or "result" not in answer:
                    raise Failure(f"eth_subscribe {json.dumps(params)} over WebSocket answered {json.dumps(answer)}")
                self.ids[answer["result"]] = key
                break
        for message in early:
            self.record(message)

    def run(self):
        while not self.stopping:
            try:
                message = json.loads(self.connection.recv(timeout=0.5))
            except TimeoutError:
                continue
            except Exception as error:  # closed or broken: recorded, checked by the caller
                if not self.stopping:
                    self.errors.append(f"WebSocket receive failed: {error!r}")
                return
            self.record(message)

    def record(self, message):
        params = message.get("params") or {}
        key = self.ids.get(params.get("subscription"))
        if message.get("id") == "unsubscribe":
            with self.lock:
                self.unsubscribed.append(message.get("result"))
            return
        if message.get("method") != "eth_subscription" or key is None:
            self.errors.append(f"unexpected WebSocket message {json.dumps(message)[:300]}")
            return
        with self.lock:
            self.received[key].append(params.get("result"))

    def snapshot(self, key):
        with self.lock:
            return list(self.received[key])

    def close(self):
        """Unsubscribes (the answers land in `unsubscribed`), then closes."""
        try:
            for sub in self.ids:
                self.connection.send(json.dumps({"jsonrpc": "2.0", "id": "unsubscribe", "method": "eth_unsubscribe",
                                                 "params": [sub]}))
            deadline = time.time() + 5
            while time.time() < deadline and len(self.snapshot_unsubscribed()) < len(self.ids):
                time.sleep(0.05)
        finally:
            self.stopping = True
            self.connection.close()
            self.join(5)

    def snapshot_unsubscribed(self):
        with self.lock:
            return list(self.unsubscribed)


# ---------------------------------------------------------------------------------------------
# The scenario
# ---------------------------------------------------------------------------------------------

def dev_accounts():
    Account.enable_unaudited_hdwallet_features()
    return [Account.from_mnemonic(DEV_MNEMONIC, account_path=f"m/44'/60'/0'/0/{i}") for i in range(10)]


class Client:
    """web3.py as an ordinary dapp uses it: build_transaction → sign → send_raw → wait for receipt."""

    def __init__(self, w3, checks):
        self.w3, self.checks = w3, checks
        self.receipts = []  # every receipt, in order
        self.raw = {}  # transaction hash → signed raw bytes

    def send(self, what, account, function, value=0, expect_success=True):
        nonce = self.w3.eth.get_transaction_count(account.address, "pending")
        tx = function.build_transaction({"from": account.address, "nonce": nonce, "value": value})
        self.checks.eq(f"{what}: chainId filled by web3 (eth_chainId)", tx["chainId"], DEV_CHAIN_ID)
        self.checks.true(f"{what}: eth_estimateGas gave a gas limit", tx["gas"] > 0, f"gas={tx.get('gas')}")
        signed = account.sign_transaction(tx)
        tx_hash = self.w3.eth.send_raw_transaction(signed.raw_transaction)
        self.raw[bytes(tx_hash)] = bytes(signed.raw_transaction)
        self.checks.eq(f"{what}: eth_sendRawTransaction returns keccak(raw tx)", bytes(tx_hash), keccak(
            bytes(signed.raw_transaction)))
        receipt = self.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=60, poll_latency=0.05)
        self.checks.eq(f"{what}: receipt status", receipt["status"], 1 if expect_success else 0)
        self.checks.eq(f"{what}: receipt from", receipt["from"], account.address)
        self.checks.eq(f"{what}: receipt to", receipt["to"], tx["to"])
        # Gas is a fixed figure per function (docs of GasSchedule): the estimate is exactly what is used.
        self.checks.eq(f"{what}: receipt gasUsed = eth_estimateGas", receipt["gasUsed"], tx["gas"])
        self.checks.eq(f"{what}: cumulativeGasUsed covers gasUsed", receipt["cumulativeGasUsed"] >= receipt["gasUsed"],
                       True)
        fetched = self.w3.eth.get_transaction(tx_hash)
        self.checks.eq(f"{what}: eth_getTransactionByHash nonce", fetched["nonce"], nonce)
        self.checks.eq(f"{what}: eth_getTransactionByHash from", fetched["from"], account.address)
        self.checks.eq(f"{what}: eth_getTransactionByHash input", bytes(fetched["input"]), bytes(HexBytes(tx["data"])))
        self.checks.eq(f"{what}: eth_getTransactionByHash value", fetched["value"], value)
        self.checks.eq(f"{what}: eth_getTransactionByHash blockHash", fetched["blockHash"], receipt["blockHash"])
        block = self.w3.eth.get_block(receipt["blockNumber"])
        self.checks.eq(f"{what}: block hash by number = receipt's blockHash", block["hash"], receipt["blockHash"])
        self.checks.true(f"{what}: the block lists the transaction", tx_hash in block["transactions"])
        self.receipts.append(receipt)
        return receipt


def decoded_logs(receipt):
    """(name, address, topics, data) of each log of a receipt."""
    by_topic = {v: k for k, v in TOPIC.items()}
    out = []
    for log in receipt["logs"]:
        topics = [bytes(t) for t in log["topics"]]
        out.append((by_topic.get(topics[0], "?") if topics else "?", log["address"], topics, bytes(log["data"])))
    return out


def topic_address(address):
    return b"\x00" * 12 + addr_bytes(address)


def hx(data):
    return "0x" + bytes(data).hex()


def word(n):
    return n.to_bytes(32, "big")


def block_hash_of(block):
    """keccak(rlp(London header)) from the JSON-RPC block fields."""
    import rlp
    fields = [bytes(block["parentHash"]), bytes(block["sha3Uncles"]), addr_bytes(block["miner"]),
              bytes(block["stateRoot"]), bytes(block["transactionsRoot"]), bytes(block["receiptsRoot"]),
              bytes(block["logsBloom"]), block["difficulty"], block["number"], block["gasLimit"], block["gasUsed"],
              block["timestamp"], bytes(block["extraData"]), bytes(block["mixHash"]), bytes(block["nonce"]),
              block["baseFeePerGas"]]
    return keccak(rlp.encode(fields))


def run_reference(args, work):
    checks = Checks()
    check_abi_tables()
    vectors = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../shared/spec/vectors.json")
    if os.path.exists(vectors):
        checks.passed += check_vectors(vectors)

    port = args.port or free_port()
    node = Node(args.iexec, os.path.join(work, "reference-data"), port, ["--block-time", str(args.block_time)],
                os.path.join(work, "reference-node.log"))
    info = node.start()
    try:
        Scenario(node, info, checks).run()
        checks.true("the node stops on SIGTERM", node.stop() is not None)
    except BaseException:
        print(f"--- node output (last lines of {node.log_path}) ---\n{node.tail()}", file=sys.stderr)
        raise
    finally:
        node.kill()
    verify(args.iexec, node.data_dir, "`iexec node verify` of the reference chain", checks)
    return checks.passed


def verify(iexec, data_dir, what, checks):
    """`iexec node verify --data-dir` must exit 0: every block replays to its state root."""
    result = subprocess.run([iexec, "node", "verify", "--data-dir", data_dir], capture_output=True, text=True,
                            timeout=600)
    checks.true(what, result.returncode == 0,
                f"exit {result.returncode}: {(result.stdout + result.stderr).strip()[-2000:]}")


def parse_info(info):
    """(chainId, hub, app registry, dataset registry, workerpool registry) from GET /info: chainId a number
    or hex string; the registries under "registries" keyed app/dataset/workerpool (or …Registry), or
    at the top level as appRegistry/datasetRegistry/workerpoolRegistry."""
    try:
        chain = info["chainId"]
        chain = int(chain, 0) if isinstance(chain, str) else int(chain)
        registries = info.get("registries") or info

        def registry(kind):
            for key in (kind, kind + "Registry", kind + "registry"):
                if key in registries:
                    return to_checksum_address(registries[key])
            raise KeyError(f"{kind} registry")
        return (chain, to_checksum_address(info["hub"]), registry("app"), registry("dataset"),
                registry("workerpool"))
    except (KeyError, TypeError, ValueError) as error:
        raise Failure(f"GET /info: cannot read {error} from {json.dumps(info)}")


class Scenario:
    """The reference run, stage by stage; each stage checks what it did and leaves what later ones need."""

    def __init__(self, node, info, checks):
        self.node, self.checks = node, checks
        self.w3 = Web3(Web3.HTTPProvider(node.url, request_kwargs={"timeout": 30}))
        self.client = Client(self.w3, checks)
        self.accounts = dev_accounts()
        (self.chain_id, self.hub_address, self.app_registry, self.dataset_registry,
         self.workerpool_registry) = parse_info(info)
        self.hub = self.w3.eth.contract(address=self.hub_address, abi=POCO_ABI)
        self.governance, self.requester, self.app_owner, self.dataset_owner, self.scheduler = self.accounts[0:5]
        self.workers = self.accounts[5:8]
        self.app_price, self.dataset_price, self.workerpool_price = 10**9, 5 * 10**8, 9 * 10**8
        self.task_price = self.app_price + self.dataset_price + self.workerpool_price
        # Both stakes are workerpoolprice · 30 / 100 (iExec's workerpool_stake_ratio, the default policy).
        self.scheduler_stake = self.worker_stake = self.workerpool_price * 30 // 100
        self.trust, self.category, self.timeref = 5, 0, 300

    def run(self):
        self.chain_identity()
        self.before()
        self.deposits()
        self.assets()
        self.sign_orders()
        self.match_orders()
        self.initialize()
        self.contribute()
        self.reveal()
        self.finalize()
        self.withdraw()
        self.after()
        self.logs()
        self.subscriptions()
        self.blocks()

    # --- helpers -------------------------------------------------------------------------------

    def escrow(self, address):
        """(stake, locked) by viewAccount, checked against balanceOf and frozenOf."""
        hub, checks = self.hub, self.checks
        stake, locked = hub.functions.viewAccount(address).call()
        checks.eq(f"balanceOf = viewAccount.stake of {address}", hub.functions.balanceOf(address).call(), stake)
        checks.eq(f"frozenOf = viewAccount.locked of {address}", hub.functions.frozenOf(address).call(), locked)
        return stake, locked

    def escrow_conserved(self, stage):
        supply = self.hub.functions.totalSupply().call()
        self.checks.eq(f"{stage}: hub native balance = totalSupply·1e9", self.w3.eth.get_balance(self.hub_address),
                       supply * NRLC)
        held = sum(sum(self.escrow(a.address)) for a in self.accounts) + sum(self.escrow(KITTY))
        self.checks.eq(f"{stage}: Σ stake+locked of every account = totalSupply", held, supply)

    def native_total(self):
        return sum(self.w3.eth.get_balance(a) for a in [a.address for a in self.accounts] + [self.hub_address, KITTY])

    # --- stages ----------------------------------------------------------------------------------

    def chain_identity(self):
        """GET /info, eth_chainId and friends, the hub's own views, the latest block."""
        w3, hub, checks = self.w3, self.hub, self.checks
        checks.eq("dev mnemonic account 0", self.accounts[0].address, DEV_ACCOUNT_0)
        checks.eq("dev mnemonic account 1", self.accounts[1].address, DEV_ACCOUNT_1)
        checks.eq("GET /info chainId", self.chain_id, DEV_CHAIN_ID)
        checks.eq("eth_chainId", w3.eth.chain_id, DEV_CHAIN_ID)
        checks.eq("net_version", w3.net.version, str(DEV_CHAIN_ID))
        checks.true("web3_clientVersion is a non-empty string", bool(w3.client_version))
        checks.eq("appregistry() = GET /info", hub.functions.appregistry().call(), self.app_registry)
        checks.eq("datasetregistry() = GET /info", hub.functions.datasetregistry().call(), self.dataset_registry)
        checks.eq("workerpoolregistry() = GET /info", hub.functions.workerpoolregistry().call(),
                  self.workerpool_registry)
        checks.eq("kitty_address()", hub.functions.kitty_address().call(), KITTY)
        checks.eq("domain()", hub.functions.domain().call(), ("iExecODB", "5.0.0", DEV_CHAIN_ID, self.hub_address))
        checks.eq("eip712domain_separator()", bytes(hub.functions.eip712domain_separator().call()),
                  domain_separator(DEV_CHAIN_ID, self.hub_address))
        checks.eq("decimals()", hub.functions.decimals().call(), 9)
        checks.eq("countCategory()", hub.functions.countCategory().call(), 5)
        checks.eq("viewCategory(0).workClockTimeRef", hub.functions.viewCategory(0).call()[2], self.timeref)
        checks.true("eth_getCode(hub) is non-empty", len(w3.eth.get_code(self.hub_address)) > 0)
        checks.true("eth_gasPrice answers", w3.eth.gas_price >= 0)
        history = w3.eth.fee_history(1, "latest", [50.0])
        checks.true("eth_feeHistory gives baseFeePerGas", len(history["baseFeePerGas"]) >= 1)
        latest = w3.eth.get_block("latest")
        checks.eq("latest block baseFeePerGas", latest["baseFeePerGas"], 0)
        checks.eq("latest block hash = keccak(rlp(header))", block_hash_of(latest), bytes(latest["hash"]))
        if not latest["transactions"]:
            checks.eq("empty block's transactionsRoot = the empty trie's root", bytes(latest["transactionsRoot"]),
                      ordered_root([]))
            checks.eq("empty block's receiptsRoot = the empty trie's root", bytes(latest["receiptsRoot"]),
                      ordered_root([]))
        self.first_block = latest["number"] + 1

    def before(self):
        """Balances at genesis; the filter and the subscriptions, opened before any transaction."""
        w3, checks = self.w3, self.checks
        for a in self.accounts:
            checks.eq(f"genesis native balance of {a.address}", w3.eth.get_balance(a.address), DEV_BALANCE)
        self.total_before = self.native_total()
        self.escrow_conserved("before")
        self.hub_filter = w3.eth.filter({"address": self.hub_address, "fromBlock": "latest"})
        self.lifecycle_topics = [hx(TOPIC["TaskContribute"]), hx(TOPIC["TaskReveal"])]
        self.subscriber = Subscriber(f"ws://127.0.0.1:{self.node.port}/",
                                     {"address": self.hub_address, "topics": [self.lifecycle_topics]})
        self.subscriber.start()

    def deposits(self):
        """Payable deposit(); the dust below 1 nRLC goes back to the sender."""
        w3, checks = self.w3, self.checks
        self.deposited = {self.requester: 10 * 10**18 + 123, self.scheduler: 10**18}
        for worker in self.workers:
            self.deposited[worker] = 10**18
        for account, value in self.deposited.items():
            before = w3.eth.get_balance(account.address)
            receipt = self.client.send(f"deposit by {account.address}", account, self.hub.functions.deposit(),
                                       value=value)
            credited = value // NRLC
            checks.eq("deposit logs", [(l[0], l[2][1:], l[3]) for l in decoded_logs(receipt)],
                      [("Transfer", [topic_address(ZERO_ADDRESS), topic_address(account.address)], word(credited))])
            checks.eq("deposit: native balance down by the credited amount only (dust refunded, gas free)",
                      before - w3.eth.get_balance(account.address), credited * NRLC)
            checks.eq("deposit: viewAccount", self.escrow(account.address), (credited, 0))

    def assets(self):
        """createApp / createDataset / createWorkerpool at the addresses CREATE2 predicts."""
        w3, checks = self.w3, self.checks
        self.app_args = (self.app_owner.address, "reference-app", "WASM", b"https://example.invalid/app.wasm",
                         hashlib.sha256(b"app code").digest(), b"")
        self.dataset_args = (self.dataset_owner.address, "reference-dataset", b"https://example.invalid/data.zip",
                             hashlib.sha256(b"data").digest())
        self.workerpool_args = (self.scheduler.address, "reference workerpool")
        self.app = predict_entry(self.app_registry, "app", "initialize(string,string,bytes,bytes32,bytes)",
                                 ["string", "string", "bytes", "bytes32", "bytes"], list(self.app_args[1:]),
                                 self.app_owner.address)
        self.dataset = predict_entry(self.dataset_registry, "dataset", "initialize(string,bytes,bytes32)",
                                     ["string", "bytes", "bytes32"], list(self.dataset_args[1:]),
                                     self.dataset_owner.address)
        self.workerpool = predict_entry(self.workerpool_registry, "workerpool", "initialize(string)", ["string"],
                                        list(self.workerpool_args[1:]), self.scheduler.address)
        for kind, registry_address, owner, function_name, fargs, predicted in (
                ("app", self.app_registry, self.app_owner, "createApp", self.app_args, self.app),
                ("dataset", self.dataset_registry, self.dataset_owner, "createDataset", self.dataset_args,
                 self.dataset),
                ("workerpool", self.workerpool_registry, self.scheduler, "createWorkerpool", self.workerpool_args,
                 self.workerpool)):
            registry = w3.eth.contract(address=registry_address, abi=POCO_ABI)
            function = getattr(registry.functions, function_name)(*fargs)
            checks.eq(f"{function_name}: eth_call returns the CREATE2 address",
                      function.call({"from": owner.address}), predicted)
            checks.eq(f"{kind} not registered before", registry.functions.isRegistered(predicted).call(), False)
            receipt = self.client.send(function_name, owner, function)
            checks.eq(f"{function_name} logs: one ERC-721 mint from the registry",
                      [(l[0], l[1], l[2][1:], l[3]) for l in decoded_logs(receipt)],
                      [("Transfer", registry_address, [topic_address(ZERO_ADDRESS), topic_address(owner.address),
                                                       topic_address(predicted)], b"")])
            checks.eq(f"{kind} isRegistered", registry.functions.isRegistered(predicted).call(), True)
            checks.eq(f"{kind} ownerOf(tokenId)", registry.functions.ownerOf(int(predicted, 16)).call(),
                      owner.address)
            entry = w3.eth.contract(address=predicted, abi=POCO_ABI)
            checks.eq(f"{kind} entry owner()", entry.functions.owner().call(), owner.address)
        hub = self.hub
        checks.eq("viewApp", hub.functions.viewApp(self.app).call(), self.app_args)
        checks.eq("viewDataset", hub.functions.viewDataset(self.dataset).call(), self.dataset_args)
        checks.eq("viewWorkerpool", hub.functions.viewWorkerpool(self.workerpool).call(),
                  (self.scheduler.address, "reference workerpool", 30, 1))

    def sign_orders(self):
        """The four orders, signed with eth-account's EIP-712 typed-data signing."""
        def salt(label):
            return keccak(text=f"reference {label} {time.time_ns()}")
        self.orders = {
            "AppOrder": {"app": self.app, "appprice": self.app_price, "volume": 1, "tag": ZERO32,
                         "datasetrestrict": ZERO_ADDRESS, "workerpoolrestrict": ZERO_ADDRESS,
                         "requesterrestrict": ZERO_ADDRESS, "salt": salt("app")},
            "DatasetOrder": {"dataset": self.dataset, "datasetprice": self.dataset_price, "volume": 1, "tag": ZERO32,
                             "apprestrict": ZERO_ADDRESS, "workerpoolrestrict": ZERO_ADDRESS,
                             "requesterrestrict": ZERO_ADDRESS, "salt": salt("dataset")},
            "WorkerpoolOrder": {"workerpool": self.workerpool, "workerpoolprice": self.workerpool_price, "volume": 1,
                                "tag": ZERO32, "category": self.category, "trust": self.trust,
                                "apprestrict": ZERO_ADDRESS, "datasetrestrict": ZERO_ADDRESS,
                                "requesterrestrict": ZERO_ADDRESS, "salt": salt("workerpool")},
            "RequestOrder": {"app": self.app, "appmaxprice": self.app_price, "dataset": self.dataset,
                             "datasetmaxprice": self.dataset_price, "workerpool": self.workerpool,
                             "workerpoolmaxprice": self.workerpool_price, "requester": self.requester.address,
                             "volume": 1, "tag": ZERO32, "category": self.category, "trust": self.trust,
                             "beneficiary": self.requester.address, "callback": ZERO_ADDRESS,
                             "params": '{"iexec_args":"reference"}', "salt": salt("request")},
        }
        signers = {"AppOrder": self.app_owner, "DatasetOrder": self.dataset_owner, "WorkerpoolOrder": self.scheduler,
                   "RequestOrder": self.requester}
        self.digests, self.tuples = {}, {}
        for kind, order in self.orders.items():
            signer = signers[kind]
            signed = Account.sign_typed_data(signer.key,
                                             full_message=typed_order(kind, order, DEV_CHAIN_ID, self.hub_address))
            self.digests[kind] = order_digest(kind, order, DEV_CHAIN_ID, self.hub_address)
            self.checks.eq(f"{kind} digest signed by eth-account", bytes(signed.message_hash), self.digests[kind])
            self.tuples[kind] = order_tuple(kind, order, bytes(signed.signature))
            self.checks.eq(f"{kind} verifySignature", self.hub.functions.verifySignature(
                signer.address, self.digests[kind], bytes(signed.signature)).call(), True)
            self.checks.eq(f"{kind} viewConsumed before", self.hub.functions.viewConsumed(self.digests[kind]).call(),
                           0)

    def match_orders(self):
        hub, checks, requester, scheduler = self.hub, self.checks, self.requester, self.scheduler
        match = hub.functions.matchOrders(self.tuples["AppOrder"], self.tuples["DatasetOrder"],
                                          self.tuples["WorkerpoolOrder"], self.tuples["RequestOrder"])
        self.dealid = deal_id(self.digests["RequestOrder"], 0)
        checks.eq("matchOrders: eth_call returns dealid", bytes(match.call({"from": requester.address})), self.dealid)
        receipt = self.client.send("matchOrders", requester, match)
        h = self.hub_address
        checks.eq("matchOrders logs (poco-abi.md §3.4)",
                  [(l[0], l[1], l[2][1:], l[3]) for l in decoded_logs(receipt)], [
            ("Transfer", h, [topic_address(requester.address), topic_address(h)], word(self.task_price)),
            ("Lock", h, [], topic_address(requester.address) + word(self.task_price)),
            ("Transfer", h, [topic_address(scheduler.address), topic_address(h)], word(self.scheduler_stake)),
            ("Lock", h, [], topic_address(scheduler.address) + word(self.scheduler_stake)),
            ("SchedulerNotice", h, [topic_address(self.workerpool)], self.dealid),
            ("OrdersMatched", h, [], self.dealid + self.digests["AppOrder"] + self.digests["DatasetOrder"]
             + self.digests["WorkerpoolOrder"] + self.digests["RequestOrder"] + word(1)),
        ])
        self.match_block = self.w3.eth.get_block(receipt["blockNumber"])
        self.start_time = self.match_block["timestamp"]
        for kind in self.orders:
            checks.eq(f"{kind} viewConsumed after", hub.functions.viewConsumed(self.digests[kind]).call(), 1)
        checks.eq("viewDeal", hub.functions.viewDeal(self.dealid).call(), (
            (self.app, self.app_owner.address, self.app_price),
            (self.dataset, self.dataset_owner.address, self.dataset_price),
            (self.workerpool, scheduler.address, self.workerpool_price), self.trust, self.category, ZERO32,
            requester.address, requester.address, ZERO_ADDRESS, self.orders["RequestOrder"]["params"],
            self.start_time, 0, 1, self.worker_stake, 1, requester.address))
        self.requester_stake = self.deposited[requester] // NRLC
        checks.eq("requester escrow after match", self.escrow(requester.address),
                  (self.requester_stake - self.task_price, self.task_price))
        checks.eq("scheduler escrow after match", self.escrow(scheduler.address),
                  (10**9 - self.scheduler_stake, self.scheduler_stake))
        self.escrow_conserved("after matchOrders")

    def initialize(self):
        self.taskid = task_id(self.dealid, 0)
        receipt = self.client.send("initialize", self.scheduler, self.hub.functions.initialize(self.dealid, 0))
        self.checks.eq("initialize logs", [(l[0], l[2][1:], l[3]) for l in decoded_logs(receipt)],
                       [("TaskInitialize", [self.taskid, topic_address(self.workerpool)], b"")])
        t, start = self.timeref, self.start_time
        self.checks.eq("viewTask after initialize", self.hub.functions.viewTask(self.taskid).call(), (
            1, self.dealid, 0, t, start + 7 * t, 0, start + 10 * t, ZERO32, 0, 0, [], ZERO32, b"", 0, b""))

    def contribute(self):
        """Three workers, each with the scheduler's EIP-191 authorization; consensus at the third."""
        hub, checks, taskid = self.hub, self.checks, self.taskid
        self.digest = hashlib.sha256(b"the reference result").digest()
        rhash = result_hash(taskid, self.digest)
        first = self.workers[0]
        # An authorization signed by someone other than the scheduler is refused, with a reason.
        bad = hub.functions.contribute(taskid, rhash, result_seal(first.address, taskid, self.digest), ZERO_ADDRESS,
                                       b"", authorization(self.requester.key, first.address, taskid))
        try:
            bad.call({"from": first.address})
            raise Failure("contribute with an authorization not signed by the scheduler did not revert")
        except ContractLogicError as error:
            checks.true("contribute with a wrong authorization reverts with a reason", bool(str(error)), repr(error))
        for i, worker in enumerate(self.workers):
            seal = result_seal(worker.address, taskid, self.digest)
            receipt = self.client.send(f"contribute by worker {i}", worker, hub.functions.contribute(
                taskid, rhash, seal, ZERO_ADDRESS, b"", authorization(self.scheduler.key, worker.address, taskid)))
            expected = [
                ("Transfer", [topic_address(worker.address), topic_address(self.hub_address)],
                 word(self.worker_stake)),
                ("Lock", [], topic_address(worker.address) + word(self.worker_stake)),
                ("TaskContribute", [taskid, topic_address(worker.address)], rhash),
            ]
            # trust 5, new workers weigh 2: group 2, 4, 8 against total 3, 5, 9 → consensus at the third.
            if i == 2:
                expected.append(("TaskConsensus", [taskid], rhash))
            checks.eq(f"contribute {i} logs", [(l[0], l[2][1:], l[3]) for l in decoded_logs(receipt)], expected)
            checks.eq(f"viewContribution {i}", hub.functions.viewContribution(taskid, worker.address).call(),
                      (1, rhash, seal, ZERO_ADDRESS, 1))
            checks.eq(f"task status after contribution {i}", hub.functions.viewTask(taskid).call()[0],
                      1 if i < 2 else 2)
            checks.eq(f"worker {i} escrow after contribute", self.escrow(worker.address),
                      (10**9 - self.worker_stake, self.worker_stake))
        consensus_time = self.w3.eth.get_block(receipt["blockNumber"])["timestamp"]
        task = hub.functions.viewTask(taskid).call()
        checks.eq("viewTask at consensus: consensusValue", task[7], rhash)
        checks.eq("viewTask at consensus: revealDeadline", task[5], consensus_time + 2 * self.timeref)
        checks.eq("viewTask at consensus: winnerCounter", task[9], 3)
        checks.eq("viewTask at consensus: contributors", task[10], [w.address for w in self.workers])

    def reveal(self):
        for i, worker in enumerate(self.workers):
            receipt = self.client.send(f"reveal by worker {i}", worker, self.hub.functions.reveal(self.taskid,
                                                                                                   self.digest))
            self.checks.eq(f"reveal {i} logs", [(l[0], l[2][1:], l[3]) for l in decoded_logs(receipt)],
                           [("TaskReveal", [self.taskid, topic_address(worker.address)], self.digest)])
            self.checks.eq(f"contribution {i} PROVED",
                           self.hub.functions.viewContribution(self.taskid, worker.address).call()[0], 2)

    def finalize(self):
        """The scheduler finalizes; the payouts follow iExec's __distributeRewards (POCO.md)."""
        hub, taskid, h = self.hub, self.taskid, self.hub_address
        self.results = b'{"storage":"ipfs","location":"/ipfs/QmReferenceResult"}'
        receipt = self.client.send("finalize", self.scheduler, hub.functions.finalize(taskid, self.results, b""))
        # All three PROVED with weight log2(2) = 1: the pot is the workerpool price, 99 % of it to the workers.
        workers_reward = self.workerpool_price * (100 - 1) // 100
        self.each = workers_reward * 1 // 3
        self.scheduler_reward = self.workerpool_price - 3 * self.each
        a, d, s = self.app_owner.address, self.dataset_owner.address, self.scheduler.address
        expected = [
            ("Seize", [], topic_address(self.requester.address) + word(self.task_price) + taskid),
            ("Transfer", [topic_address(h), topic_address(a)], word(self.app_price)),
            ("Reward", [], topic_address(a) + word(self.app_price) + taskid),
            ("Transfer", [topic_address(h), topic_address(d)], word(self.dataset_price)),
            ("Reward", [], topic_address(d) + word(self.dataset_price) + taskid),
            ("Transfer", [topic_address(h), topic_address(s)], word(self.scheduler_stake)),
            ("Unlock", [], topic_address(s) + word(self.scheduler_stake)),
        ]
        for worker in self.workers:
            w = worker.address
            expected += [
                ("Transfer", [topic_address(h), topic_address(w)], word(self.worker_stake)),
                ("Unlock", [], topic_address(w) + word(self.worker_stake)),
                ("Transfer", [topic_address(h), topic_address(w)], word(self.each)),
                ("Reward", [], topic_address(w) + word(self.each) + taskid),
                ("AccurateContribution", [topic_address(w), taskid], b""),
            ]
        expected += [
            ("Transfer", [topic_address(h), topic_address(s)], word(self.scheduler_reward)),
            ("Reward", [], topic_address(s) + word(self.scheduler_reward) + taskid),
            ("TaskFinalize", [taskid], abi_encode(["bytes"], [self.results])),
        ]
        self.checks.eq("finalize logs (poco-abi.md §3.4)", [(l[0], l[2][1:], l[3]) for l in decoded_logs(receipt)],
                       expected)
        task = hub.functions.viewTask(taskid).call()
        self.checks.eq("viewTask after finalize: status COMPLETED", task[0], 3)
        self.checks.eq("viewTask after finalize: revealCounter", task[8], 3)
        self.checks.eq("viewTask after finalize: resultDigest", task[11], self.digest)
        self.checks.eq("viewTask after finalize: results", task[12], self.results)
        self.checks.eq("resultFor", hub.functions.resultFor(taskid).call(), b"")

    def withdraw(self):
        """The app owner takes its earnings out of the escrow as native RLC."""
        owner, before = self.app_owner, self.w3.eth.get_balance(self.app_owner.address)
        receipt = self.client.send("withdraw", owner, self.hub.functions.withdraw(self.app_price))
        self.checks.eq("withdraw logs: the SRLC burn", [(l[0], l[2][1:], l[3]) for l in decoded_logs(receipt)],
                       [("Transfer", [topic_address(owner.address), topic_address(ZERO_ADDRESS)],
                         word(self.app_price))])
        self.checks.eq("withdraw: native balance up by amount·1e9", self.w3.eth.get_balance(owner.address) - before,
                       self.app_price * NRLC)

    def after(self):
        """Who got what, and nothing created or destroyed."""
        checks, escrow = self.checks, self.escrow
        checks.eq("requester escrow at the end", escrow(self.requester.address),
                  (self.requester_stake - self.task_price, 0))
        checks.eq("app owner escrow at the end (withdrawn)", escrow(self.app_owner.address), (0, 0))
        checks.eq("dataset owner escrow at the end", escrow(self.dataset_owner.address), (self.dataset_price, 0))
        checks.eq("scheduler escrow at the end", escrow(self.scheduler.address), (10**9 + self.scheduler_reward, 0))
        for i, worker in enumerate(self.workers):
            checks.eq(f"worker {i} escrow at the end", escrow(worker.address), (10**9 + self.each, 0))
            checks.eq(f"worker {i} score", self.hub.functions.viewScore(worker.address).call(), 1)
        checks.eq("hub's own balanceOf (Σ frozen) at the end",
                  self.hub.functions.balanceOf(self.hub_address).call(), 0)
        self.escrow_conserved("after finalize")
        checks.eq("native RLC conserved (Σ balances of every account, the hub and the kitty)", self.native_total(),
                  self.total_before)

    def logs(self):
        """Every receipt log found again by eth_getLogs (addresses, topic OR-lists, ranges) and the filter."""
        w3, checks, first = self.w3, self.checks, self.first_block
        self.last_block = last = w3.eth.block_number
        all_logs = [log for r in self.client.receipts for log in r["logs"]]
        self.expected_logs = expected = sorted((norm_log(l) for l in all_logs), key=lambda n: (n[2], n[4], n[1]))
        everything = w3.eth.get_logs({"fromBlock": first, "toBlock": last, "address": [
            self.hub_address, self.app_registry, self.dataset_registry, self.workerpool_registry]})
        checks.eq("eth_getLogs of the four contracts = every receipt log, in order",
                  [norm_log(l) for l in everything], expected)
        checks.eq("eth_getLogs without address = the same",
                  [norm_log(l) for l in w3.eth.get_logs({"fromBlock": first, "toBlock": "latest"})], expected)
        self.by_topics = w3.eth.get_logs({"fromBlock": first, "toBlock": last, "address": self.hub_address,
                                          "topics": [self.lifecycle_topics]})
        checks.eq("eth_getLogs topic OR-list [TaskContribute, TaskReveal]", [norm_log(l) for l in self.by_topics],
                  [n for n in expected if hx(n[6][0]) in self.lifecycle_topics])
        by_task = w3.eth.get_logs({"fromBlock": first, "toBlock": last, "topics": [None, hx(self.taskid)]})
        checks.eq("eth_getLogs topic [null, taskid]", [norm_log(l) for l in by_task],
                  [n for n in expected if len(n[6]) > 1 and n[6][1] == self.taskid])
        zero = topic_address(ZERO_ADDRESS)
        mints = w3.eth.get_logs({"fromBlock": first, "toBlock": last, "topics": [hx(TOPIC["Transfer"]), hx(zero)]})
        checks.eq("eth_getLogs Transfer from 0x0 (deposits and asset mints)", [norm_log(l) for l in mints],
                  [n for n in expected if n[6][0] == TOPIC["Transfer"] and n[6][1] == zero])
        registries_only = w3.eth.get_logs({"fromBlock": first, "toBlock": last, "address": [
            self.app_registry, self.dataset_registry, self.workerpool_registry]})
        checks.eq("eth_getLogs of the registries: three mints", len(registries_only), 3)
        number = self.match_block["number"]
        in_block = [n for n in expected if n[2] == number]
        checks.eq("eth_getLogs on matchOrders' block only",
                  [norm_log(l) for l in w3.eth.get_logs({"fromBlock": number, "toBlock": number})], in_block)
        checks.eq("eth_getLogs by blockHash",
                  [norm_log(l) for l in w3.eth.get_logs({"blockHash": hx(self.match_block["hash"])})], in_block)
        changes = w3.eth.get_filter_changes(self.hub_filter.filter_id)
        checks.eq("eth_newFilter/eth_getFilterChanges: every hub log", [norm_log(l) for l in changes],
                  [n for n in expected if n[5] == self.hub_address])
        checks.eq("eth_getFilterChanges again: nothing new", w3.eth.get_filter_changes(self.hub_filter.filter_id), [])
        checks.eq("eth_uninstallFilter", w3.eth.uninstall_filter(self.hub_filter.filter_id), True)

    def subscriptions(self):
        """The same logs arrived on the WebSocket subscriptions, and a head for every block."""
        checks, subscriber, expected = self.checks, self.subscriber, self.expected_logs
        deadline = time.time() + 15
        while time.time() < deadline and (len(subscriber.snapshot("logs")) < len(expected)
                                          or not any(int(h["number"], 16) >= self.last_block
                                                     for h in subscriber.snapshot("heads"))):
            time.sleep(0.1)
        time.sleep(0.3)  # anything extra (a duplicate) would arrive now
        subscriber.close()
        checks.eq("WebSocket errors", subscriber.errors, [])
        checks.eq("eth_unsubscribe answers true for each subscription", subscriber.snapshot_unsubscribed(),
                  [True] * 3)
        ws_logs = subscriber.snapshot("logs")
        checks.true("WebSocket logs: none removed", all(l.get("removed") is False for l in ws_logs),
                    json.dumps([l for l in ws_logs if l.get("removed") is not False])[:300])
        checks.eq("eth_subscribe logs: every log, in order", [norm_ws_log(l) for l in ws_logs], expected)
        checks.eq("eth_subscribe logs with address + topic OR-list",
                  [norm_ws_log(l) for l in subscriber.snapshot("filtered")], [norm_log(l) for l in self.by_topics])
        heads = subscriber.snapshot("heads")
        numbers = [int(h["number"], 16) for h in heads]
        checks.true("eth_subscribe newHeads: some heads", bool(numbers))
        checks.eq("eth_subscribe newHeads: consecutive block numbers", numbers,
                  list(range(numbers[0], numbers[0] + len(numbers))))
        mined = sorted({r["blockNumber"] for r in self.client.receipts})
        checks.true("eth_subscribe newHeads covers every block with a transaction",
                    numbers[0] <= mined[0] and numbers[-1] >= mined[-1],
                    f"heads {numbers[0]}…{numbers[-1]}, transactions in blocks {mined[0]}…{mined[-1]}")
        for head in heads:
            number = int(head["number"], 16)
            block = self.w3.eth.get_block(number)
            checks.eq(f"newHeads {number} hash = eth_getBlockByNumber", head["hash"], hx(block["hash"]))
            checks.eq(f"newHeads {number} stateRoot", head["stateRoot"], hx(block["stateRoot"]))

    def blocks(self):
        """Every block holding one of our transactions hashes as Ethereum hashes a London header, and the
        logs blooms of its receipts and of its header are the ones its logs give."""
        w3, checks = self.w3, self.checks
        for receipt in self.client.receipts:
            checks.eq(f"receipt {hx(receipt['transactionHash'])} logsBloom", bytes(receipt["logsBloom"]),
                      logs_bloom(receipt["logs"]))
        for number in sorted({r["blockNumber"] for r in self.client.receipts}):
            block = w3.eth.get_block(number, full_transactions=False)
            checks.eq(f"block {number} hash = keccak(rlp(header))", block_hash_of(block), bytes(block["hash"]))
            checks.eq(f"eth_getBlockByHash {number}", w3.eth.get_block(block["hash"])["number"], number)
            receipts = [w3.eth.get_transaction_receipt(h) for h in block["transactions"]]
            checks.eq(f"block {number} logsBloom = its logs' bloom", bytes(block["logsBloom"]),
                      logs_bloom([log for r in receipts for log in r["logs"]]))
            checks.eq(f"block {number} gasUsed = Σ receipts' gasUsed", block["gasUsed"],
                      sum(r["gasUsed"] for r in receipts))
            checks.eq(f"block {number} receiptsRoot = trie of its receipts", bytes(block["receiptsRoot"]),
                      ordered_root([receipt_bytes(r) for r in receipts]))
            raws = [self.client.raw.get(bytes(h)) for h in block["transactions"]]
            if all(raws):  # only this script sends transactions
                checks.eq(f"block {number} transactionsRoot = trie of its raw transactions",
                          bytes(block["transactionsRoot"]), ordered_root(raws))


def trie_root(items):
    """Root of the Merkle-Patricia trie of {key: value} (yellow paper appendix D), as Ethereum builds
    transactionsRoot and receiptsRoot."""
    import rlp

    def nibbles(data):
        return [n for byte in data for n in (byte >> 4, byte & 15)]

    def hex_prefix(path, leaf):
        flag = 2 if leaf else 0
        if len(path) % 2:
            path = [flag + 1] + path
        else:
            path = [flag, 0] + path
        return bytes(path[i] * 16 + path[i + 1] for i in range(0, len(path), 2))

    def reference(node):
        encoded = rlp.encode(node)
        return node if len(encoded) < 32 else keccak(encoded)

    def build(pairs, depth):
        if not pairs:
            return b""
        if len(pairs) == 1:
            key, value = pairs[0]
            return [hex_prefix(key[depth:], True), value]
        common = 0
        while all(len(k) > depth + common for k, _ in pairs) and \
                len({k[depth + common] for k, _ in pairs}) == 1:
            common += 1
        if common:
            return [hex_prefix(pairs[0][0][depth:depth + common], False), reference(build(pairs, depth + common))]
        branch = [b""] * 17
        for nibble in range(16):
            group = [(k, v) for k, v in pairs if len(k) > depth and k[depth] == nibble]
            if group:
                branch[nibble] = reference(build(group, depth + 1))
        for k, v in pairs:
            if len(k) == depth:
                branch[16] = v
        return branch

    return keccak(rlp.encode(build([(nibbles(k), v) for k, v in items.items()], 0)))


def ordered_root(values):
    """transactionsRoot / receiptsRoot: the trie of rlp(index) → value."""
    import rlp
    return trie_root({rlp.encode(i): v for i, v in enumerate(values)})


def receipt_bytes(receipt):
    """A receipt's consensus encoding (EIP-2718): type byte (unless legacy) ‖ rlp([status, cumulative gas,
    bloom, logs])."""
    import rlp
    logs = [[addr_bytes(to_checksum_address(log["address"])), [bytes(t) for t in log["topics"]], bytes(log["data"])]
            for log in receipt["logs"]]
    body = rlp.encode([receipt["status"], receipt["cumulativeGasUsed"], bytes(receipt["logsBloom"]), logs])
    kind = int(receipt["type"]) if not isinstance(receipt["type"], str) else int(receipt["type"], 16)
    return body if kind == 0 else bytes([kind]) + body


def logs_bloom(logs):
    """The 2048-bit bloom of logs (yellow paper §4.3.1): 3 bits per address and topic, from its keccak."""
    bloom = 0
    for log in logs:
        for item in [addr_bytes(to_checksum_address(log["address"]))] + [bytes(t) for t in log["topics"]]:
            digest = keccak(item)
            for i in (0, 2, 4):
                bloom |= 1 << (int.from_bytes(digest[i:i + 2], "big") & 2047)
    return bloom.to_bytes(256, "big")


def norm_log(log):
    """A web3.py log as comparable values."""
    return (bytes(log["transactionHash"]), int(log["logIndex"]), int(log["blockNumber"]), bytes(log["blockHash"]),
            int(log["transactionIndex"]), to_checksum_address(log["address"]), [bytes(t) for t in log["topics"]],
            bytes(log["data"]))


def norm_ws_log(log):
    """A raw JSON log (from a subscription) as the same comparable values."""
    return (bytes.fromhex(log["transactionHash"][2:]), int(log["logIndex"], 16), int(log["blockNumber"], 16),
            bytes.fromhex(log["blockHash"][2:]), int(log["transactionIndex"], 16), to_checksum_address(log["address"]),
            [bytes.fromhex(t[2:]) for t in log["topics"]], bytes.fromhex(log["data"][2:]))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iexec", default=".build/debug/iexec", help="the iexec binary")
    parser.add_argument("--block-time", type=int, default=200, help="the node's --block-time, in ms")
    parser.add_argument("--port", type=int, default=0, help="the node's port (default: a free one)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dir and node log")
    args = parser.parse_args()
    args.iexec = os.path.abspath(args.iexec)
    if not os.access(args.iexec, os.X_OK):
        sys.exit(f"node reference: {args.iexec} is not an executable (build it first: swift build)")
    work = tempfile.mkdtemp(prefix="iexec-node-reference-")
    try:
        passed = run_reference(args, work)
    except (Failure, ContractLogicError, Web3RPCError) as error:
        print(f"node reference: FAILED: {error}", file=sys.stderr)
        if args.keep:
            print(f"node reference: data and log kept in {work}", file=sys.stderr)
        sys.exit(1)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"node reference: {passed} checks passed")


if __name__ == "__main__":
    main()
