/// A workerpool scheduler's offer of computing: price per task, how many tasks, the tag it
/// provides, category and trust, and for whom (zero = anyone).
/// Fields and names as the Solidity struct `IexecLibOrders_v5.WorkerpoolOrder` and iexec-sdk's JSON.
public struct WorkerpoolOrder: PoCoOrder {
    /// The workerpool (its registry entry address).
    public var workerpool: Address
    /// Price per task, in nRLC.
    public var workerpoolprice: UInt256
    /// How many tasks this order may serve.
    public var volume: UInt256
    /// Capabilities bitmask the pool offers (must include the deal's tag).
    public var tag: Hash32
    /// The category (time reference) of the tasks.
    public var category: UInt256
    /// The highest trust level the pool accepts.
    public var trust: UInt256
    /// Only this app, or zero for any.
    public var apprestrict: Address
    /// Only this dataset, or zero for any.
    public var datasetrestrict: Address
    /// Only this requester, or zero for any.
    public var requesterrestrict: Address
    /// Random bytes that make otherwise equal orders distinct.
    public var salt: Hash32
    /// The signature (65 or 64 bytes), or empty when unsigned.
    public var sign: [UInt8]

    /// An order with the given fields; `sign` defaults to unsigned.
    public init(
        workerpool: Address, workerpoolprice: UInt256, volume: UInt256, tag: Hash32, category: UInt256,
        trust: UInt256, apprestrict: Address, datasetrestrict: Address, requesterrestrict: Address,
        salt: Hash32, sign: [UInt8] = []
    ) {
        self.workerpool = workerpool
        self.workerpoolprice = workerpoolprice
        self.volume = volume
        self.tag = tag
        self.category = category
        self.trust = trust
        self.apprestrict = apprestrict
        self.datasetrestrict = datasetrestrict
        self.requesterrestrict = requesterrestrict
        self.salt = salt
        self.sign = sign
    }

    /// `WorkerpoolOrder`.
    public static let typeName = "WorkerpoolOrder"
    /// The EIP-712 fields, in `IexecLibOrders_v5.WorkerpoolOrder` order.
    public static let fields: [TypedData.Field] = [
        .init(name: "workerpool", type: "address"),
        .init(name: "workerpoolprice", type: "uint256"),
        .init(name: "volume", type: "uint256"),
        .init(name: "tag", type: "bytes32"),
        .init(name: "category", type: "uint256"),
        .init(name: "trust", type: "uint256"),
        .init(name: "apprestrict", type: "address"),
        .init(name: "datasetrestrict", type: "address"),
        .init(name: "requesterrestrict", type: "address"),
        .init(name: "salt", type: "bytes32"),
    ]
    /// `IexecLibOrders_v5.WORKERPOOLORDER_TYPEHASH`.
    public static let typeHash = Keccak256.hash(typeString)
    /// The type hash of `WorkerpoolOrderOperation`, signed to presign or close the order.
    public static let operationTypeHash = Keccak256.hash(WorkerpoolOrderOperation.typeString)

    /// `keccak256(typeHash ‖ field words)` over the fixed layout; `params` hashed, `sign` excluded.
    public var structHash: Hash32 {
        var words = StructWords(typeHash: Self.typeHash, fieldCount: 10)
        words.append(workerpool)
        words.append(workerpoolprice)
        words.append(volume)
        words.append(tag)
        words.append(category)
        words.append(trust)
        words.append(apprestrict)
        words.append(datasetrestrict)
        words.append(requesterrestrict)
        words.append(salt)
        return words.hash()
    }

    /// The fields as a typed-data message: integers as decimal strings.
    public var messageValue: JSONValue {
        .object([
            "workerpool": .string(workerpool.checksummed),
            "workerpoolprice": .string(workerpoolprice.description),
            "volume": .string(volume.description),
            "tag": .string(tag.hex),
            "category": .string(category.description),
            "trust": .string(trust.description),
            "apprestrict": .string(apprestrict.checksummed),
            "datasetrestrict": .string(datasetrestrict.checksummed),
            "requesterrestrict": .string(requesterrestrict.checksummed),
            "salt": .string(salt.hex),
        ])
    }

    /// Reads iexec-sdk's JSON object; every field but `sign` is required, others are refused.
    public init(jsonValue: JSONValue) throws(OrderJSONError) {
        let reader = try OrderFieldReader(jsonValue, orderType: Self.typeName, fields: Self.fields)
        self.init(
            workerpool: try reader.address("workerpool"),
            workerpoolprice: try reader.uint256("workerpoolprice"),
            volume: try reader.uint256("volume"),
            tag: try reader.bytes32("tag"),
            category: try reader.uint256("category"),
            trust: try reader.uint256("trust"),
            apprestrict: try reader.address("apprestrict"),
            datasetrestrict: try reader.address("datasetrestrict"),
            requesterrestrict: try reader.address("requesterrestrict"),
            salt: try reader.bytes32("salt"),
            sign: try reader.signature())
    }
}
