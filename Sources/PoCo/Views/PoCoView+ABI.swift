import Ethereum

/// Fixed values the views report (`poco-abi.md` §1.3, §1.7, §2.3).
extension PoCoConstants {
    /// SRLC's ERC-20 `name()`.
    public static let tokenName = "Staked RLC"
    /// SRLC's ERC-20 `symbol()`.
    public static let tokenSymbol = "SRLC"
    /// SRLC's ERC-20 `decimals()`: amounts are nRLC.
    public static let tokenDecimals: UInt8 = 9
    /// `callbackgas()`: the gas a result callback gets (iExec's `configure` default).
    public static let callbackGas: UInt64 = 200_000
    /// `groupmember_purpose()`: the ERC-734 key purpose iExec checks restrictions against.
    public static let groupmemberPurpose: UInt64 = 4

    /// A registry's ERC-721 `name()`.
    public static func registryName(_ kind: AssetKind) -> String {
        switch kind {
        case .app: return "iExec Application Registry (V5)"
        case .dataset: return "iExec Dataset Registry (V5)"
        case .workerpool: return "iExec Workerpool Registry (V5)"
        }
    }

    /// A registry's ERC-721 `symbol()`.
    public static func registrySymbol(_ kind: AssetKind) -> String {
        switch kind {
        case .app: return "iExecAppsV5"
        case .dataset: return "iExecDatasetsV5"
        case .workerpool: return "iExecWorkerpoolV5"
        }
    }
}

/// A view's Solidity name, parameter types and return types.
struct ViewSignature {
    let name: String
    let inputs: [ABIType]
    let outputs: [ABIType]

    init(_ name: String, _ inputs: [ABIType] = [], returns outputs: [ABIType]) {
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
    }
}

extension PoCoView {
    /// The Solidity function: its canonical signature, selector and return types
    /// (`function.selector`, `function.decodeReturn(data)`).
    public var function: ABIFunction {
        let signature = self.signature
        // The names are the fixed Solidity identifiers below, so this cannot fail.
        return try! ABIFunction(name: signature.name, inputs: signature.inputs, outputs: signature.outputs)
    }

    /// The ABI return types, as `view(_:)`'s values are encoded.
    public var returnTypes: [ABIType] { signature.outputs }

    /// The contract an `eth_call` of this view goes to: the hub, a registry, or an entry.
    public func target(in config: PoCoConfig) -> Address {
        switch self {
        case .registry(let kind, _): return config.registry(kind)
        case .appEntry(let address, _), .datasetEntry(let address, _), .workerpoolEntry(let address, _): return address
        default: return config.hub
        }
    }

    /// The `eth_call` data: the selector, then the arguments.
    public var callData: [UInt8] {
        let function = self.function
        do {
            return try function.encodeCall(arguments)
        } catch {
            // The arguments are built from typed fields that always fit the parameter types.
            preconditionFailure("PoCo view \(function.name): arguments do not fit the parameters: \(error)")
        }
    }

    /// The arguments, as ABI values of `function.inputs`.
    public var arguments: [ABIValue] {
        switch self {
        case .viewDeal(let id), .viewTask(let id), .viewConsumed(let id), .viewPresigned(let id), .resultFor(let id),
             .viewDealABILegacyPt1(let id), .viewDealABILegacyPt2(let id), .viewConfigABILegacy(let id),
             .viewTaskABILegacy(let id):
            return [.bytes32(id)]
        case .viewContribution(let task, let worker), .viewContributionABILegacy(let task, let worker):
            return [.bytes32(task), .address(worker)]
        case .viewScore(let address), .viewAccount(let address), .balanceOf(let address), .frozenOf(let address),
             .viewApp(let address), .viewDataset(let address), .viewWorkerpool(let address),
             .viewAccountABILegacy(let address):
            return [.address(address)]
        case .viewCategory(let index), .viewCategoryABILegacy(let index):
            return [.uint(index)]
        case .allowance(let owner, let spender):
            return [.address(owner), .address(spender)]
        case .computeDealVolume(let app, let dataset, let workerpool, let request):
            return [app.abiValue, dataset.abiValue, workerpool.abiValue, request.abiValue]
        case .verifySignature(let identity, let hash, let signature),
             .verifyPresignatureOrSignature(let identity, let hash, let signature):
            return [.address(identity), .bytes32(hash), .bytes(signature)]
        case .verifyPresignature(let identity, let hash):
            return [.address(identity), .bytes32(hash)]
        case .registry(_, .isRegistered(let address)), .registry(_, .balanceOf(let address)):
            return [.address(address)]
        case .registry(_, .ownerOf(let tokenId)):
            return [.uint(tokenId)]
        case .countCategory, .totalSupply, .name, .symbol, .decimals, .token, .domain, .eip712DomainSeparator,
             .contributionDeadlineRatio, .revealDeadlineRatio, .finalDeadlineRatio, .workerpoolStakeRatio, .kittyRatio,
             .kittyMin, .kittyAddress, .groupmemberPurpose, .callbackgas, .appregistry, .datasetregistry,
             .workerpoolregistry, .owner, .registry(_, .totalSupply), .registry(_, .name), .registry(_, .symbol),
             .appEntry, .datasetEntry, .workerpoolEntry:
            return []
        }
    }

