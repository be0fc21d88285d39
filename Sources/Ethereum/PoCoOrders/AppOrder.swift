/// An app owner's offer to run its app: price per task, how many tasks, required tag, and who may
/// use it (zero = anyone).
/// Fields and names as the Solidity struct `IexecLibOrders_v5.AppOrder` and iexec-sdk's JSON.
public struct AppOrder: PoCoOrder {
    /// The app (its registry entry address).
    public var app: Address
    /// Price per task, in nRLC.
    public var appprice: UInt256
    /// How many tasks this order may serve.
    public var volume: UInt256
    /// Requirements bitmask (bit 0 TEE, …) the deal's tag must include.
    public var tag: Hash32
    /// Only this dataset, or zero for any.
    public var datasetrestrict: Address
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
        app: Address, appprice: UInt256, volume: UInt256, tag: Hash32, datasetrestrict: Address,
        workerpoolrestrict: Address, requesterrestrict: Address, salt: Hash32, sign: [UInt8] = []
    ) {
        self.app = app
        self.appprice = appprice
        self.volume = volume
        self.tag = tag
        self.datasetrestrict = datasetrestrict
        self.workerpoolrestrict = workerpoolrestrict
        self.requesterrestrict = requesterrestrict
        self.salt = salt
        self.sign = sign
    }

    /// `AppOrder`.
    public static let typeName = "AppOrder"
    /// The EIP-712 fields, in `IexecLibOrders_v5.AppOrder` order.
    public static let fields: [TypedData.Field] = [
        .init(name: "app", type: "address"),
        .init(name: "appprice", type: "uint256"),
        .init(name: "volume", type: "uint256"),
        .init(name: "tag", type: "bytes32"),
        .init(name: "datasetrestrict", type: "address"),
        .init(name: "workerpoolrestrict", type: "address"),
        .init(name: "requesterrestrict", type: "address"),
        .init(name: "salt", type: "bytes32"),
    ]
    /// `IexecLibOrders_v5.APPORDER_TYPEHASH`.
    public static let typeHash = Keccak256.hash(typeString)
    /// The type hash of `AppOrderOperation`, signed to presign or close the order.
    public static let operationTypeHash = Keccak256.hash(AppOrderOperation.typeString)

    /// `keccak256(typeHash ‖ field words)` over the fixed layout; `params` hashed, `sign` excluded.
    public var structHash: Hash32 {
        var words = StructWords(typeHash: Self.typeHash, fieldCount: 8)
        words.append(app)
        words.append(appprice)
        words.append(volume)
        words.append(tag)
        words.append(datasetrestrict)
        words.append(workerpoolrestrict)
        words.append(requesterrestrict)
        words.append(salt)
        return words.hash()
    }

    /// The fields as a typed-data message: integers as decimal strings.
    public var messageValue: JSONValue {
        .object([
            "app": .string(app.checksummed),
            "appprice": .string(appprice.description),
            "volume": .string(volume.description),
            "tag": .string(tag.hex),
            "datasetrestrict": .string(datasetrestrict.checksummed),
            "workerpoolrestrict": .string(workerpoolrestrict.checksummed),
            "requesterrestrict": .string(requesterrestrict.checksummed),
            "salt": .string(salt.hex),
        ])
    }

    /// Reads iexec-sdk's JSON object; every field but `sign` is required, others are refused.
    public init(jsonValue: JSONValue) throws(OrderJSONError) {
        let reader = try OrderFieldReader(jsonValue, orderType: Self.typeName, fields: Self.fields)
        self.init(
            app: try reader.address("app"),
            appprice: try reader.uint256("appprice"),
            volume: try reader.uint256("volume"),
            tag: try reader.bytes32("tag"),
            datasetrestrict: try reader.address("datasetrestrict"),
            workerpoolrestrict: try reader.address("workerpoolrestrict"),
            requesterrestrict: try reader.address("requesterrestrict"),
            salt: try reader.bytes32("salt"),
            sign: try reader.signature())
    }
}
