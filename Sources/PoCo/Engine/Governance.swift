import Ethereum

/// Functions only the chain's governance account may call.
public enum GovernanceCall: Hashable, Sendable {
    /// Adds a category; its id is the next index.
    case createCategory(name: String, description: String, workClockTimeRef: UInt256)
}

extension PoCoEngine {
    mutating func execute(_ call: GovernanceCall) throws(PoCoError) -> CallOutput {
        guard context.sender == config.governance else { throw .notGovernance }
        switch call {
        case .createCategory(let name, let description, let timeRef):
            return .uint(addCategory(Category(name: name, description: description, workClockTimeRef: timeRef)))
        }
    }

    /// Appends a category and emits `CreateCategory`; returns its id.
    @discardableResult
    mutating func addCategory(_ category: Category) -> UInt256 {
        let id = state.uint(.categoryCount)
        state.setCategory(id, category)
        state.setUInt(.categoryCount, id &+ 1)
        emit(.createCategory(catid: id, name: category.name, description: category.description,
                             workClockTimeRef: category.workClockTimeRef))
        return id
    }

    /// A new chain's engine: empty state but for `categories` (iExec's five by default) and the
    /// workers' reputations `scores` (a chain whose workers already earned some, e.g. a devnet whose
    /// consensus at high trust must be reachable by a handful of workers).
    public static func genesis(config: PoCoConfig, categories: [Category] = Category.defaults,
                               scores: [Address: UInt256] = [:]) -> PoCoEngine {
        var engine = PoCoEngine(config: config)
        engine.state.beginJournal()
        for category in categories { engine.addCategory(category) }
        for (worker, score) in scores.sorted(by: { $0.key.bytes.lexicographicallyPrecedes($1.key.bytes) }) {
            engine.state.setUInt(.score(worker), score)
        }
        _ = engine.state.commitJournal()
        engine.logs.removeAll()
        return engine
    }
}
