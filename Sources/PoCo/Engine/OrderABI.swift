import Ethereum

/// PoCo orders as ABI tuples (their Solidity structs, `sign` last): the arguments of matchOrders,
/// manage*Order and the Broadcast*Order events.
public protocol ABITupleConvertible {
    /// The tuple type, e.g. `(address,uint256,uint256,bytes32,address,address,address,bytes32,bytes)`.
    static var abiType: ABIType { get }
    /// The order as a tuple of that type.
    var abiValue: ABIValue { get }
    /// Reads an order from a decoded tuple of `abiType`.
    init(abiValue: ABIValue) throws(PoCoDecodingError)
}

/// A decoded ABI value that is not the tuple an order needs.
public struct PoCoDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// Positional reads from a decoded tuple, each failing with the field's name.
struct TupleReader {
    let items: [ABIValue]
    let name: String

    init(_ value: ABIValue, name: String, count: Int) throws(PoCoDecodingError) {
        guard case .tuple(let items) = value, items.count == count else {
            throw PoCoDecodingError("\(name): expected a tuple of \(count) fields")
        }
        self.items = items
        self.name = name
    }

    func address(_ index: Int) throws(PoCoDecodingError) -> Address {
        guard let value = items[index].addressValue else { throw PoCoDecodingError("\(name).\(index): expected an address") }
        return value
    }

    func uint(_ index: Int) throws(PoCoDecodingError) -> UInt256 {
        guard let value = items[index].uintValue else { throw PoCoDecodingError("\(name).\(index): expected a uint256") }
        return value
    }

    func hash(_ index: Int) throws(PoCoDecodingError) -> Hash32 {
        guard let value = items[index].hash32Value else { throw PoCoDecodingError("\(name).\(index): expected a bytes32") }
        return value
    }

    func bytes(_ index: Int) throws(PoCoDecodingError) -> [UInt8] {
        guard let value = items[index].bytesValue else { throw PoCoDecodingError("\(name).\(index): expected bytes") }
        return value
    }

    func string(_ index: Int) throws(PoCoDecodingError) -> String {
        guard let value = items[index].stringValue else { throw PoCoDecodingError("\(name).\(index): expected a string") }
        return value
    }
}

extension AppOrder: ABITupleConvertible {
    public static let abiType = try! ABIType(parsing: "(address,uint256,uint256,bytes32,address,address,address,bytes32,bytes)")

    public var abiValue: ABIValue {
        .tuple([.address(app), .uint(appprice), .uint(volume), .bytes32(tag), .address(datasetrestrict),
                .address(workerpoolrestrict), .address(requesterrestrict), .bytes32(salt), .bytes(sign)])
    }

    public init(abiValue: ABIValue) throws(PoCoDecodingError) {
        let r = try TupleReader(abiValue, name: "apporder", count: 9)
        self.init(app: try r.address(0), appprice: try r.uint(1), volume: try r.uint(2), tag: try r.hash(3),
                  datasetrestrict: try r.address(4), workerpoolrestrict: try r.address(5),
                  requesterrestrict: try r.address(6), salt: try r.hash(7), sign: try r.bytes(8))
    }
}

extension DatasetOrder: ABITupleConvertible {
    public static let abiType = try! ABIType(parsing: "(address,uint256,uint256,bytes32,address,address,address,bytes32,bytes)")

    public var abiValue: ABIValue {
        .tuple([.address(dataset), .uint(datasetprice), .uint(volume), .bytes32(tag), .address(apprestrict),
                .address(workerpoolrestrict), .address(requesterrestrict), .bytes32(salt), .bytes(sign)])
    }

    public init(abiValue: ABIValue) throws(PoCoDecodingError) {
        let r = try TupleReader(abiValue, name: "datasetorder", count: 9)
        self.init(dataset: try r.address(0), datasetprice: try r.uint(1), volume: try r.uint(2), tag: try r.hash(3),
                  apprestrict: try r.address(4), workerpoolrestrict: try r.address(5),
                  requesterrestrict: try r.address(6), salt: try r.hash(7), sign: try r.bytes(8))
    }
}

extension WorkerpoolOrder: ABITupleConvertible {
    public static let abiType = try! ABIType(
        parsing: "(address,uint256,uint256,bytes32,uint256,uint256,address,address,address,bytes32,bytes)")

    public var abiValue: ABIValue {
        .tuple([.address(workerpool), .uint(workerpoolprice), .uint(volume), .bytes32(tag), .uint(category),
                .uint(trust), .address(apprestrict), .address(datasetrestrict), .address(requesterrestrict),
                .bytes32(salt), .bytes(sign)])
    }

    public init(abiValue: ABIValue) throws(PoCoDecodingError) {
        let r = try TupleReader(abiValue, name: "workerpoolorder", count: 11)
        self.init(workerpool: try r.address(0), workerpoolprice: try r.uint(1), volume: try r.uint(2),
                  tag: try r.hash(3), category: try r.uint(4), trust: try r.uint(5), apprestrict: try r.address(6),
                  datasetrestrict: try r.address(7), requesterrestrict: try r.address(8), salt: try r.hash(9),
                  sign: try r.bytes(10))
    }
}

extension RequestOrder: ABITupleConvertible {
    public static let abiType = try! ABIType(parsing:
        "(address,uint256,address,uint256,address,uint256,address,uint256,bytes32,uint256,uint256,address,address,string,bytes32,bytes)")

    public var abiValue: ABIValue {
        .tuple([.address(app), .uint(appmaxprice), .address(dataset), .uint(datasetmaxprice), .address(workerpool),
                .uint(workerpoolmaxprice), .address(requester), .uint(volume), .bytes32(tag), .uint(category),
                .uint(trust), .address(beneficiary), .address(callback), .string(params), .bytes32(salt), .bytes(sign)])
    }

    public init(abiValue: ABIValue) throws(PoCoDecodingError) {
        let r = try TupleReader(abiValue, name: "requestorder", count: 16)
        self.init(app: try r.address(0), appmaxprice: try r.uint(1), dataset: try r.address(2),
                  datasetmaxprice: try r.uint(3), workerpool: try r.address(4), workerpoolmaxprice: try r.uint(5),
                  requester: try r.address(6), volume: try r.uint(7), tag: try r.hash(8), category: try r.uint(9),
                  trust: try r.uint(10), beneficiary: try r.address(11), callback: try r.address(12),
                  params: try r.string(13), salt: try r.hash(14), sign: try r.bytes(15))
    }
}
