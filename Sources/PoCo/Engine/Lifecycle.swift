import Ethereum

/// The task lifecycle (iExec's `IexecPoco2Facet`): tasks of a deal are initialized, workers contribute
/// and reveal, the scheduler finalizes (or reopens), and anyone claims a task past its final deadline.
public enum LifecycleCall: Hashable, Sendable {
    /// Creates task `index` of a deal (anyone); returns its taskid.
    case initialize(dealid: Hash32, index: UInt256)
    /// `initialize` for each (dealids[i], indexes[i]); returns true.
    case initializeArray(dealids: [Hash32], indexes: [UInt256])
    /// A worker commits to a result, with the scheduler's authorization (and an enclave's signature
    /// for a TEE task); locks the deal's worker stake.
    case contribute(taskid: Hash32, resultHash: Hash32, resultSeal: Hash32, enclaveChallenge: Address,
                    enclaveSign: [UInt8], authorizationSign: [UInt8])
    /// Trust-1 shortcut: the only worker contributes, reveals and finalizes at once, with no stake.
    case contributeAndFinalize(taskid: Hash32, resultDigest: Hash32, results: [UInt8], resultsCallback: [UInt8],
                               enclaveChallenge: Address, enclaveSign: [UInt8], authorizationSign: [UInt8])
    /// A winning worker shows the digest behind its commitment.
    case reveal(taskid: Hash32, resultDigest: Hash32)
    /// The scheduler rejects a consensus nobody revealed and reopens the task to contributions.
    case reopen(taskid: Hash32)
    /// The scheduler closes a task: pays the owners, the workers and itself, punishes the others.
    case finalize(taskid: Hash32, results: [UInt8], resultsCallback: [UInt8])
    /// Anyone, past the final deadline of an unfinished task: refunds the sponsor, seizes the
    /// scheduler's stake into the kitty.
    case claim(taskid: Hash32)
    /// `claim` for each task; returns true.
    case claimArray(taskids: [Hash32])
    /// `claim(initialize(dealids[i], indexes[i]))` for each i; returns true.
    case initializeAndClaimArray(dealids: [Hash32], indexes: [UInt256])
}

extension PoCoEngine {
    mutating func execute(_ call: LifecycleCall) throws(PoCoError) -> CallOutput {
        switch call {
        case .initialize(let dealid, let index):
            return .hash(try initializeTask(dealid: dealid, index: index))
        case .initializeArray(let dealids, let indexes):
            guard dealids.count == indexes.count else { throw .invalidArrayLength }
            for (dealid, index) in zip(dealids, indexes) { try initializeTask(dealid: dealid, index: index) }
            return .bool(true)
        case .contribute(let taskid, let resultHash, let resultSeal, let enclaveChallenge, let enclaveSign,
                         let authorizationSign):
            try contribute(taskid: taskid, resultHash: resultHash, resultSeal: resultSeal,
                           enclaveChallenge: enclaveChallenge, enclaveSign: enclaveSign,
                           authorizationSign: authorizationSign)
        case .contributeAndFinalize(let taskid, let resultDigest, let results, let resultsCallback, let enclaveChallenge,
                                    let enclaveSign, let authorizationSign):
            try contributeAndFinalize(taskid: taskid, resultDigest: resultDigest, results: results,
                                      resultsCallback: resultsCallback, enclaveChallenge: enclaveChallenge,
                                      enclaveSign: enclaveSign, authorizationSign: authorizationSign)
        case .reveal(let taskid, let resultDigest):
            try reveal(taskid: taskid, resultDigest: resultDigest)
        case .reopen(let taskid):
            try reopen(taskid: taskid)
        case .finalize(let taskid, let results, let resultsCallback):
            try finalize(taskid: taskid, results: results, resultsCallback: resultsCallback)
        case .claim(let taskid):
            try claim(taskid: taskid)
        case .claimArray(let taskids):
            for taskid in taskids { try claim(taskid: taskid) }
            return .bool(true)
        case .initializeAndClaimArray(let dealids, let indexes):
            guard dealids.count == indexes.count else { throw .invalidArrayLength }
            for (dealid, index) in zip(dealids, indexes) { try claim(taskid: try initializeTask(dealid: dealid, index: index)) }
            return .bool(true)
        }
        return .none
    }

    /// `initialize`: task `index` of the deal becomes ACTIVE with its deadlines; consensus total = 1.
    @discardableResult
    private mutating func initializeTask(dealid: Hash32, index: UInt256) throws(PoCoError) -> Hash32 {
        // An unknown deal reads as iExec's zero struct: an empty range, so the index check fails.
        let deal = state.deal(dealid)
        let botFirst = deal?.botFirst ?? .zero
        guard index >= botFirst else { throw .lifecycle(.indexOutOfRange) }
        guard index < (try botFirst.plus(deal?.botSize ?? .zero)) else { throw .lifecycle(.indexOutOfRange) }
        guard let deal else { throw .lifecycle(.indexOutOfRange) }
        let taskid = PoCoIds.taskId(dealid: dealid, index: index)
        guard state.task(taskid) == nil else { throw .lifecycle(.alreadyInitialized) }
        // matchOrders checked the category; iExec would Panic (array index) on a missing one.
        guard let category = state.category(deal.category) else { throw .unknownCategory }
        let timeref = category.workClockTimeRef
        let task = Task(status: .active, dealid: dealid, idx: index, timeref: timeref,
                        contributionDeadline: try deal.startTime.plus(try timeref.times(
                            UInt256(PoCoConstants.contributionDeadlineRatio))),
                        finalDeadline: try deal.startTime.plus(try timeref.times(
                            UInt256(PoCoConstants.finalDeadlineRatio))))
        state.setTask(taskid, task)
        state.setConsensus(taskid, Consensus(total: 1))
        emit(.taskInitialize(taskid: taskid, workerpool: deal.workerpool.pointer))
        return taskid
    }

