import Ethereum
import PoCo

/// The contract a call or view is addressed to.
enum BindingTarget: Equatable, Sendable {
    case hub
    case registry(AssetKind)
    /// Any other address: a registry entry (only `Workerpool.changePolicy` changes state there).
    case entry(Address)

    init(_ to: Address, config: PoCoConfig) {
        if to == config.hub {
            self = .hub
        } else if let kind = AssetKind.allCases.first(where: { config.registry($0) == to }) {
            self = .registry(kind)
        } else {
            self = .entry(to)
        }
    }

    /// How error messages name it.
    var name: String {
        switch self {
        case .hub: return "the PoCo hub"
        case .registry(let kind): return "the \(kind) registry"
        case .entry(let address): return "the registry entry \(address.checksummed)"
        }
    }
}

/// One state-changing function: its ABI and how its decoded arguments make the engine's call.
struct CallEntry: Sendable {
    let function: ABIFunction
    let build: @Sendable (DecodedArguments, BindingTarget) throws(BindingError) -> PoCoCall

    init(_ signature: String, returns: String = "",
         _ build: @escaping @Sendable (DecodedArguments, BindingTarget) throws(BindingError) -> PoCoCall) {
        // The signatures are the fixed literals of this file.
        self.function = try! ABIFunction(signature, returns: returns)
        self.build = build
    }
}

/// The canonical tuple types of the four orders, as they appear in signatures.
enum OrderTypes {
    static let app = AppOrder.abiType.canonical
    static let dataset = DatasetOrder.abiType.canonical
    static let workerpool = WorkerpoolOrder.abiType.canonical
    static let request = RequestOrder.abiType.canonical
    static let all = "\(app),\(dataset),\(workerpool),\(request)"
}

/// The state-changing functions of each kind of contract, by selector (`poco-abi.md` §1, §2).
enum CallTable {
    /// The hub's functions (escrow, SRLC, orders, matching, lifecycle, governance).
    static let hub: [[UInt8]: CallEntry] = index(escrow + token + orders + matching + lifecycle + governance)
    /// A registry's functions (creation and ERC-721 transfers), the same for the three kinds.
    static let registry: [[UInt8]: CallEntry] = index(registryFunctions)
    /// A registry entry's functions.
    static let entry: [[UInt8]: CallEntry] = index([
        CallEntry("changePolicy(uint256,uint256)") { args, target throws(BindingError) in
            guard case .entry(let workerpool) = target else {
                throw .invalidArgument(function: args.function, reason: "not called on a workerpool entry")
            }
            return .registry(.changePolicy(workerpool: workerpool, workerStakeRatio: try args.uint(0),
                                           schedulerRewardRatio: try args.uint(1)))
        },
    ])

    static func table(for target: BindingTarget) -> [[UInt8]: CallEntry] {
        switch target {
        case .hub: return hub
        case .registry: return registry
        case .entry: return entry
        }
    }

    private static func index(_ entries: [CallEntry]) -> [[UInt8]: CallEntry] {
        Dictionary(entries.map { ($0.function.selector, $0) }, uniquingKeysWith: { first, _ in first })
    }

    // Native escrow (Bellecour mode, poco-abi.md §1.2): deposits are payable and take no amount.
    static let escrow: [CallEntry] = [
        CallEntry("deposit()", returns: "(bool)") { _, _ throws(BindingError) in .escrow(.deposit) },
        CallEntry("depositFor(address)", returns: "(bool)") { args, _ throws(BindingError) in
            .escrow(.depositFor(target: try args.address(0)))
        },
        CallEntry("depositForArray(uint256[],address[])", returns: "(bool)") { args, _ throws(BindingError) in
            .escrow(.depositForArray(amounts: try args.uints(0), targets: try args.addresses(1)))
        },
        CallEntry("withdraw(uint256)", returns: "(bool)") { args, _ throws(BindingError) in
            .escrow(.withdraw(amount: try args.uint(0)))
        },
        CallEntry("withdrawTo(uint256,address)", returns: "(bool)") { args, _ throws(BindingError) in
            .escrow(.withdrawTo(amount: try args.uint(0), target: try args.address(1)))
        },
    ]

