import Ethereum

/// The ABI types of the structs PoCo views return (`poco-abi.md` §4: field order = tuple order).
enum ViewABITypes {
    static let uint8 = ABIType.uint(bits: 8)
    static let resource = ABIType.tuple([.address, .address, .uint256])
    /// `IexecLibCore_v5.Deal`.
    static let deal = ABIType.tuple([
        resource, resource, resource, .uint256, .uint256, .bytes32, .address, .address, .address, .string,
        .uint256, .uint256, .uint256, .uint256, .uint256, .address,
    ])
    /// `IexecLibCore_v5.Task`.
    static let task = ABIType.tuple([
        uint8, .bytes32, .uint256, .uint256, .uint256, .uint256, .uint256, .bytes32, .uint256, .uint256,
        .array(.address), .bytes32, .bytes, .uint256, .bytes,
    ])
    /// `IexecLibCore_v5.Contribution`.
    static let contribution = ABIType.tuple([uint8, .bytes32, .bytes32, .address, .uint256])
    /// `IexecLibCore_v5.Account`.
    static let account = ABIType.tuple([.uint256, .uint256])
    /// `IexecLibCore_v5.Category`.
    static let category = ABIType.tuple([.string, .string, .uint256])
    /// `IexecLibCore_v5.AppInfo`.
    static let appInfo = ABIType.tuple([.address, .string, .string, .bytes, .bytes32, .bytes])
    /// `IexecLibCore_v5.DatasetInfo`.
    static let datasetInfo = ABIType.tuple([.address, .string, .bytes, .bytes32])
    /// `IexecLibCore_v5.WorkerpoolInfo`.
    static let workerpoolInfo = ABIType.tuple([.address, .string, .uint256, .uint256])
    /// `IexecLibOrders_v5.EIP712Domain`.
    static let domain = ABIType.tuple([.string, .string, .uint256, .address])
}

extension Resource {
    /// `(pointer, owner, price)`.
    var abiValue: ABIValue { .tuple([.address(pointer), .address(owner), .uint(price)]) }
}

extension Deal {
    /// What `viewDeal` shows for an unknown id: every field zero.
    static let zero = Deal(app: Resource(), dataset: Resource(), workerpool: Resource(), trust: .zero, category: .zero,
                           tag: .zero, requester: .zero, beneficiary: .zero, callback: .zero, params: "",
                           startTime: .zero, botFirst: .zero, botSize: .zero, workerStake: .zero,
                           schedulerRewardRatio: .zero, sponsor: .zero)

    /// The deal as the `IexecLibCore_v5.Deal` tuple.
    public var abiValue: ABIValue {
        .tuple([
            app.abiValue, dataset.abiValue, workerpool.abiValue, .uint(trust), .uint(category), .bytes32(tag),
            .address(requester), .address(beneficiary), .address(callback), .string(params), .uint(startTime),
            .uint(botFirst), .uint(botSize), .uint(workerStake), .uint(schedulerRewardRatio), .address(sponsor),
        ])
    }
}

extension Task {
    /// The task as the `IexecLibCore_v5.Task` tuple.
    public var abiValue: ABIValue {
        .tuple([
            .uint(UInt256(UInt64(status.rawValue))), .bytes32(dealid), .uint(idx), .uint(timeref),
            .uint(contributionDeadline), .uint(revealDeadline), .uint(finalDeadline), .bytes32(consensusValue),
            .uint(revealCounter), .uint(winnerCounter), .array(contributors.map { .address($0) }),
            .bytes32(resultDigest), .bytes(results), .uint(resultsTimestamp), .bytes(resultsCallback),
        ])
    }
}

extension Contribution {
    /// The contribution as the `IexecLibCore_v5.Contribution` tuple.
    public var abiValue: ABIValue {
        .tuple([.uint(UInt256(UInt64(status.rawValue))), .bytes32(resultHash), .bytes32(resultSeal),
                .address(enclaveChallenge), .uint(weight)])
    }
}

extension Account {
    /// The account as the `IexecLibCore_v5.Account` tuple `(stake, locked)`.
    public var abiValue: ABIValue { .tuple([.uint(balance), .uint(frozen)]) }
}

extension Category {
    /// The category as the `IexecLibCore_v5.Category` tuple.
    public var abiValue: ABIValue { .tuple([.string(name), .string(description), .uint(workClockTimeRef)]) }
}

extension App {
    /// The app as the `IexecLibCore_v5.AppInfo` tuple.
    public var abiValue: ABIValue {
        .tuple([.address(owner), .string(name), .string(type), .bytes(multiaddr), .bytes32(checksum), .bytes(mrenclave)])
    }
}

extension Dataset {
    /// The dataset as the `IexecLibCore_v5.DatasetInfo` tuple.
    public var abiValue: ABIValue { .tuple([.address(owner), .string(name), .bytes(multiaddr), .bytes32(checksum)]) }
}

extension Workerpool {
    /// The workerpool as the `IexecLibCore_v5.WorkerpoolInfo` tuple.
    public var abiValue: ABIValue {
        .tuple([.address(owner), .string(description), .uint(workerStakeRatioPolicy), .uint(schedulerRewardRatioPolicy)])
    }
}

extension PoCoDomain {
    /// The domain as the `IexecLibOrders_v5.EIP712Domain` tuple `(name, version, chainId, verifyingContract)`.
    public var abiValue: ABIValue {
        .tuple([.string(Self.name), .string(Self.version), .uint(chainId), .address(hub)])
    }
}
