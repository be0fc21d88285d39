"""Differential check of the Ethereum module against independent Python references.

Generates random cases from a seed (fresh on every run unless --seed is given), computes the
expected answers with eth-account, eth-abi, eth-utils and pyrlp, sends the inputs to our
`interop-check` executable (one JSON object per line on stdin, one answer per line on stdout) and
compares. Failures are written to out/failures.jsonl with the seed, so any run can be replayed.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import time

import rlp
from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode
from eth_account import Account
from eth_account.messages import encode_defunct, encode_typed_data
from eth_utils import keccak, to_checksum_address

HERE = os.path.dirname(os.path.abspath(__file__))
UINT256_MAX = 2**256 - 1
HUB = "0x3eca1B216A7DF1C7689aEb259fFB83ADFB894E7f"


# ---------------------------------------------------------------- random values

class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def bytes(self, n):
        return bytes(self.r.getrandbits(8) for _ in range(n))

    def uint(self, bits=256):
        """Extreme values as often as random ones: 0, 1, max, powers of two, random widths."""
        top = 2**bits - 1
        choice = self.r.randrange(8)
        if choice == 0:
            return 0
        if choice == 1:
            return top
        if choice == 2:
            return 1
        if choice == 3:
            return 2 ** self.r.randrange(bits)
        if choice == 4:
            return top - self.r.randrange(min(top, 1000) + 1)
        return self.r.getrandbits(self.r.randrange(1, bits + 1))

    def int(self, bits):
        low, high = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
        choice = self.r.randrange(6)
        if choice == 0:
            return low
        if choice == 1:
            return high
        if choice == 2:
            return self.r.choice([0, -1, 1])
        return self.r.randint(low, high)

    def address(self):
        if self.r.randrange(6) == 0:
            return "0x" + "00" * 20
        return to_checksum_address(self.bytes(20))

    def key(self):
        while True:
            k = self.bytes(32)
            if 0 < int.from_bytes(k, "big") < 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141:
                return "0x" + k.hex()

    def text(self, max_len=80):
        alphabet = "abcXYZ019 {}[]\":,\\/\n\t" + "éß中文😀\u0000\u007f"
        return "".join(self.r.choice(alphabet) for _ in range(self.r.randrange(max_len + 1)))


def h(b):
    return "0x" + bytes(b).hex()


# ---------------------------------------------------------------- case generators

def case_keccak(g):
    data = g.bytes(g.r.choice([0, 1, 31, 32, 135, 136, 137, g.r.randrange(2000)]))
    return {"data": h(data)}, {"hash": h(keccak(data))}


def case_address(g):
    key = g.key()
    return {"privateKey": key}, {"address": Account.from_key(key).address}


def case_personal(g):
    key, message = g.key(), g.bytes(g.r.randrange(300))
    signed = Account.sign_message(encode_defunct(primitive=message), key)
    return ({"privateKey": key, "message": h(message)},
            {"hash": h(signed.message_hash), "signature": h(signed.signature)})


ORDER_TYPES = {
    "AppOrder": [("app", "address"), ("appprice", "uint256"), ("volume", "uint256"), ("tag", "bytes32"),
                 ("datasetrestrict", "address"), ("workerpoolrestrict", "address"),
                 ("requesterrestrict", "address"), ("salt", "bytes32")],
    "DatasetOrder": [("dataset", "address"), ("datasetprice", "uint256"), ("volume", "uint256"),
                     ("tag", "bytes32"), ("apprestrict", "address"), ("workerpoolrestrict", "address"),
                     ("requesterrestrict", "address"), ("salt", "bytes32")],
    "WorkerpoolOrder": [("workerpool", "address"), ("workerpoolprice", "uint256"), ("volume", "uint256"),
                        ("tag", "bytes32"), ("category", "uint256"), ("trust", "uint256"),
                        ("apprestrict", "address"), ("datasetrestrict", "address"),
                        ("requesterrestrict", "address"), ("salt", "bytes32")],
    "RequestOrder": [("app", "address"), ("appmaxprice", "uint256"), ("dataset", "address"),
                     ("datasetmaxprice", "uint256"), ("workerpool", "address"),
                     ("workerpoolmaxprice", "uint256"), ("requester", "address"), ("volume", "uint256"),
                     ("tag", "bytes32"), ("category", "uint256"), ("trust", "uint256"),
                     ("beneficiary", "address"), ("callback", "address"), ("params", "string"),
                     ("salt", "bytes32")],
}
DOMAIN_FIELDS = [{"name": "name", "type": "string"}, {"name": "version", "type": "string"},
                 {"name": "chainId", "type": "uint256"}, {"name": "verifyingContract", "type": "address"}]


def random_order(g, fields):
    message, as_json = {}, {}
    for name, kind in fields:
        if kind == "address":
            value = g.address()
            message[name], as_json[name] = value, value
        elif kind == "uint256":
            value = g.uint()
            message[name] = value
            # JSON numbers for small values now and then: the CLI accepts both forms.
            as_json[name] = value if value < 2**53 and g.r.randrange(3) == 0 else str(value)
        elif kind == "bytes32":
            value = g.bytes(32) if g.r.randrange(4) else bytes(32)
            message[name], as_json[name] = value, h(value)
        else:
            value = g.text(g.r.choice([0, 40, 400]))
            message[name], as_json[name] = value, value
    return message, as_json


def case_order(g):
    kind = g.r.choice(list(ORDER_TYPES))
    chain_id = g.r.choice([1, 133, 134, 421614, g.r.getrandbits(64)])
    hub = g.r.choice([HUB, g.address()])
    key = g.key()
    message, as_json = random_order(g, ORDER_TYPES[kind])
    operation = g.r.choice([None, 0, 1])
    types = {"EIP712Domain": DOMAIN_FIELDS, kind: [{"name": n, "type": t} for n, t in ORDER_TYPES[kind]]}
    domain = {"name": "iExecODB", "version": "5.0.0", "chainId": chain_id, "verifyingContract": hub}
    signable = encode_typed_data(full_message={"types": types, "primaryType": kind, "domain": domain,
                                               "message": message})
    digest = keccak(b"\x19\x01" + signable.header + signable.body)
    expected = {"structHash": h(signable.body), "orderHash": h(digest),
                "signature": h(Account.sign_message(signable, key).signature)}
    if operation is not None:
        op_type = kind + "Operation"
        op_types = dict(types)
        op_types[op_type] = [{"name": "order", "type": kind}, {"name": "operation", "type": "uint256"}]
        op_signable = encode_typed_data(full_message={
            "types": op_types, "primaryType": op_type, "domain": domain,
            "message": {"order": message, "operation": operation}})
        expected["operationHash"] = h(keccak(b"\x19\x01" + op_signable.header + op_signable.body))
        expected["operationSignature"] = h(Account.sign_message(op_signable, key).signature)
    inputs = {"orderType": kind, "chainId": str(chain_id), "hub": hub, "order": as_json, "privateKey": key}
    if operation is not None:
        inputs["operation"] = operation
    return inputs, expected


# Generic EIP-712: random acyclic struct types with every kind of field.
ATOMIC = ["address", "bool", "string", "bytes"] + [f"uint{8 * i}" for i in (1, 2, 4, 8, 16, 32)] + \
    [f"int{8 * i}" for i in (1, 2, 4, 16, 32)] + [f"bytes{n}" for n in (1, 4, 20, 31, 32)]


def typed_value(g, kind, types, depth=0):
    if kind.endswith("]"):
        base, count = kind[:kind.rindex("[")], kind[kind.rindex("[") + 1:-1]
        n = int(count) if count else g.r.randrange(4)
        return [typed_value(g, base, types, depth + 1) for _ in range(n)]
    if kind in types:
        return {f["name"]: typed_value(g, f["type"], types, depth + 1) for f in types[kind]}
    if kind == "address":
        return g.address()
    if kind == "bool":
        return g.r.choice([True, False])
    if kind == "string":
        return g.text(30)
    if kind == "bytes":
        return h(g.bytes(g.r.randrange(70)))
    if kind.startswith("uint"):
        return g.uint(int(kind[4:]))
    if kind.startswith("int"):
        return g.int(int(kind[3:]))
    return h(g.bytes(int(kind[5:])))


def json_numbers_as_strings(value, g):
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if -(2**53) < value < 2**53 and g.r.randrange(2) == 0:
            return value
        return str(value) if g.r.randrange(4) else (hex(value) if value >= 0 else str(value))
    if isinstance(value, list):
        return [json_numbers_as_strings(v, g) for v in value]
    if isinstance(value, dict):
        return {k: json_numbers_as_strings(v, g) for k, v in value.items()}
    return value


def case_typed(g):
    types, names = {}, []
    for index in range(g.r.randrange(1, 4)):
        name = g.r.choice(["Mail", "Person", "Asset", "Order", "Zeta", "Alpha"]) + str(index)
        fields = []
        for field_index in range(g.r.randrange(1, 6)):
            kind = g.r.choice(ATOMIC + names) if names and g.r.randrange(3) == 0 else g.r.choice(ATOMIC)
            if g.r.randrange(5) == 0:
                kind += g.r.choice(["[]", "[2]", "[][]", "[1][]"])
            fields.append({"name": f"f{field_index}", "type": kind})
        if names:
            # eth-account derives the primary type as the one nobody references: chain them.
            fields.insert(g.r.randrange(len(fields) + 1),
                          {"name": "link", "type": names[-1] + g.r.choice(["", "", "[]", "[2]"])})
        types[name] = fields
        names.append(name)
    primary = names[-1]
    domain_fields = [f for f in DOMAIN_FIELDS if g.r.randrange(4)] or DOMAIN_FIELDS[:1]
    domain_values = {"name": g.text(10), "version": str(g.r.randrange(10)), "chainId": g.r.choice([1, 134]),
                     "verifyingContract": g.address()}
    domain = {f["name"]: domain_values[f["name"]] for f in domain_fields}
    message = typed_value(g, primary, types)
    full = {"types": {"EIP712Domain": domain_fields, **types}, "primaryType": primary,
            "domain": domain, "message": message}
    key = g.key()
    signable = encode_typed_data(full_message=full)
    expected = {"digest": h(keccak(b"\x19\x01" + signable.header + signable.body)),
                "signature": h(Account.sign_message(signable, key).signature)}
    return {"typedData": json_numbers_as_strings(full, g), "privateKey": key}, expected


# ABI: random types (nested tuples and arrays) and values; eth-abi encodes and decodes.
def abi_type(g, depth=0):
    roll = g.r.randrange(10 if depth < 3 else 7)
    if roll < 7:
        return g.r.choice(["uint256", "uint8", "uint64", "int256", "int8", "int24", "address", "bool",
                           "bytes32", "bytes1", "bytes7", "bytes", "string"])
    if roll < 9:
        inner = abi_type(g, depth + 1)
        return inner + g.r.choice(["[]", "[1]", "[3]"])
    return "(" + ",".join(abi_type(g, depth + 1) for _ in range(g.r.randrange(1, 4))) + ")"


def split_tuple(kind):
    inner, parts, depth, start = kind[1:-1], [], 0, 0
    for i, c in enumerate(inner):
        depth += c == "("
        depth -= c == ")"
        if c == "," and depth == 0:
            parts.append(inner[start:i])
            start = i + 1
    parts.append(inner[start:])
    return parts


def abi_value(g, kind):
    if kind.endswith("]"):
        base, count = kind[:kind.rindex("[")], kind[kind.rindex("[") + 1:-1]
        n = int(count) if count else g.r.randrange(4)
        return [abi_value(g, base) for _ in range(n)]
    if kind.startswith("("):
        return tuple(abi_value(g, part) for part in split_tuple(kind))
    if kind.startswith("uint"):
        return g.uint(int(kind[4:]))
    if kind.startswith("int"):
        return g.int(int(kind[3:]))
    if kind == "address":
        return g.address()
    if kind == "bool":
        return g.r.choice([True, False])
    if kind == "bytes":
        return g.bytes(g.r.randrange(80))
    if kind == "string":
        return g.text(70)
    return g.bytes(int(kind[5:]))


def abi_json(value):
    """Our wire form: integers as decimal strings, bytes as hex, tuples and arrays as lists."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (bytes, bytearray)):
        return h(value)
    if isinstance(value, (list, tuple)):
        return [abi_json(v) for v in value]
    if isinstance(value, str) and value.startswith("0x") and len(value) == 42:
        return to_checksum_address(value)
    return value


