import Ethereum

/// `order`: hash and sign a PoCo order (and its manage*Order operation) as the CLI reads it.
func answerOrder(_ input: Input) throws -> [String: Any] {
    let domain = PoCoDomain(chainId: try UInt256(decimal: try input.string("chainId")), hub: try Address(hex: try input.string("hub")))
    let json = try input.rawJSON("order")
    let key = try input.privateKey()
    switch try input.string("orderType") {
    case "AppOrder": return try answer(AppOrder(json: json), domain: domain, key: key, input: input)
    case "DatasetOrder": return try answer(DatasetOrder(json: json), domain: domain, key: key, input: input)
    case "WorkerpoolOrder": return try answer(WorkerpoolOrder(json: json), domain: domain, key: key, input: input)
    case "RequestOrder": return try answer(RequestOrder(json: json), domain: domain, key: key, input: input)
    case let other: throw CheckerError("unknown order type \(other)")
    }
}

private func answer<Order: PoCoOrder>(_ order: Order, domain: PoCoDomain, key: PrivateKey, input: Input) throws
    -> [String: Any] {
    var answer: [String: Any] = [
        "structHash": order.structHash.hex, "orderHash": order.hash(in: domain).hex,
        "signature": Hex.encode(order.signed(with: key, in: domain).sign),
    ]
    if let code = input.object["operation"] as? Int {
        guard let type = OrderOperationType(rawValue: UInt8(code)) else { throw CheckerError("operation \(code)") }
        let operation = OrderOperation(order: order, operation: type)
        answer["operationHash"] = operation.hash(in: domain).hex
        answer["operationSignature"] = Hex.encode(operation.signed(with: key, in: domain).sign)
    }
    return answer
}

/// `typed`: the digest and signature of a generic EIP-712 document (eth_signTypedData_v4).
func answerTypedData(_ input: Input) throws -> [String: Any] {
    let typed = try TypedData(json: try input.rawJSON("typedData"))
    return ["digest": typed.digest.hex, "signature": Hex.encode(typed.sign(with: try input.privateKey()).bytes)]
}
