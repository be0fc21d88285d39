import Ethereum

/// Why a call reverted. Every case has the revert reason a client sees (`Error(string)` data):
/// iExec's own strings where iExec has one; **here** a short string naming the failed condition
/// where iExec reverts with empty data (the task lifecycle, ERC-20 shortfalls).
public enum PoCoError: Error, Hashable, Sendable, CustomStringConvertible {
    /// One of matchOrders' checks, in iExec's order (`iExecV5-matchOrders-0x..`).
    case matchOrders(MatchOrdersCheck)
    /// A signature to check against an account is not 64 or 65 bytes.
    case invalidSignatureFormat
    /// manage*Order: the sender is not the owner and the operation's signature is not the owner's.
    case invalidSenderOrSignature
    /// A governance-only function called by someone else.
    case notGovernance
    /// A registry entry's owner-only function (changePolicy) called by someone else.
    case notEntryOwner
    /// An asset with the same owner and creation arguments already exists.
    case assetExists
    /// An address that is not a registered asset of the expected kind.
    case notRegistered(AssetKind, Address)
    /// An escrow lock needs more than the account's free balance.
    case insufficientBalance
    /// An SRLC transfer or withdrawal of more than the free balance.
    case transferExceedsBalance
    /// decreaseAllowance below zero.
    case allowanceBelowZero
    /// An escrow move from or to the zero address.
    case escrowZeroAddress
    /// ERC-20 (SRLC) and ERC-721 (registries) refusals.
    case transferToZeroAddress
    case approveToZeroAddress
    case insufficientAllowance
    /// An ERC-721 transfer by someone who neither owns nor is approved for the asset, or from a
    /// wrong `from`.
    case notAssetOwnerOrApproved
    /// A registry's `ownerOf` for a token id no entry has.
    case nonexistentToken
    /// A registry's `balanceOf` for the zero address.
    case balanceQueryForZeroAddress
    /// depositForArray / initializeArray / initializeAndClaimArray with arrays of different lengths.
    case invalidArrayLength
    /// Native coin sent to a function that is not payable.
    case notPayable
    /// A category index at or past `countCategory()`.
    case unknownCategory
    /// changePolicy: a scheduler reward ratio above 100.
    case schedulerRewardRatioTooHigh
    /// resultFor on a task that is not COMPLETED.
    case taskPending
    /// A task lifecycle condition.
    case lifecycle(LifecycleCheck)
    /// Checked arithmetic overflowed (Solidity's Panic(0x11)).
    case arithmeticOverflow

    /// The revert reason string.
    public var reason: String {
        switch self {
        case .matchOrders(let check): return check.reason
        case .invalidSignatureFormat: return "invalid-signature-format"
        case .invalidSenderOrSignature: return "invalid-sender-or-signature"
        case .notGovernance: return "Ownable: caller is not the owner"
        case .notEntryOwner: return "caller is not the owner"
        case .assetExists: return "Create2: Failed on deploy"
        case .notRegistered(let kind, let address): return "\(kind.rawValue) \(address) is not registered"
        case .insufficientBalance: return "IexecEscrow: Transfer amount exceeds balance"
        case .escrowZeroAddress: return "IexecEscrow: Transfer from empty address"
        case .transferExceedsBalance: return "ERC20: transfer amount exceeds balance"
        case .allowanceBelowZero: return "ERC20: decreased allowance below zero"
        case .transferToZeroAddress: return "ERC20: transfer to the zero address"
        case .approveToZeroAddress: return "ERC20: approve to the zero address"
        case .insufficientAllowance: return "ERC20: insufficient allowance"
        case .notAssetOwnerOrApproved: return "ERC721: transfer caller is not owner nor approved"
        case .nonexistentToken: return "ERC721: owner query for nonexistent token"
        case .balanceQueryForZeroAddress: return "ERC721: balance query for the zero address"
        case .invalidArrayLength: return "invalid-array-length"
        case .notPayable: return "function is not payable: send no value"
        case .unknownCategory: return "unknown category"
        case .schedulerRewardRatioTooHigh: return "scheduler reward ratio must be at most 100"
        case .taskPending: return "task-pending"
        case .lifecycle(let check): return check.reason
        case .arithmeticOverflow: return "arithmetic overflow"
        }
    }