def case_abi(g):
    types = [abi_type(g) for _ in range(g.r.randrange(0, 5))]
    values = [abi_value(g, t) for t in types]
    encoded = abi_encode(types, values)
    # eth-abi's own decoding of its encoding is the reference for ours.
    reference = abi_json(list(abi_decode(types, encoded)))
    name = g.r.choice(["f", "transfer", "matchOrders", "x_1"])
    signature = name + "(" + ",".join(types) + ")"
    return ({"types": types, "values": abi_json(values), "encoded": h(encoded), "signature": signature},
            {"encoded": h(encoded), "decoded": reference, "selector": h(keccak(text=signature)[:4])})


def case_tx(g):
    kind = g.r.choice([0, 1, 2])
    key = g.key()
    fields = {"nonce": g.uint(64), "gas": g.uint(64), "value": g.uint(),
              "data": g.bytes(g.r.choice([0, 4, 68, g.r.randrange(600)])),
              "chainId": g.r.choice([1, 134, 11155111, g.r.getrandbits(32) + 1])}
    if g.r.randrange(8):
        fields["to"] = to_checksum_address(g.bytes(20))
    if kind in (0, 1):
        fields["gasPrice"] = g.uint()
    else:
        fields["maxFeePerGas"] = g.uint()
        fields["maxPriorityFeePerGas"] = g.r.randint(0, fields["maxFeePerGas"])
    if kind:
        fields["type"] = kind
        fields["accessList"] = [
            {"address": to_checksum_address(g.bytes(20)),
             "storageKeys": [h(g.bytes(32)) for _ in range(g.r.randrange(3))]}
            for _ in range(g.r.randrange(3))]
    signed = Account.sign_transaction(dict(fields), key)
    wire = {k: (str(v) if isinstance(v, int) else v) for k, v in fields.items()}
    wire["data"] = h(fields["data"])
    wire["type"] = kind
    return ({"fields": wire, "privateKey": key, "raw": h(signed.raw_transaction)},
            {"raw": h(signed.raw_transaction), "hash": h(signed.hash),
             "sender": Account.from_key(key).address, "decodedRaw": h(signed.raw_transaction)})


