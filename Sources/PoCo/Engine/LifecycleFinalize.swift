import Ethereum

// Closing a task with a result: finalize, contributeAndFinalize, and the payments they make
// (iExec's successWork, distributeRewards, distributeRewardsFast), in iExec's event order.
extension PoCoEngine {
    /// `finalize` (scheduler): every winner revealed, or at least one did and the reveal deadline
    /// passed → COMPLETED, with the payments.
    mutating func finalize(taskid: Hash32, results: [UInt8], resultsCallback: [UInt8]) throws(PoCoError) {
        try requireScheduler(of: taskid)
        guard var task = state.task(taskid), task.status == .revealing else { throw .lifecycle(.taskNotRevealing) }
        guard task.finalDeadline > now else { throw .lifecycle(.finalDeadlinePassed) }
        guard task.revealCounter == task.winnerCounter || (!task.revealCounter.isZero && task.revealDeadline <= now)
        else { throw .lifecycle(.notEnoughReveals) }
        let deal = try deal(of: task)
        guard Self.callbackMatches(deal: deal, resultsCallback: resultsCallback, digest: task.resultDigest) else {
            throw .lifecycle(.callbackMismatch)
        }
        task.status = .completed
        task.results = results
        task.resultsCallback = resultsCallback
        state.setTask(taskid, task)
        try payForSuccess(deal: deal, taskid: taskid)
        try distributeRewards(task: task, deal: deal, taskid: taskid)
        emit(.taskFinalize(taskid: taskid, results: results))
    }

    /// `contributeAndFinalize`: on a trust-1 deal with no contribution yet, the sender contributes,
    /// reveals and finalizes in one call. No stake is locked, no score changes; the worker gets
    /// wpprice · (100 − ratio) / 100, the scheduler the rest.
    mutating func contributeAndFinalize(taskid: Hash32, resultDigest: Hash32, results: [UInt8],
                                        resultsCallback: [UInt8], enclaveChallenge: Address, enclaveSign: [UInt8],
                                        authorizationSign: [UInt8]) throws(PoCoError) {
        let worker = context.sender
        guard var task = state.task(taskid), task.status == .active else { throw .lifecycle(.taskNotActive) }
        guard task.contributionDeadline > now else { throw .lifecycle(.contributionDeadlinePassed) }
        guard task.contributors.isEmpty else { throw .lifecycle(.taskHasContributions) }
        let deal = try deal(of: task)
        guard deal.trust == 1 else { throw .lifecycle(.trustNotOne) }
        let resultHash = PoCoIds.resultHash(taskid: taskid, resultDigest: resultDigest)
        let resultSeal = PoCoIds.resultSeal(worker: worker, taskid: taskid, resultDigest: resultDigest)
        guard Self.callbackMatches(deal: deal, resultsCallback: resultsCallback, digest: resultDigest) else {
            throw .lifecycle(.callbackMismatch)
        }
        try checkContributionSignatures(deal: deal, worker: worker, taskid: taskid, resultHash: resultHash,
                                        resultSeal: resultSeal, enclaveChallenge: enclaveChallenge,
                                        enclaveSign: enclaveSign, authorizationSign: authorizationSign)
        // The weight stays 0: it only splits rewards in distributeRewards, which this path skips.
        state.setContribution(task: taskid, worker: worker,
                              Contribution(status: .proved, resultHash: resultHash, resultSeal: resultSeal,
                                           enclaveChallenge: enclaveChallenge))
        task.status = .completed
        task.consensusValue = resultHash
        task.revealDeadline = try now.plus(try task.timeref.times(UInt256(PoCoConstants.revealDeadlineRatio)))
        task.revealCounter = 1
        task.winnerCounter = 1
        task.resultDigest = resultDigest
        task.results = results
        task.resultsCallback = resultsCallback
        task.contributors.append(worker)
        state.setTask(taskid, task)

        try payForSuccess(deal: deal, taskid: taskid)
        let workerReward = try deal.workerpool.price.times(try UInt256(100).minus(deal.schedulerRewardRatio)).over(100)
        try reward(worker, workerReward, ref: taskid)
        try reward(deal.workerpool.owner, try deal.workerpool.price.minus(workerReward), ref: taskid)

        emit(.taskContribute(taskid: taskid, worker: worker, hash: resultHash))
        emit(.taskConsensus(taskid: taskid, consensus: resultHash))
        emit(.taskReveal(taskid: taskid, worker: worker, digest: resultDigest))
        emit(.taskFinalize(taskid: taskid, results: results))
    }

