import Ethereum

// The canonical byte form of the PoCo state: every key and value as RLP, with a leading tag byte so
// kinds cannot collide. The ledger stores these bytes, and the state digest commits to them.

/// Why stored bytes are not a state key or value.
public struct StateDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

extension StateKey {
    /// The canonical bytes of the key.
    public var encoded: [UInt8] { RLP.encode(rlpItem) }

    var rlpItem: RLP.Item {
        switch self {
        case .account(let a): return .list([.uint(UInt64(0x01)), .address(a)])
        case .allowance(let owner, let spender): return .list([.uint(UInt64(0x02)), .address(owner), .address(spender)])
        case .totalSupply: return .list([.uint(UInt64(0x03))])
        case .app(let a): return .list([.uint(UInt64(0x04)), .address(a)])
        case .dataset(let a): return .list([.uint(UInt64(0x05)), .address(a)])
        case .workerpool(let a): return .list([.uint(UInt64(0x06)), .address(a)])
        case .assetCount(let kind): return .list([.uint(UInt64(0x07)), .uint(kind.tag)])
        case .assetBalance(let kind, let owner): return .list([.uint(UInt64(0x08)), .uint(kind.tag), .address(owner)])
        case .category(let index): return .list([.uint(UInt64(0x09)), .uint(index)])
        case .categoryCount: return .list([.uint(UInt64(0x0a))])
        case .consumed(let h): return .list([.uint(UInt64(0x0b)), .bytes(h.bytes)])
        case .presigned(let h): return .list([.uint(UInt64(0x0c)), .bytes(h.bytes)])
        case .deal(let h): return .list([.uint(UInt64(0x0d)), .bytes(h.bytes)])
        case .task(let h): return .list([.uint(UInt64(0x0e)), .bytes(h.bytes)])
        case .consensus(let h): return .list([.uint(UInt64(0x0f)), .bytes(h.bytes)])
        case .contribution(let task, let worker): return .list([.uint(UInt64(0x10)), .bytes(task.bytes), .address(worker)])
        case .score(let a): return .list([.uint(UInt64(0x11)), .address(a)])
        }
    }

    /// Reads a key from its canonical bytes.
    public init(encoded bytes: [UInt8]) throws(StateDecodingError) {
        let fields = try Fields(bytes, what: "state key")
        switch try fields.tag {
        case 0x01: self = .account(try fields.address(1))
        case 0x02: self = .allowance(owner: try fields.address(1), spender: try fields.address(2))
        case 0x03: self = .totalSupply
        case 0x04: self = .app(try fields.address(1))
        case 0x05: self = .dataset(try fields.address(1))
        case 0x06: self = .workerpool(try fields.address(1))
        case 0x07: self = .assetCount(try fields.assetKind(1))
        case 0x08: self = .assetBalance(try fields.assetKind(1), owner: try fields.address(2))
        case 0x09: self = .category(try fields.uint(1))
        case 0x0a: self = .categoryCount
        case 0x0b: self = .consumed(try fields.hash(1))
        case 0x0c: self = .presigned(try fields.hash(1))
        case 0x0d: self = .deal(try fields.hash(1))
        case 0x0e: self = .task(try fields.hash(1))
        case 0x0f: self = .consensus(try fields.hash(1))
        case 0x10: self = .contribution(task: try fields.hash(1), worker: try fields.address(2))
        case 0x11: self = .score(try fields.address(1))
        case let tag: throw StateDecodingError("state key: unknown tag \(tag)")
        }
    }
}

extension AssetKind {
    var tag: UInt64 {
        switch self {
        case .app: return 1
        case .dataset: return 2
        case .workerpool: return 3
        }
    }
}

extension StateValue {
    /// The canonical bytes of the value.
    public var encoded: [UInt8] { RLP.encode(rlpItem) }

