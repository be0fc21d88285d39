/// An EIP-2930 access list: the accounts and storage slots a transaction declares it will touch.
public struct AccessList: Sendable, Hashable, ExpressibleByArrayLiteral {
    /// One account and the storage keys of it that are pre-warmed.
    public struct Entry: Sendable, Hashable {
        /// The account.
        public var address: Address
        /// Its storage slots, in the order given (duplicates are allowed by EIP-2930).
        public var storageKeys: [Hash32]

        /// An entry for `address` with the given storage keys.
        public init(address: Address, storageKeys: [Hash32] = []) {
            self.address = address
            self.storageKeys = storageKeys
        }
    }

    /// The entries, in the order given.
    public var entries: [Entry]

    /// A list of the given entries (none by default).
    public init(_ entries: [Entry] = []) {
        self.entries = entries
    }

    /// A list written as an array literal of entries.
    public init(arrayLiteral entries: Entry...) {
        self.entries = entries
    }

    /// True when there are no entries.
    public var isEmpty: Bool { entries.isEmpty }

    /// `[[address, [key, …]], …]`.
    var rlpItem: RLP.Item {
        .list(entries.map { entry in
            .list([.address(entry.address), .list(entry.storageKeys.map { .bytes($0.bytes) })])
        })
    }

    /// Reads `[[address, [key, …]], …]`, naming the exact entry and key of any error.
    init(rlp item: RLP.Item) throws(TransactionError) {
        let items = try TransactionField.read("accessList") { () throws(RLPError) in try item.asList() }
        var entries = [Entry]()
        entries.reserveCapacity(items.count)
        for (index, entryItem) in items.enumerated() {
            let name = "accessList[\(index)]"
            let pair = try TransactionField.read(name) { () throws(RLPError) in try entryItem.asList() }
            guard pair.count == 2 else {
                throw .invalidField(name, .wrongItemCount(expected: 2, actual: pair.count))
            }
            let address = try TransactionField.read("\(name).address") { () throws(RLPError) in
                try pair[0].asAddress()
            }
            let keyItems = try TransactionField.read("\(name).storageKeys") { () throws(RLPError) in
                try pair[1].asList()
            }
            var keys = [Hash32]()
            keys.reserveCapacity(keyItems.count)
            for (keyIndex, keyItem) in keyItems.enumerated() {
                keys.append(try TransactionField.read("\(name).storageKeys[\(keyIndex)]") { () throws(RLPError) in
                    try keyItem.asHash32()
                })
            }
            entries.append(Entry(address: address, storageKeys: keys))
        }
        self.entries = entries
    }
}
