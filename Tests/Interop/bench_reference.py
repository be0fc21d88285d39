"""C-backed reference figures for `iexec-bench crypto`: pycryptodome's Keccak-256 and coincurve's
recovery (libsecp256k1), timed the same way the Swift suite times its own work. Prints one JSON object.
Per-call Python overhead weighs on the small inputs; the 1 MiB figure is the library's own speed."""
import json
import time

from Crypto.Hash import keccak
from coincurve import PrivateKey, PublicKey


def rate(body, batch, seconds=1.0):
    body()
    done, start = 0, time.perf_counter()
    while True:
        body()
        done += batch
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return done / elapsed


def main():
    figures = {}
    for label, size in (("64B", 64), ("1KiB", 1024), ("1MiB", 1 << 20)):
        message = bytes((i * 131 + 17) & 0xFF for i in range(size))
        batch = max(1, (4 << 20) // size)

        def hash_batch(message=message, batch=batch):
            for _ in range(batch):
                keccak.new(digest_bits=256, data=message).digest()

        figures[f"keccak256 {label}"] = rate(hash_batch, batch) * size / 1e6
    key = PrivateKey(bytes.fromhex("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"))
    digests = [keccak.new(digest_bits=256, data=f"message {i}".encode()).digest() for i in range(256)]
    signatures = [key.sign_recoverable(d, hasher=None) for d in digests]

    def recover_batch():
        for digest, signature in zip(digests, signatures):
            PublicKey.from_signature_and_message(signature, digest, hasher=None).format(compressed=False)

    figures["secp256k1 recover"] = rate(recover_batch, len(digests))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