def case_keystore(g):
    key, password = g.key(), g.text(20)
    kdf = g.r.choice(["scrypt", "pbkdf2"])
    if g.r.randrange(2):
        # Theirs → ours.
        made = Account.encrypt(key, password, kdf=kdf, iterations=1024 if kdf == "scrypt" else 2000)
        return {"mode": "decrypt", "keystore": made, "password": password}, {"privateKey": key}
    return {"mode": "encrypt", "privateKey": key, "password": password, "kdf": kdf}, {"privateKey": key}


def rlp_item(g, depth=0):
    if depth < 4 and g.r.randrange(3) == 0:
        return [rlp_item(g, depth + 1) for _ in range(g.r.randrange(4))]
    return g.bytes(g.r.choice([0, 1, 1, 2, 55, 56, g.r.randrange(300)]))


def rlp_json(item):
    return [rlp_json(i) for i in item] if isinstance(item, list) else h(item)


def case_rlp(g):
    item = rlp_item(g)
    encoded = rlp.encode(item)
    return ({"item": rlp_json(item), "encoded": h(encoded)},
            {"encoded": h(encoded), "decoded": rlp_json(rlp.decode(encoded))})


# Share of each kind in a run of N cases.
KINDS = [("keccak", case_keccak, 8), ("address", case_address, 3), ("personal", case_personal, 5),
         ("order", case_order, 25), ("typed", case_typed, 12), ("abi", case_abi, 22),
         ("tx", case_tx, 15), ("keystore", case_keystore, 2), ("rlp", case_rlp, 8)]


