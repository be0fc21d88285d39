import Ethereum

// Contributions and the consensus they build: contribute, reveal, reopen.
extension PoCoEngine {
    /// `contribute`: the sender commits to `resultHash`, locks the deal's worker stake, and adds its
    /// weight to the consensus; once a result weighs enough, the task moves to REVEALING.
    mutating func contribute(taskid: Hash32, resultHash: Hash32, resultSeal: Hash32, enclaveChallenge: Address,
                             enclaveSign: [UInt8], authorizationSign: [UInt8]) throws(PoCoError) {
        let worker = context.sender
        guard var task = state.task(taskid), task.status == .active else { throw .lifecycle(.taskNotActive) }
        guard task.contributionDeadline > now else { throw .lifecycle(.contributionDeadlinePassed) }
        guard state.contribution(task: taskid, worker: worker).status == .unset else {
            throw .lifecycle(.alreadyContributed)
        }
        let deal = try deal(of: task)
        try checkContributionSignatures(deal: deal, worker: worker, taskid: taskid, resultHash: resultHash,
                                        resultSeal: resultSeal, enclaveChallenge: enclaveChallenge,
                                        enclaveSign: enclaveSign, authorizationSign: authorizationSign)
        task.contributors.append(worker)
        try lock(worker, deal.workerStake)
        emit(.taskContribute(taskid: taskid, worker: worker, hash: resultHash))

        // Score policy (k = 3): a worker weighs max(score / 3, 3) − 1, so a new worker weighs 2. The
        // result's group is multiplied by the weight (starting from 1), the total grows as much.
        let weight = try max(state.score(worker).over(3), 3).minus(1)
        var consensus = state.consensus(taskid) ?? Consensus(total: .zero)
        let group = consensus.groups[resultHash] ?? .zero
        let delta = try max(group, 1).times(weight).minus(group)
        consensus.groups[resultHash] = try group.plus(delta)
        consensus.total = try consensus.total.plus(delta)
        state.setConsensus(taskid, consensus)
        state.setContribution(task: taskid, worker: worker,
                              Contribution(status: .contributed, resultHash: resultHash, resultSeal: resultSeal,
                                           enclaveChallenge: enclaveChallenge, weight: weight.floorLog2))
        try checkConsensus(taskid: taskid, task: &task, consensus: consensus, value: resultHash, trust: deal.trust)
        state.setTask(taskid, task)
    }

    /// Consensus when group · trust > total · (trust − 1): REVEALING, with a reveal deadline and as
    /// many winners as CONTRIBUTED contributions to the value (rejected ones do not count).
    private mutating func checkConsensus(taskid: Hash32, task: inout Task, consensus: Consensus, value: Hash32,
                                         trust: UInt256) throws(PoCoError) {
        let group = consensus.groups[value] ?? .zero
        guard try group.times(trust) > consensus.total.times(try trust.minus(1)) else { return }
        var winners = UInt256.zero
        for worker in task.contributors {
            let contribution = state.contribution(task: taskid, worker: worker)
            if contribution.resultHash == value && contribution.status == .contributed { winners = winners &+ 1 }
        }
        task.status = .revealing
        task.consensusValue = value
        task.revealDeadline = try now.plus(try task.timeref.times(UInt256(PoCoConstants.revealDeadlineRatio)))
        task.revealCounter = .zero
        task.winnerCounter = winners
        emit(.taskConsensus(taskid: taskid, consensus: value))
    }

    /// `reveal`: a winner shows the digest its result hash and seal commit to → PROVED.
    mutating func reveal(taskid: Hash32, resultDigest: Hash32) throws(PoCoError) {
        let worker = context.sender
        guard var task = state.task(taskid), task.status == .revealing else { throw .lifecycle(.taskNotRevealing) }
        guard task.revealDeadline > now else { throw .lifecycle(.revealDeadlinePassed) }
        var contribution = state.contribution(task: taskid, worker: worker)
        guard contribution.status == .contributed else { throw .lifecycle(.notContributed) }
        guard contribution.resultHash == task.consensusValue else { throw .lifecycle(.notConsensusValue) }
        guard contribution.resultHash == PoCoIds.resultHash(taskid: taskid, resultDigest: resultDigest) else {
            throw .lifecycle(.resultHashMismatch)
        }
        guard contribution.resultSeal == PoCoIds.resultSeal(worker: worker, taskid: taskid, resultDigest: resultDigest)
        else { throw .lifecycle(.resultSealMismatch) }
        contribution.status = .proved
        state.setContribution(task: taskid, worker: worker, contribution)
        task.revealCounter = try task.revealCounter.plus(1)
        task.resultDigest = resultDigest
        state.setTask(taskid, task)
        emit(.taskReveal(taskid: taskid, worker: worker, digest: resultDigest))
    }

    /// `reopen` (scheduler): a consensus that nobody revealed by the reveal deadline is dropped. Its
    /// contributors are REJECTED (they cannot contribute again, and lose their stake at finalize),
    /// its weight leaves the total, and the task is ACTIVE again.
    mutating func reopen(taskid: Hash32) throws(PoCoError) {
        try requireScheduler(of: taskid)
        guard var task = state.task(taskid), task.status == .revealing else { throw .lifecycle(.taskNotRevealing) }
        guard task.finalDeadline > now else { throw .lifecycle(.finalDeadlinePassed) }
        // iExec checks both in one require; each is its own reason here.
        guard task.revealDeadline <= now else { throw .lifecycle(.revealDeadlineNotPassed) }
        guard task.revealCounter.isZero else { throw .lifecycle(.alreadyRevealed) }
        for worker in task.contributors {
            var contribution = state.contribution(task: taskid, worker: worker)
            if contribution.resultHash == task.consensusValue {
                contribution.status = .rejected
                state.setContribution(task: taskid, worker: worker, contribution)
            }
        }
        var consensus = state.consensus(taskid) ?? Consensus(total: .zero)
        consensus.total = try consensus.total.minus(consensus.groups[task.consensusValue] ?? .zero)
        // A zero group is an absent one (the state keeps no zeros).
        consensus.groups[task.consensusValue] = nil
        state.setConsensus(taskid, consensus)
        task.status = .active
        task.consensusValue = .zero
        task.revealDeadline = .zero
        task.winnerCounter = .zero
        state.setTask(taskid, task)
        emit(.taskReopen(taskid: taskid))
    }
}
