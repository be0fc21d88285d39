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
import time

from eth_abi import encode as abi_encode
from eth_account import Account
from eth_utils import keccak
from web3 import Web3
from web3.exceptions import ContractLogicError, Web3RPCError

from node_support import (Checks, Client, Failure, Subscriber, dev_accounts, parse_info, run_in_workdir,
                          run_scenario, verify)
from poco_support import (DEV_ACCOUNT_0, DEV_ACCOUNT_1, DEV_BALANCE, DEV_CHAIN_ID, KITTY, NRLC, POCO_ABI, TOPIC,
                          ZERO32, ZERO_ADDRESS, authorization, block_hash_of, check_abi_tables, check_vectors,
                          deal_id, decoded_logs, domain_separator, hx, logs_bloom, norm_log, norm_ws_log,
                          order_digest, order_tuple, ordered_root, predict_entry, receipt_bytes, result_hash,
                          result_seal, task_id, topic_address, typed_order, word)

# ---------------------------------------------------------------------------------------------
# The scenario
# ---------------------------------------------------------------------------------------------

def run_reference(args, work):
    checks = Checks()
    check_abi_tables()
    vectors = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../shared/spec/vectors.json")
    if os.path.exists(vectors):
        checks.passed += check_vectors(vectors)

    node = run_scenario(args, work, "reference", ["--block-time", str(args.block_time)], Scenario, checks)
    verify(args.iexec, node.data_dir, "`iexec node verify` of the reference chain", checks)
    return checks.passed


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


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iexec", default=".build/debug/iexec", help="the iexec binary")
    parser.add_argument("--block-time", type=int, default=200, help="the node's --block-time, in ms")
    parser.add_argument("--port", type=int, default=0, help="the node's port (default: a free one)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dir and node log")
    args = parser.parse_args()
    passed = run_in_workdir("node reference", args, lambda work: run_reference(args, work),
                            failures=(ContractLogicError, Web3RPCError))
    print(f"node reference: {passed} checks passed")


if __name__ == "__main__":
    main()
