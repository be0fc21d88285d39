/// A requester's demand: which app (and dataset) to run, the most it pays each party per task, how
/// many tasks, requirements, and where results go.
/// Fields and names as the Solidity struct `IexecLibOrders_v5.RequestOrder` and iexec-sdk's JSON.
public struct RequestOrder: PoCoOrder {
    /// The app to run.
    public var app: Address
    /// The most paid to the app owner per task, in nRLC.
    public var appmaxprice: UInt256
    /// The dataset to use, or zero for none.
    public var dataset: Address
    /// The most paid to the dataset owner per task, in nRLC.
    public var datasetmaxprice: UInt256
    /// The workerpool to use, or zero for any.
    public var workerpool: Address
    /// The most paid to the workerpool per task, in nRLC.
    public var workerpoolmaxprice: UInt256
    /// The requester, who signs and pays.
    public var requester: Address
    /// How many tasks are requested.
    public var volume: UInt256
    /// Requirements bitmask (bit 0 TEE, …).
    public var tag: Hash32
    /// The category (time reference) of the tasks.
    public var category: UInt256
    /// The trust level (consensus size) wanted.
    public var trust: UInt256
    /// Who may read the results.
    public var beneficiary: Address
    /// The contract called with the results, or zero.
    public var callback: Address
    /// Execution parameters: iexec-sdk's JSON text (`iexec_args`, …), hashed as `keccak256(bytes(params))`.
    public var params: String
    /// Random bytes that make otherwise equal orders distinct.
    public var salt: Hash32
    /// The signature (65 or 64 bytes), or empty when unsigned.
    public var sign: [UInt8]

    /// An order with the given fields; `sign` defaults to unsigned.
    public init(
        app: Address, appmaxprice: UInt256, dataset: Address, datasetmaxprice: UInt256, workerpool: Address,
        workerpoolmaxprice: UInt256, requester: Address, volume: UInt256, tag: Hash32, category: UInt256,
        trust: UInt256, beneficiary: Address, callback: Address, params: String, salt: Hash32,
        sign: [UInt8] = []
    ) {
        self.app = app
        self.appmaxprice = appmaxprice
        self.dataset = dataset
        self.datasetmaxprice = datasetmaxprice
        self.workerpool = workerpool
        self.workerpoolmaxprice = workerpoolmaxprice
        self.requester = requester
        self.volume = volume
        self.tag = tag
        self.category = category
        self.trust = trust
        self.beneficiary = beneficiary
        self.callback = callback
        self.params = params
        self.salt = salt
        self.sign = sign
    }

    /// `RequestOrder`.
    public static let typeName = "RequestOrder"
    /// The EIP-712 fields, in `IexecLibOrders_v5.RequestOrder` order.
    public static let fields: [TypedData.Field] = [
        .init(name: "app", type: "address"),
        .init(name: "appmaxprice", type: "uint256"),
        .init(name: "dataset", type: "address"),
        .init(name: "datasetmaxprice", type: "uint256"),
        .init(name: "workerpool", type: "address"),
        .init(name: "workerpoolmaxprice", type: "uint256"),
        .init(name: "requester", type: "address"),
        .init(name: "volume", type: "uint256"),
        .init(name: "tag", type: "bytes32"),
        .init(name: "category", type: "uint256"),
        .init(name: "trust", type: "uint256"),
        .init(name: "beneficiary", type: "address"),
        .init(name: "callback", type: "address"),
        .init(name: "params", type: "string"),
        .init(name: "salt", type: "bytes32"),
    ]
    /// `IexecLibOrders_v5.REQUESTORDER_TYPEHASH`.
    public static let typeHash = Keccak256.hash(typeString)
    /// The type hash of `RequestOrderOperation`, signed to presign or close the order.
    public static let operationTypeHash = Keccak256.hash(RequestOrderOperation.typeString)

    /// `keccak256(typeHash ‖ field words)` over the fixed layout; `params` hashed, `sign` excluded.
    public var structHash: Hash32 {
        var words = StructWords(typeHash: Self.typeHash, fieldCount: 15)
        words.append(app)
        words.append(appmaxprice)
        words.append(dataset)
        words.append(datasetmaxprice)
        words.append(workerpool)
        words.append(workerpoolmaxprice)
        words.append(requester)
        words.append(volume)
        words.append(tag)
        words.append(category)
        words.append(trust)
        words.append(beneficiary)
        words.append(callback)
        words.append(hashOf: params)
        words.append(salt)
        return words.hash()
    }

    /// The fields as a typed-data message: integers as decimal strings.
    public var messageValue: JSONValue {
        .object([
            "app": .string(app.checksummed),
            "appmaxprice": .string(appmaxprice.description),
            "dataset": .string(dataset.checksummed),
            "datasetmaxprice": .string(datasetmaxprice.description),
            "workerpool": .string(workerpool.checksummed),
            "workerpoolmaxprice": .string(workerpoolmaxprice.description),
            "requester": .string(requester.checksummed),
            "volume": .string(volume.description),
            "tag": .string(tag.hex),
            "category": .string(category.description),
            "trust": .string(trust.description),
            "beneficiary": .string(beneficiary.checksummed),
            "callback": .string(callback.checksummed),
            "params": .string(params),
            "salt": .string(salt.hex),
        ])
    }

    /// Reads iexec-sdk's JSON object; every field but `sign` is required, others are refused.
    public init(jsonValue: JSONValue) throws(OrderJSONError) {
        let reader = try OrderFieldReader(jsonValue, orderType: Self.typeName, fields: Self.fields)
        self.init(
            app: try reader.address("app"),
            appmaxprice: try reader.uint256("appmaxprice"),
            dataset: try reader.address("dataset"),
            datasetmaxprice: try reader.uint256("datasetmaxprice"),
            workerpool: try reader.address("workerpool"),
            workerpoolmaxprice: try reader.uint256("workerpoolmaxprice"),
            requester: try reader.address("requester"),
            volume: try reader.uint256("volume"),
            tag: try reader.bytes32("tag"),
            category: try reader.uint256("category"),
            trust: try reader.uint256("trust"),
            beneficiary: try reader.address("beneficiary"),
            callback: try reader.address("callback"),
            params: try reader.string("params"),
            salt: try reader.bytes32("salt"),
            sign: try reader.signature())
    }
}