    /// iExec's successWork: the sponsor's task price is seized; the app and dataset owners get their
    /// prices; the scheduler's stake is unlocked and it takes its share of the kitty. What stays in
    /// the pot is the workerpool price, for distributeRewards.
    private mutating func payForSuccess(deal: Deal, taskid: Hash32) throws(PoCoError) {
        try seize(deal.sponsor, try deal.taskPrice(), ref: taskid)
        if !deal.app.price.isZero {
            try reward(deal.app.owner, deal.app.price, ref: taskid)
        }
        // iExec also requires a dataset pointer; matchOrders sets the price to 0 without a dataset, so
        // the price alone decides, and the seized amount is always paid out.
        if !deal.dataset.price.isZero {
            try reward(deal.dataset.owner, deal.dataset.price, ref: taskid)
        }
        try unlock(deal.workerpool.owner, try deal.schedulerStake())
        let kitty = state.account(PoCoConstants.kittyAddress).frozen
        if !kitty.isZero {
            // kittyMin ≤ share ≤ kitty, with share = 10 % of the kitty in between.
            let share = min(max(try kitty.times(UInt256(PoCoConstants.kittyRatio)).over(100), PoCoConstants.kittyMin),
                            kitty)
            try seize(PoCoConstants.kittyAddress, share, ref: taskid)
            try reward(deal.workerpool.owner, share, ref: taskid)
        }
    }

    /// iExec's distributeRewards. The pot is the workerpool price plus the stakes of every contributor
    /// that did not prove its result; the PROVED ones share pot · (100 − ratio) / 100 by their log2
    /// weights (each share rounded down), get their stakes back and, when more than one worker took
    /// part, score + 1; the others lose their stakes and a third of their score (⌊score · 2 / 3⌋).
    /// The scheduler gets what is left, rounding included.
    private mutating func distributeRewards(task: Task, deal: Deal, taskid: Hash32) throws(PoCoError) {
        var totalLogWeight = UInt256.zero
        var totalReward = deal.workerpool.price
        for worker in task.contributors {
            let contribution = state.contribution(task: taskid, worker: worker)
            if contribution.status == .proved {
                totalLogWeight = try totalLogWeight.plus(contribution.weight)
            } else {
                totalReward = try totalReward.plus(deal.workerStake)
                // iExec pays the winners before it seizes the losers' stakes (its proxy holds every
                // locked nRLC); here the stakes enter the pot now, their Seize events come below.
                try seize(worker, deal.workerStake, ref: taskid, emitEvent: false)
            }
        }
        let workersReward = try totalReward.times(try UInt256(100).minus(deal.schedulerRewardRatio)).over(100)
        let replicated = task.contributors.count > 1
        for worker in task.contributors {
            let contribution = state.contribution(task: taskid, worker: worker)
            if contribution.status == .proved {
                let workerReward = try workersReward.mulDiv(contribution.weight, totalLogWeight)
                totalReward = try totalReward.minus(workerReward)
                try unlock(worker, deal.workerStake)
                try reward(worker, workerReward, ref: taskid)
                if replicated {
                    state.setUInt(.score(worker), try state.score(worker).plus(1))
                    emit(.accurateContribution(worker: worker, taskid: taskid))
                }
            } else {
                emit(.seize(owner: worker, amount: deal.workerStake, ref: taskid))
                state.setUInt(.score(worker), try state.score(worker).mulDiv(2, 3))
                emit(.faultyContribution(worker: worker, taskid: taskid))
            }
        }
        try reward(deal.workerpool.owner, totalReward, ref: taskid)
    }
}
