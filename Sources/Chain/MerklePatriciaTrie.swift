import Ethereum

/// The root hash of Ethereum's hexary Merkle-Patricia trie (Yellow Paper, appendix D), as found
/// in a block header's `transactionsRoot`, `receiptsRoot` and `stateRoot`.
///
/// The trie is built from scratch for each call: nothing is persisted, only the root is kept.
/// Leaf, extension and branch nodes are RLP lists; a child node whose encoding is shorter than
/// 32 bytes is inlined in its parent, a longer one is referenced by its Keccak-256 hash.
public enum MerklePatriciaTrie {
    /// The root of the empty trie: Keccak-256 of RLP(""), i.e. of the single byte 0x80.
    public static let emptyRoot: Hash32 = Keccak256.hash([0x80])

    /// The root of the trie holding `entries`.
    ///
    /// Entries are applied in order, as successive insertions would be: a later entry with the
    /// same key replaces an earlier one, and an empty value deletes its key (Ethereum stores no
    /// empty values).
    public static func root(of entries: [(key: [UInt8], value: [UInt8])]) -> Hash32 {
        var latest = [[UInt8]: [UInt8]]()
        for entry in entries { latest[entry.key] = entry.value }
        let leaves = latest
            .filter { !$0.value.isEmpty }
            .map { Leaf(nibbles: nibbles(of: $0.key), value: $0.value) }
            .sorted { $0.nibbles.lexicographicallyPrecedes($1.nibbles) }
        guard !leaves.isEmpty else { return emptyRoot }
        // The root is always hashed, even when its encoding is shorter than 32 bytes.
        return Keccak256.hash(RLP.encode(node(for: leaves[...], depth: 0)))
    }

    /// The root of the trie mapping RLP(index) to each value, as in `transactionsRoot` (values:
    /// the transactions' EIP-2718 encodings) and `receiptsRoot` (values: the receipts' encodings).
    public static func orderedRoot(_ values: [[UInt8]]) -> Hash32 {
        root(of: values.enumerated().map { index, value in
            (key: RLP.encode(.uint(UInt64(index))), value: value)
        })
    }

    /// A key, split into nibbles, and its value.
    private struct Leaf {
        var nibbles: [UInt8]
        var value: [UInt8]
    }

    /// The node holding `leaves` (sorted by nibbles, distinct, at least one), all of which share
    /// their first `depth` nibbles.
    private static func node(for leaves: ArraySlice<Leaf>, depth: Int) -> RLP.Item {
        guard let first = leaves.first, let last = leaves.last else { return .bytes([]) }
        if leaves.count == 1 {
            return .list([.bytes(hexPrefix(first.nibbles[depth...], isLeaf: true)), .bytes(first.value)])
        }
        // Sorted, so the prefix the first and last keys share is shared by all.
        var shared = 0
        while depth + shared < first.nibbles.count, depth + shared < last.nibbles.count,
              first.nibbles[depth + shared] == last.nibbles[depth + shared] {
            shared += 1
        }
        if shared > 0 {
            let path = first.nibbles[depth..<(depth + shared)]
            let child = node(for: leaves, depth: depth + shared)
            return .list([.bytes(hexPrefix(path, isLeaf: false)), reference(to: child)])
        }
        var slots = [RLP.Item](repeating: .bytes([]), count: 17)
        var rest = leaves
        // A key ending here sorts first and becomes the branch's value.
        if first.nibbles.count == depth {
            slots[16] = .bytes(first.value)
            rest = rest.dropFirst()
        }
        while let head = rest.first {
            let nibble = head.nibbles[depth]
            let group = rest.prefix { $0.nibbles[depth] == nibble }
            slots[Int(nibble)] = reference(to: node(for: group, depth: depth + 1))
            rest = rest.dropFirst(group.count)
        }
        return .list(slots)
    }

    /// How a parent refers to `child`: inline below 32 encoded bytes, else by hash.
    private static func reference(to child: RLP.Item) -> RLP.Item {
        let encoded = RLP.encode(child)
        return encoded.count < 32 ? child : .bytes(Keccak256.hash(encoded).bytes)
    }

    /// Hex-prefix encoding (appendix C): a flag nibble (2 for a leaf, +1 for an odd length),
    /// padded with a zero nibble when the path's length is even, then the path packed in bytes.
    static func hexPrefix(_ path: ArraySlice<UInt8>, isLeaf: Bool) -> [UInt8] {
        let isOdd = path.count % 2 == 1
        let flag: UInt8 = (isLeaf ? 2 : 0) + (isOdd ? 1 : 0)
        var out = [UInt8]()
        out.reserveCapacity(path.count / 2 + 1)
        var rest = path
        if let head = rest.first, isOdd {
            out.append(flag << 4 | head)
            rest = rest.dropFirst()
        } else {
            out.append(flag << 4)
        }
        while rest.count >= 2, let high = rest.first, let low = rest.dropFirst().first {
            out.append(high << 4 | low)
            rest = rest.dropFirst(2)
        }
        return out
    }

    private static func nibbles(of key: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(key.count * 2)
        for byte in key {
            out.append(byte >> 4)
            out.append(byte & 0x0F)
        }
        return out
    }
}