    public var description: String { reason }
}

/// matchOrders' checks, in the order iExec makes them, with iExec's reason codes.
public enum MatchOrdersCheck: UInt8, Hashable, Sendable, CaseIterable {
    case categoryMismatch = 0x00, categoryUnknown = 0x01, trustTooHigh = 0x02
    case appPriceTooHigh = 0x03, datasetPriceTooHigh = 0x04, workerpoolPriceTooHigh = 0x05
    case tagNotSupported = 0x06, teeBitNotFromApp = 0x07
    case appMismatch = 0x10, datasetMismatch = 0x11, workerpoolRestricted = 0x12
    case appOrderDatasetRestricted = 0x13, appOrderWorkerpoolRestricted = 0x14, appOrderRequesterRestricted = 0x15
    case datasetOrderAppRestricted = 0x16, datasetOrderWorkerpoolRestricted = 0x17
    case datasetOrderRequesterRestricted = 0x18
    case workerpoolOrderAppRestricted = 0x19, workerpoolOrderDatasetRestricted = 0x1a
    case workerpoolOrderRequesterRestricted = 0x1b
    case appNotRegistered = 0x20, appOrderNotSigned = 0x21
    case datasetNotRegistered = 0x30, datasetOrderNotSigned = 0x31
    case workerpoolNotRegistered = 0x40, workerpoolOrderNotSigned = 0x41
    case requestOrderNotSigned = 0x50
    case noVolume = 0x60

    /// `iExecV5-matchOrders-0x..`, as iExec's contracts revert.
    public var reason: String {
        let hex = String(rawValue, radix: 16)
        return "iExecV5-matchOrders-0x" + (hex.count == 1 ? "0" + hex : hex)
    }
}

/// The task lifecycle's conditions. iExec reverts on them with empty data; **here** each has a
/// short reason naming it.
public enum LifecycleCheck: String, Hashable, Sendable, CaseIterable {
    case indexOutOfRange = "task index outside the deal's range (or unknown deal)"
    case alreadyInitialized = "task already initialized"
    case taskNotActive = "task is not ACTIVE"
    case contributionDeadlinePassed = "contribution deadline passed"
    case alreadyContributed = "worker already contributed to this task"
    case enclaveChallengeRequired = "TEE task: enclave challenge required"
    case invalidAuthorization = "authorization not signed by the workerpool's scheduler"
    case invalidEnclaveSignature = "enclave signature does not match the enclave challenge"
    case taskHasContributions = "contributeAndFinalize: task already has contributions"
    case trustNotOne = "contributeAndFinalize: deal trust is not 1"
    case callbackMismatch = "keccak256(resultsCallback) does not match the result digest"
    case taskNotRevealing = "task is not REVEALING"
    case revealDeadlinePassed = "reveal deadline passed"
    case notContributed = "worker has no pending contribution to this task"
    case notConsensusValue = "contribution is not the consensus value"
    case resultHashMismatch = "resultHash does not match keccak256(taskid, digest)"
    case resultSealMismatch = "resultSeal does not match keccak256(worker, taskid, digest)"
    case onlyScheduler = "only the workerpool's scheduler may do this"
    case finalDeadlinePassed = "final deadline passed"
    case revealDeadlineNotPassed = "reveal deadline not passed yet"
    case alreadyRevealed = "a winner already revealed"
    case notEnoughReveals = "not every winner revealed and the reveal deadline is not passed (or none revealed)"
    case notClaimable = "task is neither ACTIVE nor REVEALING"
    case finalDeadlineNotReached = "final deadline not reached"

    public var reason: String { rawValue }
}