    static let token: [CallEntry] = [
        CallEntry("transfer(address,uint256)", returns: "(bool)") { args, _ throws(BindingError) in
            .token(.transfer(to: try args.address(0), value: try args.uint(1)))
        },
        CallEntry("approve(address,uint256)", returns: "(bool)") { args, _ throws(BindingError) in
            .token(.approve(spender: try args.address(0), value: try args.uint(1)))
        },
        CallEntry("transferFrom(address,address,uint256)", returns: "(bool)") { args, _ throws(BindingError) in
            .token(.transferFrom(from: try args.address(0), to: try args.address(1), value: try args.uint(2)))
        },
        CallEntry("increaseAllowance(address,uint256)", returns: "(bool)") { args, _ throws(BindingError) in
            .token(.increaseAllowance(spender: try args.address(0), addedValue: try args.uint(1)))
        },
        CallEntry("decreaseAllowance(address,uint256)", returns: "(bool)") { args, _ throws(BindingError) in
            .token(.decreaseAllowance(spender: try args.address(0), subtractedValue: try args.uint(1)))
        },
    ]

    static let governance: [CallEntry] = [
        CallEntry("createCategory(string,string,uint256)", returns: "(uint256)") { args, _ throws(BindingError) in
            .governance(.createCategory(name: try args.string(0), description: try args.string(1),
                                        workClockTimeRef: try args.uint(2)))
        },
    ]

    static let orders: [CallEntry] = [
        CallEntry("manageAppOrder((\(OrderTypes.app),uint8,bytes))") { args, _ throws(BindingError) in
            .orders(.manageAppOrder(try args.operation(0, as: AppOrder.self)))
        },
        CallEntry("manageDatasetOrder((\(OrderTypes.dataset),uint8,bytes))") { args, _ throws(BindingError) in
            .orders(.manageDatasetOrder(try args.operation(0, as: DatasetOrder.self)))
        },
        CallEntry("manageWorkerpoolOrder((\(OrderTypes.workerpool),uint8,bytes))") { args, _ throws(BindingError) in
            .orders(.manageWorkerpoolOrder(try args.operation(0, as: WorkerpoolOrder.self)))
        },
        CallEntry("manageRequestOrder((\(OrderTypes.request),uint8,bytes))") { args, _ throws(BindingError) in
            .orders(.manageRequestOrder(try args.operation(0, as: RequestOrder.self)))
        },
        CallEntry("broadcastAppOrder(\(OrderTypes.app))") { args, _ throws(BindingError) in
            .orders(.broadcastAppOrder(try args.order(0, as: AppOrder.self)))
        },
        CallEntry("broadcastDatasetOrder(\(OrderTypes.dataset))") { args, _ throws(BindingError) in
            .orders(.broadcastDatasetOrder(try args.order(0, as: DatasetOrder.self)))
        },
        CallEntry("broadcastWorkerpoolOrder(\(OrderTypes.workerpool))") { args, _ throws(BindingError) in
            .orders(.broadcastWorkerpoolOrder(try args.order(0, as: WorkerpoolOrder.self)))
        },
        CallEntry("broadcastRequestOrder(\(OrderTypes.request))") { args, _ throws(BindingError) in
            .orders(.broadcastRequestOrder(try args.order(0, as: RequestOrder.self)))
        },
    ]

    static let matching: [CallEntry] = [
        CallEntry("matchOrders(\(OrderTypes.all))", returns: "(bytes32)") { args, _ throws(BindingError) in
            .matching(.matchOrders(try args.order(0, as: AppOrder.self), try args.order(1, as: DatasetOrder.self),
                                   try args.order(2, as: WorkerpoolOrder.self), try args.order(3, as: RequestOrder.self)))
        },
        CallEntry("sponsorMatchOrders(\(OrderTypes.all))", returns: "(bytes32)") { args, _ throws(BindingError) in
            .matching(.sponsorMatchOrders(try args.order(0, as: AppOrder.self), try args.order(1, as: DatasetOrder.self),
                                          try args.order(2, as: WorkerpoolOrder.self),
                                          try args.order(3, as: RequestOrder.self)))
        },
    ]

