import Ethereum

// Evaluating a `PoCoView`: the typed accessors' results as ABI values, then as the bytes an
// `eth_call` returns. Views read the state only; they never touch the journal, logs or pot.
extension PoCoEngine {
    /// The return values of a view, one per return type of `view.function` (a struct is one
    /// `.tuple`; the legacy accessors return several values).
    ///
    /// - Throws: the view's revert: `unknownCategory`, `taskPending`, `invalidSignatureFormat`,
    ///   `notRegistered`, `nonexistentToken`, `balanceQueryForZeroAddress`, `arithmeticOverflow`.
    public func view(_ view: PoCoView) throws(PoCoError) -> [ABIValue] {
        switch view {
        case .viewDeal(let id): return [viewDeal(id).abiValue]
        case .viewTask(let id): return [viewTask(id).abiValue]
        case .viewContribution(let task, let worker): return [viewContribution(task: task, worker: worker).abiValue]
        case .viewScore(let worker): return [.uint(viewScore(worker))]
        case .viewConsumed(let hash): return [.uint(viewConsumed(hash))]
        case .viewPresigned(let hash): return [.address(viewPresigned(hash))]
        case .viewCategory(let index): return [try viewCategory(index).abiValue]
        case .countCategory: return [.uint(countCategory())]
        case .resultFor(let task): return [.bytes(try resultFor(task))]
        case .computeDealVolume(let app, let dataset, let workerpool, let request):
            return [.uint(try dealVolume(app: app, dataset: dataset, workerpool: workerpool, request: request))]
        case .viewAccount(let account): return [viewAccount(account).abiValue]
        case .balanceOf(let account): return [.uint(balanceOf(account))]
        case .frozenOf(let account): return [.uint(frozenOf(account))]
        case .totalSupply: return [.uint(totalSupply)]
        case .allowance(let owner, let spender): return [.uint(allowance(owner: owner, spender: spender))]
        case .name: return [.string(PoCoConstants.tokenName)]
        case .symbol: return [.string(PoCoConstants.tokenSymbol)]
        case .decimals: return [.uint(UInt256(UInt64(PoCoConstants.tokenDecimals)))]
        case .token: return [.address(.zero)]
        case .viewApp(let address): return [try viewApp(address).abiValue]
        case .viewDataset(let address): return [try viewDataset(address).abiValue]
        case .viewWorkerpool(let address): return [try viewWorkerpool(address).abiValue]
        case .verifySignature(let identity, let hash, let signature):
            return [.bool(try verifySignature(identity: identity, hash: hash, signature: signature))]
        case .verifyPresignature(let identity, let hash):
            return [.bool(verifyPresignature(identity: identity, hash: hash))]
        case .verifyPresignatureOrSignature(let identity, let hash, let signature):
            return [.bool(try verifyPresignatureOrSignature(identity: identity, hash: hash, signature: signature))]
        case .domain: return [config.domain.abiValue]
        case .eip712DomainSeparator: return [.bytes32(eip712DomainSeparator)]
        case .contributionDeadlineRatio: return [.uint(UInt256(PoCoConstants.contributionDeadlineRatio))]
        case .revealDeadlineRatio: return [.uint(UInt256(PoCoConstants.revealDeadlineRatio))]
        case .finalDeadlineRatio: return [.uint(UInt256(PoCoConstants.finalDeadlineRatio))]
        case .workerpoolStakeRatio: return [.uint(UInt256(PoCoConstants.workerpoolStakeRatio))]
        case .kittyRatio: return [.uint(UInt256(PoCoConstants.kittyRatio))]
        case .kittyMin: return [.uint(PoCoConstants.kittyMin)]
        case .kittyAddress: return [.address(PoCoConstants.kittyAddress)]
        case .groupmemberPurpose: return [.uint(UInt256(PoCoConstants.groupmemberPurpose))]
        case .callbackgas: return [.uint(UInt256(PoCoConstants.callbackGas))]
        case .appregistry: return [.address(config.appRegistry)]
        case .datasetregistry: return [.address(config.datasetRegistry)]
        case .workerpoolregistry: return [.address(config.workerpoolRegistry)]
        case .owner: return [.address(config.governance)]
        case .viewAccountABILegacy(let account):
            let account = viewAccount(account)
            return [.uint(account.balance), .uint(account.frozen)]
        case .viewDealABILegacyPt1(let id):
            let deal = viewDeal(id)
            return [deal.app, deal.dataset, deal.workerpool].flatMap { [.address($0.pointer), .address($0.owner), .uint($0.price)] }
        case .viewDealABILegacyPt2(let id):
            let deal = viewDeal(id)
            return [.uint(deal.trust), .bytes32(deal.tag), .address(deal.requester), .address(deal.beneficiary),
                    .address(deal.callback), .string(deal.params)]
        case .viewConfigABILegacy(let id):
            let deal = viewDeal(id)
            return [.uint(deal.category), .uint(deal.startTime), .uint(deal.botFirst), .uint(deal.botSize),
                    .uint(deal.workerStake), .uint(deal.schedulerRewardRatio)]
        case .viewTaskABILegacy(let id):
            // Task up to `contributors`, then `results`: no resultDigest, resultsTimestamp or resultsCallback.
            let task = viewTask(id)
            return [.uint(UInt256(UInt64(task.status.rawValue))), .bytes32(task.dealid), .uint(task.idx),
                    .uint(task.timeref), .uint(task.contributionDeadline), .uint(task.revealDeadline),
                    .uint(task.finalDeadline), .bytes32(task.consensusValue), .uint(task.revealCounter),
                    .uint(task.winnerCounter), .array(task.contributors.map { .address($0) }), .bytes(task.results)]
        case .viewContributionABILegacy(let task, let worker):
            let contribution = viewContribution(task: task, worker: worker)
            return [.uint(UInt256(UInt64(contribution.status.rawValue))), .bytes32(contribution.resultHash),
                    .bytes32(contribution.resultSeal), .address(contribution.enclaveChallenge)]
        case .viewCategoryABILegacy(let index):
            let category = try viewCategory(index)
            return [.string(category.name), .string(category.description), .uint(category.workClockTimeRef)]
        case .registry(let kind, let view): return [try registryView(kind, view)]
        case .appEntry(let address, let view): return [try appEntryView(address, view)]
        case .datasetEntry(let address, let view): return [try datasetEntryView(address, view)]
        case .workerpoolEntry(let address, let view): return [try workerpoolEntryView(address, view)]
        }
    }