    var signature: ViewSignature {
        typealias T = ViewABITypes
        switch self {
        case .viewDeal: return ViewSignature("viewDeal", [.bytes32], returns: [T.deal])
        case .viewTask: return ViewSignature("viewTask", [.bytes32], returns: [T.task])
        case .viewContribution: return ViewSignature("viewContribution", [.bytes32, .address], returns: [T.contribution])
        case .viewScore: return ViewSignature("viewScore", [.address], returns: [.uint256])
        case .viewConsumed: return ViewSignature("viewConsumed", [.bytes32], returns: [.uint256])
        case .viewPresigned: return ViewSignature("viewPresigned", [.bytes32], returns: [.address])
        case .viewCategory: return ViewSignature("viewCategory", [.uint256], returns: [T.category])
        case .countCategory: return ViewSignature("countCategory", returns: [.uint256])
        case .resultFor: return ViewSignature("resultFor", [.bytes32], returns: [.bytes])
        case .computeDealVolume:
            return ViewSignature("computeDealVolume",
                                 [AppOrder.abiType, DatasetOrder.abiType, WorkerpoolOrder.abiType, RequestOrder.abiType],
                                 returns: [.uint256])
        case .viewAccount: return ViewSignature("viewAccount", [.address], returns: [T.account])
        case .balanceOf: return ViewSignature("balanceOf", [.address], returns: [.uint256])
        case .frozenOf: return ViewSignature("frozenOf", [.address], returns: [.uint256])
        case .totalSupply: return ViewSignature("totalSupply", returns: [.uint256])
        case .allowance: return ViewSignature("allowance", [.address, .address], returns: [.uint256])
        case .name: return ViewSignature("name", returns: [.string])
        case .symbol: return ViewSignature("symbol", returns: [.string])
        case .decimals: return ViewSignature("decimals", returns: [T.uint8])
        case .token: return ViewSignature("token", returns: [.address])
        case .viewApp: return ViewSignature("viewApp", [.address], returns: [T.appInfo])
        case .viewDataset: return ViewSignature("viewDataset", [.address], returns: [T.datasetInfo])
        case .viewWorkerpool: return ViewSignature("viewWorkerpool", [.address], returns: [T.workerpoolInfo])
        case .verifySignature: return ViewSignature("verifySignature", [.address, .bytes32, .bytes], returns: [.bool])
        case .verifyPresignature: return ViewSignature("verifyPresignature", [.address, .bytes32], returns: [.bool])
        case .verifyPresignatureOrSignature:
            return ViewSignature("verifyPresignatureOrSignature", [.address, .bytes32, .bytes], returns: [.bool])
        case .domain: return ViewSignature("domain", returns: [T.domain])
        case .eip712DomainSeparator: return ViewSignature("eip712domain_separator", returns: [.bytes32])
        case .contributionDeadlineRatio: return ViewSignature("contribution_deadline_ratio", returns: [.uint256])
        case .revealDeadlineRatio: return ViewSignature("reveal_deadline_ratio", returns: [.uint256])
        case .finalDeadlineRatio: return ViewSignature("final_deadline_ratio", returns: [.uint256])
        case .workerpoolStakeRatio: return ViewSignature("workerpool_stake_ratio", returns: [.uint256])
        case .kittyRatio: return ViewSignature("kitty_ratio", returns: [.uint256])
        case .kittyMin: return ViewSignature("kitty_min", returns: [.uint256])
        case .kittyAddress: return ViewSignature("kitty_address", returns: [.address])
        case .groupmemberPurpose: return ViewSignature("groupmember_purpose", returns: [.uint256])
        case .callbackgas: return ViewSignature("callbackgas", returns: [.uint256])
        case .appregistry: return ViewSignature("appregistry", returns: [.address])
        case .datasetregistry: return ViewSignature("datasetregistry", returns: [.address])
        case .workerpoolregistry: return ViewSignature("workerpoolregistry", returns: [.address])
        case .owner: return ViewSignature("owner", returns: [.address])
        case .viewAccountABILegacy:
            return ViewSignature("viewAccountABILegacy", [.address], returns: [.uint256, .uint256])
        case .viewDealABILegacyPt1:
            return ViewSignature("viewDealABILegacy_pt1", [.bytes32],
                                 returns: [.address, .address, .uint256, .address, .address, .uint256, .address, .address,
                                           .uint256])
        case .viewDealABILegacyPt2:
            return ViewSignature("viewDealABILegacy_pt2", [.bytes32],
                                 returns: [.uint256, .bytes32, .address, .address, .address, .string])
        case .viewConfigABILegacy:
            return ViewSignature("viewConfigABILegacy", [.bytes32],
                                 returns: [.uint256, .uint256, .uint256, .uint256, .uint256, .uint256])
        case .viewTaskABILegacy:
            return ViewSignature("viewTaskABILegacy", [.bytes32],
                                 returns: [T.uint8, .bytes32, .uint256, .uint256, .uint256, .uint256, .uint256, .bytes32,
                                           .uint256, .uint256, .array(.address), .bytes])
        case .viewContributionABILegacy:
            return ViewSignature("viewContributionABILegacy", [.bytes32, .address],
                                 returns: [T.uint8, .bytes32, .bytes32, .address])
        case .viewCategoryABILegacy:
            return ViewSignature("viewCategoryABILegacy", [.uint256], returns: [.string, .string, .uint256])
        case .registry(_, let view): return view.signature
        case .appEntry(_, let view): return view.signature
        case .datasetEntry(_, let view): return view.signature
        case .workerpoolEntry(_, let view): return view.signature
        }
    }
}