    var rlpItem: RLP.Item {
        switch self {
        case .account(let a): return .list([.uint(UInt64(0x01)), .uint(a.balance), .uint(a.frozen)])
        case .uint(let u): return .list([.uint(UInt64(0x02)), .uint(u)])
        case .address(let a): return .list([.uint(UInt64(0x03)), .address(a)])
        case .app(let app):
            return .list([.uint(UInt64(0x04)), .address(app.owner), .string(app.name), .string(app.type),
                          .bytes(app.multiaddr), .bytes(app.checksum.bytes), .bytes(app.mrenclave)])
        case .dataset(let d):
            return .list([.uint(UInt64(0x05)), .address(d.owner), .string(d.name), .bytes(d.multiaddr),
                          .bytes(d.checksum.bytes)])
        case .workerpool(let w):
            return .list([.uint(UInt64(0x06)), .address(w.owner), .string(w.description), .uint(w.workerStakeRatioPolicy),
                          .uint(w.schedulerRewardRatioPolicy)])
        case .category(let c):
            return .list([.uint(UInt64(0x07)), .string(c.name), .string(c.description), .uint(c.workClockTimeRef)])
        case .deal(let d):
            return .list([.uint(UInt64(0x08)), d.app.rlpItem, d.dataset.rlpItem, d.workerpool.rlpItem, .uint(d.trust),
                          .uint(d.category), .bytes(d.tag.bytes), .address(d.requester), .address(d.beneficiary),
                          .address(d.callback), .string(d.params), .uint(d.startTime), .uint(d.botFirst),
                          .uint(d.botSize), .uint(d.workerStake), .uint(d.schedulerRewardRatio), .address(d.sponsor)])
        case .task(let t):
            return .list([.uint(UInt64(0x09)), .uint(UInt64(t.status.rawValue)), .bytes(t.dealid.bytes), .uint(t.idx),
                          .uint(t.timeref), .uint(t.contributionDeadline), .uint(t.revealDeadline),
                          .uint(t.finalDeadline), .bytes(t.consensusValue.bytes), .uint(t.revealCounter),
                          .uint(t.winnerCounter), .list(t.contributors.map { .address($0) }),
                          .bytes(t.resultDigest.bytes), .bytes(t.results), .uint(t.resultsTimestamp),
                          .bytes(t.resultsCallback)])
        case .consensus(let c):
            let groups = c.groups.sorted { $0.key < $1.key }.map { RLP.Item.list([.bytes($0.key.bytes), .uint($0.value)]) }
            return .list([.uint(UInt64(0x0a)), .uint(c.total), .list(groups)])
        case .contribution(let c):
            return .list([.uint(UInt64(0x0b)), .uint(UInt64(c.status.rawValue)), .bytes(c.resultHash.bytes),
                          .bytes(c.resultSeal.bytes), .address(c.enclaveChallenge), .uint(c.weight)])
        }
    }

    /// Reads a value from its canonical bytes.
    public init(encoded bytes: [UInt8]) throws(StateDecodingError) {
        let f = try Fields(bytes, what: "state value")
        switch try f.tag {
        case 0x01: self = .account(Account(balance: try f.uint(1), frozen: try f.uint(2)))
        case 0x02: self = .uint(try f.uint(1))
        case 0x03: self = .address(try f.address(1))
        case 0x04:
            self = .app(App(owner: try f.address(1), name: try f.string(2), type: try f.string(3),
                            multiaddr: try f.bytes(4), checksum: try f.hash(5), mrenclave: try f.bytes(6)))
        case 0x05:
            self = .dataset(Dataset(owner: try f.address(1), name: try f.string(2), multiaddr: try f.bytes(3),
                                    checksum: try f.hash(4)))
        case 0x06:
            self = .workerpool(Workerpool(owner: try f.address(1), description: try f.string(2),
                                          workerStakeRatioPolicy: try f.uint(3), schedulerRewardRatioPolicy: try f.uint(4)))
        case 0x07:
            self = .category(Category(name: try f.string(1), description: try f.string(2), workClockTimeRef: try f.uint(3)))
        case 0x08:
            self = .deal(Deal(app: try f.resource(1), dataset: try f.resource(2), workerpool: try f.resource(3),
                              trust: try f.uint(4), category: try f.uint(5), tag: try f.hash(6), requester: try f.address(7),
                              beneficiary: try f.address(8), callback: try f.address(9), params: try f.string(10),
                              startTime: try f.uint(11), botFirst: try f.uint(12), botSize: try f.uint(13),
                              workerStake: try f.uint(14), schedulerRewardRatio: try f.uint(15), sponsor: try f.address(16)))
        case 0x09:
            guard let status = TaskStatus(rawValue: try f.small(1)) else { throw StateDecodingError("task: bad status") }
            self = .task(Task(status: status, dealid: try f.hash(2), idx: try f.uint(3), timeref: try f.uint(4),
                              contributionDeadline: try f.uint(5), revealDeadline: try f.uint(6),
                              finalDeadline: try f.uint(7), consensusValue: try f.hash(8), revealCounter: try f.uint(9),
                              winnerCounter: try f.uint(10), contributors: try f.addresses(11),
                              resultDigest: try f.hash(12), results: try f.bytes(13), resultsTimestamp: try f.uint(14),
                              resultsCallback: try f.bytes(15)))
        case 0x0a:
            var groups: [Hash32: UInt256] = [:]
            for pair in try f.list(2) {
                let entry = try Fields(pair, what: "consensus group")
                groups[try entry.hash(0)] = try entry.uint(1)
            }
            self = .consensus(Consensus(total: try f.uint(1), groups: groups))
        case 0x0b:
            guard let status = ContributionStatus(rawValue: try f.small(1)) else {
                throw StateDecodingError("contribution: bad status")
            }
            self = .contribution(Contribution(status: status, resultHash: try f.hash(2), resultSeal: try f.hash(3),
                                              enclaveChallenge: try f.address(4), weight: try f.uint(5)))
        case let tag: throw StateDecodingError("state value: unknown tag \(tag)")
        }
    }
}

