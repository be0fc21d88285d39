import Ethereum

/// The whole PoCo state: a map from `StateKey` to `StateValue`, with zero values absent, and a
/// journal of the originals of every key a call touches, so a revert restores them and a commit
/// reports exactly the changed keys. Writes go through `write(_:_:)` only.
public struct PoCoState: Sendable, Equatable {
    /// Every non-zero value.
    public private(set) var storage: [StateKey: StateValue] = [:]
    /// Originals of the keys written since `beginJournal`, for rollback and the change list.
    private var journal: [StateKey: StateValue?] = [:]
    /// Touched keys in first-write order, so change lists are deterministic.
    private var journalOrder: [StateKey] = []

    public init() {}

    /// Builds a state from stored values (a ledger reloading it).
    public init(storage: [StateKey: StateValue]) {
        self.storage = storage
    }

    public static func == (lhs: PoCoState, rhs: PoCoState) -> Bool { lhs.storage == rhs.storage }

    /// The raw value at `key`.
    public subscript(key: StateKey) -> StateValue? { storage[key] }

    /// Puts a value back outside any journal (undoing a simulated call).
    mutating func restore(_ key: StateKey, to value: StateValue?) {
        storage[key] = value
    }

    /// Sets (or, with nil, removes) a value, remembering the original for this call.
    mutating func write(_ key: StateKey, _ value: StateValue?) {
        if journal.index(forKey: key) == nil {
            journal[key] = .some(storage[key])
            journalOrder.append(key)
        }
        storage[key] = value
    }

    mutating func beginJournal() {
        journal.removeAll(keepingCapacity: true)
        journalOrder.removeAll(keepingCapacity: true)
    }

    /// Keeps the call's writes and returns the keys whose value differs from before the call, with
    /// the values they had before.
    mutating func commitJournal() -> (changes: [StateChange], previous: [StateValue?]) {
        var changes: [StateChange] = []
        var previous: [StateValue?] = []
        for key in journalOrder {
            let original = journal[key] ?? nil
            let current = storage[key]
            if original != current {
                changes.append(StateChange(key: key, value: current))
                previous.append(original)
            }
        }
        beginJournal()
        return (changes, previous)
    }

    /// Puts back every value the call changed.
    mutating func rollbackJournal() {
        for key in journalOrder.reversed() {
            storage[key] = journal[key] ?? nil
        }
        beginJournal()
    }
}

// Typed reads and writes. Absent means zero / default; zero values are removed, so two states with
// the same meaning have the same storage.
extension PoCoState {
    public func account(_ address: Address) -> Account {
        if case .account(let account) = storage[.account(address)] { return account }
        return Account()
    }

    mutating func setAccount(_ address: Address, _ account: Account) {
        write(.account(address), account.isEmpty ? nil : .account(account))
    }

    public func uint(_ key: StateKey) -> UInt256 {
        if case .uint(let value) = storage[key] { return value }
        return .zero
    }

    mutating func setUInt(_ key: StateKey, _ value: UInt256) {
        write(key, value.isZero ? nil : .uint(value))
    }

    public func address(_ key: StateKey) -> Address {
        if case .address(let value) = storage[key] { return value }
        return .zero
    }

    mutating func setAddress(_ key: StateKey, _ value: Address) {
        write(key, value == .zero ? nil : .address(value))
    }

    public func app(_ address: Address) -> App? {
        if case .app(let app) = storage[.app(address)] { return app }
        return nil
    }

    public func dataset(_ address: Address) -> Dataset? {
        if case .dataset(let dataset) = storage[.dataset(address)] { return dataset }
        return nil
    }

    public func workerpool(_ address: Address) -> Workerpool? {
        if case .workerpool(let workerpool) = storage[.workerpool(address)] { return workerpool }
        return nil
    }

    public func category(_ index: UInt256) -> Category? {
        if case .category(let category) = storage[.category(index)] { return category }
        return nil
    }

    public func deal(_ id: Hash32) -> Deal? {
        if case .deal(let deal) = storage[.deal(id)] { return deal }
        return nil
    }

    mutating func setDeal(_ id: Hash32, _ deal: Deal) { write(.deal(id), .deal(deal)) }

    public func task(_ id: Hash32) -> Task? {
        if case .task(let task) = storage[.task(id)] { return task }
        return nil
    }

    mutating func setTask(_ id: Hash32, _ task: Task) { write(.task(id), .task(task)) }

    public func consensus(_ task: Hash32) -> Consensus? {
        if case .consensus(let consensus) = storage[.consensus(task)] { return consensus }
        return nil
    }

    mutating func setConsensus(_ task: Hash32, _ consensus: Consensus?) {
        write(.consensus(task), consensus.map { .consensus($0) })
    }

    public func contribution(task: Hash32, worker: Address) -> Contribution {
        if case .contribution(let contribution) = storage[.contribution(task: task, worker: worker)] { return contribution }
        return Contribution()
    }

    mutating func setContribution(task: Hash32, worker: Address, _ contribution: Contribution) {
        write(.contribution(task: task, worker: worker),
              contribution.status == .unset ? nil : .contribution(contribution))
    }

    public func score(_ worker: Address) -> UInt256 { uint(.score(worker)) }

    /// Σ balance + frozen over every account, the kitty included: must equal `totalSupply`.
    public var totalHeld: UInt256 {
        var total = UInt256.zero
        for case .account(let account) in storage.values {
            total = total &+ account.balance &+ account.frozen
        }
        return total
    }
}

extension PoCoState {
    mutating func setApp(_ address: Address, _ app: App) { write(.app(address), .app(app)) }
    mutating func setDataset(_ address: Address, _ dataset: Dataset) { write(.dataset(address), .dataset(dataset)) }
    mutating func setWorkerpool(_ address: Address, _ workerpool: Workerpool) {
        write(.workerpool(address), .workerpool(workerpool))
    }
    mutating func setCategory(_ index: UInt256, _ category: Category) { write(.category(index), .category(category)) }
}
