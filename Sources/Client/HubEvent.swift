import Ethereum

/// The hub's events about deals and tasks (iExec PoCo v5's `SchedulerNotice` and `Task*`), decoded
/// from logs: what a scheduler follows, and what a requester watches.
public enum HubEvent: Hashable, Sendable {
    /// A deal for `workerpool` was made.
    case notice(workerpool: Address, dealId: Hash32)
    case initialize(taskId: Hash32)
    case contribute(taskId: Hash32, worker: Address, resultHash: Hash32)
    case consensus(taskId: Hash32, value: Hash32)
    case reveal(taskId: Hash32, worker: Address, digest: Hash32)
    case reopen(taskId: Hash32)
    case finalize(taskId: Hash32)
    case claimed(taskId: Hash32)

    public static let noticeTopic = Keccak256.hash("SchedulerNotice(address,bytes32)")
    public static let initializeTopic = Keccak256.hash("TaskInitialize(bytes32,address)")
    public static let contributeTopic = Keccak256.hash("TaskContribute(bytes32,address,bytes32)")
    public static let consensusTopic = Keccak256.hash("TaskConsensus(bytes32,bytes32)")
    public static let revealTopic = Keccak256.hash("TaskReveal(bytes32,address,bytes32)")
    public static let reopenTopic = Keccak256.hash("TaskReopen(bytes32)")
    public static let finalizeTopic = Keccak256.hash("TaskFinalize(bytes32,bytes)")
    public static let claimedTopic = Keccak256.hash("TaskClaimed(bytes32)")

    /// The topic0 of the task events, for a log filter.
    public static let taskTopics: [Hash32] = [initializeTopic, contributeTopic, consensusTopic, revealTopic,
                                              reopenTopic, finalizeTopic, claimedTopic]
    /// The topic0 of every event, for a log filter.
    public static let topics: [Hash32] = [noticeTopic] + taskTopics

    /// The event `log` records, if it is one of these and well formed.
    public init?(_ log: ChainLog) {
        guard let topic0 = log.topics.first, log.topics.count >= 2 else { return nil }
        let id = log.topics[1]
        switch topic0 {
        case Self.noticeTopic:
            guard let workerpool = Self.address(id), let deal = Self.word(log.data, 0) else { return nil }
            self = .notice(workerpool: workerpool, dealId: deal)
        case Self.initializeTopic:
            self = .initialize(taskId: id)
        case Self.contributeTopic:
            guard log.topics.count >= 3, let worker = Self.address(log.topics[2]), let hash = Self.word(log.data, 0)
            else { return nil }
            self = .contribute(taskId: id, worker: worker, resultHash: hash)
        case Self.consensusTopic:
            guard let value = Self.word(log.data, 0) else { return nil }
            self = .consensus(taskId: id, value: value)
        case Self.revealTopic:
            guard log.topics.count >= 3, let worker = Self.address(log.topics[2]), let digest = Self.word(log.data, 0)
            else { return nil }
            self = .reveal(taskId: id, worker: worker, digest: digest)
        case Self.reopenTopic: self = .reopen(taskId: id)
        case Self.finalizeTopic: self = .finalize(taskId: id)
        case Self.claimedTopic: self = .claimed(taskId: id)
        default: return nil
        }
    }

    /// The task the event is about (nil for a notice).
    public var taskId: Hash32? {
        switch self {
        case .notice: return nil
        case .initialize(let id), .contribute(let id, _, _), .consensus(let id, _), .reveal(let id, _, _),
             .reopen(let id), .finalize(let id), .claimed(let id):
            return id
        }
    }

    private static func address(_ topic: Hash32) -> Address? {
        guard topic.bytes.prefix(12).allSatisfy({ $0 == 0 }) else { return nil }
        return try? Address(Array(topic.bytes.suffix(20)))
    }

    private static func word(_ data: [UInt8], _ index: Int) -> Hash32? {
        let start = index * 32
        guard data.count >= start + 32 else { return nil }
        return try? Hash32(Array(data[start..<start + 32]))
    }
}