extension Resource {
    var rlpItem: RLP.Item { .list([.address(pointer), .address(owner), .uint(price)]) }
}

extension RLP.Item {
    static func string(_ text: String) -> RLP.Item { .bytes(Array(text.utf8)) }
}

/// Positional reads from a decoded RLP list, each failing with what and where.
private struct Fields {
    let items: [RLP.Item]
    let what: String

    init(_ bytes: [UInt8], what: String) throws(StateDecodingError) {
        let item: RLP.Item
        do throws(RLPError) { item = try RLP.decode(bytes) } catch { throw StateDecodingError("\(what): \(error)") }
        try self.init(item, what: what)
    }

    init(_ item: RLP.Item, what: String) throws(StateDecodingError) {
        guard case .list(let items) = item, !items.isEmpty else { throw StateDecodingError("\(what): not a list") }
        self.items = items
        self.what = what
    }

    private func item(_ index: Int) throws(StateDecodingError) -> RLP.Item {
        guard index < items.count else { throw StateDecodingError("\(what): field \(index) missing") }
        return items[index]
    }

    private func wrap<T>(_ index: Int, _ read: (RLP.Item) throws(RLPError) -> T) throws(StateDecodingError) -> T {
        let field = try item(index)
        do throws(RLPError) { return try read(field) } catch { throw StateDecodingError("\(what) field \(index): \(error)") }
    }

    var tag: UInt64 { get throws(StateDecodingError) { try wrap(0) { item throws(RLPError) in try item.asUInt64() } } }
    func uint(_ i: Int) throws(StateDecodingError) -> UInt256 { try wrap(i) { item throws(RLPError) in try item.asUInt256() } }
    func small(_ i: Int) throws(StateDecodingError) -> UInt8 {
        let value = try wrap(i) { item throws(RLPError) in try item.asUInt64() }
        guard value <= UInt8.max else { throw StateDecodingError("\(what) field \(i): \(value) too large") }
        return UInt8(value)
    }
    func address(_ i: Int) throws(StateDecodingError) -> Address { try wrap(i) { item throws(RLPError) in try item.asAddress() } }
    func hash(_ i: Int) throws(StateDecodingError) -> Hash32 { try wrap(i) { item throws(RLPError) in try item.asHash32() } }
    func bytes(_ i: Int) throws(StateDecodingError) -> [UInt8] { try wrap(i) { item throws(RLPError) in try item.asBytes() } }
    func list(_ i: Int) throws(StateDecodingError) -> [RLP.Item] { try wrap(i) { item throws(RLPError) in try item.asList() } }
    func string(_ i: Int) throws(StateDecodingError) -> String {
        let raw = try bytes(i)
        guard let text = String(validating: raw, as: UTF8.self) else { throw StateDecodingError("\(what) field \(i): not UTF-8") }
        return text
    }
    func assetKind(_ i: Int) throws(StateDecodingError) -> AssetKind {
        switch try wrap(i, { item throws(RLPError) in try item.asUInt64() }) {
        case 1: return .app
        case 2: return .dataset
        case 3: return .workerpool
        case let other: throw StateDecodingError("\(what) field \(i): unknown asset kind \(other)")
        }
    }
    func addresses(_ i: Int) throws(StateDecodingError) -> [Address] {
        var out: [Address] = []
        for entry in try list(i) {
            do throws(RLPError) { out.append(try entry.asAddress()) } catch { throw StateDecodingError("\(what) field \(i): \(error)") }
        }
        return out
    }
    func resource(_ i: Int) throws(StateDecodingError) -> Resource {
        let f = try Fields(try item(i), what: "\(what) resource \(i)")
        return Resource(pointer: try f.address(0), owner: try f.address(1), price: try f.uint(2))
    }
}

extension PoCoState {
    /// A commitment to the whole state: keccak256 over the keccak256 of each (key, value) pair's
    /// canonical bytes, pairs sorted by key bytes. Equal states give equal digests on every machine.
    public var digest: Hash32 {
        let pairs = storage.map { (key: $0.key.encoded, value: $0.value.encoded) }
            .sorted { $0.key.lexicographicallyPrecedes($1.key) }
        var hasher = Keccak256()
        for pair in pairs {
            hasher.update(Keccak256.hash(RLP.encode(.list([.bytes(pair.key), .bytes(pair.value)]))).bytes)
        }
        return hasher.finalize()
    }
}
