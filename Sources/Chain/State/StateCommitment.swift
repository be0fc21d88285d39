import Ethereum
import PoCo

/// The `stateRoot` of a block: a Merkle commitment to the whole state after it, updated
/// incrementally so that sealing a block costs in proportion to what it changed, not to the size
/// of the state.
///
/// Construction (stable: changing it changes every state root):
///
/// 1. Every state entry is a (domain, key, value) triple: domain 0 for PoCo entries
///    (`StateKey.encoded` → `StateValue.encoded`), domain 1 for native accounts
///    (20 address bytes → `RLP([nonce, balance])`, integers minimal big-endian).
/// 2. `keyHash = keccak256(domain ‖ key)` and `leaf = keccak256(keyHash ‖ keccak256(value))`.
/// 3. An entry lives in bucket `keyHash[0] << 8 | keyHash[1]` (65,536 buckets). A bucket's hash is
///    `keccak256(keyHash₁ ‖ leaf₁ ‖ keyHash₂ ‖ leaf₂ ‖ …)` over its entries sorted by keyHash, and
///    32 zero bytes for an empty bucket.
/// 4. The root is that of a complete binary Merkle tree over the 65,536 bucket hashes in bucket
///    order, each inner node `keccak256(left ‖ right)`.
///
/// Absent entries and zero native accounts (nonce 0, balance 0) are not committed.
public struct StateCommitment: Sendable {
    /// Which part of the state an entry belongs to.
    public enum Domain: UInt8, Sendable {
        case poco = 0
        case native = 1
    }

    static let bucketBits = 16
    static let bucketCount = 1 << bucketBits

    /// Each bucket's entries: keyHash → leaf.
    private var buckets: [[Hash32: Hash32]]
    /// The tree in heap order: node 1 is the root, nodes `bucketCount…` the bucket hashes.
    private var nodes: [Hash32]
    /// Buckets changed since the root was last computed.
    private var dirty: Set<Int> = []

    /// The commitment to an empty state.
    public init() {
        buckets = Array(repeating: [:], count: Self.bucketCount)
        nodes = Array(repeating: .zero, count: 2 * Self.bucketCount)
        for index in stride(from: Self.bucketCount - 1, through: 1, by: -1) {
            nodes[index] = Self.pair(nodes[2 * index], nodes[2 * index + 1])
        }
    }

    /// Records that `key` of `domain` now holds `value` (nil: the entry is gone).
    public mutating func set(_ domain: Domain, key: [UInt8], value: [UInt8]?) {
        let keyHash = Keccak256.hash([domain.rawValue] + key)
        let bucket = Int(keyHash.bytes[0]) << 8 | Int(keyHash.bytes[1])
        if let value {
            var leafInput = keyHash.bytes
            leafInput.append(contentsOf: Keccak256.hash(value).bytes)
            buckets[bucket][keyHash] = Keccak256.hash(leafInput)
        } else {
            guard buckets[bucket].removeValue(forKey: keyHash) != nil else { return }
        }
        dirty.insert(bucket)
    }

    /// Records a PoCo state change.
    public mutating func set(_ change: StateChange) {
        set(.poco, key: change.key.encoded, value: change.value?.encoded)
    }

    /// Records a native account's new value (a zero account is removed).
    public mutating func set(_ address: Address, _ account: NativeAccount) {
        set(.native, key: address.bytes, value: account.isEmpty ? nil : account.encoded)
    }

    /// The root over everything recorded so far (recomputes only the changed buckets' paths).
    public mutating func root() -> Hash32 {
        guard !dirty.isEmpty else { return nodes[1] }
        var level = Set<Int>()
        for bucket in dirty {
            nodes[Self.bucketCount + bucket] = Self.bucketHash(buckets[bucket])
            level.insert((Self.bucketCount + bucket) / 2)
        }
        dirty.removeAll(keepingCapacity: true)
        while !level.isEmpty {
            var parents = Set<Int>()
            for index in level {
                nodes[index] = Self.pair(nodes[2 * index], nodes[2 * index + 1])
                if index > 1 { parents.insert(index / 2) }
            }
            level = parents
        }
        return nodes[1]
    }

    private static func bucketHash(_ entries: [Hash32: Hash32]) -> Hash32 {
        guard !entries.isEmpty else { return .zero }
        var hasher = Keccak256()
        for (keyHash, leaf) in entries.sorted(by: { $0.key.bytes.lexicographicallyPrecedes($1.key.bytes) }) {
            hasher.update(keyHash.bytes)
            hasher.update(leaf.bytes)
        }
        return hasher.finalize()
    }

    private static func pair(_ left: Hash32, _ right: Hash32) -> Hash32 {
        Keccak256.hash(left.bytes + right.bytes)
    }
}
