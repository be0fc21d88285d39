#!/usr/bin/env python3
"""Reference client test of the node's market (/market) and storage (/storage): eth-account, web3.py
and the Python standard library, with nothing from this project's Swift code.

Starts `iexec node --dev`, then:
- market: registers an app, a dataset and a workerpool and deposits (web3.py transactions); signs the
  four orders with eth-account's EIP-712 signing and publishes them; checks the order hashes are the
  ones this script computes; queries the books; asks /market/match and sends the advised orders to
  matchOrders; watches the orders turn FILLED from the chain's logs; refusals (signature of someone
  else, unregistered app, no funds); unpublishes with an EIP-712 challenge signed by eth-account.
- storage (served by the node, and alone by `iexec storage`): uploads with `personal_sign` headers; the answered id is the one this script computes
  from docs/storage.md (CIDv1 raw for small blobs, the chunked form for large); downloads, Range,
  HEAD, manifest, chunk proofs, a receipt checked by eth-account recovery; 401 and 403 answers.
Usage: market_storage_reference.py --iexec .build/debug/iexec [--keep]
Prints `market+storage reference: N checks passed`; exits 1 naming the first failed check.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import signal
import struct
import subprocess
import time
import urllib.error
import urllib.request

from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils import keccak
from web3 import Web3

from node_support import Checks, Client, dev_accounts, free_port, parse_info, run_in_workdir, run_scenario
from poco_support import POCO_ABI, ZERO32, ZERO_ADDRESS, order_digest, order_tuple, predict_entry, typed_order

CHUNK = 262144


# ---------------------------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------------------------

def http(method, url, body=None, headers=None, timeout=30):
    """(status, headers, body bytes) of one request; error statuses are answers, not exceptions."""
    data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None and not isinstance(body, bytes):
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def json_of(answer):
    return json.loads(answer[2]) if answer[2] else None


# ---------------------------------------------------------------------------------------------
# Content ids, from docs/storage.md alone
# ---------------------------------------------------------------------------------------------

def b32(data):
    return "b" + base64.b32encode(data).decode().lower().rstrip("=")


def plain_cid(blob):
    return b32(bytes([0x01, 0x55, 0x12, 0x20]) + hashlib.sha256(blob).digest())


def leaves_of(blob):
    return [hashlib.sha256(b"\x00" + blob[i:i + CHUNK]).digest() for i in range(0, len(blob), CHUNK)] or \
        [hashlib.sha256(b"\x00").digest()]


def chunked_cid(blob):
    level = leaves_of(blob)
    while len(level) > 1:
        paired = [hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    digest = hashlib.sha256(b"\x02" + struct.pack(">QQ", len(blob), CHUNK) + level[0]).digest()
    return b32(bytes([0x01, 0x81, 0x80, 0xC0, 0x01, 0x12, 0x20]) + digest)


def cid_of(blob):
    return plain_cid(blob) if len(blob) <= CHUNK else chunked_cid(blob)


def storage_headers(account, method, cid, timestamp=None):
    timestamp = int(time.time()) if timestamp is None else timestamp
    message = f"iexec-storage\n{method}\n{cid}\n{timestamp}"
    signed = Account.sign_message(encode_defunct(text=message), account.key)
    return {"X-Iexec-Signer": account.address, "X-Iexec-Timestamp": str(timestamp),
            "X-Iexec-Signature": "0x" + bytes(signed.signature).hex()}


# ---------------------------------------------------------------------------------------------
# The scenario
# ---------------------------------------------------------------------------------------------

class Scenario:
    def __init__(self, node, info, checks):
        self.node, self.checks = node, checks
        self.base = node.url.rstrip("/")
        self.w3 = Web3(Web3.HTTPProvider(node.url, request_kwargs={"timeout": 30}))
        self.client = Client(self.w3, checks)
        self.accounts = dev_accounts()
        self.chain_id, self.hub_address, self.app_registry, self.dataset_registry, self.workerpool_registry = \
            parse_info(info)
        self.hub = self.w3.eth.contract(address=self.hub_address, abi=POCO_ABI)
        self.requester, self.app_owner, self.dataset_owner, self.scheduler, self.stranger = self.accounts[1:6]

    def run(self):
        self.setup_chain()
        self.publish()
        self.query()
        self.refusals()
        self.match()
        self.unpublish()
        self.storage_small()
        self.storage_chunked()
        self.storage_access()

    # --- market --------------------------------------------------------------------------------

    def setup_chain(self):
        for account, value in ((self.requester, 10**18), (self.scheduler, 10**18)):
            self.client.send(f"deposit by {account.address}", account, self.hub.functions.deposit(), value=value)
        self.app = self.create("app", self.app_registry, self.app_owner, "createApp",
                               (self.app_owner.address, "market-app", "WASM", b"/storage/app", hashlib.sha256(b"a").digest(), b""),
                               "initialize(string,string,bytes,bytes32,bytes)", ["string", "string", "bytes", "bytes32", "bytes"])
        self.dataset = self.create("dataset", self.dataset_registry, self.dataset_owner, "createDataset",
                                   (self.dataset_owner.address, "market-data", b"/storage/data", hashlib.sha256(b"d").digest()),
                                   "initialize(string,bytes,bytes32)", ["string", "bytes", "bytes32"])
        self.workerpool = self.create("workerpool", self.workerpool_registry, self.scheduler, "createWorkerpool",
                                      (self.scheduler.address, "market pool"), "initialize(string)", ["string"])

    def create(self, kind, registry_address, owner, function_name, fargs, initializer, types):
        predicted = predict_entry(registry_address, kind, initializer, types, list(fargs[1:]), owner.address)
        registry = self.w3.eth.contract(address=registry_address, abi=POCO_ABI)
        self.client.send(function_name, owner, getattr(registry.functions, function_name)(*fargs))
        return predicted

    def signed(self, kind, order, signer):
        signature = Account.sign_typed_data(signer.key, full_message=typed_order(kind, order, self.chain_id,
                                                                                 self.hub_address)).signature
        wire = {k: ("0x" + v.hex() if isinstance(v, bytes) else v) for k, v in order.items()}
        wire["sign"] = "0x" + bytes(signature).hex()
        return wire, bytes(signature)

    def post_order(self, kind, wire):
        return http("POST", f"{self.base}/market/orders", {"type": kind, "order": wire})

    def publish(self):
        salt = lambda label: keccak(text=f"market reference {label} {time.time_ns()}")
        self.orders = {
            "AppOrder": ({"app": self.app, "appprice": 10, "volume": 2, "tag": ZERO32, "datasetrestrict": ZERO_ADDRESS,
                          "workerpoolrestrict": ZERO_ADDRESS, "requesterrestrict": ZERO_ADDRESS, "salt": salt("app")},
                         self.app_owner, "app"),
            "DatasetOrder": ({"dataset": self.dataset, "datasetprice": 5, "volume": 2, "tag": ZERO32,
                              "apprestrict": ZERO_ADDRESS, "workerpoolrestrict": ZERO_ADDRESS,
                              "requesterrestrict": ZERO_ADDRESS, "salt": salt("dataset")}, self.dataset_owner, "dataset"),
            "WorkerpoolOrder": ({"workerpool": self.workerpool, "workerpoolprice": 100, "volume": 2, "tag": ZERO32,
                                 "category": 0, "trust": 1, "apprestrict": ZERO_ADDRESS, "datasetrestrict": ZERO_ADDRESS,
                                 "requesterrestrict": ZERO_ADDRESS, "salt": salt("workerpool")}, self.scheduler, "workerpool"),
            "RequestOrder": ({"app": self.app, "appmaxprice": 10, "dataset": self.dataset, "datasetmaxprice": 5,
                              "workerpool": ZERO_ADDRESS, "workerpoolmaxprice": 100, "requester": self.requester.address,
                              "volume": 2, "tag": ZERO32, "category": 0, "trust": 1,
                              "beneficiary": self.requester.address, "callback": ZERO_ADDRESS,
                              "params": '{"iexec_args":"market reference"}', "salt": salt("request")},
                             self.requester, "request"),
        }
        self.hashes, self.wires = {}, {}
        for kind, (order, signer, type_name) in self.orders.items():
            wire, _ = self.signed(kind, order, signer)
            answer = self.post_order(type_name, wire)
            body = json_of(answer)
            self.checks.eq(f"publish {kind}: 201", answer[0], 201)
            expected = "0x" + order_digest(kind, order, self.chain_id, self.hub_address).hex()
            self.checks.eq(f"publish {kind}: orderHash is the EIP-712 digest eth-account signed", body["orderHash"], expected)
            self.checks.eq(f"publish {kind}: OPEN", body["status"], "OPEN")
            self.hashes[kind], self.wires[kind] = expected, wire
            again = self.post_order(type_name, wire)
            self.checks.eq(f"publish {kind} again: 200 with the same entry", (again[0], json_of(again)["orderHash"]),
                           (200, expected))

    def query(self):
        answer = http("GET", f"{self.base}/market/orders?type=workerpool&workerpool={self.workerpool}&minTrust=1")
        body = json_of(answer)
        self.checks.eq("GET workerpool book: 200", answer[0], 200)
        self.checks.eq("GET workerpool book: our order", [o["orderHash"] for o in body["orders"]],
                       [self.hashes["WorkerpoolOrder"]])
        one = json_of(http("GET", f"{self.base}/market/orders/{self.hashes['RequestOrder']}"))
        self.checks.eq("GET one order: its fields", (one["type"], one["remaining"], one["order"]["requester"]),
                       ("request", "2", self.requester.address))
        bad = http("GET", f"{self.base}/market/orders?type=workerpool&minTrust=lots")
        self.checks.eq("GET with a bad parameter: 400", bad[0], 400)
        self.checks.true("GET with a bad parameter names it", "minTrust" in json_of(bad)["error"], str(json_of(bad)))

    def refusals(self):
        order, _, _ = self.orders["AppOrder"]
        forged = dict(order, salt=keccak(text="forged"))
        wire, _ = self.signed("AppOrder", forged, self.stranger)
        answer = self.post_order("app", wire)
        self.checks.eq("an app order signed by a stranger: 403", answer[0], 403)
        unregistered = dict(order, app="0x" + "11" * 20, salt=keccak(text="unregistered"))
        wire, _ = self.signed("AppOrder", unregistered, self.app_owner)
        self.checks.eq("an order for an unregistered app: 422", self.post_order("app", wire)[0], 422)
        request, _, _ = self.orders["RequestOrder"]
        poor = dict(request, requester=self.stranger.address, salt=keccak(text="poor"))
        wire, _ = self.signed("RequestOrder", poor, self.stranger)
        answer = self.post_order("request", wire)
        self.checks.eq("a request of someone with no deposit: 422", answer[0], 422)
        self.checks.true("… saying the balance is short", "deposit" in json_of(answer)["error"], str(json_of(answer)))

    def match(self):
        answer = http("POST", f"{self.base}/market/match", {"order": self.wires["RequestOrder"]})
        advice = json_of(answer)
        self.checks.eq("POST /market/match: 200 matched", (answer[0], advice.get("matched")), (200, True))
        self.checks.eq("match advises volume 2", str(advice["volume"]), "2")
        tuples = []
        for kind, key in (("AppOrder", "app"), ("DatasetOrder", "dataset"), ("WorkerpoolOrder", "workerpool"),
                          ("RequestOrder", "request")):
            advised = advice["orders"][key]
            self.checks.eq(f"match advises our {kind}", advised["salt"], self.wires[kind]["salt"])
            order, _, _ = self.orders[kind]
            tuples.append(order_tuple(kind, order, bytes.fromhex(advised["sign"][2:])))
        self.client.send("matchOrders with the advised orders", self.requester, self.hub.functions.matchOrders(*tuples))
        deadline = time.time() + 20
        statuses = {}
        while time.time() < deadline:
            statuses = {k: json_of(http("GET", f"{self.base}/market/orders/{h}"))["status"] for k, h in self.hashes.items()}
            if all(s == "FILLED" for s in statuses.values()):
                break
            time.sleep(0.1)
        self.checks.eq("after matchOrders every order is FILLED (from the chain's logs)", statuses,
                       {k: "FILLED" for k in self.hashes})

    def unpublish(self):
        order, _, _ = self.orders["AppOrder"]
        extra = dict(order, salt=keccak(text=f"unpublish {time.time_ns()}"))
        wire, _ = self.signed("AppOrder", extra, self.app_owner)
        order_hash = json_of(self.post_order("app", wire))["orderHash"]
        unsigned = http("DELETE", f"{self.base}/market/orders/{order_hash}")
        self.checks.eq("DELETE without authorization: 401", unsigned[0], 401)
        challenge = json_of(http("GET", f"{self.base}/market/challenge?address={self.app_owner.address}"))
        typed = challenge["typedData"]
        self.checks.eq("challenge domain is iExec's gateway", (typed["domain"]["name"], typed["domain"]["version"]),
                       ("iExec Gateway", "1"))
        stolen = Account.sign_typed_data(self.stranger.key, full_message=typed)
        forged = f"0x{bytes(stolen.message_hash).hex()}_0x{bytes(stolen.signature).hex()}_{self.app_owner.address}"
        self.checks.eq("DELETE with a stranger's signature: 401",
                       http("DELETE", f"{self.base}/market/orders/{order_hash}", headers={"Authorization": forged})[0], 401)
        signed = Account.sign_typed_data(self.app_owner.key, full_message=typed)
        authorization = f"0x{bytes(signed.message_hash).hex()}_0x{bytes(signed.signature).hex()}_{self.app_owner.address}"
        answer = http("DELETE", f"{self.base}/market/orders/{order_hash}", headers={"Authorization": authorization})
        self.checks.eq("DELETE with the owner's eth-account signature: 200", answer[0], 200)
        self.checks.eq("the order is gone", http("GET", f"{self.base}/market/orders/{order_hash}")[0], 404)
        again = http("DELETE", f"{self.base}/market/orders/{order_hash}", headers={"Authorization": authorization})
        self.checks.true("a used challenge is refused", again[0] in (401, 404), str(again[0]))

    # --- storage -------------------------------------------------------------------------------

    def put(self, blob, account, cid=None, readers=None, timestamp=None):
        cid = cid or cid_of(blob)
        headers = storage_headers(account, "PUT", cid, timestamp) if account else {}
        if readers:
            headers["X-Iexec-Readers"] = ",".join(r.address for r in readers)
        return http("PUT", f"{self.base}/storage/blobs/{cid}", blob, headers)

    def storage_small(self):
        blob = b"hello world"
        cid = plain_cid(blob)
        self.checks.eq("docs/storage.md's vector", cid, "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e")
        answer = self.put(blob, self.requester)
        self.checks.eq("PUT small blob: 201 {cid, size}", (answer[0], json_of(answer)), (201, {"cid": cid, "size": 11}))
        got = http("GET", f"{self.base}/storage/blobs/{cid}")
        self.checks.eq("GET small blob", (got[0], got[2]), (200, blob))
        ranged = http("GET", f"{self.base}/storage/blobs/{cid}", headers={"Range": "bytes=6-"})
        self.checks.eq("GET Range bytes=6-", (ranged[0], ranged[2], ranged[1]["Content-Range"]),
                       (206, b"world", "bytes 6-10/11"))
        wrong = self.put(b"hello there", self.requester, cid=cid)
        self.checks.eq("PUT bytes that are not the id: 400", wrong[0], 400)
        self.checks.eq("… and nothing replaced", http("GET", f"{self.base}/storage/blobs/{cid}")[2], blob)
        self.checks.eq("PUT unsigned: 401", self.put(b"unsigned", None)[0], 401)
        self.checks.eq("PUT with a stale timestamp: 401",
                       self.put(b"stale", self.requester, timestamp=int(time.time()) - 3600)[0], 401)

    def storage_chunked(self):
        blob = os.urandom(3 * CHUNK + 12345)
        cid = chunked_cid(blob)
        answer = self.put(blob, self.dataset_owner)
        self.checks.eq("PUT chunked blob: the id this script computed from docs/storage.md", json_of(answer),
                       {"cid": cid, "size": len(blob)})
        got = http("GET", f"{self.base}/storage/blobs/{cid}")
        self.checks.eq("GET chunked blob: same bytes", hashlib.sha256(got[2]).digest(), hashlib.sha256(blob).digest())
        head = http("HEAD", f"{self.base}/storage/blobs/{cid}")
        self.checks.eq("HEAD: size, no body", (head[0], head[1]["X-Iexec-Size"], head[2]), (200, str(len(blob)), b""))
        manifest = json_of(http("GET", f"{self.base}/storage/blobs/{cid}/manifest"))
        self.checks.eq("manifest leaves", [bytes.fromhex(l[2:]) for l in manifest["leaves"]], leaves_of(blob))
        chunk = http("GET", f"{self.base}/storage/blobs/{cid}/chunks/2")
        self.checks.eq("chunk 2", chunk[2], blob[2 * CHUNK:3 * CHUNK])
        proof = [bytes.fromhex(p.strip()[2:]) for p in chunk[1]["X-Iexec-Proof"].split(",") if p.strip()]
        # Leaves 0..3: chunk 2's siblings are leaf 3, then node(0,1).
        leaves = leaves_of(blob)
        self.checks.eq("chunk 2's proof", proof, [leaves[3], hashlib.sha256(b"\x01" + leaves[0] + leaves[1]).digest()])
        receipt = json_of(http("GET", f"{self.base}/storage/blobs/{cid}/receipt?bytes={len(blob)}"))
        server = json_of(http("GET", f"{self.base}/storage/info"))["address"]
        message = f"iexec-storage-receipt\n{cid}\n{receipt['reader']}\n{len(blob)}\n{receipt['timestamp']}"
        recovered = Account.recover_message(encode_defunct(text=message), signature=receipt["signature"])
        self.checks.eq("receipt signed by the server's key (eth-account recovery)", (recovered, receipt["server"]),
                       (server, server))

    def storage_access(self):
        blob = b"private result " + os.urandom(16)
        cid = plain_cid(blob)
        answer = self.put(blob, self.scheduler, readers=[self.requester])
        self.checks.eq("PUT private blob: 201", answer[0], 201)
        url = f"{self.base}/storage/blobs/{cid}"
        self.checks.eq("GET private unsigned: 401", http("GET", url)[0], 401)
        stranger = http("GET", url, headers=storage_headers(self.stranger, "GET", cid))
        self.checks.eq("GET private by a stranger: 403", stranger[0], 403)
        reader = http("GET", url, headers=storage_headers(self.requester, "GET", cid))
        self.checks.eq("GET private by the reader", (reader[0], reader[2]), (200, blob))
        uploader = http("GET", url, headers=storage_headers(self.scheduler, "GET", cid))
        self.checks.eq("GET private by the uploader", uploader[0], 200)


def standalone_storage(args, work, checks):
    """`iexec storage` alone: its banner, a signed upload and a verified read-back, SIGTERM."""
    port = free_port()
    data = os.path.join(work, "storage-alone")
    log = open(os.path.join(work, "storage.log"), "wb")
    process = subprocess.Popen([args.iexec, "storage", "--data-dir", data, "--port", str(port), "--raw"],
                               stdout=subprocess.PIPE, stderr=log)
    try:
        banner = json.loads(process.stdout.readline() or b"{}")
        checks.eq("iexec storage --raw banner", (banner.get("ok"), banner.get("url")),
                  (True, f"http://127.0.0.1:{port}/storage"))
        base = f"http://127.0.0.1:{port}"
        info = json_of(http("GET", f"{base}/storage/info"))
        checks.eq("iexec storage: /storage/info names the banner's address", info["address"], banner["address"])
        with open(os.path.join(data, "server.key")) as key_file:
            checks.eq("iexec storage: server.key holds that address's key",
                      Account.from_key(key_file.read().strip()).address, banner["address"])
        checks.eq("iexec storage: server.key is readable by its owner only",
                  oct(os.stat(os.path.join(data, "server.key")).st_mode & 0o777), "0o600")
        account = dev_accounts()[7]
        blob = os.urandom(CHUNK + 1)
        cid = chunked_cid(blob)
        answer = http("PUT", f"{base}/storage/blobs/{cid}", blob, storage_headers(account, "PUT", cid))
        checks.eq("iexec storage: PUT", (answer[0], json_of(answer)), (201, {"cid": cid, "size": len(blob)}))
        checks.eq("iexec storage: GET", http("GET", f"{base}/storage/blobs/{cid}")[2], blob)
        process.send_signal(signal.SIGTERM)
        checks.eq("iexec storage stops on SIGTERM with status 0", process.wait(20), 0)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()


def run_reference(args, work):
    checks = Checks()
    standalone_storage(args, work, checks)
    run_scenario(args, work, "market", [], Scenario, checks)
    return checks.passed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iexec", default=".build/debug/iexec")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    passed = run_in_workdir("market+storage reference", args, lambda work: run_reference(args, work))
    print(f"market+storage reference: {passed} checks passed")


if __name__ == "__main__":
    main()