    /// `claim`: an ACTIVE or REVEALING task past its final deadline FAILS; the sponsor gets the task
    /// price back, the scheduler's stake goes to the kitty, contributors get their stakes back.
    private mutating func claim(taskid: Hash32) throws(PoCoError) {
        guard var task = state.task(taskid), task.status == .active || task.status == .revealing else {
            throw .lifecycle(.notClaimable)
        }
        guard task.finalDeadline <= now else { throw .lifecycle(.finalDeadlineNotReached) }
        task.status = .failed
        state.setTask(taskid, task)
        let deal = try self.deal(of: task)
        // iExec's failedWork: refund, then seize the scheduler stake and lock it on the kitty
        // (`rewardAndLock`: Reward and Lock, no Transfer).
        try unlock(deal.sponsor, try deal.taskPrice())
        let poolStake = try deal.schedulerStake()
        try seize(deal.workerpool.owner, poolStake, ref: taskid)
        try reward(PoCoConstants.kittyAddress, poolStake, ref: taskid, emitTransfer: false)
        try lock(PoCoConstants.kittyAddress, poolStake, emitTransfer: false)
        for worker in task.contributors {
            try unlock(worker, deal.workerStake)
        }
        emit(.taskClaimed(taskid: taskid))
    }
}

// Pieces the lifecycle functions share.
extension PoCoEngine {
    /// The deal a task belongs to. A task exists only for an index of a stored deal, and deals are
    /// never removed, so this fails only on a corrupt state.
    func deal(of task: Task) throws(PoCoError) -> Deal {
        guard let deal = state.deal(task.dealid) else { throw .lifecycle(.indexOutOfRange) }
        return deal
    }

    /// iExec's `onlyScheduler`: the sender is the deal's workerpool owner (the zero address for an
    /// unknown task, which no sender is).
    func requireScheduler(of taskid: Hash32) throws(PoCoError) {
        let owner = state.task(taskid).flatMap { state.deal($0.dealid) }?.workerpool.owner ?? .zero
        guard context.sender == owner else { throw .lifecycle(.onlyScheduler) }
    }

    /// A contribution's signatures, in iExec's order: a TEE task needs an enclave challenge; the
    /// scheduler (the deal's workerpool owner; **here** there is no TEE broker) signs
    /// EIP-191(keccak256(worker ‖ taskid ‖ enclaveChallenge)); the enclave, if any, signs
    /// EIP-191(keccak256(resultHash ‖ resultSeal)).
    func checkContributionSignatures(deal: Deal, worker: Address, taskid: Hash32, resultHash: Hash32,
                                     resultSeal: Hash32, enclaveChallenge: Address, enclaveSign: [UInt8],
                                     authorizationSign: [UInt8]) throws(PoCoError) {
        let teeTask = deal.tag.bytes[31] & PoCoConstants.teeTagBit != 0
        guard enclaveChallenge != .zero || !teeTask else { throw .lifecycle(.enclaveChallengeRequired) }
        let authorization = PoCoIds.authorizationHash(worker: worker, taskid: taskid, enclaveChallenge: enclaveChallenge)
        guard try signatureMatches(identity: deal.workerpool.owner, hash: EIP191.hash(message: authorization.bytes),
                                   sign: authorizationSign) else {
            throw .lifecycle(.invalidAuthorization)
        }
        if enclaveChallenge != .zero {
            let enclaveHash = PoCoIds.enclaveHash(resultHash: resultHash, resultSeal: resultSeal)
            guard try signatureMatches(identity: enclaveChallenge, hash: EIP191.hash(message: enclaveHash.bytes),
                                       sign: enclaveSign) else {
                throw .lifecycle(.invalidEnclaveSignature)
            }
        }
    }

    /// The callback rule of finalize and contributeAndFinalize: no callback and no callback data, or
    /// callback data whose keccak256 is the result digest.
    static func callbackMatches(deal: Deal, resultsCallback: [UInt8], digest: Hash32) -> Bool {
        (deal.callback == .zero && resultsCallback.isEmpty) || Keccak256.hash(resultsCallback) == digest
    }
}

extension UInt256 {
    /// ⌊self · numerator / denominator⌋ without the intermediate overflow, as OpenZeppelin's
    /// `Math.mulDiv`, for numerator ≤ denominator (a share: a weight of a total, 2 of 3). With
    /// self = q·d + r: ⌊self·n/d⌋ = q·n + ⌊r·n/d⌋, and q·n ≤ self, r·n < d·n stay in range.
    /// A zero denominator reverts (Solidity's Panic 0x12, reported as an arithmetic error).
    func mulDiv(_ numerator: UInt256, _ denominator: UInt256) throws(PoCoError) -> UInt256 {
        guard !denominator.isZero else { throw .arithmeticOverflow }
        let (quotient, remainder) = quotientAndRemainder(dividingBy: denominator)
        let fraction = try remainder.times(numerator).quotientAndRemainder(dividingBy: denominator).quotient
        return try quotient.times(numerator).plus(fraction)
    }

    /// ⌊log2(self)⌋, and 0 for 0 (OpenZeppelin's `Math.log2`, rounding down).
    var floorLog2: UInt256 {
        isZero ? .zero : UInt256(UInt64(255 - leadingZeroBitCount))
    }
}
