import Ethereum
import PoCo

extension PoCoBinding {
    /// The transaction `to` and calldata of `call`: the inverse of `decodeCall(to:data:config:)`
    /// (`decodeCall(encodeCall(call)) == call`), with the signatures of the binding's call table.
    ///
    /// An asset transfer encodes as the registry's `transferFrom(address,address,uint256)` (the token id
    /// is the entry's address as a number); `changePolicy` is sent to the workerpool entry itself.
    public static func encodeCall(_ call: PoCoCall, config: PoCoConfig) -> (to: Address, data: [UInt8]) {
        let (target, entries, name, arguments) = parts(of: call)
        let to: Address
        switch target {
        case .hub: to = config.hub
        case .registry(let kind): to = config.registry(kind)
        case .entry(let address): to = address
        }
        return (to, encode(name, arguments, among: entries))
    }

    /// The name of the function `call` stands for (`"matchOrders"`, `"contribute"`…), for messages.
    public static func functionName(of call: PoCoCall) -> String {
        parts(of: call).name
    }

    /// Where a call goes, which table lists its function, the function's name and its arguments.
    private static func parts(of call: PoCoCall)
        -> (target: BindingTarget, entries: [CallEntry], name: String, arguments: [ABIValue]) {
        switch call {
        case .escrow(let call):
            let (name, arguments) = escrowArguments(call)
            return (.hub, CallTable.escrow, name, arguments)
        case .token(let call):
            let (name, arguments) = tokenArguments(call)
            return (.hub, CallTable.token, name, arguments)
        case .governance(.createCategory(let name, let description, let workClockTimeRef)):
            return (.hub, CallTable.governance, "createCategory",
                    [.string(name), .string(description), .uint(workClockTimeRef)])
        case .orders(let call):
            let (name, arguments) = orderArguments(call)
            return (.hub, CallTable.orders, name, arguments)
        case .matching(.matchOrders(let app, let dataset, let workerpool, let request)):
            return (.hub, CallTable.matching, "matchOrders",
                    [app.abiValue, dataset.abiValue, workerpool.abiValue, request.abiValue])
        case .matching(.sponsorMatchOrders(let app, let dataset, let workerpool, let request)):
            return (.hub, CallTable.matching, "sponsorMatchOrders",
                    [app.abiValue, dataset.abiValue, workerpool.abiValue, request.abiValue])
        case .lifecycle(let call):
            let (name, arguments) = lifecycleArguments(call)
            return (.hub, CallTable.lifecycle, name, arguments)
        case .registry(let call):
            return registryParts(call)
        }
    }

    /// `name`'s calldata: the first entry of `entries` with that name and as many inputs.
    private static func encode(_ name: String, _ arguments: [ABIValue], among entries: [CallEntry]) -> [UInt8] {
        guard let entry = entries.first(where: { $0.function.name == name && $0.function.inputs.count == arguments.count })
        else { preconditionFailure("PoCoBinding: no \(name) with \(arguments.count) inputs in the call table") }
        // The arguments are built from typed fields matching the table's signature: encoding cannot fail.
        guard let data = try? entry.function.encodeCall(arguments) else {
            preconditionFailure("PoCoBinding: arguments of \(entry.function.signature) do not match its types")
        }
        return data
    }

    private static func escrowArguments(_ call: EscrowCall) -> (String, [ABIValue]) {
        switch call {
        case .deposit: return ("deposit", [])
        case .depositFor(let target): return ("depositFor", [.address(target)])
        case .depositForArray(let amounts, let targets):
            return ("depositForArray", [.array(amounts.map { .uint($0) }), .array(targets.map { .address($0) })])
        case .withdraw(let amount): return ("withdraw", [.uint(amount)])
        case .withdrawTo(let amount, let target): return ("withdrawTo", [.uint(amount), .address(target)])
        }
    }

    private static func tokenArguments(_ call: TokenCall) -> (String, [ABIValue]) {
        switch call {
        case .transfer(let to, let value): return ("transfer", [.address(to), .uint(value)])
        case .approve(let spender, let value): return ("approve", [.address(spender), .uint(value)])
        case .transferFrom(let from, let to, let value):
            return ("transferFrom", [.address(from), .address(to), .uint(value)])
        case .increaseAllowance(let spender, let added): return ("increaseAllowance", [.address(spender), .uint(added)])
        case .decreaseAllowance(let spender, let subtracted):
            return ("decreaseAllowance", [.address(spender), .uint(subtracted)])
        }
    }