extension RegistryView {
    var signature: ViewSignature {
        switch self {
        case .isRegistered: return ViewSignature("isRegistered", [.address], returns: [.bool])
        case .ownerOf: return ViewSignature("ownerOf", [.uint256], returns: [.address])
        case .balanceOf: return ViewSignature("balanceOf", [.address], returns: [.uint256])
        case .totalSupply: return ViewSignature("totalSupply", returns: [.uint256])
        case .name: return ViewSignature("name", returns: [.string])
        case .symbol: return ViewSignature("symbol", returns: [.string])
        }
    }
}

extension AppEntryView {
    var signature: ViewSignature {
        switch self {
        case .owner: return ViewSignature("owner", returns: [.address])
        case .registry: return ViewSignature("registry", returns: [.address])
        case .name: return ViewSignature("m_appName", returns: [.string])
        case .type: return ViewSignature("m_appType", returns: [.string])
        case .multiaddr: return ViewSignature("m_appMultiaddr", returns: [.bytes])
        case .checksum: return ViewSignature("m_appChecksum", returns: [.bytes32])
        case .mrenclave: return ViewSignature("m_appMREnclave", returns: [.bytes])
        }
    }
}

extension DatasetEntryView {
    var signature: ViewSignature {
        switch self {
        case .owner: return ViewSignature("owner", returns: [.address])
        case .registry: return ViewSignature("registry", returns: [.address])
        case .name: return ViewSignature("m_datasetName", returns: [.string])
        case .multiaddr: return ViewSignature("m_datasetMultiaddr", returns: [.bytes])
        case .checksum: return ViewSignature("m_datasetChecksum", returns: [.bytes32])
        }
    }
}

extension WorkerpoolEntryView {
    var signature: ViewSignature {
        switch self {
        case .owner: return ViewSignature("owner", returns: [.address])
        case .registry: return ViewSignature("registry", returns: [.address])
        case .description: return ViewSignature("m_workerpoolDescription", returns: [.string])
        case .workerStakeRatioPolicy: return ViewSignature("m_workerStakeRatioPolicy", returns: [.uint256])
        case .schedulerRewardRatioPolicy: return ViewSignature("m_schedulerRewardRatioPolicy", returns: [.uint256])
        }
    }
}
