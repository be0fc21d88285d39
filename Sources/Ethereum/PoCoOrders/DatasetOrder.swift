/// A dataset owner's offer to let its dataset be used: price per task, how many tasks, required
/// tag, and by whom (zero = anyone).
/// Fields and names as the Solidity struct `IexecLibOrders_v5.DatasetOrder` and iexec-sdk's JSON.
public struct DatasetOrder: PoCoOrder {
    /// The dataset (its registry entry address).
    public var dataset: Address
    /// Price per task, in nRLC.
    public var datasetprice: UInt256
    /// How many tasks this order may serve.
    public var volume: UInt256
    /// Requirements bitmask the deal's tag must include.
    public var tag: Hash32
    /// Only this app, or zero for any.
    public var apprestrict: Address
    /// Only this workerpool, or zero for any.
    public var workerpoolrestrict: Address
    /// Only this requester, or zero for any.
    public var requesterrestrict: Address
    /// Random bytes that make otherwise equal orders distinct.
    public var salt: Hash32
    /// The signature (65 or 64 bytes), or empty when unsigned.
    public var sign: [UInt8]

    /// An order with the given fields; `sign` defaults to unsigned.
    public init(
        dataset: Address, datasetprice: UInt256, volume: UInt256, tag: Hash32, apprestrict: Address,
        workerpoolrestrict: Address, requesterrestrict: Address, salt: Hash32, sign: [UInt8] = []
    ) {
        self.dataset = dataset
        self.datasetprice = datasetprice
        self.volume = volume
        self.tag = tag
        self.apprestrict = apprestrict
        self.workerpoolrestrict = workerpoolrestrict
        self.requesterrestrict = requesterrestrict
        self.salt = salt
        self.sign = sign
    }

    /// `DatasetOrder`.
    public static let typeName = "DatasetOrder"
    /// The EIP-712 fields, in `IexecLibOrders_v5.DatasetOrder` order.
    public static let fields: [TypedData.Field] = [
        .init(name: "dataset", type: "address"),
        .init(name: "datasetprice", type: "uint256"),
        .init(name: "volume", type: "uint256"),
        .init(name: "tag", type: "bytes32"),
        .init(name: "apprestrict", type: "address"),
        .init(name: "workerpoolrestrict", type: "address"),
        .init(name: "requesterrestrict", type: "address"),
        .init(name: "salt", type: "bytes32"),
    ]
    /// `IexecLibOrders_v5.DATASETORDER_TYPEHASH`.
    public static let typeHash = Keccak256.hash(typeString)
    /// The type hash of `DatasetOrderOperation`, signed to presign or close the order.
    public static let operationTypeHash = Keccak256.hash(DatasetOrderOperation.typeString)

    /// `keccak256(typeHash ‖ field words)` over the fixed layout; `params` hashed, `sign` excluded.
    public var structHash: Hash32 {
        var words = StructWords(typeHash: Self.typeHash, fieldCount: 8)
        words.append(dataset)
        words.append(datasetprice)
        words.append(volume)
        words.append(tag)
        words.append(apprestrict)
        words.append(workerpoolrestrict)
        words.append(requesterrestrict)
        words.append(salt)
        return words.hash()
    }

    /// The fields as a typed-data message: integers as decimal strings.
    public var messageValue: JSONValue {
        .object([
            "dataset": .string(dataset.checksummed),
            "datasetprice": .string(datasetprice.description),
            "volume": .string(volume.description),
            "tag": .string(tag.hex),
            "apprestrict": .string(apprestrict.checksummed),
            "workerpoolrestrict": .string(workerpoolrestrict.checksummed),
            "requesterrestrict": .string(requesterrestrict.checksummed),
            "salt": .string(salt.hex),
        ])
    }

    /// Reads iexec-sdk's JSON object; every field but `sign` is required, others are refused.
    public init(jsonValue: JSONValue) throws(OrderJSONError) {
        let reader = try OrderFieldReader(jsonValue, orderType: Self.typeName, fields: Self.fields)
        self.init(
            dataset: try reader.address("dataset"),
            datasetprice: try reader.uint256("datasetprice"),
            volume: try reader.uint256("volume"),
            tag: try reader.bytes32("tag"),
            apprestrict: try reader.address("apprestrict"),
            workerpoolrestrict: try reader.address("workerpoolrestrict"),
            requesterrestrict: try reader.address("requesterrestrict"),
            salt: try reader.bytes32("salt"),
            sign: try reader.signature())
    }
}
