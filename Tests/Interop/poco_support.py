"""PoCo and Ethereum computations for the reference tests of `iexec node` (node_reference.py,
node_crash.py), made only with eth-abi, eth-account and eth-utils, nothing from this project's Swift code:
the dev chain's constants, the PoCo ABI tables (checked against keccak at start), EIP-712 order digests,
deal/task ids and result hashes, CREATE2 entry addresses; and the encodings a block commits to (receipt
logs, logs blooms, Merkle-Patricia roots, the London header hash).
"""
from __future__ import annotations

import json

from eth_abi import encode as abi_encode
from eth_account import Account
from eth_account.messages import _hash_eip191_message, encode_defunct, encode_typed_data
from eth_utils import keccak, to_checksum_address

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
# Logs, receipts, blocks and tries as Ethereum encodes them
# ---------------------------------------------------------------------------------------------

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