    private static func orderArguments(_ call: OrderManagementCall) -> (String, [ABIValue]) {
        switch call {
        case .manageAppOrder(let operation): return ("manageAppOrder", [operationValue(operation)])
        case .manageDatasetOrder(let operation): return ("manageDatasetOrder", [operationValue(operation)])
        case .manageWorkerpoolOrder(let operation): return ("manageWorkerpoolOrder", [operationValue(operation)])
        case .manageRequestOrder(let operation): return ("manageRequestOrder", [operationValue(operation)])
        case .broadcastAppOrder(let order): return ("broadcastAppOrder", [order.abiValue])
        case .broadcastDatasetOrder(let order): return ("broadcastDatasetOrder", [order.abiValue])
        case .broadcastWorkerpoolOrder(let order): return ("broadcastWorkerpoolOrder", [order.abiValue])
        case .broadcastRequestOrder(let order): return ("broadcastRequestOrder", [order.abiValue])
        }
    }

    /// The `(order, uint8 operation, bytes sign)` tuple of manage*Order.
    private static func operationValue<Order: ABITupleConvertible & PoCoOrder>(_ operation: OrderOperation<Order>) -> ABIValue {
        .tuple([operation.order.abiValue, .uint(UInt256(UInt64(operation.operation.rawValue))), .bytes(operation.sign)])
    }

    private static func lifecycleArguments(_ call: LifecycleCall) -> (String, [ABIValue]) {
        switch call {
        case .initialize(let dealid, let index): return ("initialize", [.bytes32(dealid), .uint(index)])
        case .initializeArray(let dealids, let indexes):
            return ("initializeArray", [.array(dealids.map { .bytes32($0) }), .array(indexes.map { .uint($0) })])
        case .contribute(let taskid, let resultHash, let resultSeal, let enclaveChallenge, let enclaveSign,
                         let authorizationSign):
            return ("contribute", [.bytes32(taskid), .bytes32(resultHash), .bytes32(resultSeal),
                                   .address(enclaveChallenge), .bytes(enclaveSign), .bytes(authorizationSign)])
        case .contributeAndFinalize(let taskid, let resultDigest, let results, let resultsCallback,
                                    let enclaveChallenge, let enclaveSign, let authorizationSign):
            return ("contributeAndFinalize", [.bytes32(taskid), .bytes32(resultDigest), .bytes(results),
                                              .bytes(resultsCallback), .address(enclaveChallenge), .bytes(enclaveSign),
                                              .bytes(authorizationSign)])
        case .reveal(let taskid, let resultDigest): return ("reveal", [.bytes32(taskid), .bytes32(resultDigest)])
        case .reopen(let taskid): return ("reopen", [.bytes32(taskid)])
        case .finalize(let taskid, let results, let resultsCallback):
            return ("finalize", [.bytes32(taskid), .bytes(results), .bytes(resultsCallback)])
        case .claim(let taskid): return ("claim", [.bytes32(taskid)])
        case .claimArray(let taskids): return ("claimArray", [.array(taskids.map { .bytes32($0) })])
        case .initializeAndClaimArray(let dealids, let indexes):
            return ("initializeAndClaimArray", [.array(dealids.map { .bytes32($0) }), .array(indexes.map { .uint($0) })])
        }
    }

    private static func registryParts(_ call: RegistryCall) -> (BindingTarget, [CallEntry], String, [ABIValue]) {
        switch call {
        case .createApp(let owner, let name, let type, let multiaddr, let checksum, let mrenclave):
            return (.registry(.app), CallTable.registryFunctions, "createApp",
                    [.address(owner), .string(name), .string(type), .bytes(multiaddr), .bytes32(checksum), .bytes(mrenclave)])
        case .createDataset(let owner, let name, let multiaddr, let checksum):
            return (.registry(.dataset), CallTable.registryFunctions, "createDataset",
                    [.address(owner), .string(name), .bytes(multiaddr), .bytes32(checksum)])
        case .createWorkerpool(let owner, let description):
            return (.registry(.workerpool), CallTable.registryFunctions, "createWorkerpool",
                    [.address(owner), .string(description)])
        case .transferAsset(let kind, let from, let to, let asset):
            // The ERC-721 token id of an entry is its address as a number (20 bytes fit in 32: cannot fail).
            let tokenId = try! UInt256(bigEndian: asset.bytes)
            return (.registry(kind), CallTable.registryFunctions, "transferFrom",
                    [.address(from), .address(to), .uint(tokenId)])
        case .changePolicy(let workerpool, let workerStakeRatio, let schedulerRewardRatio):
            return (.entry(workerpool), Array(CallTable.entry.values), "changePolicy",
                    [.uint(workerStakeRatio), .uint(schedulerRewardRatio)])
        }
    }
}
