import Ethereum

/// Every read-only PoCo function, with its arguments: what an `eth_call` can ask of the hub
/// (`poco-abi.md` §1.3, §1.4, §1.7–1.9), of a registry (§2.2–2.3) or of a registry entry (§2.4).
///
/// `PoCoEngine.view(_:)` evaluates one into its ABI return values and `viewReturnData(_:)` into the
/// bytes an `eth_call` returns; `function`, `arguments`, `callData` and `target(in:)` give the call
/// itself. Case names are iExec's function names in Swift spelling (`eip712domain_separator()` is
/// `.eip712DomainSeparator`, `viewDealABILegacy_pt1` is `.viewDealABILegacyPt1`).
public enum PoCoView: Hashable, Sendable {
    // MARK: Deals, tasks, orders (IexecPocoAccessorsFacet)

    /// `viewDeal(bytes32)`: the deal, all zero when unknown.
    case viewDeal(Hash32)
    /// `viewTask(bytes32)`: the task, all zero (UNSET) when unknown.
    case viewTask(Hash32)
    /// `viewContribution(bytes32,address)`: a worker's contribution to a task.
    case viewContribution(task: Hash32, worker: Address)
    /// `viewScore(address)`: a worker's reputation.
    case viewScore(Address)
    /// `viewConsumed(bytes32)`: the consumed volume of an order, by order hash.
    case viewConsumed(Hash32)
    /// `viewPresigned(bytes32)`: who presigned an order, by order hash (zero if nobody).
    case viewPresigned(Hash32)
    /// `viewCategory(uint256)`: reverts `unknownCategory` at or past `countCategory()`.
    case viewCategory(UInt256)
    /// `countCategory()`.
    case countCategory
    /// `resultFor(bytes32)`: a COMPLETED task's `resultsCallback`; reverts `task-pending` otherwise.
    case resultFor(Hash32)
    /// `computeDealVolume(apporder, datasetorder, workerpoolorder, requestorder)`: the volume a
    /// match of these orders would have now (`PoCoEngine.dealVolume`).
    case computeDealVolume(AppOrder, DatasetOrder, WorkerpoolOrder, RequestOrder)

    // MARK: Escrow and SRLC (IexecPocoAccessorsFacet)

    /// `viewAccount(address)`: `(stake, locked)` = (free balance, frozen).
    case viewAccount(Address)
    /// `balanceOf(address)`: the free balance, in nRLC.
    case balanceOf(Address)
    /// `frozenOf(address)`: the locked balance, in nRLC.
    case frozenOf(Address)
    /// `totalSupply()`: SRLC in existence, in nRLC.
    case totalSupply
    /// `allowance(address,address)`.
    case allowance(owner: Address, spender: Address)
    /// `name()`: "Staked RLC".
    case name
    /// `symbol()`: "SRLC".
    case symbol
    /// `decimals()`: 9.
    case decimals
    /// `token()`: the underlying RLC token; zero in native mode (this engine).
    case token

    // MARK: Assets seen from the hub (IexecPocoAccessorsFacet, v6)

    /// `viewApp(address)`: `AppInfo`; reverts `notRegistered` for an address that is not an app.
    case viewApp(Address)
    /// `viewDataset(address)`: `DatasetInfo`; reverts `notRegistered` for a non-dataset.
    case viewDataset(Address)
    /// `viewWorkerpool(address)`: `WorkerpoolInfo`; reverts `notRegistered` for a non-workerpool.
    case viewWorkerpool(Address)

    // MARK: Signatures (IexecPoco1Facet)

    /// `verifySignature(address,bytes32,bytes)`: reverts `invalid-signature-format` unless 64 or 65 bytes.
    case verifySignature(identity: Address, hash: Hash32, signature: [UInt8])
    /// `verifyPresignature(address,bytes32)`: identity ≠ 0 and presigned by it.
    case verifyPresignature(identity: Address, hash: Hash32)
    /// `verifyPresignatureOrSignature(address,bytes32,bytes)`.
    case verifyPresignatureOrSignature(identity: Address, hash: Hash32, signature: [UInt8])

    // MARK: Configuration

