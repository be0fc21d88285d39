"""What the reference tests of `iexec node` (node_reference.py, node_crash.py) share to drive a node:
the `iexec node` process, `iexec node verify`, GET /info, Checks/Failure, raw JSON-RPC helpers, the
WebSocket Subscriber, the dev accounts and the web3.py Client.
"""
from __future__ import annotations

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

from eth_account import Account
from eth_utils import keccak, to_checksum_address
from hexbytes import HexBytes

from poco_support import DEV_CHAIN_ID, DEV_MNEMONIC

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


def run_scenario(args, work, name, extra, scenario, checks):
    """Starts `iexec node --dev` (plus `extra` flags) in `work/<name>-data`, runs
    `scenario(node, info, checks).run()`, checks the node stops on SIGTERM, and returns the node
    (stopped). On a failure its last lines of output are printed; the process never outlives this."""
    node = Node(args.iexec, os.path.join(work, f"{name}-data"), args.port or free_port(), extra,
                os.path.join(work, f"{name}-node.log"))
    info = node.start()
    try:
        scenario(node, info, checks).run()
        checks.true("the node stops on SIGTERM", node.stop() is not None)
    except BaseException:
        print(f"--- node output (last lines of {node.log_path}) ---\n{node.tail()}", file=sys.stderr)
        raise
    finally:
        node.kill()
    return node


def run_in_workdir(name, args, run, failures=()):
    """Checks `args.iexec`, runs `run(work)` in a fresh temporary folder and returns its result;
    a `Failure` (or one of `failures`) prints "<name>: FAILED: …" and exits 1. The folder is removed
    unless `args.keep`, in which case a failure says where it is."""
    args.iexec = os.path.abspath(args.iexec)
    if not os.access(args.iexec, os.X_OK):
        sys.exit(f"{name}: {args.iexec} is not an executable (build it first: swift build)")
    work = tempfile.mkdtemp(prefix=f"iexec-{name.replace(' ', '-')}-")
    try:
        return run(work)
    except (Failure, *failures) as error:
        print(f"{name}: FAILED: {error}", file=sys.stderr)
        if args.keep:
            print(f"{name}: data and log kept in {work}", file=sys.stderr)
        sys.exit(1)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


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


def post(url, payload, timeout=10):
    """POSTs a JSON-RPC request or batch (any JSON `payload`); returns the decoded answer."""
    body = json.dumps(payload).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def rpc(url, method, params, timeout=10):
    """A raw JSON-RPC call; returns (result, error)."""
    answer = post(url, {"jsonrpc": "2.0", "id": 1, "method": method, "params": params}, timeout)
    return answer.get("result"), answer.get("error")


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
# The dev accounts and the web3.py client
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