    static let lifecycle: [CallEntry] = [
        CallEntry("initialize(bytes32,uint256)", returns: "(bytes32)") { args, _ throws(BindingError) in
            .lifecycle(.initialize(dealid: try args.hash(0), index: try args.uint(1)))
        },
        CallEntry("initializeArray(bytes32[],uint256[])", returns: "(bool)") { args, _ throws(BindingError) in
            .lifecycle(.initializeArray(dealids: try args.hashes(0), indexes: try args.uints(1)))
        },
        CallEntry("contribute(bytes32,bytes32,bytes32,address,bytes,bytes)") { args, _ throws(BindingError) in
            .lifecycle(.contribute(taskid: try args.hash(0), resultHash: try args.hash(1), resultSeal: try args.hash(2),
                                   enclaveChallenge: try args.address(3), enclaveSign: try args.bytes(4),
                                   authorizationSign: try args.bytes(5)))
        },
        CallEntry("contributeAndFinalize(bytes32,bytes32,bytes,bytes,address,bytes,bytes)") { args, _ throws(BindingError) in
            .lifecycle(.contributeAndFinalize(taskid: try args.hash(0), resultDigest: try args.hash(1),
                                              results: try args.bytes(2), resultsCallback: try args.bytes(3),
                                              enclaveChallenge: try args.address(4), enclaveSign: try args.bytes(5),
                                              authorizationSign: try args.bytes(6)))
        },
        CallEntry("reveal(bytes32,bytes32)") { args, _ throws(BindingError) in
            .lifecycle(.reveal(taskid: try args.hash(0), resultDigest: try args.hash(1)))
        },
        CallEntry("reopen(bytes32)") { args, _ throws(BindingError) in .lifecycle(.reopen(taskid: try args.hash(0))) },
        CallEntry("finalize(bytes32,bytes,bytes)") { args, _ throws(BindingError) in
            .lifecycle(.finalize(taskid: try args.hash(0), results: try args.bytes(1), resultsCallback: try args.bytes(2)))
        },
        CallEntry("claim(bytes32)") { args, _ throws(BindingError) in .lifecycle(.claim(taskid: try args.hash(0))) },
        CallEntry("claimArray(bytes32[])", returns: "(bool)") { args, _ throws(BindingError) in
            .lifecycle(.claimArray(taskids: try args.hashes(0)))
        },
        CallEntry("initializeAndClaimArray(bytes32[],uint256[])", returns: "(bool)") { args, _ throws(BindingError) in
            .lifecycle(.initializeAndClaimArray(dealids: try args.hashes(0), indexes: try args.uints(1)))
        },
    ]

    static let registryFunctions: [CallEntry] = [
        CallEntry("createApp(address,string,string,bytes,bytes32,bytes)", returns: "(address)") { args, target throws(BindingError) in
            try requireRegistry(.app, target, args)
            return .registry(.createApp(owner: try args.address(0), name: try args.string(1), type: try args.string(2),
                                        multiaddr: try args.bytes(3), checksum: try args.hash(4),
                                        mrenclave: try args.bytes(5)))
        },
        CallEntry("createDataset(address,string,bytes,bytes32)", returns: "(address)") { args, target throws(BindingError) in
            try requireRegistry(.dataset, target, args)
            return .registry(.createDataset(owner: try args.address(0), name: try args.string(1),
                                            multiaddr: try args.bytes(2), checksum: try args.hash(3)))
        },
        CallEntry("createWorkerpool(address,string)", returns: "(address)") { args, target throws(BindingError) in
            try requireRegistry(.workerpool, target, args)
            return .registry(.createWorkerpool(owner: try args.address(0), description: try args.string(1)))
        },
        CallEntry("transferFrom(address,address,uint256)") { args, target throws(BindingError) in
            try transferAsset(args, target)
        },
        CallEntry("safeTransferFrom(address,address,uint256)") { args, target throws(BindingError) in
            try transferAsset(args, target)
        },
        // The `data` argument is for an ERC-721 receiver contract; this chain has no contract code to call.
        CallEntry("safeTransferFrom(address,address,uint256,bytes)") { args, target throws(BindingError) in
            try transferAsset(args, target)
        },
    ]

    /// Each registry creates only its own kind of asset.
    private static func requireRegistry(_ kind: AssetKind, _ target: BindingTarget, _ args: DecodedArguments)
        throws(BindingError) {
        guard target == .registry(kind) else {
            throw .unknownSelector(selector: args.selector, contract: target.name)
        }
    }

    /// An ERC-721 transfer: the token id is the entry's address as a number.
    private static func transferAsset(_ args: DecodedArguments, _ target: BindingTarget) throws(BindingError) -> PoCoCall {
        guard case .registry(let kind) = target else {
            throw .invalidArgument(function: args.function, reason: "not called on a registry")
        }
        let tokenId = try args.uint(2)
        guard tokenId >> 160 == .zero, let asset = try? Address(Array(tokenId.bigEndianBytes.suffix(20))) else {
            throw .invalidArgument(function: args.function, reason: "token id \(tokenId) is not an entry address (above 160 bits)")
        }
        return .registry(.transferAsset(kind: kind, from: try args.address(0), to: try args.address(1), asset: asset))
    }
}
