import Ethereum

// The hub's views as typed Swift functions (iExec's IexecPocoAccessorsFacet, the signature checks of
// IexecPoco1Facet). Unknown ids read as iExec's storage does: all zero, never a revert.
extension PoCoEngine {
    /// `viewDeal`: the deal, every field zero when unknown.
    public func viewDeal(_ id: Hash32) -> Deal { state.deal(id) ?? .zero }

    /// `viewTask`: the task, UNSET with every field zero when unknown.
    public func viewTask(_ id: Hash32) -> Task { state.task(id) ?? Task() }

    /// `viewContribution`: a worker's contribution to a task (UNSET when none).
    public func viewContribution(task: Hash32, worker: Address) -> Contribution {
        state.contribution(task: task, worker: worker)
    }

    /// `viewScore`: a worker's reputation.
    public func viewScore(_ worker: Address) -> UInt256 { state.score(worker) }

    /// `viewConsumed`: the consumed volume of the order with this hash.
    public func viewConsumed(_ orderHash: Hash32) -> UInt256 { state.uint(.consumed(orderHash)) }

    /// `viewPresigned`: who presigned the order with this hash, zero if nobody.
    public func viewPresigned(_ orderHash: Hash32) -> Address { state.address(.presigned(orderHash)) }

    /// `countCategory`: how many categories exist (their ids are 0 ..< count).
    public func countCategory() -> UInt256 { state.uint(.categoryCount) }

    /// `viewCategory`.
    ///
    /// - Throws: `unknownCategory` when `index ≥ countCategory()`.
    public func viewCategory(_ index: UInt256) throws(PoCoError) -> Category {
        guard index < countCategory(), let category = state.category(index) else { throw .unknownCategory }
        return category
    }

    /// `resultFor`: the `resultsCallback` of a COMPLETED task (ERC-1154).
    ///
    /// - Throws: `taskPending` when the task is not COMPLETED (unknown tasks included).
    public func resultFor(_ task: Hash32) throws(PoCoError) -> [UInt8] {
        let task = viewTask(task)
        guard task.status == .completed else { throw .taskPending }
        return task.resultsCallback
    }

    /// `viewAccount`: `(stake, locked)` = (free balance, frozen), in nRLC.
    public func viewAccount(_ account: Address) -> Account { state.account(account) }

    /// `balanceOf`: the free SRLC balance, in nRLC.
    public func balanceOf(_ account: Address) -> UInt256 { state.account(account).balance }

    /// `frozenOf`: the locked balance, in nRLC. `frozenOf(kitty_address)` is the kitty.
    public func frozenOf(_ account: Address) -> UInt256 { state.account(account).frozen }

    /// `totalSupply`: all deposits minus all withdrawals, in nRLC.
    public var totalSupply: UInt256 { state.uint(.totalSupply) }

    /// `allowance`: what `spender` may still `transferFrom` out of `owner`'s free balance.
    public func allowance(owner: Address, spender: Address) -> UInt256 {
        state.uint(.allowance(owner: owner, spender: spender))
    }

    /// `viewApp` (`AppInfo`: the app with its current owner).
    ///
    /// - Throws: `notRegistered(.app, address)` when no app lives there (iExec's call to a missing
    ///   contract reverts too).
    public func viewApp(_ address: Address) throws(PoCoError) -> App {
        guard let app = state.app(address) else { throw .notRegistered(.app, address) }
        return app
    }

    /// `viewDataset` (`DatasetInfo`).
    ///
    /// - Throws: `notRegistered(.dataset, address)` when no dataset lives there.
    public func viewDataset(_ address: Address) throws(PoCoError) -> Dataset {
        guard let dataset = state.dataset(address) else { throw .notRegistered(.dataset, address) }
        return dataset
    }

    /// `viewWorkerpool` (`WorkerpoolInfo`: owner, description and the two policies).
    ///
    /// - Throws: `notRegistered(.workerpool, address)` when no workerpool lives there.
    public func viewWorkerpool(_ address: Address) throws(PoCoError) -> Workerpool {
        guard let workerpool = state.workerpool(address) else { throw .notRegistered(.workerpool, address) }
        return workerpool
    }

    /// `verifySignature`: `signature` (65 bytes, or 64 EIP-2098) recovers to `identity` over `hash`.
    /// A signature that does not recover counts as the zero address's, as OpenZeppelin's `tryRecover`.
    ///
    /// - Throws: `invalidSignatureFormat` for any other length.
    public func verifySignature(identity: Address, hash: Hash32, signature: [UInt8]) throws(PoCoError) -> Bool {
        try signatureMatches(identity: identity, hash: hash, sign: signature)
    }

    /// `verifyPresignature`: `identity` is not zero and presigned `hash`.
    public func verifyPresignature(identity: Address, hash: Hash32) -> Bool {
        identity != .zero && viewPresigned(hash) == identity
    }

    /// `verifyPresignatureOrSignature`: presigned by `identity`, else `verifySignature`.
    ///
    /// - Throws: `invalidSignatureFormat` when not presigned and the signature is not 64 or 65 bytes.
    public func verifyPresignatureOrSignature(identity: Address, hash: Hash32, signature: [UInt8]) throws(PoCoError)
        -> Bool {
        try presignedOrSigned(identity: identity, hash: hash, sign: signature)
    }

    /// `eip712domain_separator`: the separator of `config.domain`.
    public var eip712DomainSeparator: Hash32 { config.domain.separator }
}
