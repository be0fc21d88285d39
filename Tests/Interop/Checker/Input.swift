import Ethereum
import Foundation

/// A problem with a case itself (not a disagreement: those are judged on the Python side).
struct CheckerError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Typed access to a case's JSON fields.
struct Input {
    let object: [String: Any]
    /// The same case read by our exact JSON parser, for inputs whose numbers must not be rounded.
    let raw: JSONValue
    init(_ object: [String: Any], raw: JSONValue = .null) {
        self.object = object
        self.raw = raw
    }

    /// A member as exact JSON text.
    func rawJSON(_ key: String) throws -> String {
        guard let member = raw[key] else { throw CheckerError("missing \(key)") }
        return member.serialized
    }

    func value(_ key: String) throws -> Any {
        guard let value = object[key] else { throw CheckerError("missing \(key)") }
        return value
    }

    func string(_ key: String) throws -> String {
        guard let text = try value(key) as? String else { throw CheckerError("\(key) is not a string") }
        return text
    }

    func bytes(_ key: String) throws -> [UInt8] { try Hex.decode(string(key)) }

    func object(_ key: String) throws -> Input {
        guard let nested = try value(key) as? [String: Any] else { throw CheckerError("\(key) is not an object") }
        return Input(nested, raw: raw[key] ?? .null)
    }

    func privateKey() throws -> PrivateKey { try PrivateKey(hex: string("privateKey")) }
}
