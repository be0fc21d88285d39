import Ethereum
import Foundation

// interop-check: reads one JSON case per line on stdin (written by Tests/Interop/interop.py) and
// answers each with one JSON line: {"id", …our results…} or {"id", "error"}. It judges nothing;
// the Python side compares with the references.

var output = FileHandle.standardOutput
while let line = readLine(strippingNewline: true) {
    guard !line.isEmpty else { continue }
    var answer: [String: Any] = [:]
    do {
        guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw CheckerError("a case must be a JSON object")
        }
        let input = Input(object, raw: try JSONValue(parsing: line))
        answer["id"] = object["id"] ?? -1
        do {
            for (key, value) in try answerCase(input) { answer[key] = value }
        } catch {
            answer["error"] = String(describing: error)
        }
    } catch {
        answer["error"] = "unreadable case: \(error)"
    }
    let data = try JSONSerialization.data(withJSONObject: answer, options: [.sortedKeys])
    output.write(data + Data("\n".utf8))
}

/// Dispatches on the case's kind.
func answerCase(_ input: Input) throws -> [String: Any] {
    switch try input.string("kind") {
    case "keccak": return ["hash": Keccak256.hash(try input.bytes("data")).hex]
    case "address": return ["address": try input.privateKey().address.checksummed]
    case "personal":
        let message = try input.bytes("message")
        let signature = EIP191.sign(message: message, with: try input.privateKey())
        return ["hash": EIP191.hash(message: message).hex, "signature": Hex.encode(signature.bytes)]
    case "tx": return try answerTransaction(input)
    case "rlp": return try answerRLP(input)
    case "order": return try answerOrder(input)
    case "typed": return try answerTypedData(input)
    case "abi": return try answerABI(input)
    case "keystore": return try answerKeystore(input)
    case let other: throw CheckerError("unknown kind \(other)")
    }
}