    /// `domain()`: the EIP-712 domain orders are signed in.
    case domain
    /// `eip712domain_separator()`.
    case eip712DomainSeparator
    /// `contribution_deadline_ratio()`: 7.
    case contributionDeadlineRatio
    /// `reveal_deadline_ratio()`: 2.
    case revealDeadlineRatio
    /// `final_deadline_ratio()`: 10.
    case finalDeadlineRatio
    /// `workerpool_stake_ratio()`: 30.
    case workerpoolStakeRatio
    /// `kitty_ratio()`: 10.
    case kittyRatio
    /// `kitty_min()`: 1e9 nRLC.
    case kittyMin
    /// `kitty_address()`.
    case kittyAddress
    /// `groupmember_purpose()`: 4.
    case groupmemberPurpose
    /// `callbackgas()`: 200000.
    case callbackgas
    /// `appregistry()`.
    case appregistry
    /// `datasetregistry()`.
    case datasetregistry
    /// `workerpoolregistry()`.
    case workerpoolregistry
    /// `owner()` of the hub: the governance account.
    case owner

    // MARK: Legacy tuple accessors (IexecAccessorsABILegacyFacet, §1.8)

    /// `viewAccountABILegacy(address)` → (stake, locked) as two values.
    case viewAccountABILegacy(Address)
    /// `viewDealABILegacy_pt1(bytes32)` → the three resources, flattened.
    case viewDealABILegacyPt1(Hash32)
    /// `viewDealABILegacy_pt2(bytes32)` → (trust, tag, requester, beneficiary, callback, params).
    case viewDealABILegacyPt2(Hash32)
    /// `viewConfigABILegacy(bytes32)` → (category, startTime, botFirst, botSize, workerStake, schedulerRewardRatio).
    case viewConfigABILegacy(Hash32)
    /// `viewTaskABILegacy(bytes32)` → the task up to `contributors`, then `results`.
    case viewTaskABILegacy(Hash32)
    /// `viewContributionABILegacy(bytes32,address)` → (status, resultHash, resultSeal, enclaveChallenge).
    case viewContributionABILegacy(task: Hash32, worker: Address)
    /// `viewCategoryABILegacy(uint256)` → (name, description, workClockTimeRef).
    case viewCategoryABILegacy(UInt256)

    // MARK: Other contracts

    /// A view of the registry of `AssetKind` (called on `config.registry(kind)`).
    case registry(AssetKind, RegistryView)
    /// A view of the app entry at the address (called on that address).
    case appEntry(Address, AppEntryView)
    /// A view of the dataset entry at the address.
    case datasetEntry(Address, DatasetEntryView)
    /// A view of the workerpool entry at the address.
    case workerpoolEntry(Address, WorkerpoolEntryView)
}

/// The views of a registry (iExec's ERC-721 AppRegistry, DatasetRegistry, WorkerpoolRegistry).
public enum RegistryView: Hashable, Sendable {
    /// `isRegistered(address)`: the entry is one of this registry's.
    case isRegistered(Address)
    /// `ownerOf(uint256)`: the owner of the entry whose address is `tokenId`; reverts
    /// `nonexistentToken` for any other id.
    case ownerOf(tokenId: UInt256)
    /// `balanceOf(address)`: how many entries the account owns; reverts for the zero address.
    case balanceOf(Address)
    /// `totalSupply()`: how many entries the registry holds.
    case totalSupply
    /// `name()`, e.g. "iExec Application Registry (V5)".
    case name
    /// `symbol()`, e.g. "iExecAppsV5".
    case symbol
}

/// The views of an app entry (`App.sol`).
public enum AppEntryView: Hashable, Sendable, CaseIterable {
    /// `owner()`: the registry's `ownerOf` the entry.
    case owner
    /// `registry()`: the app registry.
    case registry
    /// `m_appName()`.
    case name
    /// `m_appType()`.
    case type
    /// `m_appMultiaddr()`.
    case multiaddr
    /// `m_appChecksum()`.
    case checksum
    /// `m_appMREnclave()`.
    case mrenclave
}

/// The views of a dataset entry (`Dataset.sol`).
public enum DatasetEntryView: Hashable, Sendable, CaseIterable {
    /// `owner()`.
    case owner
    /// `registry()`: the dataset registry.
    case registry
    /// `m_datasetName()`.
    case name
    /// `m_datasetMultiaddr()`.
    case multiaddr
    /// `m_datasetChecksum()`.
    case checksum
}

/// The views of a workerpool entry (`Workerpool.sol`).
public enum WorkerpoolEntryView: Hashable, Sendable, CaseIterable {
    /// `owner()`.
    case owner
    /// `registry()`: the workerpool registry.
    case registry
    /// `m_workerpoolDescription()`.
    case description
    /// `m_workerStakeRatioPolicy()`.
    case workerStakeRatioPolicy
    /// `m_schedulerRewardRatioPolicy()`.
    case schedulerRewardRatioPolicy
}
