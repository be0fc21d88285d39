import CSecp256k1
import Ethereum
import Foundation

/// `crypto`: Keccak-256 throughput, secp256k1 sign and recover rates, PoCo order hashes; each beside
/// a C reference where one exists (pycryptodome's Keccak, libsecp256k1 called directly, coincurve).
struct CryptoSuite {
    let suite = "crypto"

    func run() throws -> [BenchResult] {
        let references = PythonReferences.load()
        var results: [BenchResult] = []
        for (label, size) in [("64B", 64), ("1KiB", 1024), ("1MiB", 1 << 20)] {
            let message = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 17) }
            let batch = max(1, (4 << 20) / size)
            let hashesPerSecond = measureRate(batch: batch) {
                var digest = Hash32.zero
                for _ in 0..<batch { digest = Keccak256.hash(message) }
                blackHole(digest)
            }
            let megabytesPerSecond = hashesPerSecond * Double(size) / 1e6
            results.append(compared(
                "keccak256 \(label)", megabytesPerSecond, "MB/s",
                reference: references?["keccak256 \(label)"], referenceName: "pycryptodome Keccak (C), via Python"))
        }

        let key = try PrivateKey(hex: "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
        let digests = (0..<256).map { Keccak256.hash(Array("message \($0)".utf8)) }
        let digestBytes = digests.map(\.bytes)
        let signRates = measurePair(batch: digests.count) {
            for digest in digests { blackHole(key.sign(digest: digest)) }
        } reference: {
            CReference.sign(key: key.bytes, digests: digestBytes)
        }
        results.append(compared("secp256k1 sign", signRates.ours, "ops/s", reference: signRates.reference,
                                referenceName: "libsecp256k1 called directly"))

        let signatures = digests.map { key.sign(digest: $0) }
        let compact = signatures.map { $0.r + $0.s }
        let recoveryIds = signatures.map(\.yParity)
        let recoverRates = measurePair(batch: digests.count) {
            for (digest, signature) in zip(digests, signatures) { blackHole(try? signature.recoverPublicKey(digest: digest)) }
        } reference: {
            CReference.recover(digests: digestBytes, compact: compact, ids: recoveryIds)
        }
        let recoverRate = recoverRates.ours
        results.append(compared("secp256k1 recover", recoverRate, "ops/s", reference: recoverRates.reference,
                                referenceName: "libsecp256k1 called directly"))
        if let coincurve = references?["secp256k1 recover"] {
            results.append(compared("secp256k1 recover vs coincurve", recoverRate, "ops/s", reference: coincurve,
                                    referenceName: "coincurve (libsecp256k1), via Python"))
        }
        let addressRate = measureRate(batch: digests.count) {
            for (digest, signature) in zip(digests, signatures) { blackHole(try? signature.recoverAddress(digest: digest)) }
        }
        results.append(BenchResult(suite: suite, name: "ecrecover to address", value: addressRate, unit: "ops/s"))
        results.append(contentsOf: try orderHashResults())
        return results
    }

    private func compared(_ name: String, _ value: Double, _ unit: String, reference: Double?, referenceName: String)
        -> BenchResult {
        var result = BenchResult(suite: suite, name: name, value: value, unit: unit)
        if let reference {
            result.extra = ["reference": reference, "reference_name": referenceName, "ratio": value / reference]
        } else {
            result.extra = ["reference_name": referenceName + " (not run: make bench sets up Tests/Interop/.venv)"]
        }
        return result
    }
}

/// The same secp256k1 work with no Swift wrapper in between: one context, direct C calls.
enum CReference {
    nonisolated(unsafe) static let context = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE))!

    /// Signs every digest (RFC 6979, recoverable) and serializes the signature, as `PrivateKey.sign` does.
    static func sign(key: [UInt8], digests: [[UInt8]]) {
        var signature = secp256k1_ecdsa_recoverable_signature()
        var output = [UInt8](repeating: 0, count: 64)
        var recoveryId: Int32 = 0
        for digest in digests {
            _ = secp256k1_ecdsa_sign_recoverable(context, &signature, digest, key, nil, nil)
            _ = secp256k1_ecdsa_recoverable_signature_serialize_compact(context, &output, &recoveryId, &signature)
        }
        blackHole(output)
    }

    /// Parses, recovers and serializes the public key of every signature, as `recoverPublicKey` does.
    static func recover(digests: [[UInt8]], compact: [[UInt8]], ids: [UInt8]) {
        var signature = secp256k1_ecdsa_recoverable_signature()
        var point = secp256k1_pubkey()
        var output = [UInt8](repeating: 0, count: 65)
        var length = 65
        for index in digests.indices {
            _ = secp256k1_ecdsa_recoverable_signature_parse_compact(context, &signature, compact[index], Int32(ids[index]))
            _ = secp256k1_ecdsa_recover(context, &point, &signature, digests[index])
            length = 65
            _ = secp256k1_ec_pubkey_serialize(context, &output, &length, &point, UInt32(SECP256K1_EC_UNCOMPRESSED))
        }
        blackHole(output)
    }
}

/// Figures from `Tests/Interop/bench_reference.py`, run with the interop venv when it exists.
enum PythonReferences {
    static func load() -> [String: Double]? {
        let environment = ProcessInfo.processInfo.environment
        let python = environment["IEXEC_BENCH_PYTHON"] ?? "Tests/Interop/.venv/bin/python"
        let script = "Tests/Interop/bench_reference.py"
        guard FileManager.default.isExecutableFile(atPath: python), FileManager.default.fileExists(atPath: script)
        else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script]
        let pipe = Pipe()
        process.standardOutput = pipe
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Double] else { return nil }
        return object
    }
}

extension CryptoSuite {
    /// PoCo order hashes per second (struct hash + typed-data digest), for an app order and a
    /// request order whose `params` string is hashed each time, as the chain and market do.
    func orderHashResults() throws -> [BenchResult] {
        let domain = PoCoDomain(chainId: 134, hub: try Address(hex: "0x3eca1B216A7DF1C7689aEb259fFB83ADFB894E7f"))
        let someone = try Address(hex: "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23")
        let appOrders = (0..<256).map { index in
            AppOrder(app: someone, appprice: UInt256(UInt64(index)), volume: 1_000_000, tag: .zero,
                     datasetrestrict: .zero, workerpoolrestrict: .zero, requesterrestrict: .zero,
                     salt: Keccak256.hash(Array("salt \(index)".utf8)))
        }
        let requestOrders = (0..<256).map { index in
            RequestOrder(app: someone, appmaxprice: 0, dataset: .zero, datasetmaxprice: 0, workerpool: .zero,
                         workerpoolmaxprice: 1_000_000_000, requester: someone, volume: UInt256(UInt64(index + 1)),
                         tag: .zero, category: 0, trust: 100, beneficiary: someone, callback: .zero,
                         params: #"{"iexec_args":"pi 1000000","iexec_input_files":[]}"#,
                         salt: Keccak256.hash(Array("salt \(index)".utf8)))
        }
        let appRate = measureRate(batch: appOrders.count) {
            for order in appOrders { blackHole(order.hash(in: domain)) }
        }
        let requestRate = measureRate(batch: requestOrders.count) {
            for order in requestOrders { blackHole(order.hash(in: domain)) }
        }
        return [
            BenchResult(suite: suite, name: "order hash (AppOrder)", value: appRate, unit: "hashes/s"),
            BenchResult(suite: suite, name: "order hash (RequestOrder)", value: requestRate, unit: "hashes/s"),
        ]
    }
}
