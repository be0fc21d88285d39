import Chain
import Ethereum
import PoCo
import Testing

@Suite("State commitment: incremental root")
struct StateCommitmentTests {
    /// Entries with distinct keys, from a fixed seed.
    private func entries(_ count: Int, seed: String) -> [(key: [UInt8], value: [UInt8])] {
        (0..<count).map { index in
            (Keccak256.hash("\(seed)-key-\(index)").bytes, Keccak256.hash("\(seed)-value-\(index)").bytes)
        }
    }

    /// The construction of the doc comment, written out independently: buckets, sorted entries, a binary tree.
    private func referenceRoot(_ entries: [(domain: UInt8, key: [UInt8], value: [UInt8])]) -> Hash32 {
        var buckets = [[(Hash32, Hash32)]](repeating: [], count: 65_536)
        for entry in entries {
            let keyHash = Keccak256.hash([entry.domain] + entry.key)
            let leaf = Keccak256.hash(keyHash.bytes + Keccak256.hash(entry.value).bytes)
            buckets[Int(keyHash.bytes[0]) * 256 + Int(keyHash.bytes[1])].append((keyHash, leaf))
        }
        var level: [Hash32] = buckets.map { bucket in
            guard !bucket.isEmpty else { return .zero }
            let sorted = bucket.sorted { $0.0.bytes.lexicographicallyPrecedes($1.0.bytes) }
            return Keccak256.hash(sorted.flatMap { $0.0.bytes + $0.1.bytes })
        }
        while level.count > 1 {
            level = stride(from: 0, to: level.count, by: 2).map { Keccak256.hash(level[$0].bytes + level[$0 + 1].bytes) }
        }
        return level[0]
    }

    @Test("the root follows the documented construction, whatever the insertion order")
    func matchesReference() {
        let items = entries(300, seed: "a")
        var forward = StateCommitment()
        for item in items { forward.set(.poco, key: item.key, value: item.value) }
        var backward = StateCommitment()
        for item in items.reversed() { backward.set(.poco, key: item.key, value: item.value) }
        let expected = referenceRoot(items.map { (0, $0.key, $0.value) })
        #expect(forward.root() == expected)
        #expect(backward.root() == expected)
    }

    @Test("incremental updates and removals give the root of the final content")
    func incremental() {
        let items = entries(200, seed: "b")
        var commitment = StateCommitment()
        for item in items { commitment.set(.poco, key: item.key, value: item.value) }
        _ = commitment.root()
        // Change 50 values, remove 50 keys, add a native account.
        for item in items[0..<50] { commitment.set(.poco, key: item.key, value: [0x01] + item.value) }
        for item in items[50..<100] { commitment.set(.poco, key: item.key, value: nil) }
        let address = try! Address(hex: "0x00000000000000000000000000000000000a1cE0")
        commitment.set(address, NativeAccount(nonce: 3, balance: 42))
        var final = items[0..<50].map { (UInt8(0), $0.key, [0x01] + $0.value) }
        final += items[100...].map { (UInt8(0), $0.key, $0.value) }
        final.append((1, address.bytes, NativeAccount(nonce: 3, balance: 42).encoded))
        #expect(commitment.root() == referenceRoot(final))
    }

    @Test("domains separate PoCo keys from accounts; empty accounts are not committed")
    func domains() {
        let key = [UInt8](repeating: 7, count: 20)
        var poco = StateCommitment()
        poco.set(.poco, key: key, value: [1])
        var native = StateCommitment()
        native.set(.native, key: key, value: [1])
        #expect(poco.root() != native.root())
        var empty = StateCommitment()
        let emptyRoot = empty.root()
        empty.set(try! Address(key), NativeAccount())
        #expect(empty.root() == emptyRoot)
        #expect(emptyRoot == referenceRoot([]))
    }
}
