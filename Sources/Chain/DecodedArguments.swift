import Ethereum
import PoCo

/// Typed reads of a function's decoded arguments; a mismatch (impossible after a successful
/// `ABIFunction.decodeCall`, but never trusted) names the function and the argument index.
struct DecodedArguments {
    let values: [ABIValue]
    /// The function's name, for error messages.
    let function: String
    /// The function's selector, `0x`-prefixed.
    let selector: String

    private func value(_ index: Int) throws(BindingError) -> ABIValue {
        guard values.indices.contains(index) else {
            throw .undecodableArguments(function: function, reason: "argument \(index) missing")
        }
        return values[index]
    }

    private func mismatch(_ index: Int, _ type: String) -> BindingError {
        .undecodableArguments(function: function, reason: "argument \(index) is not a \(type)")
    }

    func address(_ index: Int) throws(BindingError) -> Address {
        guard let value = try value(index).addressValue else { throw mismatch(index, "address") }
        return value
    }

    func uint(_ index: Int) throws(BindingError) -> UInt256 {
        guard let value = try value(index).uintValue else { throw mismatch(index, "uint") }
        return value
    }

    func hash(_ index: Int) throws(BindingError) -> Hash32 {
        guard let value = try value(index).hash32Value else { throw mismatch(index, "bytes32") }
        return value
    }

    func bytes(_ index: Int) throws(BindingError) -> [UInt8] {
        guard let value = try value(index).bytesValue else { throw mismatch(index, "bytes") }
        return value
    }

    func string(_ index: Int) throws(BindingError) -> String {
        guard let value = try value(index).stringValue else { throw mismatch(index, "string") }
        return value
    }

    func uints(_ index: Int) throws(BindingError) -> [UInt256] {
        guard let elements = try value(index).elements else { throw mismatch(index, "uint256[]") }
        var result: [UInt256] = []
        for element in elements {
            guard let item = element.uintValue else { throw mismatch(index, "uint256[]") }
            result.append(item)
        }
        return result
    }

    func addresses(_ index: Int) throws(BindingError) -> [Address] {
        guard let elements = try value(index).elements else { throw mismatch(index, "address[]") }
        var result: [Address] = []
        for element in elements {
            guard let item = element.addressValue else { throw mismatch(index, "address[]") }
            result.append(item)
        }
        return result
    }

    func hashes(_ index: Int) throws(BindingError) -> [Hash32] {
        guard let elements = try value(index).elements else { throw mismatch(index, "bytes32[]") }
        var result: [Hash32] = []
        for element in elements {
            guard let item = element.hash32Value else { throw mismatch(index, "bytes32[]") }
            result.append(item)
        }
        return result
    }

    /// An order tuple, converted with the order's `ABITupleConvertible` reader.
    func order<Order: ABITupleConvertible>(_ index: Int, as type: Order.Type) throws(BindingError) -> Order {
        let value = try value(index)
        do throws(PoCoDecodingError) {
            return try Order(abiValue: value)
        } catch {
            throw .invalidOrder(function: function, reason: error.description)
        }
    }

    /// A manage*Order argument: the tuple `(order, uint8 operation, bytes sign)`.
    func operation<Order: ABITupleConvertible & PoCoOrder>(_ index: Int, as type: Order.Type)
        throws(BindingError) -> OrderOperation<Order> {
        guard case .tuple(let parts) = try value(index), parts.count == 3 else {
            throw .invalidOrder(function: function, reason: "expected an (order, operation, sign) tuple")
        }
        let inner = DecodedArguments(values: parts, function: function, selector: selector)
        let order = try inner.order(0, as: Order.self)
        let code = try inner.uint(1)
        guard code <= UInt256(UInt64(UInt8.max)), let operation = OrderOperationType(rawValue: UInt8(code.w0)) else {
            throw .invalidOrder(function: function, reason: "operation \(code) is neither 0 (SIGN) nor 1 (CLOSE)")
        }
        return OrderOperation(order: order, operation: operation, sign: try inner.bytes(2))
    }
}