# ---------------------------------------------------------------- comparison

def normalize(value):
    """Addresses and hex compare case-insensitively; everything else exactly."""
    if isinstance(value, str) and value.startswith("0x"):
        return value.lower()
    if isinstance(value, list):
        return [normalize(v) for v in value]
    if isinstance(value, dict):
        return {k: normalize(v) for k, v in value.items()}
    return value


def compare(kind, inputs, expected, answer):
    if "error" in answer:
        return f"our implementation refused it: {answer['error']}"
    if kind == "keystore" and inputs["mode"] == "encrypt":
        try:
            key = "0x" + bytes(Account.decrypt(answer["keystore"], inputs["password"])).hex()
        except Exception as error:  # noqa: BLE001 - any refusal by the reference is a failure
            return f"eth-account could not decrypt our keystore: {error}"
        return None if key == expected["privateKey"] else f"eth-account decrypted {key}"
    for field, want in expected.items():
        got = answer.get(field)
        if field == "address" and got != want:  # the checksum's case matters here
            return f"address: expected {want}, got {got}"
        if normalize(got) != normalize(want):
            return f"{field}: expected {json.dumps(want)[:300]}, got {json.dumps(got)[:300]}"
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=None, help="replay a run (default: fresh)")
    parser.add_argument("--checker", required=True, help="path of the interop-check executable")
    parser.add_argument("--kinds", default=",".join(k for k, _, _ in KINDS),
                        help="comma-separated subset of: " + ", ".join(k for k, _, _ in KINDS))
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(8), "big")
    print(f"interop: seed {seed} (replay with --seed {seed}), {args.cases} cases")
    g = Gen(seed)
    chosen = [kind for kind in KINDS if kind[0] in args.kinds.split(",")]
    total_weight = sum(w for _, _, w in chosen)
    plan = []
    for name, make, weight in chosen:
        plan += [(name, make)] * max(1, round(args.cases * weight / total_weight))
    g.r.shuffle(plan)

    started = time.time()
    cases = []
    for index, (name, make) in enumerate(plan):
        inputs, expected = make(g)
        cases.append((index, name, inputs, expected))
    generated = time.time() - started

    lines = "".join(json.dumps({"id": i, "kind": k, **inp}) + "\n" for i, k, inp, _ in cases)
    run = subprocess.run([args.checker], input=lines.encode(), capture_output=True)
    if run.returncode != 0:
        sys.stderr.write(run.stderr.decode(errors="replace"))
        print(f"interop: the checker exited with status {run.returncode}")
        print(f"interop: 0 passed, {len(cases)} failed")
        return 1
    answers = {}
    for line in run.stdout.decode().splitlines():
        answer = json.loads(line)
        answers[answer["id"]] = answer

    failures, per_kind = [], {}
    for index, kind, inputs, expected in cases:
        answer = answers.get(index, {"error": "no answer"})
        problem = compare(kind, inputs, expected, answer)
        ok, bad = per_kind.get(kind, (0, 0))
        per_kind[kind] = (ok + (problem is None), bad + (problem is not None))
        if problem:
            failures.append({"seed": seed, "id": index, "kind": kind, "problem": problem, "input": inputs})
    for kind, (ok, bad) in sorted(per_kind.items()):
        print(f"  {kind:10} {ok:6} agree  {bad:4} differ")
    out = os.path.join(HERE, "out")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "failures.jsonl"), "w") as handle:
        for failure in failures:
            handle.write(json.dumps(failure) + "\n")
    for failure in failures[:10]:
        print(f"  DIFFERENCE #{failure['id']} ({failure['kind']}): {failure['problem']}")
    print(f"interop: generated in {generated:.1f}s, checked in {time.time() - started - generated:.1f}s")
    print(f"interop: {len(cases) - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