    /// What an `eth_call` of the view returns: `view(_:)`'s values ABI-encoded as the function's
    /// return types (a struct with a dynamic member starts with its 0x20 offset word).
    ///
    /// - Throws: what `view(_:)` throws.
    public func viewReturnData(_ view: PoCoView) throws(PoCoError) -> [UInt8] {
        let values = try self.view(view)
        do {
            return try ABI.encode(values, as: view.returnTypes)
        } catch {
            // Values come from typed state and fixed shapes, so a mismatch is a bug here, not bad input.
            preconditionFailure("PoCo view \(view.function.name): return values do not fit \(view.returnTypes): \(error)")
        }
    }

    private func registryView(_ kind: AssetKind, _ view: RegistryView) throws(PoCoError) -> ABIValue {
        switch view {
        case .isRegistered(let address): return .bool(isRegistered(kind, address))
        case .ownerOf(let tokenId): return .address(try registryOwnerOf(kind, tokenId: tokenId))
        case .balanceOf(let owner): return .uint(try registryBalanceOf(kind, owner: owner))
        case .totalSupply: return .uint(registryTotalSupply(kind))
        case .name: return .string(PoCoConstants.registryName(kind))
        case .symbol: return .string(PoCoConstants.registrySymbol(kind))
        }
    }

    private func appEntryView(_ address: Address, _ view: AppEntryView) throws(PoCoError) -> ABIValue {
        let app = try viewApp(address)
        switch view {
        case .owner: return .address(app.owner)
        case .registry: return .address(config.appRegistry)
        case .name: return .string(app.name)
        case .type: return .string(app.type)
        case .multiaddr: return .bytes(app.multiaddr)
        case .checksum: return .bytes32(app.checksum)
        case .mrenclave: return .bytes(app.mrenclave)
        }
    }

    private func datasetEntryView(_ address: Address, _ view: DatasetEntryView) throws(PoCoError) -> ABIValue {
        let dataset = try viewDataset(address)
        switch view {
        case .owner: return .address(dataset.owner)
        case .registry: return .address(config.datasetRegistry)
        case .name: return .string(dataset.name)
        case .multiaddr: return .bytes(dataset.multiaddr)
        case .checksum: return .bytes32(dataset.checksum)
        }
    }

    private func workerpoolEntryView(_ address: Address, _ view: WorkerpoolEntryView) throws(PoCoError) -> ABIValue {
        let workerpool = try viewWorkerpool(address)
        switch view {
        case .owner: return .address(workerpool.owner)
        case .registry: return .address(config.workerpoolRegistry)
        case .description: return .string(workerpool.description)
        case .workerStakeRatioPolicy: return .uint(workerpool.workerStakeRatioPolicy)
        case .schedulerRewardRatioPolicy: return .uint(workerpool.schedulerRewardRatioPolicy)
        }
    }
}
